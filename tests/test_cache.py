"""The cache: outside the repository, never trusted when corrupt or foreign; the benchmark's generator."""

from __future__ import annotations

import importlib.util
import json
import os
import pickle
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest

from sisturva import cache, repository
from sisturva.cli import main
from sisturva.documents import parse

from .conftest import MINIMAL, PROJECT, snapshot


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_generate", PROJECT / "bench" / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def _validate(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, list[dict[str, object]]]:
    code = main(["validate", "--format", "json", *args])
    report = json.loads(capsys.readouterr().out)
    return code, report["findings"]


def _cache_files() -> list[Path]:
    return sorted((Path(os.environ["XDG_CACHE_HOME"]) / "sisturva").glob("*.pickle"))


class _Evil:
    """Unpickling this runs a shell command: what a planted cache file would try."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return os.system, (f"touch {self.marker}",)


@pytest.fixture
def broken(repo: Path) -> Path:
    """The small repository with an unknown goal in a commitment."""
    path = repo / "commitments" / "poliisihallitus.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("[p1-g1]", "[p1-g9]"), encoding="utf-8")
    return repo


def test_cache_lives_in_xdg_cache_home_and_a_warm_run_agrees(
    broken: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first = _validate([str(broken)], capsys)
    names = [p.name.split("-")[0] for p in _cache_files()]
    assert names == ["parse", "validate"]
    assert _validate([str(broken)], capsys) == first
    assert first[0] == 1
    assert [f["code"] for f in first[1]] == ["SIS201"]


def test_a_corrupt_cache_is_ignored(broken: Path, capsys: pytest.CaptureFixture[str]) -> None:
    expected = _validate([str(broken)], capsys)
    for path in _cache_files():
        path.write_bytes(path.read_bytes()[: len(path.read_bytes()) // 2])
    assert _validate([str(broken)], capsys) == expected
    for path in _cache_files():
        path.write_bytes(b"\x80\x05not a pickle at all")
    assert _validate([str(broken)], capsys) == expected


def test_a_foreign_pickle_is_never_run(
    broken: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    expected = _validate([str(broken)], capsys)
    marker = tmp_path / "pwned"
    for path in _cache_files():
        path.write_bytes(pickle.dumps({"format": "x", "entries": _Evil(marker)}))
    assert _validate([str(broken)], capsys) == expected
    for path in _cache_files():
        path.write_bytes(pickle.dumps(_Evil(marker)))
    assert _validate([str(broken)], capsys) == expected
    assert not marker.exists()


def test_no_cache_writes_nothing(broken: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, findings = _validate([str(broken), "--no-cache"], capsys)
    assert (code, len(findings)) == (1, 1)
    assert not (Path(os.environ["XDG_CACHE_HOME"]) / "sisturva").exists()


def test_the_cache_never_writes_inside_the_repository(
    broken: Path, in_dir: object, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    before = snapshot(broken)
    assert _validate([str(broken)], capsys)[0] == 1
    # With no XDG_CACHE_HOME the cache goes to ~/.cache, wherever the command runs from.
    home = broken.parent / "home"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(home))
    in_dir(broken)  # type: ignore[operator]
    assert _validate([], capsys)[0] == 1
    assert snapshot(broken) == before
    assert sorted(p.name.split("-")[0] for p in (home / ".cache" / "sisturva").iterdir()) == [
        "parse",
        "validate",
    ]


def test_generated_repository_validates_clean(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    generate = _generator()
    root = tmp_path / "national"
    generate.write(root, generate.generate(scale=0.05).files())
    code, findings = _validate([str(root), "--no-cache"], capsys)
    # Like a real one, it has draft plans and commitments not yet resourced or tied to a target:
    # notes of alignment, never an error.
    assert [f for f in findings if f["severity"] == "error"] == []
    assert {f["code"] for f in findings} <= {"SIS306", "SIS308", "SIS310", "SIS312"}
    assert code == 0
    again = tmp_path / "again"
    generate.write(again, generate.generate(scale=0.05).files())
    assert snapshot(again) == snapshot(root)


def test_generated_history(tmp_path: Path) -> None:
    generate = _generator()
    root = tmp_path / "history"
    ds = generate.generate(scale=0.05)
    generate.make_history(root, ds, 12)

    def git(*args: str) -> list[str]:
        out = subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True, text=True)
        return out.stdout.splitlines()

    assert len(git("rev-list", "HEAD")) == 13
    assert len(git("diff", "--name-only", "HEAD~1", "HEAD")) == 5
    tracked_file = f"commitments/{next(iter(ds.commitments))}.yaml"
    assert len(git("log", "--format=%H", "--", tracked_file)) == 2  # added, then changed in commit 10
    assert git("status", "--porcelain") == []


def test_parsing_in_worker_processes_gives_the_same_findings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    generate = _generator()
    root = tmp_path / "national"
    generate.write(root, generate.generate(scale=0.05).files())
    (root / "phenomena" / "alias.yaml").write_text("a: &x [1]\nb: *x\n", encoding="utf-8")
    (root / "organisations" / "ctrl.yaml").write_bytes(b"id: \xc3\xa4\x07x\n")
    target = next((root / "commitments").iterdir())
    target.write_text(target.read_text(encoding="utf-8").replace("status: ", "status: x", 1))
    serial = _validate([str(root), "--no-cache"], capsys)
    monkeypatch.setattr(repository, "PARALLEL_BYTES", 0)
    parallel = _validate([str(root), "--no-cache"], capsys)
    assert parallel == serial
    errors = {str(f["code"]) for f in serial[1] if f["severity"] == "error"}
    assert sorted(errors) == ["SIS001", "SIS005", "SIS103"]


def test_an_edit_that_keeps_size_and_time_is_still_seen(
    broken: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # Trust file stamps at once (normally only after a few seconds), so the stamp path is used.
    monkeypatch.setattr(cache, "RACY_NS", 0)
    assert _validate([str(broken)], capsys)[0] == 1
    assert _validate([str(broken)], capsys)[0] == 1
    path = broken / "commitments" / "poliisihallitus.yaml"
    info = path.stat()
    path.write_text(path.read_text(encoding="utf-8").replace("[p1-g9]", "[p1-g1]"), encoding="utf-8")
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))
    assert path.stat().st_size == info.st_size
    assert _validate([str(broken)], capsys) == (0, [])
    (broken / "organisations" / "uusi.yaml").write_text("id: uusi\nkind: ministry\n", encoding="utf-8")
    code, findings = _validate([str(broken)], capsys)
    assert (code, [f["code"] for f in findings]) == (1, ["SIS102"])


def test_a_cache_written_by_a_forked_child_is_complete_when_validate_returns(
    broken: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(cache, "BACKGROUND_ENTRIES", 0)
    expected = _validate([str(broken), "--no-cache"], capsys)
    assert _validate([str(broken)], capsys) == expected
    parse_cache = next(p for p in _cache_files() if p.name.startswith("parse-"))
    store = cache.Store(parse_cache.name[: -len(".pickle")])
    assert len(store.entries) == len(MINIMAL)  # every file's parse result, readable
    assert _validate([str(broken)], capsys) == expected


def test_a_large_cache_is_rewritten_only_once_enough_has_changed(tmp_path: Path) -> None:
    store = cache.Store("sample")
    for number in range(1000):
        store.put(f"k{number}", number)
    store.save()
    written = store.path.read_bytes()
    reread = cache.Store("sample")
    assert len(reread.entries) == 1000
    reread.put("new-1", 1)  # one new entry in a thousand: redone next time rather than written
    reread.save()
    assert store.path.read_bytes() == written
    for number in range(2, 21):
        reread.put(f"new-{number}", number)
    reread.save()  # 20 new entries: still less than a 50th of the 1,020
    assert store.path.read_bytes() == written
    reread.put("new-21", 21)
    reread.save()  # now it is rewritten, with every new entry
    assert cache.Store("sample").entries.keys() == {f"k{n}" for n in range(1000)} | {
        f"new-{n}" for n in range(1, 22)
    }


def test_a_small_cache_is_rewritten_for_any_change() -> None:
    assert cache.worth_rewriting(1, 20)
    assert not cache.worth_rewriting(0, 20)
    assert not cache.worth_rewriting(19, 1000)
    assert cache.worth_rewriting(20, 1000)


def test_cache_files_unused_for_a_month_are_removed(
    repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["validate", "-C", str(repo)]) == 0
    ours = _cache_files()
    assert ours
    folder = ours[0].parent
    gone = folder / "parse-0123456789abcdef.pickle"  # of a checkout that is no longer there
    recent = folder / "pages-fedcba9876543210.pickle"
    gone.write_bytes(b"old")
    recent.write_bytes(b"recent")
    month_and_more = time.time() - 40 * 86_400
    for path in [gone, *ours]:
        os.utime(path, (month_and_more, month_and_more))
    os.utime(recent, (time.time() - 20 * 86_400,) * 2)
    (repo / "organisations" / "sm.yaml").write_text("id: sm\nname: SM\nkind: ministry\n", encoding="utf-8")
    monkeypatch.setattr(cache, "_pruned", set())  # a new process
    assert main(["validate", "-C", str(repo)]) == 0
    assert not gone.exists()
    assert recent.exists()
    assert all(path.exists() for path in ours)  # read by this run: still in use
    capsys.readouterr()


def _state_key() -> Path:
    return Path(os.environ["XDG_STATE_HOME"]) / "sisturva" / "cache.key"


def _rotated(entries: dict[object, object]) -> dict[object, object]:
    """The same keys with each value moved to the next key: every entry well formed, every one wrong."""
    keys, values = list(entries), list(entries.values())
    return dict(zip(keys, values[1:] + values[:1], strict=True))


def _shuffle_in_place(monkeypatch: pytest.MonkeyPatch, attacker_key: str | None) -> None:
    """Rewrite every cache file with its values shuffled and the right code stamp, as a forger would.

    With `attacker_key` the forged file is sealed under that key (a job that wrote a shared cache);
    without it the genuine file's seal is kept over the new content.
    """
    for path in _cache_files():
        entries = cache.load_entries(path)
        assert entries, path.name  # readable under our own key
        if len(entries) == 1:  # the validate result: claim the tree is clean
            forged: dict[object, object] = {
                k: ([], v[1]) if isinstance(v, tuple) else v for k, v in entries.items()
            }
        else:
            forged = _rotated(entries)
        if attacker_key is None:
            payload = pickle.dumps(
                {"format": cache.code_stamp(), "entries": forged}, protocol=pickle.HIGHEST_PROTOCOL
            )
            seal = path.read_bytes()[: len(cache.SEAL) + cache.TAG_BYTES]
            path.write_bytes(seal + payload)
        else:
            monkeypatch.setenv(cache.KEY_ENV, attacker_key)
            cache.save_entries(path, forged)
            monkeypatch.delenv(cache.KEY_ENV)


@pytest.mark.parametrize("attacker_key", [None, "a key of the job that wrote the shared cache"])
def test_a_forged_cache_with_the_right_code_stamp_is_not_trusted(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    attacker_key: str | None,
) -> None:
    generate = _generator()
    root = tmp_path / "national"
    generate.write(root, generate.generate(scale=0.02).files())
    target = next((root / "commitments").iterdir())
    target.write_text(target.read_text(encoding="utf-8").replace("status: ", "status: x", 1))
    expected = _validate([str(root), "--no-cache"], capsys)
    assert expected[0] == 1 and len([f for f in expected[1] if f["severity"] == "error"]) == 1
    assert _validate([str(root)], capsys) == expected
    _shuffle_in_place(monkeypatch, attacker_key)
    assert _validate([str(root)], capsys) == expected
    # Worked out again and rewritten under our key: the next run hits and agrees.
    assert all(cache.load_entries(path) for path in _cache_files())
    assert _validate([str(root)], capsys) == expected


def test_a_cache_made_under_another_key_is_ignored(
    broken: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv(cache.KEY_ENV, "the key of some other job, 1")
    expected = _validate([str(broken)], capsys)
    made = {path: path.read_bytes() for path in _cache_files()}
    assert made
    assert all(cache.load_entries(path) for path in made)
    monkeypatch.setenv(cache.KEY_ENV, "the key of this job, not that one")
    assert all(cache.load_entries(path) == {} for path in made)
    counting = _Counting(parse)
    monkeypatch.setattr("sisturva.repository.parse", counting)
    assert _validate([str(broken)], capsys) == expected
    assert counting.calls == len(MINIMAL)  # every file parsed again: nothing taken from the cache


def test_a_cache_file_under_another_name_is_ignored(tmp_path: Path) -> None:
    store = cache.Store("parse-0123456789abcdef")
    store.put("k", ("v", ()))
    store.save()
    other = store.path.with_name("parse-fedcba9876543210.pickle")
    other.write_bytes(store.path.read_bytes())
    assert cache.load_entries(store.path) == {"k": ("v", ())}
    assert cache.load_entries(other) == {}


class _Counting:
    """`documents.parse`, counting its calls."""

    def __init__(self, parse: Callable[..., object]) -> None:
        self.parse = parse
        self.calls = 0

    def __call__(self, *args: object) -> object:
        self.calls += 1
        return self.parse(*args)


def test_the_cache_still_hits_on_a_second_run(broken: Path, capsys: pytest.CaptureFixture[str]) -> None:
    expected = _validate([str(broken)], capsys)
    key = _state_key()
    assert key.is_file() and key.stat().st_mode & 0o777 == 0o600
    assert not (Path(os.environ["XDG_CACHE_HOME"]) / "sisturva" / "cache.key").exists()
    counting = _Counting(parse)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("sisturva.repository.parse", counting)
        assert _validate([str(broken)], capsys) == expected  # the whole result, from the cache
        assert counting.calls == 0
        path = broken / "organisations" / "sm.yaml"
        path.write_text(path.read_text(encoding="utf-8") + "# muutettu\n", encoding="utf-8")
        assert _validate([str(broken)], capsys) == expected
        assert counting.calls == 1  # only the changed file: the others' parse results were reused
    assert len(key.read_bytes()) == cache.KEY_BYTES


def _no_cache_and_no_traceback(broken: Path, capsys: pytest.CaptureFixture[str]) -> None:
    expected = _validate([str(broken), "--no-cache"], capsys)
    for _ in range(2):
        assert _validate([str(broken)], capsys) == expected
    assert _cache_files() == []
    done = subprocess.run(
        [str(PROJECT / ".venv" / "bin" / "sisturva"), "validate", "-C", str(broken), "--format", "json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    assert json.loads(done.stdout)["findings"] == expected[1]
    assert _cache_files() == []


def test_no_state_folder_means_no_cache_and_no_traceback(
    broken: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the state folder should be\n", encoding="utf-8")
    monkeypatch.setenv("XDG_STATE_HOME", str(blocker))
    _no_cache_and_no_traceback(broken, capsys)


@pytest.mark.parametrize("damage", ["readable by others", "too short", "a symbolic link", "a folder"])
def test_a_key_file_that_cannot_be_trusted_means_no_cache(
    broken: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], damage: str
) -> None:
    key = _state_key()
    key.parent.mkdir(parents=True)
    if damage == "readable by others":
        key.write_bytes(os.urandom(cache.KEY_BYTES))
        key.chmod(0o644)
    elif damage == "too short":
        key.write_bytes(b"short")
        key.chmod(0o600)
    elif damage == "a symbolic link":
        target = tmp_path / "elsewhere.key"
        target.write_bytes(os.urandom(cache.KEY_BYTES))
        target.chmod(0o600)
        key.symlink_to(target)
    else:
        key.mkdir()
    _no_cache_and_no_traceback(broken, capsys)


def test_a_key_inside_the_cache_folder_is_refused(
    broken: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # A restored cache folder would carry such a key with it.
    monkeypatch.setenv("XDG_STATE_HOME", os.environ["XDG_CACHE_HOME"])
    _no_cache_and_no_traceback(broken, capsys)
    assert not (Path(os.environ["XDG_CACHE_HOME"]) / "sisturva" / "cache.key").exists()


def test_a_short_key_in_the_environment_means_no_cache(
    broken: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv(cache.KEY_ENV, "guessable")
    _no_cache_and_no_traceback(broken, capsys)
    assert not _state_key().exists()


def test_the_key_file_is_made_once_and_not_without_a_cache(
    broken: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _validate([str(broken), "--no-cache"], capsys)
    assert not _state_key().parent.exists()  # no cache used: no key read or made
    _validate([str(broken)], capsys)
    made = _state_key().read_bytes()
    cache._keys.clear()  # as a new process would
    _validate([str(broken)], capsys)
    assert _state_key().read_bytes() == made


@pytest.mark.parametrize("seal", ["unkeyed digest", "another key"])
def test_a_planted_compiled_template_is_never_run(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], seal: str
) -> None:
    import hashlib
    import marshal

    from sisturva.publish import bytecode

    def render(out: Path, *extra: str) -> int:
        return main(["render", "-C", str(repo), "--out", str(out), "--format", "site", *extra])

    assert render(tmp_path / "fresh", "--no-cache") == 0
    assert render(tmp_path / "first") == 0
    compiled = sorted((cache.cache_dir() / bytecode.FOLDER).glob("*.jinja"))
    assert compiled
    marker = tmp_path / "pwned"
    payload = marshal.dumps(compile(f"open({str(marker)!r}, 'w').close()", "<planted>", "exec"))
    for path in compiled:
        if seal == "unkeyed digest":  # whole and undamaged, as a plain checksum would see it
            path.write_bytes(bytecode.MAGIC + hashlib.sha256(payload).digest() + payload)
        else:
            other = hashlib.sha256(b"the key of the job that wrote the shared cache").digest()
            path.write_bytes(bytecode.MAGIC + cache.tag(other, path.name, payload) + payload)
    capsys.readouterr()
    assert render(tmp_path / "second") == 0
    assert "Traceback" not in capsys.readouterr().err
    assert not marker.exists()
    assert snapshot(tmp_path / "second") == snapshot(tmp_path / "fresh")
    # The templates this render needed were compiled again and sealed under our key.
    key = cache.cache_key()
    head = len(bytecode.MAGIC) + cache.TAG_BYTES
    rewritten = [content for content in map(Path.read_bytes, compiled) if not content.endswith(payload)]
    assert rewritten
    assert key is not None
    assert all(content.startswith(bytecode.MAGIC) for content in rewritten)
    assert all(
        cache.authentic(key, path.name, content[head:], content[len(bytecode.MAGIC) : head])
        for path in compiled
        if not (content := path.read_bytes()).endswith(payload)
    )
    assert render(tmp_path / "third") == 0
    assert not marker.exists()
