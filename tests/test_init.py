"""`sisturva init`: a new repository that validates, with schemas, CI, pre-commit and a guide; nothing overwritten."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from sisturva.cli import main
from sisturva.commands.schema import schemas
from sisturva.interface import BY_NAME
from sisturva.strategy import kind_of

from .conftest import PROJECT, snapshot
from .gitrepo import git
from .gitrepo import init as git_init

SCAFFOLD = [
    "sisturva.yaml",
    "strategy.yaml",
    "organisations/sihteeristo.yaml",
    *(f"schemas/{name}.schema.json" for name in schemas()),
    "README.md",
    *(f"{folder}/.gitkeep" for folder in ("phenomena", "indicators", "priorities", "commitments", "budgets")),
    ".github/workflows/sisturva.yml",
    ".gitlab-ci.yml",
    ".pre-commit-config.yaml",
]
"""Every file `init` writes, in the order it reports them."""
CALL = re.compile(r"(?:^|[;&|(]\s*|\bthen\s+)sisturva\s+(.*)$")


def _strings(value: object, shell: bool = False) -> Iterator[str]:
    """The shell scripts of a CI file: GitHub's `run`, GitLab's `script` and `before_script`."""
    if isinstance(value, str) and shell:
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, shell or key in ("run", "script", "before_script"))
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item, shell)


def calls(path: Path) -> list[list[str]]:
    """Every `sisturva …` command line of a CI file, split as the shell would, up to a redirection."""
    found = []
    for text in _strings(yaml.safe_load(path.read_text(encoding="utf-8"))):
        for line in text.splitlines():
            match = CALL.search(line.strip())
            if match:
                words = shlex.split(match.group(1), comments=True)
                ends = [i for i, w in enumerate(words) if w.startswith((">", "|", "2>", ";", "&"))]
                found.append(words[: ends[0]] if ends else words)
    return found


@pytest.fixture(autouse=True)
def _no_outer_git(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # git must not find a work tree above the test's folder, wherever the temp folder is.
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    monkeypatch.chdir(tmp_path)


def _init(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["init", *args])
    seen = capsys.readouterr()
    return code, seen.out, seen.err


def _validate(folder: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(["validate", "-C", str(folder), "--no-cache", "-f", "json"])
    return code, capsys.readouterr().out


def test_init_writes_a_repository_that_validates(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _init(capsys, "uusi", "--years", "2025-2028", "--name", "Turvallinen arki")
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[: len(SCAFFOLD)] == [f"wrote uusi/{rel}" for rel in SCAFFOLD]
    # The shipped workflows leave where pip gets sisturva to be filled in; init says so.
    unset = [
        f"uusi/{rel}"
        for rel, example in (
            (".github/workflows/sisturva.yml", "github-actions.yml"),
            (".gitlab-ci.yml", "gitlab-ci.yml"),
        )
        if "FORGE/OWNER" in (PROJECT / "examples" / example).read_text(encoding="utf-8")
    ]
    assert lines[len(SCAFFOLD) :] == [
        "made a git work tree in uusi/ (git init, branch main)",
        *(
            [
                f"next: set SISTURVA_SOURCE in {' and '.join(unset)} to where pip gets sisturva (see the comment there)"
            ]
            if unset
            else []
        ),
        "next: add a partner with `sisturva new organisation ID -C uusi`, "
        "then check it with `sisturva validate -C uusi`",
    ]
    root = tmp_path / "uusi"
    assert git(root, "rev-parse", "--show-toplevel").strip() == str(root.resolve())
    assert git(root, "symbolic-ref", "--short", "HEAD").strip() == "main"
    code, report = _validate(root, capsys)
    assert code == 0
    assert json.loads(report)["counts"] == {"error": 0, "warning": 0, "info": 0}
    settings = yaml.safe_load((root / "sisturva.yaml").read_text(encoding="utf-8"))
    assert settings["languages"] == ["fi", "sv", "en"]
    assert settings["planning_years"] == {"start": 2025, "end": 2028}
    strategy = yaml.safe_load((root / "strategy.yaml").read_text(encoding="utf-8"))
    assert strategy["name"] == {"fi": "Turvallinen arki"}
    # The three levels of the cooperation model, each naming the placeholder secretariat.
    assert strategy["cooperation_group"]["members"] == ["sihteeristo"]
    assert strategy["expert_network"]["members"] == ["sihteeristo"]
    assert strategy["secretariat"] == {"organisation": "sihteeristo"}
    assert (root / "README.md").read_text(encoding="utf-8").startswith("# Turvallinen arki\n\n## Suomeksi\n")


def test_every_yaml_file_names_a_schema_that_is_beside_it_and_passes_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _init(capsys, "r")[0] == 0
    root = tmp_path / "r"
    exported = schemas()
    for name, schema in exported.items():
        assert json.loads((root / "schemas" / f"{name}.schema.json").read_text(encoding="utf-8")) == schema
    records = [p for p in root.rglob("*.yaml") if kind_of(p.relative_to(root).as_posix())]
    assert len(records) == 3
    for path in records:
        first = path.read_text(encoding="utf-8").splitlines()[0]
        match = re.fullmatch(r"# yaml-language-server: \$schema=(\S+)", first)
        assert match, path
        schema_path = (path.parent / match.group(1)).resolve()
        assert schema_path.parent == (root / "schemas").resolve()
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        schema = json.loads(schema_path.read_text(encoding="utf-8"))
        errors = [e.message for e in jsonschema.Draft202012Validator(schema).iter_errors(data)]
        assert errors == [], path


def test_init_in_an_existing_work_tree_makes_no_second_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    top = git_init(tmp_path / "kumppanit")
    (top / "README.md").write_text("# Kumppanit\n", encoding="utf-8")
    code, out, _ = _init(capsys, "kumppanit/strategia", "--lang", "fi,sv")
    assert code == 0
    assert not (top / "strategia" / ".git").exists()
    assert "made a git work tree" not in out
    # The strategy lives in a folder of the work tree: CI and pre-commit are at the top, pointed at it.
    assert "wrote kumppanit/.github/workflows/sisturva.yml" in out.splitlines()
    assert "wrote kumppanit/strategia/README.md" in out.splitlines()
    assert (top / "README.md").read_text(encoding="utf-8") == "# Kumppanit\n"
    workflow = yaml.safe_load((top / ".github/workflows/sisturva.yml").read_text(encoding="utf-8"))
    assert workflow["env"]["STRATEGY"] == "strategia"
    gitlab = yaml.safe_load((top / ".gitlab-ci.yml").read_text(encoding="utf-8"))
    assert gitlab["variables"]["STRATEGY"] == "strategia"
    # Only the repository's languages are rendered: render refuses others.
    renders = [words for words in calls(top / ".gitlab-ci.yml") if words[0] == "render"]
    for words in renders:
        if "--lang" in words:
            assert set(words[words.index("--lang") + 1].split(",")) <= {"fi", "sv"}
    hooks = yaml.safe_load((top / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    assert hooks["repos"][0]["hooks"][0]["entry"] == "sisturva validate -C strategia"
    assert _validate(top / "strategia", capsys)[0] == 0


def test_init_without_git_makes_a_work_tree(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "ilman-gitia"
    target.mkdir()
    code, out, _ = _init(capsys, str(target))
    assert code == 0
    assert (target / ".git").is_dir()
    assert f"made a git work tree in {target}/ (git init, branch main)" in out
    # An absolute folder is shown as typed.
    assert f"wrote {target}/sisturva.yaml" in out


def test_init_twice_overwrites_nothing_and_names_what_it_left(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _init(capsys, "r", "--years", "2025-2028")[0] == 0
    root = tmp_path / "r"
    (root / "strategy.yaml").write_text(
        (root / "strategy.yaml").read_text(encoding="utf-8") + "# oma muutos\n", encoding="utf-8"
    )
    before = {rel: data for rel, data in snapshot(root).items() if not rel.startswith(".git/")}
    code, out, err = _init(capsys, "r", "--years", "2030-2033", "--lang", "fi")
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        *(f"left r/{rel} (it exists)" for rel in SCAFFOLD),
        "nothing to write: every file of the scaffold is already there",
    ]
    assert {rel: data for rel, data in snapshot(root).items() if not rel.startswith(".git/")} == before


def test_init_fills_in_only_what_is_missing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "r"
    (root / "commitments").mkdir(parents=True)
    (root / "README.md").write_text("# Meidän strategia\n", encoding="utf-8")
    (root / ".gitlab-ci.yml").write_text("stages: [test]\n", encoding="utf-8")
    (root / "commitments" / "muistiinpanot.txt").write_text("x\n", encoding="utf-8")
    code, out, _ = _init(capsys, "r")
    assert code == 0
    lines = out.splitlines()
    assert "left r/README.md (it exists)" in lines
    assert "left r/.gitlab-ci.yml (it exists)" in lines
    # A folder that has something in it needs no .gitkeep.
    assert not (root / "commitments" / ".gitkeep").exists()
    assert "wrote r/budgets/.gitkeep" in lines
    assert (root / "README.md").read_text(encoding="utf-8") == "# Meidän strategia\n"
    assert (root / ".gitlab-ci.yml").read_text(encoding="utf-8") == "stages: [test]\n"


def test_one_language_repository_writes_plain_text(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _init(capsys, "r", "--lang", "fi")[0] == 0
    root = tmp_path / "r"
    strategy = yaml.safe_load((root / "strategy.yaml").read_text(encoding="utf-8"))
    assert strategy["name"] == "Uusi strategia"
    assert strategy["cooperation_group"]["name"] == "Yhteistyöryhmä"
    readme = (root / "README.md").read_text(encoding="utf-8")
    assert "## Suomeksi" in readme and "## In English" in readme and "## På svenska" not in readme
    for words in calls(root / ".github/workflows/sisturva.yml"):
        if words[0] == "render" and "--lang" in words:
            assert words[words.index("--lang") + 1] == "fi"
    assert _validate(root, capsys)[0] == 0


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--lang", "sv,fi"], "--lang sv,fi: Finnish comes first"),
        (["--lang", "fi,de"], "--lang: unknown language de; choose from fi, sv, en"),
        (["--lang", "fi,fi"], "a language is named twice"),
        (["--years", "2028-2025"], "--years 2028-2025: the years run from the first to the last"),
        (
            ["--years", "ensi vuonna"],
            "--years ensi vuonna: give the first and last year, e.g. --years 2025-2028",
        ),
        (["--name", " "], "--name: give the strategy's name in Finnish"),
    ],
)
def test_bad_options_are_exit_2_and_write_nothing(
    args: list[str], says: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _init(capsys, "r", *args)
    assert (code, out) == (2, "")
    assert err.startswith("sisturva: error: ") and says in err and len(err.splitlines()) == 1
    assert not (tmp_path / "r").exists()


def test_a_file_in_the_way_is_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "r").write_text("", encoding="utf-8")
    code, _, err = _init(capsys, "r")
    assert code == 2
    assert err == "sisturva: error: r: exists and is not a folder; give a folder for the new repository\n"


# -- the generated CI and pre-commit files --------------------------------------------------------


def _declared(command: str) -> set[str]:
    return {flag for param in BY_NAME[command].params for flag in param.flags}


def _check_calls(path: Path) -> None:
    """Every `sisturva …` line names a declared command and only its declared options."""
    found = calls(path)
    assert {"validate", "review", "render"} <= {words[0] for words in found}
    for words in found:
        assert words[0] in BY_NAME, f"{path.name}: no command {words[0]}"
        for word in words[1:]:
            if word.startswith("-"):
                assert word.split("=", 1)[0] in _declared(words[0]), f"{path.name}: {words[0]} {word}"


def test_the_ci_files_have_the_structure_of_github_actions_and_gitlab_ci(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _init(capsys, "r")[0] == 0
    root = tmp_path / "r"
    github_path = root / ".github/workflows/sisturva.yml"
    github: dict[Any, Any] = yaml.safe_load(github_path.read_text(encoding="utf-8"))
    # PyYAML reads the key `on` as True (YAML 1.1); GitHub reads it as the trigger.
    assert {"pull_request", "push"} <= set(github.get("on") or github[True])
    assert github["jobs"] and all(
        "runs-on" in job and all("run" in step or "uses" in step for step in job["steps"])
        for job in github["jobs"].values()
    )
    _check_calls(github_path)
    gitlab_path = root / ".gitlab-ci.yml"
    gitlab = yaml.safe_load(gitlab_path.read_text(encoding="utf-8"))
    jobs = {k: v for k, v in gitlab.items() if k not in ("stages", "default", "variables")}
    assert jobs and all(job["stage"] in gitlab["stages"] and job["script"] for job in jobs.values())
    _check_calls(gitlab_path)
    assert not github_path.read_text(encoding="utf-8").startswith("# sisturva in GitHub Actions: copy")


def test_pre_commit_runs_sisturvas_own_hooks(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _init(capsys, "r")[0] == 0
    config = yaml.safe_load((tmp_path / "r" / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    [local] = config["repos"]
    assert local["repo"] == "local"
    hooks = {hook["id"]: hook for hook in local["hooks"]}
    assert set(hooks) == {"sisturva-validate", "sisturva-fmt"}
    for hook in hooks.values():
        assert hook["language"] == "system" and hook["pass_filenames"] is False
        assert hook["entry"].split()[:1] == ["sisturva"]
    top = git_init(tmp_path / "yhteinen")
    assert _init(capsys, "yhteinen/strategia")[0] == 0
    inner = yaml.safe_load((top / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    # Each hook runs a declared command, with the strategy folder when it is not the top.
    for hook in inner["repos"][0]["hooks"]:
        command, *options = hook["entry"].split()[1:]
        assert command in BY_NAME, hook["entry"]
        assert options == ["-C", "strategia"] and "-C" in _declared(command)
    declared = PROJECT / ".pre-commit-hooks.yaml"
    if not declared.is_file():
        pytest.skip("the project declares no .pre-commit-hooks.yaml yet")
    ids = {hook["id"] for hook in yaml.safe_load(declared.read_text(encoding="utf-8"))}
    assert set(hooks) <= ids


# -- the wheel ------------------------------------------------------------------------------------


def test_the_wheel_holds_the_ci_examples_and_init_writes_them(tmp_path: Path) -> None:
    # Built from a clean copy, as tests/test_packaging.py builds it.
    project = tmp_path / "project"
    project.mkdir()
    for name in ("pyproject.toml", "setup.py", "README.md"):
        if (PROJECT / name).is_file():
            shutil.copy2(PROJECT / name, project / name)
    for name in ("src", "templates", "examples"):
        shutil.copytree(
            PROJECT / name, project / name, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info", "*.mo")
        )
    wheels = tmp_path / "wheel"
    built = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--quiet",
            "-w",
            str(wheels),
            str(project),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert built.returncode == 0, built.stderr
    [wheel] = wheels.glob("sisturva-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {f"sisturva/examples/{p.name}" for p in (PROJECT / "examples").glob("*.yml")} <= names
    unpacked = tmp_path / "installed"
    zipfile.ZipFile(wheel).extractall(unpacked)
    env = {**os.environ, "PYTHONPATH": str(unpacked), "XDG_CACHE_HOME": str(tmp_path / "cache")}
    where = subprocess.run(
        [sys.executable, "-c", "import sisturva.commands.init as i; print(i.EXAMPLES)"],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    ).stdout.strip()
    assert Path(where).is_relative_to(unpacked), where
    done = subprocess.run(
        [sys.executable, "-m", "sisturva", "init", str(tmp_path / "r")],
        capture_output=True,
        text=True,
        check=False,
        env=env,
    )
    assert done.returncode == 0, done.stderr
    shipped = (PROJECT / "examples" / "gitlab-ci.yml").read_text(encoding="utf-8")
    written = (tmp_path / "r" / ".gitlab-ci.yml").read_text(encoding="utf-8")
    assert written.split("\n", 1)[1] == shipped.split("\n", 1)[1]
