"""The shipped CI examples are valid workflows whose commands work on a real strategy repository.

Each example is read as its CI reads it; every `sisturva …` line of its scripts is run, with the
workflow's variables, against a git repository made from the shipped example strategy; and the
script that posts the review comment is run with stand-ins for `gh` and `curl` that record what
would reach the pull request.
"""

from __future__ import annotations

import itertools
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from sisturva.cli import main
from tests import gitrepo
from tests.conftest import PROJECT

GITHUB = PROJECT / "examples" / "github-actions.yml"
GITLAB = PROJECT / "examples" / "gitlab-ci.yml"
EXAMPLES = [GITHUB, GITLAB]
MARKER = "<!-- sisturva-review -->"
CALL = re.compile(r"(?:^|[;&|(]\s*|\bthen\s+)sisturva\s+(.*)$")
# Keys of a GitLab CI file that are settings, not jobs.
GITLAB_SETTINGS = {"stages", "variables", "default", "include", "workflow", "image", "cache", "services"}
# The values GitHub gives the expressions the examples use, for a pull request from the same repository.
GITHUB_CONTEXT = {
    "github.base_ref": "main",
    "github.token": "test-token",
    "github.repository": "partner/strategy",
    "github.event.pull_request.number": "7",
}
# The variables GitLab sets in a merge request pipeline that the examples use.
GITLAB_CONTEXT = {
    "CI_PROJECT_DIR": ".",
    "CI_MERGE_REQUEST_TARGET_BRANCH_NAME": "main",
    "CI_API_V4_URL": "https://gitlab.example.org/api/v4",
    "CI_PROJECT_ID": "11",
    "CI_MERGE_REQUEST_IID": "7",
}
EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")


@dataclass(frozen=True)
class Script:
    """One `run:` (GitHub) or `script:` item (GitLab) with the environment it runs in."""

    job: str
    text: str
    env: dict[str, str]


def load(path: Path) -> dict[Any, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict), path.name
    return data


def trigger(workflow: dict[Any, Any]) -> Any:
    # YAML 1.1, as PyYAML reads it, takes the key `on` for the boolean true; GitHub reads YAML 1.2.
    return workflow.get("on", workflow.get(True))


def resolve(value: object) -> str:
    """A GitHub env value with its `${{ … }}` expressions replaced; an unknown one fails the test."""
    return EXPRESSION.sub(lambda m: GITHUB_CONTEXT[m.group(1)], str(value))


def scripts(path: Path) -> list[Script]:
    """Every script of a workflow file, in the order CI runs them within each job."""
    data = load(path)
    found = []
    if path == GITHUB:
        top = {k: resolve(v) for k, v in data.get("env", {}).items()}
        for name, job in data["jobs"].items():
            job_env = {**top, **{k: resolve(v) for k, v in job.get("env", {}).items()}}
            for step in job["steps"]:
                if "run" in step:
                    env = {**job_env, **{k: resolve(v) for k, v in step.get("env", {}).items()}}
                    found.append(Script(name, step["run"], env))
    else:
        env = {**GITLAB_CONTEXT, **{k: str(v) for k, v in data.get("variables", {}).items()}}
        env = {k: v.replace("$CI_PROJECT_DIR", env["CI_PROJECT_DIR"]) for k, v in env.items()}
        default = data.get("default", {})
        for name, job in data.items():
            if name in GITLAB_SETTINGS or name.startswith("."):
                continue
            job_env = {**env, **{k: str(v) for k, v in job.get("variables", {}).items()}}
            for item in [*job.get("before_script", default.get("before_script", [])), *job["script"]]:
                found.append(Script(name, item, job_env))
    return found


@dataclass(frozen=True)
class Call:
    """A `sisturva …` command line: its words as the shell splits them, and where stdout goes."""

    job: str
    words: list[str]
    out: str | None
    env: dict[str, str]


