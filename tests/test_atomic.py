"""Outputs replaced atomically: kills at every step, readers during renders, full and read-only disks, leftovers."""

from __future__ import annotations

import errno
import os
import shutil
import stat
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from sisturva import atomic
from sisturva.cli import main
from tests.conftest import snapshot, write_tree

# The old site has an organisation the new one lacks and the new one an organisation the old lacked,
# and a commitment's money changes: a render writes some pages, links others and drops one.
OLD: dict[str, str | bytes] = {
    "organisations/vanha.yaml": "id: vanha\nname: Vanha virasto\nkind: agency\nparent: sm\n"
}
NEW: dict[str, str | bytes] = {
    "organisations/uusi.yaml": "id: uusi\nname: Uusi virasto\nkind: agency\nparent: sm\n"
}
ARGS = ("--format", "site", "--lang", "fi")


def render_args(repo: Path, out: Path, cached: bool = False) -> list[str]:
    return ["render", "-C", str(repo), "--out", str(out), *ARGS, *(() if cached else ("--no-cache",))]


def sisturva(
    *args: str, fault: str | None = None, prefix: tuple[str, ...] = ()
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "SISTURVA_FAULT"}
    if fault is not None:
        env["SISTURVA_FAULT"] = fault
    return subprocess.run(
        [*prefix, sys.executable, "-m", "sisturva", *args],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=120,
    )


def to_new(repo: Path) -> None:
    (repo / "organisations/vanha.yaml").unlink(missing_ok=True)
    rel = "commitments/poliisihallitus.yaml"
    write_tree(repo, {**NEW, rel: (repo / rel).read_text(encoding="utf-8").replace("100000", "150000")})


def leftovers(out: Path) -> list[str]:
    return sorted(p.name for p in out.parent.iterdir() if p.name.startswith(f".{out.name}."))


def restore(out: Path, files: dict[str, bytes]) -> None:
    shutil.rmtree(out, ignore_errors=True)
    for rel, content in files.items():
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        (out / rel).write_bytes(content)


@pytest.fixture
def sites(repo: Path, tmp_path: Path) -> tuple[dict[str, bytes], dict[str, bytes]]:
    """The old site rendered into `tmp_path/site`, and the new one (the repository now holds the new)."""
    write_tree(repo, OLD)
    assert main(render_args(repo, tmp_path / "site")) == 0
    old = snapshot(tmp_path / "site")
    to_new(repo)
    assert main(render_args(repo, tmp_path / "reference")) == 0
    new = snapshot(tmp_path / "reference")
    assert old != new and len(old) == len(new)
    return old, new


def steps_of_a_render(
    repo: Path, out: Path, old: dict[str, bytes], monkeypatch: pytest.MonkeyPatch, cached: bool = False
) -> int:
    """The file-system steps a render of the new strategy over the old site takes (counted, not stopped)."""
    restore(out, old)
    counter = atomic._Fault("kill-before:1000000")
    monkeypatch.setattr(atomic, "_FAULT", counter)
    assert main(render_args(repo, out, cached)) == 0
    monkeypatch.setattr(atomic, "_FAULT", None)
    shutil.rmtree(out)
    return counter.count


def killed_render(repo: Path, out: Path, fault: str) -> int:
    """The exit code of a render in a child process stopped by `fault` (minus the signal when killed)."""
    pid = os.fork()
    if pid == 0:  # the child: a render that never returns into the test run
        code = 70
        try:
            atomic._FAULT = atomic._Fault(fault)
            code = main(render_args(repo, out, cached=True))
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    return -os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)


