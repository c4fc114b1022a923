"""`owners`: the CODEOWNERS file (GitHub's or GitLab's) generated from the organisations' `owners`."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, cast

from ..errors import UsageError
from ..findings import Finding, make
from ..owners import ACCEPTED, DEFAULT_OUT, Forge, Format, Ownership, as_data, codeowners, ownership, pattern
from ..safetext import terminal, to_json
from . import Outcome

FORGE: dict[str, Forge | None] = {"codeowners": "github", "gitlab": "gitlab", "json": None}
FORGE_NAME = {"codeowners": "GitHub", "gitlab": "GitLab"}


def _files(root: Path, use_cache: bool) -> tuple[dict[str, Any], dict[str, Any]]:
    """Every file's parsed data and its document, by repository path (data that fails validation too)."""
    from .. import cache
    from ..repository import parse_sources
    from ..sources import read_tree

    store = cache.Store(cache.store_name("parse", root), enabled=use_cache)
    docs = dict(parse_sources(read_tree(root), store))
    store.save()
    return {rel: doc.data for rel, doc in docs.items() if doc.data is not None}, docs


def _refused(found: Ownership, docs: dict[str, Any], fmt: str) -> list[Finding]:
    """SIS217 at each owner the format's forge does not take, so that no line of the file is void."""
    out: list[Finding] = []
    for r in found.refused:
        rel = f"organisations/{r.organisation}.yaml"
        doc = docs.get(rel)
        line, column = doc.locate(("owners", r.index)) if doc is not None else (None, None)
        if fmt in FORGE_NAME:
            message = (
                f"owner '{r.owner}' is not a {FORGE_NAME[fmt]} code owner; {ACCEPTED}, "
                f"and only what {FORGE_NAME[fmt]} takes for --format {fmt}"
            )
        else:
            message = f"owner '{r.owner}' is not a GitHub or GitLab handle or an email address; {ACCEPTED}"
        out.append(
            make("SIS217", message, doc.path if doc is not None else rel, line, column, r.organisation)
        )
    return out


def _shown(path: Path) -> str:
    """A path as the user would type it from the current folder."""
    rel = os.path.relpath(path, Path.cwd())
    return (rel if not rel.startswith("..") else str(path)).replace(os.sep, "/")


def run(directory: str | None, fmt: str, check: bool, out: str | None, use_cache: bool = True) -> Outcome:
    """Print, write (`out`) or check (`check`) the CODEOWNERS file of the strategy at `directory`."""
    from ..findings import exit_code
    from ..gitsource import Git
    from ..reports.findings import finding_line

    if fmt not in FORGE:
        raise UsageError(f"--format {fmt}: choose codeowners, gitlab or json")
    git = Git(directory)
    if pattern(git.prefix, "") is None:
        raise UsageError(
            f"{terminal(git.prefix)}: the strategy folder's path holds a character CODEOWNERS reads as a "
            "pattern or a comment (*, ?, [, ], !, #, a backslash); rename the folder"
        )
    if out is not None:
        target = Path(out).absolute()
    elif fmt in DEFAULT_OUT:
        target = git.top / DEFAULT_OUT[fmt]
    elif check:
        raise UsageError("--check --format json needs --out FILE: the file to compare with")
    else:
        target = None

    files, docs = _files(git.root, use_cache)
    found = ownership(files, FORGE[fmt])
    refused = _refused(found, docs, fmt)
    if refused:
        lines = [finding_line(f) for f in sorted(refused, key=Finding.sort_key)]
        return Outcome(
            "", exit_code(refused), "\n".join(lines) + "\nnothing was generated: fix the owners first\n"
        )

    if fmt == "json":
        text = to_json(as_data(found, git.prefix)) + "\n"
    else:
        text = codeowners(found, git.prefix, cast(Format, fmt), _regenerate(git.top, git.prefix, fmt, target))
    note = ""
    if found.unowned:
        note = (
            "note: no owners listed for "
            + ", ".join(terminal(o) for o in found.unowned)
            + "; their files have no code owners until organisations/ID.yaml lists some\n"
        )
    if check and target is not None:
        return _check(target, text, note, _regenerate(git.top, git.prefix, fmt, target))
    if target is None or out is None:
        return Outcome(text, 0, note)
    from ..atomic import write_file

    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise UsageError(
            f"cannot make the folder of {terminal(_shown(target))}: {terminal(error.strerror or str(error))}"
        ) from None
    changed = write_file(target, text.encode("utf-8"))
    shown = terminal(_shown(target))
    said = f"wrote {shown}" if changed else f"{shown} is up to date; nothing written"
    return Outcome("", 0, note + said + "\n")


def _regenerate(top: Path, prefix: str, fmt: str, target: Path | None) -> str:
    """The command that makes the file again, run from the work tree's top."""
    words = ["sisturva", "owners"]
    if prefix:
        words += ["-C", prefix.rstrip("/")]
    if fmt != "codeowners":
        words += ["--format", fmt]
    if target is not None:
        try:
            words += ["--out", target.relative_to(top).as_posix()]
        except ValueError:
            words += ["--out", str(target)]
    return terminal(" ".join(words))


def _check(target: Path, text: str, note: str, regenerate: str) -> Outcome:
    """Exit 0 when `target` holds what would be generated, else 1 with the unified diff."""
    from ..authoring.write import unified_diff

    shown = _shown(target)
    try:
        old: bytes | None = target.read_bytes()
    except FileNotFoundError:
        old = None
    except OSError as error:
        raise UsageError(f"cannot read {terminal(shown)}: {terminal(error.strerror or str(error))}") from None
    new = text.encode("utf-8")
    if old == new:
        return Outcome("", 0, note + f"{terminal(shown)} is up to date\n")
    diff = unified_diff(old, new, shown)
    safe = "".join(terminal(line) + "\n" for line in diff.splitlines())
    why = "is missing" if old is None else "is not what the organisations' owners give"
    return Outcome(safe, 1, note + f"{terminal(shown)} {why}; regenerate it with `{regenerate}`\n")
