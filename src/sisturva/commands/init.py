"""`init`: a new strategy repository that validates, with its schemas, CI workflows and contribution guide."""

from __future__ import annotations

import datetime
import os
import re
import subprocess
from pathlib import Path

from ..errors import UsageError
from ..models import LANGUAGES
from . import Outcome, scaffold

# The CI examples ship beside the package in a source checkout, or inside it (`sisturva/examples`)
# when installed from a wheel, as the templates do.
_HERE = Path(__file__).resolve().parent
EXAMPLES = next(
    (
        p
        for p in (_HERE.parent / "examples", _HERE.parents[2] / "examples")
        if (p / "gitlab-ci.yml").is_file()
    ),
    _HERE.parents[2] / "examples",
)
CI_FILES = {
    ".github/workflows/sisturva.yml": "github-actions.yml",
    ".gitlab-ci.yml": "gitlab-ci.yml",
}
"""Where each CI example goes, from the top of the git work tree."""
PLAN_YEARS = 4
"""Planning years when --years is not given: this year and the next three, as a state agency's TTS covers."""


def languages(given: str | None) -> list[str]:
    """The repository's languages from `--lang fi,sv,en`: known, each once, Finnish first."""
    if given is None:
        return list(LANGUAGES)
    wanted = [part.strip().lower() for part in given.split(",") if part.strip()]
    unknown = [lang for lang in wanted if lang not in LANGUAGES]
    if unknown:
        raise UsageError(
            f"--lang: unknown language {', '.join(unknown)}; choose from fi, sv, en, e.g. --lang fi,sv"
        )
    if len(set(wanted)) != len(wanted):
        raise UsageError(f"--lang {given}: a language is named twice; name each once, e.g. --lang fi,sv,en")
    if not wanted or wanted[0] != "fi":
        raise UsageError(f"--lang {given}: Finnish comes first (a plain text is in it); e.g. --lang fi,sv,en")
    return wanted


def planning_years(given: str | None, today: datetime.date | None = None) -> tuple[int, int]:
    """The first and last planning year from `--years 2025-2028` (or one year, `--years 2025`)."""
    if given is None:
        start = (today or datetime.date.today()).year
        return start, start + PLAN_YEARS - 1
    match = re.fullmatch(r"\s*(\d{4})\s*(?:[-–]\s*(\d{4})\s*)?", given)
    if not match:
        raise UsageError(f"--years {given}: give the first and last year, e.g. --years 2025-2028")
    start, end = int(match.group(1)), int(match.group(2) or match.group(1))
    if not 1900 <= start <= end <= 2200:
        raise UsageError(
            f"--years {given}: the years run from the first to the last, between 1900 and 2200; "
            "e.g. --years 2025-2028"
        )
    return start, end


def _git(*args: str) -> subprocess.CompletedProcess[str] | None:
    """Run git quietly; None when git is not installed."""
    try:
        return subprocess.run(["git", *args], capture_output=True, text=True, check=False)
    except FileNotFoundError:
        return None


def work_tree_top(folder: Path) -> Path | None:
    """The top of the git work tree that holds `folder`, or None when it is in none (or git is missing)."""
    done = _git("-C", str(folder), "rev-parse", "--show-toplevel")
    if done is None or done.returncode != 0 or not done.stdout.strip():
        return None
    return Path(done.stdout.strip()).resolve()


def _ci_file(example: str, strategy_dir: str, langs: list[str]) -> str:
    """A CI example as the new repository needs it: its strategy folder and its languages filled in."""
    text = (EXAMPLES / example).read_text(encoding="utf-8")
    # The example's first line tells the reader where to copy it; here it is already in place.
    first, _, rest = text.partition("\n")
    text = re.sub(r": copy this file to .*$", ".", first) + "\n" + rest
    text = re.sub(r"^(\s*STRATEGY: )\.( #.*)?$", rf"\g<1>{strategy_dir}\g<2>", text, count=1, flags=re.M)
    # render refuses a language the repository does not have.
    return text.replace("--lang fi,sv,en", f"--lang {','.join(langs)}")


def scaffold_files(langs: list[str], start: int, end: int, name: str | None) -> dict[str, str]:
    """The strategy folder's files, by path inside it, in the order they are reported."""
    from .schema import schemas

    files = {
        "sisturva.yaml": scaffold.settings(langs, start, end),
        "strategy.yaml": scaffold.strategy(langs, name),
        f"organisations/{scaffold.SECRETARIAT_ID}.yaml": scaffold.secretariat(langs),
    }
    # The schemas the modelines name, exported as `sisturva schema --out schemas` writes them.
    import json

    for schema_name, schema in schemas().items():
        files[f"schemas/{schema_name}.schema.json"] = json.dumps(schema, ensure_ascii=False, indent=2) + "\n"
    files["README.md"] = scaffold.readme(langs, name)
    files.update({f"{folder}/.gitkeep": "" for folder in scaffold.EMPTY_FOLDERS})
    return files