def test_a_render_killed_at_any_step_leaves_the_old_site_or_the_new_one(
    repo: Path,
    tmp_path: Path,
    sites: tuple[dict[str, bytes], dict[str, bytes]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    old, new = sites
    out = tmp_path / "site"
    # Renders here keep their cache: each takes a tenth of the time, and publishes the same bytes.
    steps = steps_of_a_render(repo, tmp_path / "counted", old, monkeypatch, cached=True)
    assert steps >= len(new) + 3  # a staging folder, each file, the exchange, the removal
    seen = []
    for fault in [f"kill-before:{n}" for n in range(1, steps + 1)] + [f"kill-after:{steps}"]:
        restore(out, old)
        assert killed_render(repo, out, fault) == -9, fault
        found = snapshot(out) if out.is_dir() else None
        assert found in (old, new), f"{fault}: --out is {'missing' if found is None else 'a mix'}"
        seen.append("old" if found == old else "new")
        # The next render finishes the work and removes what the killed one left.
        assert main(render_args(repo, out, cached=True)) == 0
        assert snapshot(out) == new
        assert leftovers(out) == [], fault
    # The exchange is one step: before it the old site, from it on the new one.
    assert seen == sorted(seen, key=["old", "new"].index) and "old" in seen and "new" in seen
    # The same through the environment, as a separate program: killed right after the exchange.
    restore(out, old)
    done = sisturva(*render_args(repo, out), fault=f"kill-after:{steps - 1}")
    assert done.returncode == -9, done.stderr
    assert snapshot(out) == new and len(leftovers(out)) == 1  # the old content, at the staging name
    assert main(render_args(repo, out)) == 0
    assert leftovers(out) == []


STRACE = shutil.which("strace")


@pytest.mark.skipif(STRACE is None, reason="strace is not installed")
@pytest.mark.parametrize("calls", ["rename,renameat,renameat2", "unlink,unlinkat,rmdir", "link,linkat"])
def test_a_render_killed_in_a_system_call_leaves_a_whole_site(
    repo: Path, tmp_path: Path, sites: tuple[dict[str, bytes], dict[str, bytes]], calls: str
) -> None:
    # Independent of the module's own hook: the kernel's calls themselves, stopped by strace.
    old, new = sites
    out = tmp_path / "site"
    killed = 0
    for when in range(1, 4):
        restore(out, old)
        trace = (str(STRACE), "-f", "-qq", "-o", os.devnull, "-e", f"inject={calls}:signal=KILL:when={when}")
        done = sisturva(*render_args(repo, out), prefix=trace)
        found = snapshot(out) if out.is_dir() else None
        assert found in (old, new), f"{calls} #{when}: --out is {'missing' if found is None else 'a mix'}"
        if done.returncode == 0:
            break
        assert done.returncode == -9, done.stderr
        killed += 1
        assert main(render_args(repo, out)) == 0
        assert snapshot(out) == new and leftovers(out) == []
    assert killed >= 1


READER = """
import os, sys
out, stop = sys.argv[1], sys.argv[2]
checks = missing = 0
for _ in range(2_000_000):
    if os.path.exists(stop):
        break
    checks += 1
    try:
        os.listdir(out)
        with open(os.path.join(out, "fi", "index.html"), "rb") as handle:
            handle.read(1)
    except FileNotFoundError:
        missing += 1
print(checks, missing)
"""


def test_a_reader_never_finds_the_output_missing_while_renders_run(repo: Path, tmp_path: Path) -> None:
    out, stop = tmp_path / "site", tmp_path / "stop"
    assert main(render_args(repo, out)) == 0
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(out), str(stop)], stdout=subprocess.PIPE, text=True
    )
    try:
        rel = "commitments/poliisihallitus.yaml"
        for n in range(40):
            euros = "100000" if n % 2 else "120000"
            text = (repo / rel).read_text(encoding="utf-8")
            write_tree(repo, {rel: text.replace("100000", euros).replace("120000", euros)})
            assert main(render_args(repo, out, cached=True)) == 0
    finally:
        stop.touch()
        stdout, _ = reader.communicate(timeout=120)
    checks, missing = map(int, stdout.split())
    assert checks > 100, "the reader did not run beside the renders"
    assert missing == 0, f"--out was missing {missing} times out of {checks}"
    assert leftovers(out) == []


def test_renders_at_the_same_time_into_one_folder_all_succeed(
    repo: Path, tmp_path: Path, sites: tuple[dict[str, bytes], dict[str, bytes]]
) -> None:
    _, new = sites
    out = tmp_path / "site"
    command = [sys.executable, "-m", "sisturva", *render_args(repo, out)]
    runs = [subprocess.Popen(command, stderr=subprocess.PIPE, text=True) for _ in range(4)]
    for run in runs:
        _, stderr = run.communicate(timeout=120)
        assert run.returncode == 0, stderr
    assert snapshot(out) == new
    assert leftovers(out) == []


# ── Disks that refuse ────────────────────────────────────────────────────────────────────────────