def calls(path: Path) -> list[Call]:
    """Every `sisturva …` command line in the scripts of a workflow file."""
    found = []
    for script in scripts(path):
        for line in script.text.splitlines():
            match = CALL.search(line.strip())
            if not match:
                continue
            words = shlex.split(match.group(1), comments=True)
            ends = [i for i, w in enumerate(words) if w.startswith((">", "|", "2>", ";", "&"))]
            end = ends[0] if ends else len(words)
            out = words[end + 1] if end < len(words) and words[end] == ">" else None
            found.append(Call(script.job, words[:end], out, script.env))
    return found


def expand(word: str, env: dict[str, str]) -> str:
    """`$NAME` and `${NAME}` as the shell expands them in double quotes; an unset name fails the test."""
    return re.sub(r"\$(?:\{(\w+)\}|(\w+))", lambda m: env[m.group(1) or m.group(2)], word)


def test_there_are_examples_for_github_and_gitlab() -> None:
    assert sorted(p.name for p in (PROJECT / "examples").glob("*.yml")) == [p.name for p in EXAMPLES]
    for path in EXAMPLES:
        commands = [call.words[0] for call in calls(path)]
        assert {"validate", "review", "render"} <= set(commands), path.name


def test_github_workflow_is_well_formed() -> None:
    workflow = load(GITHUB)
    assert {"pull_request", "push"} <= set(trigger(workflow)), "runs on pull requests and pushes"
    assert "pull_request_target" not in trigger(workflow), "fork pull requests must not get write rights"
    assert workflow["permissions"] == {"contents": "read"}
    jobs = workflow["jobs"]
    assert jobs["check"]["permissions"] == {"contents": "read", "pull-requests": "write"}
    review = next(s for s in jobs["check"]["steps"] if "sisturva review" in s.get("run", ""))
    assert review["env"]["BASE"] == "${{ github.base_ref }}", "the pull request's own base branch"
    for name, job in jobs.items():
        assert isinstance(job["runs-on"], str), name
        steps = job["steps"]
        assert steps, name
        for step in steps:
            assert ("uses" in step) != ("run" in step), f"{name}: {step}"
            # Pull-request text (titles, branch names) reaches scripts through env vars only.
            assert "${{" not in step.get("run", ""), f"{name}: expression inline in run: {step['run']}"
        checkout = next(s for s in steps if s.get("uses", "").startswith("actions/checkout@"))
        assert checkout["with"]["fetch-depth"] == 0, f"{name}: the merge base and log need the history"
        python = next(s for s in steps if s.get("uses", "").startswith("actions/setup-python@"))
        major, minor = map(int, str(python["with"]["python-version"]).split("."))
        assert (major, minor) >= (3, 11), name
        assert python["with"]["cache"] == "pip", name
        assert python["with"]["cache-dependency-path"] == ".github/workflows/sisturva.yml", name
    # The file the pip cache is keyed on is where the header tells users to copy the workflow.
    assert ".github/workflows/sisturva.yml" in GITHUB.read_text(encoding="utf-8").splitlines()[0]


