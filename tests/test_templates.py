"""A repository's own templates: confined to the repository, sandboxed, bounded in memory and CPU time.

Each folder of `cases/templates/` is one attack (or, `benign`, an override that must still work):
its files are the templates, written where the repository's templates folder leads; `settings.txt`
holds lines added to `sisturva.yaml`; `links.txt` the symbolic links (and FIFOs) the test makes,
one `path -> target` a line, paths from the repository root (git cannot hold them portably);
`expected.txt` the exit code, then what stderr must say (for exit 0: what `fi/index.html` shows).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from sisturva.cli import main
from tests.conftest import MINIMAL, snapshot, write_tree

CASES = Path(__file__).parent / "cases" / "templates"
SPECIAL = {"expected.txt", "links.txt", "settings.txt"}
SECRET = "root:x:0:0:sisturva-test-secret"
"""Planted where the attacks reach (a file beside the repository, the environment): never published."""
LIMITS = {"SISTURVA_TEMPLATE_CPU_SECONDS": "2", "SISTURVA_TEMPLATE_MEMORY_MB": "512"}
"""Lower limits than production's, so that every case takes a second or two."""
PREVIOUS = {".sisturva-render": "made by sisturva render\n", "index.html": "<p>the previous site</p>\n"}


def case_names() -> list[str]:
    return sorted(p.name for p in CASES.iterdir() if p.is_dir())


def make_case(name: str, tmp_path: Path) -> Path:
    """The case's strategy repository in `tmp_path/repo`, with its templates, settings and links."""
    case = CASES / name
    repo = write_tree(tmp_path / "repo", dict(MINIMAL))
    (tmp_path / "secret.txt").write_text(SECRET + "\n", encoding="utf-8")
    outside = tmp_path / "evil"
    outside.mkdir()
    setting = "templates"
    if (case / "settings.txt").is_file():
        added = (case / "settings.txt").read_text(encoding="utf-8")
        with (repo / "sisturva.yaml").open("a", encoding="utf-8") as handle:
            handle.write(added)
        setting = added.split(":", 1)[1].strip()
    links = (case / "links.txt").read_text(encoding="utf-8") if (case / "links.txt").is_file() else ""
    for row in links.splitlines():
        where, _, target = (part.strip() for part in row.partition("->"))
        path = repo / where
        path.parent.mkdir(parents=True, exist_ok=True)
        if target == "<fifo>":
            os.mkfifo(path)
        else:
            os.symlink(target.replace("{outside}", str(outside)), path)
    folder = (repo / setting).resolve()
    if folder.is_relative_to(tmp_path):
        for source in sorted(case.rglob("*")):
            rel = source.relative_to(case)
            if source.is_file() and str(rel) not in SPECIAL:
                copy = folder / rel
                if not copy.is_symlink() and not copy.exists():
                    copy.parent.mkdir(parents=True, exist_ok=True)
                    copy.write_bytes(source.read_bytes())
    return repo


def expected(name: str) -> tuple[int, str]:
    code, text = (CASES / name / "expected.txt").read_text(encoding="utf-8").split("\n", 1)
    return int(code), text.rstrip("\n")