@pytest.fixture
def tmpfs(tmp_path: Path) -> Iterator[Callable[[str], Path]]:
    """Mount a tmpfs with the given options (root only); unmounted after the test."""
    mounted: list[Path] = []

    def mount(options: str) -> Path:
        if os.geteuid() != 0 or shutil.which("mount") is None:
            pytest.skip("mounting a tmpfs needs root and mount(8)")
        point = tmp_path / f"disk{len(mounted)}"
        point.mkdir()
        done = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(point)], capture_output=True, text=True
        )
        if done.returncode != 0:
            pytest.skip(f"the kernel refused to mount a tmpfs here: {done.stderr.strip()}")
        mounted.append(point)
        return point

    yield mount
    for point in reversed(mounted):
        subprocess.run(["umount", "-l", str(point)], capture_output=True, check=False)


def assert_refused(done: subprocess.CompletedProcess[str], out: Path, reason: str) -> None:
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    assert str(out) in lines[0] and reason in lines[0], lines[0]
    assert lines[0].startswith("sisturva: error: ")


def test_a_full_disk_stops_the_render_with_one_line_and_keeps_the_old_site(
    repo: Path, tmpfs: Callable[[str], Path]
) -> None:
    disk = tmpfs("size=2m")
    out = disk / "site"
    assert main(render_args(repo, out)) == 0
    old = snapshot(out)
    with open(disk / "filler", "wb") as filler:
        try:
            while True:
                filler.write(b"\0" * 65536)
                filler.flush()
        except OSError as error:
            assert error.errno == errno.ENOSPC
    to_new(repo)
    done = sisturva(*render_args(repo, out))
    assert_refused(done, out, "No space left on device")
    assert "free some space" in done.stderr
    assert snapshot(out) == old
    assert leftovers(out) == []
    (disk / "filler").unlink()
    assert main(render_args(repo, out)) == 0


def test_a_read_only_disk_stops_the_render_with_one_line_and_keeps_the_old_site(
    repo: Path, tmpfs: Callable[[str], Path]
) -> None:
    disk = tmpfs("size=2m")
    out = disk / "site"
    assert main(render_args(repo, out)) == 0
    old = snapshot(out)
    remount = subprocess.run(["mount", "-o", "remount,ro", str(disk)], capture_output=True, text=True)
    if remount.returncode != 0:
        pytest.skip(f"the kernel refused to remount the tmpfs read-only: {remount.stderr.strip()}")
    to_new(repo)
    done = sisturva(*render_args(repo, out))
    assert_refused(done, out, "Read-only file system")
    assert snapshot(out) == old and leftovers(out) == []
    # A new folder on that disk: its parent cannot be made.
    fresh = disk / "new" / "site"
    assert_refused(sisturva(*render_args(repo, fresh)), fresh, "Read-only file system")


# Root ignores permissions; without these capabilities it obeys them like any owner.
NO_OVERRIDE = ("setpriv", "--bounding-set", "-dac_override,-dac_read_search,-fowner", "--")


def without_override() -> tuple[str, ...]:
    if os.geteuid() != 0:
        return ()
    if shutil.which("setpriv") is None:
        pytest.skip("root ignores permissions and setpriv is missing to drop that")
    return NO_OVERRIDE


def test_a_folder_without_write_permission_stops_the_render_with_one_line(repo: Path, tmp_path: Path) -> None:
    prefix = without_override()
    parent = tmp_path / "public"
    out = parent / "site"
    assert main(render_args(repo, out)) == 0
    old = snapshot(out)
    to_new(repo)
    parent.chmod(0o555)
    try:
        done = sisturva(*render_args(repo, out), prefix=prefix)
    finally:
        parent.chmod(0o755)
    assert_refused(done, out, "Permission denied")
    assert snapshot(out) == old and leftovers(out) == []


def test_an_unreadable_output_folder_stops_the_render_with_one_line(repo: Path, tmp_path: Path) -> None:
    prefix = without_override()
    out = tmp_path / "site"
    assert main(render_args(repo, out)) == 0
    out.chmod(0)
    try:
        done = sisturva(*render_args(repo, out), prefix=prefix)
    finally:
        out.chmod(0o755)
    assert_refused(done, out, "Permission denied")
    assert "--out" in done.stderr


@pytest.mark.parametrize(
    ("shape", "reason"),
    [("file", "a part of the path is a file"), ("long", "File name too long")],
)
def test_an_impossible_output_path_is_one_line(
    repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], shape: str, reason: str
) -> None:
    if shape == "file":
        (tmp_path / "plain").write_text("not a folder")
        out = tmp_path / "plain" / "site"
    else:
        out = tmp_path / ("x" * 300)
    assert main(render_args(repo, out)) == 2
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 1 and str(out) in lines[0] and reason in lines[0], lines