def top_files(strategy_dir: str, langs: list[str]) -> dict[str, str]:
    """The files that belong at the top of the git work tree, by path from there."""
    files = {path: _ci_file(example, strategy_dir, langs) for path, example in CI_FILES.items()}
    files[".pre-commit-config.yaml"] = scaffold.pre_commit(strategy_dir)
    return files


def _exists(path: Path) -> bool:
    return path.exists() or path.is_symlink()


def _needed(folder: Path, files: dict[str, str]) -> tuple[dict[str, str], list[str]]:
    """The files still to write, and those left because something is already there."""
    todo: dict[str, str] = {}
    left: list[str] = []
    for rel, text in files.items():
        target = folder / rel
        if rel.endswith("/.gitkeep") and target.parent.is_dir() and any(target.parent.iterdir()):
            if _exists(target):
                left.append(rel)
            continue  # a folder with files in it needs no placeholder
        if _exists(target):
            left.append(rel)
        else:
            todo[rel] = text
    return todo, left


def _write(folder: Path, files: dict[str, str], absolute: bool) -> tuple[list[str], str | None]:
    """Write `files` under `folder` through the one writer: the paths written, or the refusal's lines."""
    from ..authoring.write import write_changes
    from ..reports.findings import finding_line

    if not files:
        return [], None
    result = write_changes(folder, files, absolute=absolute)
    if result.refused:
        return [], "".join(finding_line(f) + "\n" for f in result.findings)
    return list(result.written), None


def run(directory: str | None, lang: str | None, years: str | None, name: str | None) -> Outcome:
    """Scaffold a strategy repository in `directory` (default: here), leaving every file that exists."""
    from ..sources import display_prefix

    langs = languages(lang)
    start, end = planning_years(years)
    if name is not None and not name.strip():
        raise UsageError("--name: give the strategy's name in Finnish, e.g. --name 'Turvallinen arki'")
    given = directory or "."
    folder = Path(given)
    if _exists(folder) and not folder.is_dir():
        raise UsageError(f"{given}: exists and is not a folder; give a folder for the new repository")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise UsageError(f"{given}: cannot create the folder: {error.strerror}") from None
    folder = folder.resolve()
    absolute = os.path.isabs(given)
    top = work_tree_top(folder)
    made_git = top is None
    top = top or folder
    inside = os.path.relpath(folder, top).replace(os.sep, "/")

    own, own_left = _needed(folder, scaffold_files(langs, start, end, name))
    upper, upper_left = _needed(top, top_files(inside, langs))
    prefix, top_prefix = display_prefix(folder, absolute), display_prefix(top, absolute)
    # The writer reads every path in a record folder as a record; a `.gitkeep` is written from inside
    # its folder, where it is a plain file.
    keeps = [rel for rel in own if rel.endswith("/.gitkeep")]
    written, refused = _write(folder, {rel: own[rel] for rel in own if rel not in keeps}, absolute)
    if refused is not None:
        return Outcome("", 1, refused + "sisturva: error: nothing was written; fix the files named above\n")
    for rel in keeps:
        record_folder, name = rel.split("/")
        placed, _ = _write(folder / record_folder, {name: ""}, absolute)
        written += [f"{record_folder}/{path}" for path in placed]
    more, refused = _write(top, upper, absolute)
    if refused is not None:  # no record paths at the top: not reached, but never silent
        return Outcome("", 1, refused)
    lines = [f"wrote {prefix}{rel}" for rel in written] + [f"wrote {top_prefix}{rel}" for rel in more]
    lines += [f"left {prefix}{rel} (it exists)" for rel in own_left]
    lines += [f"left {top_prefix}{rel} (it exists)" for rel in upper_left]
    notes = ""
    if made_git:
        done = _git("init", "--quiet", "--initial-branch=main", str(folder))
        if done is None:
            notes = "sisturva: warning: git is not installed; install it and run `git init` in the folder\n"
        elif done.returncode != 0:
            notes = f"sisturva: warning: git init failed: {done.stderr.strip()}; run `git init` yourself\n"
        else:
            lines.append(f"made a git work tree in {prefix or './'} (git init, branch main)")
    where = "" if prefix in ("", "./") else f" -C {prefix.rstrip('/')}"
    placeholders = [rel for rel in more if rel in CI_FILES and "FORGE/OWNER" in upper[rel]]
    if placeholders:
        shown = " and ".join(f"{top_prefix}{rel}" for rel in placeholders)
        lines.append(
            f"next: set SISTURVA_SOURCE in {shown} to where pip gets sisturva (see the comment there)"
        )
    if written or more:
        lines.append(
            f"next: add a partner with `sisturva new organisation ID{where}`, "
            f"then check it with `sisturva validate{where}`"
        )
    else:
        lines.append("nothing to write: every file of the scaffold is already there")
    return Outcome("\n".join(lines) + "\n", 0, notes)