def sisturva(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The real command in a process of its own, with a secret in its environment."""
    env = {**os.environ, **LIMITS, "SISTURVA_TEST_SECRET": SECRET}
    return subprocess.run(
        [sys.executable, "-m", "sisturva", *args],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def published(out: Path) -> str:
    return "\n".join(p.read_bytes().decode("utf-8", "replace") for p in sorted(out.rglob("*")) if p.is_file())


@pytest.mark.parametrize("name", case_names())
def test_template_attack(name: str, tmp_path: Path) -> None:
    make_case(name, tmp_path)
    out = write_tree(tmp_path / "site", dict(PREVIOUS))
    before = snapshot(out)
    code, says = expected(name)
    done = sisturva(tmp_path, "render", "-C", "repo", "--out", "site", "--format", "site", "--no-cache")
    assert done.returncode == code, done.stderr
    assert "Traceback" not in done.stderr
    assert SECRET not in done.stdout + done.stderr
    if code == 0:
        assert says in (out / "fi/index.html").read_text(encoding="utf-8")
        assert SECRET not in published(out)
        return
    errors = [line for line in done.stderr.splitlines() if line.startswith("sisturva: error:")]
    assert len(errors) == 1 and says in errors[0], done.stderr
    assert snapshot(out) == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".site")) == []


@pytest.mark.parametrize(
    ("name", "finding"),
    [
        ("symlink-passwd", "repo/templates/pw.html:1:1: error SIS013: "),
        ("symlink-environ", "repo/templates/env.html:1:1: error SIS013: "),
        ("symlinked-subfolder", "repo/templates/etc:1:1: error SIS013: "),
        ("symlink-in-subfolder", "repo/templates/parts/pw.html:1:1: error SIS013: "),
        ("symlink-chain", "repo/templates/b.html:1:1: error SIS013: "),
        ("fifo", "repo/templates/fifo.html:1:1: error SIS013: not a regular file"),
        (
            "symlinked-templates-folder",
            "repo/templates:1:1: error SIS013: the templates folder is a symbolic link",
        ),
        ("setting-parent", "repo/sisturva.yaml:4:1: error SIS013: templates: '../evil' leads outside"),
        ("setting-absolute", "repo/sisturva.yaml:4:1: error SIS013: templates: '/etc' is an absolute path"),
        (
            "setting-deep-parent",
            "repo/sisturva.yaml:4:1: error SIS013: templates: '../../../../../etc' leads",
        ),
        (
            "setting-through-link",
            "repo/sisturva.yaml:4:1: error SIS013: templates: 'site/templates' leads through",
        ),
    ],
)
def test_validate_reports_what_render_refuses(
    name: str, finding: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], in_dir: object
) -> None:
    make_case(name, tmp_path)
    in_dir(tmp_path)  # type: ignore[operator]
    assert main(["validate", "-C", "repo"]) == 1
    assert finding in capsys.readouterr().out


def test_validate_accepts_an_ordinary_templates_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], in_dir: object
) -> None:
    make_case("benign", tmp_path)
    in_dir(tmp_path)  # type: ignore[operator]
    assert main(["validate", "-C", "repo"]) == 0
    assert "SIS013" not in capsys.readouterr().out
    # A link added later is found although the record files, and so the cached result, are unchanged.
    os.symlink("/etc/passwd", tmp_path / "repo/templates/late.html")
    assert main(["validate", "-C", "repo"]) == 1
    assert "repo/templates/late.html:1:1: error SIS013" in capsys.readouterr().out


def test_the_loader_never_follows_a_link_even_when_asked_directly(tmp_path: Path) -> None:
    """The confinement is the loader's own, not only `render`'s check of the folder beforehand."""
    import jinja2

    from sisturva.publish import templates

    repo = write_tree(tmp_path / "repo", {"templates/ok.html": "ok", "templates/parts/ok.html": "ok"})
    os.symlink("/etc/passwd", repo / "templates/pw.html")
    os.symlink("/etc", repo / "templates/etc")
    os.symlink("/etc/passwd", repo / "templates/parts/pw.html")
    os.mkfifo(repo / "templates/fifo.html")
    own = templates.Overrides(repo, ("templates",))
    env = templates.environment(own)
    assert env.get_template("ok.html").render() == "ok"
    assert env.get_template("parts/ok.html").render() == "ok"
    for name in ("pw.html", "etc/passwd", "parts/pw.html", "fifo.html"):
        with pytest.raises(jinja2.TemplateError, match=r"symbolic link|not a regular file"):
            env.get_template(name)
    for name in ("../../secret.txt", "/etc/passwd", ".hidden.html", "parts/../pw.html"):
        with pytest.raises(jinja2.TemplateNotFound):
            env.get_template(name)
    (repo / "templates/big.html").write_text("x" * 1_000_001, encoding="utf-8")
    with pytest.raises(jinja2.TemplateError, match="over the 1,000,000-byte limit"):
        env.get_template("big.html")
    linked = templates.Overrides(tmp_path, ("repo", "templates"))
    os.symlink(repo, tmp_path / "alias")
    with pytest.raises(templates.Refused, match="alias: symbolic link"):
        templates.Overrides(tmp_path, ("alias", "templates")).read("ok.html")
    assert linked.read("ok.html") == b"ok"


@pytest.mark.parametrize(
    ("name", "template", "says"),
    [
        ("languages.html", "<p>\n{{ 'a' * 10**9 }}</p>", "languages.html:2: the value would hold"),
        (
            "data.html",
            "{% for i in range(10**5) %}{% for j in range(10**5) %}{% endfor %}{% endfor %}",
            "data.html:1: ",
        ),
        (
            "base.html",
            "{% macro m() %}{{ m() }}{% endmacro %}\n{{ m() }}",
            "base.html:1: the template calls itself",
        ),
    ],
)
def test_every_page_of_the_site_renders_in_the_worker(
    name: str,
    template: str,
    says: str,
    repo: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The language chooser and the open data pages too, which are rendered apart from the others."""
    for variable, value in LIMITS.items():
        monkeypatch.setenv(variable, value)
    write_tree(repo, {f"templates/{name}": template})
    assert main(["render", "-C", str(repo), "--out", str(tmp_path / "out"), "--no-cache"]) == 2
    err = capsys.readouterr().err
    assert says in err and "Traceback" not in err, err
    assert not (tmp_path / "out").exists()


def test_packaged_templates_render_in_this_process_without_the_sandbox(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The packaged templates pay for none of the limits: no worker, no intercepted operators."""
    import jinja2

    from sisturva.publish import templates

    def no_worker(work: object) -> object:
        raise AssertionError("the packaged templates must not render in a worker")

    monkeypatch.setattr(templates, "isolated", no_worker)
    assert type(templates.environment(None)) is jinja2.Environment
    assert main(["render", "-C", str(repo), "--out", str(tmp_path / "site"), "--no-cache"]) == 0


def test_a_failed_worker_is_not_run_again_here(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from sisturva.publish import writing

    repo = make_case("range-abuse", tmp_path)
    for name, value in LIMITS.items():
        monkeypatch.setenv(name, value)
    rendered: list[object] = []
    original = writing._render_jobs

    def spy(prepared: object, jobs: list[object]) -> dict[str, bytes]:
        rendered.append(jobs)  # in the worker this list is the worker's own copy
        return original(prepared, jobs)  # type: ignore[arg-type]

    monkeypatch.setattr(writing, "_render_jobs", spy)
    assert main(["render", "-C", str(repo), "--out", str(tmp_path / "out"), "--no-cache"]) == 2
    assert "index.html:2: the templates took more than 2 s of CPU time" in capsys.readouterr().err
    assert rendered == []


@pytest.mark.parametrize(
    ("template", "refused"),
    [
        ("{{ 'a' * 10**8 }}", "10,000,000 characters"),
        ("{{ 10**8 * 'a' }}", "10,000,000 characters"),
        ("{{ ('a' * 9000000) + ('b' * 9000000) }}", "18,000,000"),
        ("{{ 7 ** 100000 }}", "bits"),
        ("{{ '%*d' % (10**9, 1) }}", "from the arguments"),
        ("{{ '{:{}}'.format(1, 10**9) }}", "from the arguments"),
        ("{{ 'x'.zfill(10**9) }}", "a width"),
        ("{{ 'x\\ty'.expandtabs(10**9) }}", "characters or items"),
        ("{{ ('x' * 1000000).join(['a'] * 20) }}", "characters or items"),
        ("{{ 'x'|indent(10**9) }}", "a width"),
        ("{{ '%999999999s'|format('x') }}", "a width"),
    ],
)
def test_the_sandbox_refuses_huge_values_before_making_them(template: str, refused: str) -> None:
    from jinja2.exceptions import SecurityError

    from sisturva.publish.sandbox import BoundedSandbox

    with pytest.raises(SecurityError, match=refused):
        BoundedSandbox().from_string(template).render()


def test_the_sandbox_still_computes_ordinary_values() -> None:
    from sisturva.publish.sandbox import BoundedSandbox

    template = "{{ 'ab' * 3 }} {{ 2 ** 64 }} {{ '%05.1f' % 3.14159 }} {{ '{:>4}'.format(7) }} {{ [1] + [2] }}"
    assert BoundedSandbox().from_string(template).render() == "ababab 18446744073709551616 003.1    7 [1, 2]"


@pytest.mark.parametrize("value", ["0", "-1", "many", "nan"])
def test_a_bad_limit_in_the_environment_is_refused(
    value: str,
    repo: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    write_tree(repo, {"templates/changes.html": "ok\n"})
    monkeypatch.setenv("SISTURVA_TEMPLATE_CPU_SECONDS", value)
    assert main(["render", "-C", str(repo), "--out", str(tmp_path / "out"), "--no-cache"]) == 2
    assert f"SISTURVA_TEMPLATE_CPU_SECONDS={value!r}: give a positive number" in capsys.readouterr().err


def test_without_the_variables_the_limits_are_production_ones(monkeypatch: pytest.MonkeyPatch) -> None:
    from sisturva.publish import templates

    for name in LIMITS:
        monkeypatch.delenv(name, raising=False)
    assert templates.cpu_seconds() == templates.CPU_SECONDS == 120
    assert templates.memory_bytes() == templates.MEMORY_BYTES == 2 << 30


def busy_in_c() -> int:
    return sum(range(10**13))  # one call into C: no signal handler runs until it returns


@pytest.mark.parametrize(
    ("work", "message"),
    [
        (busy_in_c, "templates: stopped after 1 s of CPU time"),
        (
            lambda: len(bytearray(600 << 20)),
            "templates: out of memory: the templates need more than the 512 MiB",
        ),
    ],
)
def test_the_kernel_limits_stop_what_the_timer_cannot(
    work: object, message: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sisturva.errors import TemplateError
    from sisturva.publish import templates

    monkeypatch.setenv("SISTURVA_TEMPLATE_CPU_SECONDS", "1")
    monkeypatch.setenv("SISTURVA_TEMPLATE_MEMORY_MB", "512")
    monkeypatch.setattr(templates, "CPU_GRACE_SECONDS", 1)
    with pytest.raises(TemplateError, match=message):
        templates.isolated(work)  # type: ignore[arg-type]


def test_a_bug_in_the_worker_is_shown_as_a_bug() -> None:
    from sisturva.publish import templates

    with pytest.raises(RuntimeError, match="ZeroDivisionError"):
        templates.isolated(lambda: 1 // 0)
    assert templates.isolated(lambda: {"a": b"b"}) == {"a": b"b"}