def test_a_failing_step_stops_the_render_with_one_line_and_keeps_the_old_site(
    repo: Path,
    tmp_path: Path,
    sites: tuple[dict[str, bytes], dict[str, bytes]],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # Where no tmpfs can be mounted, this stands for the full disk: the system's error at each step.
    old, new = sites
    out = tmp_path / "site"
    steps = steps_of_a_render(repo, tmp_path / "counted", old, monkeypatch, cached=True)
    faults = [f"ENOSPC:{n}" for n in range(1, steps + 1)]
    faults += [f"{code}:{steps - 1}" for code in ("EDQUOT", "EROFS", "EACCES", "EIO")]  # the exchange
    refused = 0
    for fault in faults:
        restore(out, old)
        capsys.readouterr()
        monkeypatch.setattr(atomic, "_FAULT", atomic._Fault(fault))
        code = main(render_args(repo, out, cached=True))
        lines = capsys.readouterr().err.splitlines()
        if code == 0:
            # A link that fails is written instead; a removal that fails leaves a leftover.
            assert snapshot(out) == new, fault
            continue
        refused += 1
        assert code == 2 and len(lines) == 1, (fault, lines)
        reason = os.strerror(getattr(errno, fault.partition(":")[0]))
        assert str(out) in lines[0] and reason in lines[0], (fault, lines)
        assert snapshot(out) == old and leftovers(out) == [], fault
    assert refused >= len(faults) // 2


def test_without_the_exchange_two_renames_replace_the_folder(
    repo: Path,
    tmp_path: Path,
    sites: tuple[dict[str, bytes], dict[str, bytes]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    old, new = sites
    out = tmp_path / "site"
    monkeypatch.setattr(atomic, "_exchanger", lambda: None)
    assert not atomic.exchange(tmp_path / "site", tmp_path / "reference")
    assert main(render_args(repo, tmp_path / "fresh")) == 0
    assert snapshot(tmp_path / "fresh") == new
    restore(out, old)
    assert main(render_args(repo, out)) == 0
    assert snapshot(out) == new and leftovers(out) == []
    # The second rename failing puts the old folder back.
    steps = steps_of_a_render(repo, tmp_path / "counted", old, monkeypatch)
    restore(out, old)
    monkeypatch.setattr(atomic, "_FAULT", atomic._Fault(f"ENOSPC:{steps - 1}"))
    assert main(render_args(repo, out)) == 2
    assert snapshot(out) == old and leftovers(out) == []


# ── The exchange ─────────────────────────────────────────────────────────────────────────────────


@pytest.mark.skipif(sys.platform != "linux", reason="renameat2 is Linux's")
@pytest.mark.parametrize("way", ["_by_symbol", "_by_syscall"])
def test_the_exchange_swaps_two_folders_in_one_call(tmp_path: Path, way: str) -> None:
    call = getattr(atomic, way)()
    if call is None:
        pytest.skip(f"no renameat2 {way[4:]} on this system")
    first, second = tmp_path / "first", tmp_path / "second"
    write_tree(first, {"a": "1"})
    write_tree(second, {"b": "2"})
    assert call(os.fsencode(first), os.fsencode(second)) == 0
    assert [p.name for p in first.iterdir()] == ["b"] and [p.name for p in second.iterdir()] == ["a"]
    assert call(os.fsencode(first), os.fsencode(tmp_path / "missing")) == errno.ENOENT
    assert atomic.exchange(first, second)
    assert (first / "a").is_file()
    with pytest.raises(FileNotFoundError):
        atomic.exchange(first, tmp_path / "missing")


# ── Leftovers ────────────────────────────────────────────────────────────────────────────────────

HOLDER = """
import fcntl, os, sys
fd = os.open(sys.argv[1], os.O_RDONLY | os.O_DIRECTORY)
fcntl.flock(fd, fcntl.LOCK_EX)
print("locked", flush=True)
sys.stdin.read()
"""


def test_leftovers_of_dead_runs_go_and_nothing_else(repo: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    assert main(render_args(repo, out)) == 0
    dead = [tmp_path / ".site.k3j9_a0z", tmp_path / ".site.old.abcdefgh"]
    for folder in dead:
        write_tree(folder, {"fi/index.html": "half", ".sisturva-render": ""})
    live = tmp_path / ".site.live0001"
    write_tree(live, {"fi/index.html": "being written"})
    others = [
        ".site.short",
        ".site.ABCDEFGH",
        ".site.abcdefghi",
        ".site.old",
        ".site.abcdefgh.tmp",
        ".sites.abcdefgh",
        ".other.abcdefgh",
        "site.abcdefgh",
        "x.site.abcdefgh",
    ]
    for name in others:
        write_tree(tmp_path / name, {"keep": name})
    (tmp_path / ".site.zzzzzzzz").write_text("a file with the name, not a folder")
    elsewhere = tmp_path / "elsewhere"
    write_tree(elsewhere, {"keep": "the target of a link"})
    (tmp_path / ".site.linkedto").symlink_to(elsewhere)
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(live)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "locked\n"
        assert main(render_args(repo, out)) == 0
        assert not any(folder.exists() for folder in dead)
        assert (live / "fi/index.html").read_text() == "being written"  # its run is alive
    finally:
        holder.communicate("", timeout=60)
    for name in others:
        assert (tmp_path / name / "keep").read_text() == name
    assert (tmp_path / ".site.zzzzzzzz").is_file()
    assert (tmp_path / ".site.linkedto").is_symlink() and (elsewhere / "keep").is_file()
    # Once its process has ended, the folder it held is a leftover like the others.
    assert main(render_args(repo, out)) == 0
    assert not live.exists()
    kept = [name for name in others if name.startswith(".site.")] + [".site.linkedto", ".site.zzzzzzzz"]
    assert leftovers(out) == sorted(kept)


# ── One file ─────────────────────────────────────────────────────────────────────────────────────


def test_write_file_replaces_content_and_keeps_the_mode(tmp_path: Path) -> None:
    path = tmp_path / "strategy.yaml"
    assert atomic.write_file(path, b"one\n")
    assert path.read_bytes() == b"one\n"
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~umask
    path.chmod(0o640)
    assert atomic.write_file(path, b"two\n")
    assert path.read_bytes() == b"two\n"
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["strategy.yaml"]


def test_write_file_leaves_the_same_content_untouched(tmp_path: Path) -> None:
    path = tmp_path / "strategy.yaml"
    path.write_bytes(b"same\n")
    past = time.time() - 3600
    os.utime(path, (past, past))
    before = path.stat()
    assert not atomic.write_file(path, b"same\n")
    after = path.stat()
    assert (after.st_ino, after.st_mtime) == (before.st_ino, before.st_mtime)


@pytest.mark.parametrize("step", [1, 2])
def test_write_file_failing_leaves_the_old_file_and_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, step: int
) -> None:
    path = tmp_path / "strategy.yaml"
    path.write_bytes(b"old\n")
    monkeypatch.setattr(atomic, "_FAULT", atomic._Fault(f"ENOSPC:{step}"))
    with pytest.raises(atomic.OutputError) as failed:
        atomic.write_file(path, b"new\n")
    assert str(path) in str(failed.value) and "No space left on device" in str(failed.value)
    assert path.read_bytes() == b"old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["strategy.yaml"]


def test_write_file_on_a_full_disk_leaves_no_temporary_file(tmpfs: Callable[[str], Path]) -> None:
    disk = tmpfs("size=64k")
    path = disk / "strategy.yaml"
    path.write_bytes(b"old\n")
    with pytest.raises(atomic.OutputError, match="No space left on device"):
        atomic.write_file(path, b"x" * 200_000)
    assert path.read_bytes() == b"old\n"
    assert sorted(p.name for p in disk.iterdir()) == ["strategy.yaml"]


def test_write_file_refuses_a_symbolic_link(tmp_path: Path) -> None:
    target = tmp_path / "target"
    target.write_bytes(b"kept\n")
    (tmp_path / "link").symlink_to(target)
    with pytest.raises(atomic.OutputError, match="symbolic link"):
        atomic.write_file(tmp_path / "link", b"new\n")
    assert target.read_bytes() == b"kept\n"


def test_a_mistyped_fault_refuses_to_write(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(atomic, "_FAULT", atomic._fault("kill-befor:3"))
    with pytest.raises(atomic.OutputError, match="SISTURVA_FAULT"):
        atomic.write_file(tmp_path / "x", b"x")
