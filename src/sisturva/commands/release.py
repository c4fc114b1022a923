"""`release` records the cooperation group's approval as an annotated tag; `releases` lists the approved versions."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from .. import cache
from ..diff import Revision
from ..errors import RevisionError, SisturvaError, UsageError
from ..findings import Finding
from ..gitsource import UNSHALLOW, WORKTREE, Git, shown
from ..releases import (
    Listed,
    check_date,
    check_decision,
    check_version,
    first_line,
    message,
    prefix,
    releases,
    summarise,
    tag_exists,
)
from ..safetext import inert_lines, markdown, terminal, to_json
from . import Outcome

if TYPE_CHECKING:
    from ..catalogue import Messages

SHOWN_ERRORS = 10
"""Errors listed when a release is refused; `sisturva validate` lists them all."""


# -- release ---------------------------------------------------------------------------------------------


def _findings(
    git: Git, directory: str | None, revision: Revision, at_head: bool, use_cache: bool
) -> list[Finding]:
    """What `validate` finds at the revision: the work tree's answer when it is HEAD's clean tree, else from git objects."""
    if at_head:
        from .validate import collect

        return collect(directory, use_cache=use_cache)[0]
    from .diff import Sides

    return Sides(git, revision, revision, use_cache).findings("head")


def _refused(spec: str, errors: list[Finding], at_head: bool) -> Outcome:
    lines = [
        terminal(f"{f.path}:{f.line}:{f.column}: error {f.code}: {f.message}") for f in errors[:SHOWN_ERRORS]
    ]
    if len(errors) > SHOWN_ERRORS:
        lines.append(f"… and {len(errors) - SHOWN_ERRORS} more (`sisturva validate` lists them all)")
    fix = (
        "fix them (see `sisturva validate`), commit, and release again"
        if at_head
        else "fix them in a new commit and release that commit"
    )
    count = f"{len(errors)} error{'s' if len(errors) != 1 else ''}"
    lines.append(f"sisturva: error: {shown(spec)} has {count}; only a valid strategy is approved; {fix}")
    return Outcome("", 2, "\n".join(lines) + "\n")


def _tag(git: Git, name: str, commit: str, text: str) -> None:
    """Make the annotated tag with GitPython (the write side of git; every read goes through `gitsource`)."""
    try:
        import git as gitpython
    except ImportError as error:  # missing, or no usable git executable
        raise SisturvaError(
            f"GitPython could not be loaded ({terminal(str(error), 120)}); "
            "install it with `pip install 'GitPython>=3.1'` and make sure git is on PATH"
        ) from None
    try:
        repo = gitpython.Repo(git.top)
        # English messages from git, so that the advice below can recognise them; no prompts.
        repo.git.update_environment(LC_ALL="C", LANGUAGE="", GIT_TERMINAL_PROMPT="0")
        # `verbatim`: git would drop a decision line that starts with `#` (`#4 …`) as a comment.
        repo.create_tag(name, ref=commit, message=text, cleanup="verbatim")
    except gitpython.GitCommandError as error:
        said = str(error.stderr or "").strip().strip("'").strip()
        detail = said.splitlines()[-1].strip() if said else f"exit {error.status}"
        if "tell me who you are" in said.lower() or "ident" in said.lower():
            raise RevisionError(
                "git needs to know who records the approval; set it with "
                "`git config user.name 'NAME'` and `git config user.email 'ADDRESS'`, then release again"
            ) from None
        raise RevisionError(f"git could not make the tag {shown(name)}: {terminal(detail, 200)}") from None
    except (gitpython.GitError, OSError) as error:
        raise RevisionError(
            f"git could not make the tag {shown(name)}: {terminal(str(error), 200)}"
        ) from None


def run_release(
    directory: str | None,
    version: str,
    date: str | None,
    decision: str | None,
    rev: str | None,
    use_cache: bool = True,
) -> Outcome:
    """Tag REV (default HEAD) as approved version `version`, once it validates and nothing is left uncommitted."""
    check_version(version)
    when = check_date(date)
    text = check_decision(decision)
    git = Git(directory)
    spec = rev if rev is not None else "HEAD"
    commit = git.commit(spec)  # refuses `-…`, an empty repository, unknown and ambiguous revisions
    if git.is_shallow():
        raise RevisionError(f"this clone is shallow; approve versions from the full history: {UNSHALLOW}")
    name = prefix(git.root) + version
    if tag_exists(git, name):
        raise UsageError(
            f"version {shown(version)} exists (tag {shown(name)}); give a new version "
            "(`sisturva releases` lists the approved ones)"
        )
    at_head = commit == git.commit("HEAD")
    if at_head:
        dirty = git.changed(Revision("HEAD", commit), Revision(WORKTREE, None))
        if dirty:
            where = ", ".join(terminal(git.display + c.rel, 120) for c in dirty[:3])
            more = f" and {len(dirty) - 3} more" if len(dirty) > 3 else ""
            raise UsageError(
                f"the strategy folder has uncommitted changes ({where}{more}); commit them and release "
                "again, or approve a committed revision with --rev REV"
            )
    errors = [
        f
        for f in _findings(git, directory, Revision(spec, commit), at_head, use_cache)
        if f.severity == "error"
    ]
    if errors:
        return _refused(spec, errors, at_head)
    _tag(git, name, commit, message(when, text))
    said = first_line(text)
    line = f"tagged {name} at {commit[:7]} ({when.isoformat()})" + (f": {said}" if said else "")
    return Outcome(
        inert_lines(terminal(line) + f"\nnext: share it with `git push origin {name}`\n"),
        0,
    )


# -- releases --------------------------------------------------------------------------------------------


def _counts(words: Messages, item: Listed) -> str:
    counts = item.counts
    if counts is None:
        return words.t("report.releases.first")
    parts = [
        words.tn("report.releases.added", counts.added),
        words.tn("report.releases.removed", counts.removed),
        words.tn("report.releases.modified", counts.modified),
    ]
    if counts.renamed:
        parts.append(words.tn("report.releases.renamed", counts.renamed))
    assert item.previous is not None
    return words.t("report.releases.since", version=item.previous.version) + ": " + ", ".join(parts)


def _years(item: Listed) -> list[tuple[int, Decimal | None, Decimal]]:
    """The years with money at either release."""
    return [(y.year, y.before, y.after) for y in item.euros if y.after or y.before]


def _text(found: list[Listed], lang: str) -> str:
    from ..catalogue import messages
    from ..locale import format_date, format_money, format_signed_money

    words = messages(lang)
    if not found:
        return words.t("report.releases.none") + "\n"
    out = [words.t("changes.versions"), ""]
    for item in found:
        release = item.release
        out.append(f"{terminal(release.tag)}  {format_date(release.date, lang)}  {release.commit[:12]}")
        for line in release.decision.split("\n") if release.decision else []:
            out.append("    " + terminal(line))
        out.append("    " + terminal(_counts(words, item)))
        years = _years(item)
        if years:
            out.append(f"    {words.t('report.releases.euros')}:")
        for year, before, after in years:
            if before is None:
                out.append(f"      {year}  {format_money(after, lang)}")
            else:
                out.append(
                    f"      {year}  {format_money(before, lang)} → {format_money(after, lang)}"
                    f" ({format_signed_money(after - before, lang)})"
                )
        out.append("")
    return inert_lines("\n".join(out).rstrip("\n") + "\n")


def _markdown(found: list[Listed], lang: str) -> str:
    from ..catalogue import messages
    from ..locale import format_date, format_money, format_signed_money

    words = messages(lang)
    if not found:
        return markdown(words.t("report.releases.none")) + "\n"
    out = [f"## {markdown(words.t('changes.versions'))}", ""]
    for item in found:
        release = item.release
        out += [f"### {markdown(release.version)} · {markdown(format_date(release.date, lang))}", ""]
        facts = [f"{words.t('changes.commit')}: `{release.commit[:12]}` ({markdown(release.tag)})"]
        if release.decision:
            lines = " ".join(markdown(line) for line in release.decision.split("\n") if line.strip())
            facts.append(f"{markdown(words.t('report.releases.decision'))}: {lines}")
        facts.append(markdown(_counts(words, item)))
        out += [f"- {fact}" for fact in facts] + [""]
        years = _years(item)
        if years:
            head = (
                words.t("report.diff.year"),
                words.t("report.diff.before"),
                words.t("report.diff.after"),
                words.t("report.diff.delta"),
            )
            out.append("| " + " | ".join(markdown(word) for word in head) + " |")
            out.append("|---|--:|--:|--:|")
            for year, before, after in years:
                was = "—" if before is None else format_money(before, lang)
                delta = "—" if before is None else format_signed_money(after - before, lang)
                out.append(f"| {year} | {was} | {format_money(after, lang)} | {delta} |")
            out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


def _number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def _json(found: list[Listed], tag_prefix: str) -> str:
    rows: list[dict[str, Any]] = []
    for item in found:
        release, counts = item.release, item.counts
        rows.append(
            {
                "version": release.version,
                "tag": release.tag,
                "commit": release.commit,
                "date": release.date.isoformat(),
                "decision": release.decision,
                "tagger": release.tagger,
                "previous": item.previous.version if item.previous else None,
                "counts": None
                if counts is None
                else {
                    "added": counts.added,
                    "removed": counts.removed,
                    "modified": counts.modified,
                    "renamed": counts.renamed,
                },
                "euros": [
                    {
                        "year": y.year,
                        "before": None if y.before is None else _number(y.before),
                        "after": _number(y.after),
                        "delta": None if y.before is None else _number(y.after - y.before),
                    }
                    for y in item.euros
                ],
            }
        )
    return to_json({"prefix": tag_prefix, "releases": rows}) + "\n"


def run_releases(directory: str | None, fmt: str, lang: str, use_cache: bool = True) -> Outcome:
    """The approved versions, newest first, with what changed since the one before each."""
    git = Git(directory)
    tag_prefix = prefix(git.root)
    found = releases(git, tag_prefix)
    if found and git.is_shallow():
        raise RevisionError(f"this clone is shallow; releases are compared in the full history: {UNSHALLOW}")
    # A small cache of its own: the parse cache that `validate` loads stays free of old blobs.
    store = cache.Store(cache.store_name("releases", git.root), enabled=use_cache)
    listed = summarise(git, found, store)
    store.save()
    if fmt == "json":
        return Outcome(_json(listed, tag_prefix), 0)
    if fmt == "markdown":
        return Outcome(_markdown(listed, lang), 0)
    return Outcome(_text(listed, lang), 0)