def test_gitlab_pipeline_is_well_formed() -> None:
    pipeline = load(GITLAB)
    stages = pipeline["stages"]
    jobs = {k: v for k, v in pipeline.items() if k not in GITLAB_SETTINGS}
    assert set(jobs) == {"validate", "review", "pages"}
    for name, job in jobs.items():
        assert job["stage"] in stages, name
        assert job["script"] and all(isinstance(line, str) for line in job["script"]), name
        assert job["rules"], name
    image = pipeline["default"]["image"]
    match = re.fullmatch(r"python:3\.(\d+)(-.*)?", image)
    assert match and int(match.group(1)) >= 11, image
    assert pipeline["variables"]["GIT_DEPTH"] == "0", "the merge base and the change log need the history"
    cache = pipeline["default"]["cache"]
    assert pipeline["variables"]["PIP_CACHE_DIR"] == "$CI_PROJECT_DIR/.cache/pip"
    assert cache["paths"] == [".cache/pip"] and cache["key"]["files"] == [".gitlab-ci.yml"]
    assert jobs["pages"]["artifacts"]["paths"] == ["public"]


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_sisturva_is_installed_from_the_pinned_source(path: Path) -> None:
    data = load(path)
    source = data["env" if path == GITHUB else "variables"]["SISTURVA_SOURCE"]
    # A placeholder to fill in, pinned to a release tag; never the unpublished name on its own.
    assert re.fullmatch(r"sisturva @ git\+https://FORGE/OWNER/sisturva@v\d+\.\d+\.\d+", source), source
    for job, group in itertools.groupby(scripts(path), key=lambda s: s.job):
        texts = [s.text for s in group]
        first = next(i for i, t in enumerate(texts) if CALL.search(t))
        install = "\n".join(t for t in texts[:first] if "SISTURVA_SOURCE" in t)
        assert 'python -m pip install --quiet "$SISTURVA_SOURCE"' in install or (
            'python -m pip install "$SISTURVA_SOURCE"' in install
        ), f"{path.name}: {job} installs sisturva from the pin before using it"
        # A copy that still holds the placeholder stops with a line saying what to set.
        script = install.replace("python -m pip install", "echo installing")
        env = {**os.environ, "SISTURVA_SOURCE": source}
        done = subprocess.run(["bash", "-ec", script], env=env, capture_output=True, text=True, check=False)
        assert done.returncode == 1 and "set SISTURVA_SOURCE" in done.stdout, done
        assert "installing" not in done.stdout, done
        env["SISTURVA_SOURCE"] = "sisturva @ git+https://github.com/example-org/sisturva@v0.1.0"
        done = subprocess.run(["bash", "-ec", script], env=env, capture_output=True, text=True, check=False)
        assert done.returncode == 0 and "sisturva @ git+https://github.com" in done.stdout, done


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_every_command_and_option_exists(path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for call in calls(path):
        command, rest = call.words[0], call.words[1:]
        assert main([command, "--help"]) == 0, f"{path.name}: sisturva {command} does not exist"
        usage = capsys.readouterr().out
        for word in rest:
            if word.startswith("-"):
                option = word.split("=", 1)[0]
                assert re.search(rf"(^|[\s,]){re.escape(option)}\b", usage), (
                    f"{path.name}: sisturva {command} has no option {option}"
                )
        # Values given to choice options are among the choices the help lists.
        for option, value in itertools.pairwise(rest):
            if option in ("--format", "-f") and "|" in usage.split(option, 1)[1].split("\n", 1)[0]:
                assert value in usage, f"{path.name}: sisturva {command} {option} {value}"


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_publishing_validates_first_and_renders_the_repository_languages(path: Path) -> None:
    publish = [c for c in calls(path) if c.job in ("publish", "pages")]
    assert [c.words[0] for c in publish] == ["validate", "render"]
    assert "--lang" not in publish[1].words, "render publishes the languages sisturva.yaml names"


# A strategy repository as CI checks it out -------------------------------------------------------


def strategy_repository(root: Path, languages: list[str] | None = None) -> Path:
    """The example strategy as a git repository: a first commit on origin/main, then a change."""
    repo = root / "checkout"
    shutil.copytree(PROJECT / "strategy", repo)
    if languages:
        settings = repo / "sisturva.yaml"
        text, count = re.subn(
            r"(?m)^languages: .*$", f"languages: [{', '.join(languages)}]", settings.read_text("utf-8")
        )
        assert count == 1, "the example names its languages on one line"
        # Required languages must be among the languages (fi is the only one the example requires).
        required = re.search(r"(?m)^required_languages: \[(.*)\]$", text)
        assert required and set(required.group(1).split(", ")) <= set(languages), text
        settings.write_text(text, encoding="utf-8")
    gitrepo.init(repo)
    base = gitrepo.commit(repo, "The strategy as adopted")
    gitrepo.git(repo, "update-ref", "refs/remotes/origin/main", base)
    path = repo / "commitments" / "poliisihallitus.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("euros: 100000", "euros: 150000", 1), encoding="utf-8")
    assert path.read_text(encoding="utf-8") != text
    gitrepo.commit(repo, "More for safety communication", date="2024-02-01T12:00:00+02:00")
    return repo


def run_call(call: Call, ci: dict[str, str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """Run one command line as the CI job would, in the checkout; stdout goes to its `>` file too."""
    env = {**call.env, **ci}
    words = [expand(w, env) for w in call.words]
    code = main(words)
    out, err = capsys.readouterr()
    if call.out:
        Path(call.out).write_text(out, encoding="utf-8")
    return code, out, err


@pytest.mark.parametrize("languages", [None, ["fi", "en"]], ids=["fi-sv-en", "fi-en"])
@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_commands_run_against_a_strategy_repository(
    path: Path,
    languages: list[str] | None,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    repo = strategy_repository(tmp_path, languages)
    monkeypatch.chdir(repo)
    ci = {"GITHUB_ACTIONS": "true"} if path == GITHUB else {}
    for name, value in ci.items():
        monkeypatch.setenv(name, value)
    expected = languages or ["fi", "sv", "en"]
    ran = set()
    for call in calls(path):
        code, out, err = run_call(call, ci, capsys)
        command = call.words[0]
        ran.add(command)
        shown = f"{path.name}: sisturva {shlex.join(call.words)}\n{out}{err}"
        assert code == 0, shown
        if command == "validate":
            assert "0 errors" in out and "::error" not in out, shown
        elif command == "review":
            lines = out.splitlines()
            assert call.out == "review.md" and lines[0] == MARKER, shown
            assert "poliisihallitus" in out and "+50 000 €" in out, shown
        elif command == "render":
            out_dir = repo / call.words[call.words.index("--out") + 1]
            assert sorted(p.name for p in out_dir.iterdir() if p.is_dir() and p.name != "data") == sorted(
                expected
            ), shown
            assert f"in {', '.join(expected)}:" in out + err, shown
            assert (out_dir / "data" / "datapackage.json").is_file(), shown
            for lang in expected:
                assert (out_dir / lang / "index.html").is_file(), shown
    assert ran == {"validate", "review", "render"}

    # Nothing in the strategy changed: review prints one line and no marker, so nothing is posted.
    gitrepo.git(repo, "update-ref", "refs/remotes/origin/main", "HEAD")
    for call in calls(path):
        if call.words[0] == "review":
            code, out, _ = run_call(call, ci, capsys)
            assert code == 0 and len(out.splitlines()) == 1 and MARKER not in out, out


# The script that posts the review ----------------------------------------------------------------

FAKE_GH = """
import json, os, subprocess, sys
args = sys.argv[1:]
with open(os.environ["FAKE_LOG"], "a") as log:
    record = {"args": args}
    for i, word in enumerate(args):
        if word == "-F" and args[i + 1].startswith("body=@"):
            record["body"] = open(args[i + 1][len("body=@"):]).read()
    log.write(json.dumps(record) + "\\n")
assert args[0] == "api", args
if "--method" not in args:  # the listing: each page through --jq, as gh does it
    expression = args[args.index("--jq") + 1]
    pages = json.load(open(os.environ["FAKE_DATA"]))
    for page in pages:
        sys.stdout.write(subprocess.run(["jq", "-r", expression], input=json.dumps(page),
                                        capture_output=True, text=True, check=True).stdout)
"""

FAKE_CURL = """
import json, os, sys
args = sys.argv[1:]
record = {"method": "GET", "headers": []}
i = 0
while i < len(args):
    word = args[i]
    if word in ("--request", "-X"):
        record["method"] = args[i + 1]; i += 1
    elif word in ("--header", "-H"):
        record["headers"].append(args[i + 1]); i += 1
    elif word == "--output":
        i += 1
    elif word == "--data-urlencode":
        name, _, file = args[i + 1].partition("@")
        record[name] = open(file).read(); i += 1
    elif not word.startswith("-"):
        record["url"] = word
    i += 1
with open(os.environ["FAKE_LOG"], "a") as log:
    log.write(json.dumps(record) + "\\n")
if record["method"] == "GET" and record["url"].endswith("/user"):
    print(json.dumps({"id": 42, "username": "project_11_bot"}))
elif record["method"] == "GET":
    print(json.dumps(json.load(open(os.environ["FAKE_DATA"]))))
"""

CHANGED = f"{MARKER}\n**Muutettujen tiedostojen tarkistus:** ✓ 0 errors\n\n### Strategian muutokset\n"
NOTHING = "Ei muutoksia strategiaan.\n"


def github_comment(body: str, cid: int, login: str = "github-actions[bot]") -> dict[str, Any]:
    return {"id": cid, "user": {"login": login}, "body": body}


def gitlab_note(body: str, nid: int, author: int = 42) -> dict[str, Any]:
    return {"id": nid, "author": {"id": author}, "body": body}


@pytest.fixture
def fake_bin(tmp_path: Path) -> Path:
    folder = tmp_path / "bin"
    folder.mkdir()
    for name, source in (("gh", FAKE_GH), ("curl", FAKE_CURL)):
        tool = folder / name
        tool.write_text(f"#!{sys.executable}\n{source}", encoding="utf-8")
        tool.chmod(0o755)
    (folder / "python").symlink_to(sys.executable)
    return folder


def post_script(path: Path) -> Script:
    found = [s for s in scripts(path) if ("gh api" in s.text or "curl" in s.text)]
    assert len(found) == 1, path.name
    return found[0]


def run_post(
    path: Path, review: str | None, existing: object, fake_bin: Path, tmp_path: Path, **extra: str
) -> list[dict[str, Any]]:
    """Run the example's posting script on `review.md`; the calls it made of the forge's API."""
    work = tmp_path / "work"
    work.mkdir(exist_ok=True)
    if review is not None:
        (work / "review.md").write_text(review, encoding="utf-8")
    (tmp_path / "data.json").write_text(json.dumps(existing), encoding="utf-8")
    log = tmp_path / "log.jsonl"
    log.unlink(missing_ok=True)
    script = post_script(path)
    env = {
        **script.env,
        "PATH": f"{fake_bin}{os.pathsep}{os.environ['PATH']}",
        "FAKE_LOG": str(log),
        "FAKE_DATA": str(tmp_path / "data.json"),
        **extra,
    }
    # GitHub runs `run:` with bash -e -o pipefail; GitLab's runner stops at the first failure too.
    done = subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script.text],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    if not log.exists():
        return []
    return [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]


needs_jq = pytest.mark.skipif(shutil.which("jq") is None, reason="the stand-in for gh uses jq for --jq")


@needs_jq
def test_github_creates_one_comment_and_then_edits_it(fake_bin: Path, tmp_path: Path) -> None:
    # First run: no comment yet (someone else quoting the marker is not the bot's comment).
    others = [[github_comment("Hyvä muutos", 1, "aino")], [github_comment(MARKER + "\nlainaus", 2, "aino")]]
    made = run_post(GITHUB, CHANGED, others, fake_bin, tmp_path)
    assert [c["args"][:3] for c in made[1:]] == [["api", "--method", "POST"]]
    assert made[1]["args"][3] == "repos/partner/strategy/issues/7/comments"
    assert made[1]["body"] == CHANGED
    # Next run: the bot's comment (on the second page) is edited in place.
    earlier = [*others, [github_comment(MARKER + "\nvanha", 99)]]
    made = run_post(GITHUB, CHANGED, earlier, fake_bin, tmp_path)
    assert [c["args"][:4] for c in made[1:]] == [
        ["api", "--method", "PATCH", "repos/partner/strategy/issues/comments/99"]
    ]
    assert made[1]["body"] == CHANGED


@needs_jq
def test_github_nothing_changed(fake_bin: Path, tmp_path: Path) -> None:
    # Nothing posted before: nothing is posted now.
    made = run_post(GITHUB, NOTHING, [[]], fake_bin, tmp_path)
    assert [c["args"][1] for c in made] == ["--paginate"]
    # A comment posted before now says that nothing changes, and can still be found next time.
    made = run_post(GITHUB, NOTHING, [[github_comment(CHANGED, 99)]], fake_bin, tmp_path)
    assert made[1]["args"][:4] == ["api", "--method", "PATCH", "repos/partner/strategy/issues/comments/99"]
    assert made[1]["body"] == f"{MARKER}\n{NOTHING}"
    # review could not run (an empty file): the comment is left alone.
    assert run_post(GITHUB, "", [[github_comment(CHANGED, 99)]], fake_bin, tmp_path) == []


def test_gitlab_creates_one_note_and_then_edits_it(fake_bin: Path, tmp_path: Path) -> None:
    notes = "https://gitlab.example.org/api/v4/projects/11/merge_requests/7/notes"
    token = {"SISTURVA_REVIEW_TOKEN": "glpat-test"}
    others = [gitlab_note("Hyvä muutos", 1, 5), gitlab_note(MARKER + "\nlainaus", 2, 5)]
    made = run_post(GITLAB, CHANGED, others, fake_bin, tmp_path, **token)
    assert all(c["headers"] == ["PRIVATE-TOKEN: glpat-test"] for c in made)
    assert [(c["method"], c["url"]) for c in made[2:]] == [("POST", notes)]
    assert made[2]["body"] == CHANGED
    made = run_post(
        GITLAB, CHANGED, [*others, gitlab_note(MARKER + "\nvanha", 99)], fake_bin, tmp_path, **token
    )
    assert [(c["method"], c["url"]) for c in made[2:]] == [("PUT", f"{notes}/99")]
    assert made[2]["body"] == CHANGED


def test_gitlab_nothing_changed(fake_bin: Path, tmp_path: Path) -> None:
    token = {"SISTURVA_REVIEW_TOKEN": "glpat-test"}
    made = run_post(GITLAB, NOTHING, [], fake_bin, tmp_path, **token)
    assert [c["method"] for c in made] == ["GET", "GET"]
    made = run_post(GITLAB, NOTHING, [gitlab_note(CHANGED, 99)], fake_bin, tmp_path, **token)
    assert made[2]["method"] == "PUT" and made[2]["url"].endswith("/notes/99")
    assert made[2]["body"] == f"{MARKER}\n{NOTHING}"
    assert run_post(GITLAB, "", [gitlab_note(CHANGED, 99)], fake_bin, tmp_path, **token) == []
    # Without a token the review stays in the artifact and no request is made.
    assert run_post(GITLAB, CHANGED, [], fake_bin, tmp_path, SISTURVA_REVIEW_TOKEN="") == []


def test_gitlab_review_failure_still_posts_then_fails_the_job() -> None:
    job = load(GITLAB)["review"]["script"]
    review = next(i for i, line in enumerate(job) if line.startswith("sisturva review"))
    assert job[review].endswith("> review.md || review_status=$?"), "the note is posted even on errors"
    assert job[-1] == 'exit "${review_status:-0}"', "and the job then fails as review did"


# Linters, where the machine has them --------------------------------------------------------------


def shell_scripts() -> Iterator[tuple[str, str]]:
    """Each GitHub step's script, and each GitLab job's script items as the one shell that runs them."""
    for path in EXAMPLES:
        for job, group in itertools.groupby(scripts(path), key=lambda s: s.job):
            texts = [s.text for s in group]
            if path == GITHUB:
                yield from ((f"{path.name}:{job}:{i}", text) for i, text in enumerate(texts))
            else:
                yield f"{path.name}:{job}", "\n".join(texts)


@pytest.mark.skipif(shutil.which("shellcheck") is None, reason="shellcheck is not installed")
@pytest.mark.parametrize(("where", "text"), list(shell_scripts()), ids=[w for w, _ in shell_scripts()])
def test_scripts_pass_shellcheck(where: str, text: str) -> None:
    # SC1010 takes the word `fi` in `--lang fi` for the shell's keyword; there it is only an argument.
    done = subprocess.run(
        ["shellcheck", "--shell=bash", "--exclude=SC1010", "-"],
        input=text,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, f"{where}\n{done.stdout}"


@pytest.mark.skipif(shutil.which("actionlint") is None, reason="actionlint is not installed")
def test_github_workflow_passes_actionlint() -> None:
    done = subprocess.run(["actionlint", str(GITHUB)], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout
