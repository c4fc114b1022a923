"""A review as a pull-request comment (Markdown), JSON, or GitHub workflow annotations."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from ..catalogue import Messages, mark
from ..diff import KEYS, LANGUAGES, Comparison, RecordChange
from ..findings import Finding, counts
from ..reports.findings import github as annotate
from ..reports.findings import summary_line
from ..review import Reason, Review, Reviewer, Suspects
from ..safetext import markdown_cell as md
from ..safetext import markdown_code as code
from ..safetext import to_json
from .diff import (
    LIMIT,
    body,
    cut_note,
    finding_rows,
    fit,
    kind_name,
    labels,
    markdown_blocks,
    row,
    table,
    value_text,
)

MARKER = "<!-- sisturva-review -->"
"""Lets CI find and update its own comment instead of adding another."""
FOLD = 6
"""A record with more fields than this shows them folded under `<details>`."""
PATHS_SHOWN = 5
"""Files named per reason of a reviewer; a change of hundreds of files still fits in its cell."""
IDS_SHOWN = 5
"""Record ids named per file in a reviewer's reasons."""
ROLE_KEYS: tuple[str, ...] = (
    mark("report.review.because.organisation"),
    mark("report.review.because.parent"),
    mark("report.review.because.chair"),
    mark("report.review.because.secretariat"),
)
"""Why an organisation reviews, by role (`"report.review.because." + role`)."""


def changed(review: Review) -> bool:
    """Whether the change touches the strategy at all (its records, or shared files such as templates)."""
    c = review.comparison
    return bool(c.changes or c.introduced or c.resolved or c.changed_paths or review.reviewers)


# -- reviewers --------------------------------------------------------------------------------------


def _more(words: Messages, shown: Sequence[str], total: int) -> str:
    extra = total - len(shown)
    return ", ".join([*shown, *([words.tn("report.review.more", extra)] if extra > 0 else [])])


def _file(words: Messages, reason: Reason) -> str:
    ids = [code(i) for i in reason.records[:IDS_SHOWN]]
    return code(reason.path) + (f" ({_more(words, ids, len(reason.records))})" if ids else "")


def reasons_cell(reasons: Sequence[Reason], lang: str = "fi") -> str:
    """Why an organisation reviews: one line per role (and whose parent or chair), with its files."""
    words = labels(lang)
    grouped: dict[tuple[str, str | None], list[Reason]] = {}
    for reason in reasons:
        grouped.setdefault((reason.role, reason.of), []).append(reason)
    lines = []
    for (role, of), found in grouped.items():
        # The catalogue's words are ours; the ids filled in are escaped as code spans.
        label = words.of("report.review.because.", role, of=code(of or ""))
        files = [_file(words, r) for r in found[:PATHS_SHOWN]]
        lines.append(f"{label}: {_more(words, files, len(found))}")
    return "<br>".join(lines)


def _owners_note(r: Reviewer, lang: str) -> str | None:
    """A line saying why owners the head no longer lists are named, or None when it drops none."""
    words = labels(lang)
    if r.removed:
        return words.t("report.review.removed_organisation", organisation=code(r.organisation))
    if not r.dropped:
        return None
    owners = ", ".join(code(o) for o in r.dropped)
    return words.tn(
        "report.review.owners_dropped", len(r.dropped), organisation=code(r.organisation), owners=owners
    )


def owner_list(owners: Sequence[str]) -> str:
    """Owners in code spans: listed, not pinged (CODEOWNERS requests the reviews)."""
    return ", ".join(code(o) for o in owners) or "—"


def reviewer_blocks(review: Review, lang: str = "fi") -> list[str]:
    """Who reviews, grouped by organisation, with why; owners in code spans, listed and not pinged."""
    if not review.reviewers:
        return []
    words = labels(lang)
    blocks = [f"#### {md(words.t('report.diff.owners'))}", ""]
    blocks += table(
        [
            words.t("report.diff.organisation"),
            words.t("report.diff.name"),
            words.t("report.diff.reviewers"),
            words.t("report.review.because"),
        ]
    )
    for r in review.reviewers:
        blocks.append(
            row([code(r.organisation), md(r.name), owner_list(r.owners), reasons_cell(r.because, lang)])
        )
    blocks.append("")
    for r in review.reviewers:
        note = _owners_note(r, lang)
        if note:
            blocks += [note, ""]
    return blocks


# -- suspect commitments ---------------------------------------------------------------------------


def confirm_command(commitment: str, goal: str) -> str:
    """The command that records that the commitment still serves the goal as it now reads."""
    return f"sisturva confirm {commitment} --goal {goal}"


def _command_cell(commitment: str, goal: str) -> str:
    """The command as one code span to copy when both ids are safe inside one, else escaped text."""
    # A code span takes the spaces between the words; the ids must each be safe in one on their own.
    safe = all(code(part).startswith("`") for part in (commitment, goal))
    command = confirm_command(commitment, goal)
    return f"`{command}`" if safe else md(command)


def suspect_blocks(review: Review, lang: str = "fi") -> list[str]:
    """The commitments the change makes suspect, by organisation, with its owners and the command to run."""
    if not review.suspect:
        return []
    words = labels(lang)
    total = sum(len(s.commitments) for s in review.suspect)
    blocks = [f"#### {md(words.t('report.review.suspect'))} ({total})", ""]
    blocks += [md(words.t("report.review.suspect.intro")), ""]
    blocks += table(
        [
            words.t("report.diff.organisation"),
            words.t("report.diff.reviewers"),
            words.t("report.review.suspect.commitment"),
            words.t("report.review.suspect.goal"),
            words.t("report.review.suspect.command"),
        ]
    )
    for group in review.suspect:
        for c in group.commitments:
            where = f"{code(c.id)} · {code(f'{c.path}:{c.line}')}"
            command = _command_cell(c.id, c.goal)
            blocks.append(
                row([code(group.organisation), owner_list(group.owners), where, code(c.goal), command])
            )
    blocks.append("")
    return blocks


def suspect_dict(group: Suspects) -> dict[str, Any]:
    """One organisation's suspect commitments in the JSON contract."""
    return {
        "organisation": group.organisation,
        "owners": list(group.owners),
        "commitments": [
            {"id": c.id, "goal": c.goal, "path": c.path, "line": c.line} for c in group.commitments
        ],
    }


# -- added and removed records ----------------------------------------------------------------------


def _is_texts(value: object) -> bool:
    return isinstance(value, dict) and bool(value) and all(k in LANGUAGES for k in value)


def _localized(value: Mapping[str, Any], lang: str) -> str:
    for code_ in (lang, *LANGUAGES):
        found = value.get(code_)
        if found:
            return str(found)
    return ""


def shown(value: Any, name: str = "", lang: str = "fi") -> str:
    """A field's value for people: text in the reader's language, money per language, lists joined."""
    if _is_texts(value):
        return _localized(value, lang)
    if isinstance(value, dict):
        return "; ".join(f"{k}: {shown(v, str(k), lang)}" for k, v in value.items())
    if isinstance(value, list):
        joiner = " · " if any(isinstance(v, dict) and not _is_texts(v) for v in value) else ", "
        return joiner.join(shown(v, name, lang) for v in value)
    return value_text(value, name, lang)


def field_rows(data: Mapping[str, Any], lang: str = "fi") -> list[tuple[str, str]]:
    """A record's fields as (name, value) rows; a list of records gives a row per item, by its key."""
    rows: list[tuple[str, str]] = []
    for key, value in data.items():
        if key == "id":
            continue  # named in the record's heading
        items = value if isinstance(value, list) else []
        if items and all(isinstance(v, dict) and not _is_texts(v) for v in items):
            keys = KEYS.get(key, ())
            for index, item in enumerate(items, 1):
                label = "/".join(str(item.get(k)) for k in keys) if keys else str(index)
                rest = {k: v for k, v in item.items() if k not in keys}
                rows.append((f"{key}[{label}]", shown(rest, key, lang)))
        else:
            rows.append((key, shown(value, key, lang)))
    return rows


def _title(data: Mapping[str, Any], lang: str) -> str:
    """The record's title, name or action in the reader's language."""
    for key in ("title", "name", "action"):
        value = data.get(key)
        if isinstance(value, str) or _is_texts(value):
            return shown(value, key, lang)
    return ""


def _where(c: RecordChange) -> str:
    return c.path + (f":{c.line}" if c.line else "")


def record_blocks(review: Review, lang: str = "fi", heading: str = "####") -> list[str]:
    """Each added and each removed record with all its fields, folded when it has many."""
    words = labels(lang)
    blocks: list[str] = []
    for change, key in (("added", mark("report.review.added")), ("removed", mark("report.review.removed"))):
        found = [
            (c, review.records[(c.kind, c.id)])
            for c in review.comparison.changes
            if c.change == change and (c.kind, c.id) in review.records
        ]
        if not found:
            continue
        blocks += [f"{heading} {md(words.t(key))} ({len(found)})", ""]
        for c, data in found:
            name = _title(data, lang) or c.title
            title = f" {md(name)}" if name else ""
            blocks += [f"**{md(kind_name(words, c.kind))} {code(c.id)}**{title} · {code(_where(c))}", ""]
            rows = field_rows(data, lang)
            if not rows:
                continue  # a record of nothing but its id: the heading says it all
            folded = len(rows) > FOLD
            if folded:
                summary = words.tn("report.review.fields", len(rows))
                blocks += ["<details>", f"<summary>{md(summary)}</summary>", ""]
            blocks += table([words.t("report.diff.field"), words.t("report.review.value")])
            blocks += [row([code(name), md(value)]) for name, value in rows]
            blocks.append("")
            if folded:
                blocks += ["</details>", ""]
    return blocks


def _without_shown(comparison: Comparison, records: Mapping[tuple[str, str], Any]) -> Comparison:
    """The comparison without the field-by-field rows of records shown whole (they would say it twice)."""
    changes = tuple(
        replace(c, fields=()) if c.change in ("added", "removed") and (c.kind, c.id) in records else c
        for c in comparison.changes
    )
    return replace(comparison, changes=changes)


# -- formats ----------------------------------------------------------------------------------------


def markdown(review: Review, lang: str = "fi", limit: int = LIMIT) -> str:
    """One comment: validation of the touched files, who must review, the diff; one line when nothing changed."""
    words = labels(lang)
    if not changed(review):
        return md(words.t("report.diff.nothing")) + "\n"
    blocks = [MARKER]
    c = counts(review.touched)
    status = "✓" if not c["error"] else "✗"
    validation = words.t("report.diff.validation")
    blocks += [f"**{md(validation)}:** {status} {md(summary_line(review.touched, lang))}", ""]
    if review.touched:
        blocks += ["<details>", f"<summary>{md(validation)} ({len(review.touched)})</summary>", ""]
        blocks += table(
            [
                words.t("report.diff.severity"),
                words.t("report.diff.code"),
                words.t("report.diff.where"),
                words.t("report.diff.message"),
            ]
        )
        blocks += finding_rows(review.touched, lang)
        blocks += ["", "</details>", ""]
    blocks += reviewer_blocks(review, lang)
    # Next to the reviewers: confirming is work the owners are asked to do on this pull request.
    blocks += suspect_blocks(review, lang)
    blocks += markdown_blocks(_without_shown(review.comparison, review.records), lang, "###")
    # Whole records come last: the bulkiest part is the one a long comment cuts first.
    blocks += record_blocks(review, lang)
    return fit(blocks, cut_note(review.comparison, lang), limit)


def reviewer_dict(r: Reviewer) -> dict[str, Any]:
    """One reviewer in the JSON contract: owners on both sides and why it reviews."""
    return {
        "organisation": r.organisation,
        "name": r.name,
        "owners": list(r.owners),
        "owners_before": list(r.owners_before),
        "owners_after": list(r.owners_after),
        "removed": r.removed,
        "because": [
            {"role": x.role, "of": x.of, "path": x.path, "records": list(x.records)} for x in r.because
        ],
    }


def as_json(review: Review, lang: str = "fi") -> str:
    """The diff's JSON contract plus the touched files' findings and the reviewers."""
    data: dict[str, Any] = body(review.comparison)
    data["changed"] = changed(review)
    data["touched"] = {
        "findings": [f.as_dict() for f in sorted(review.touched, key=Finding.sort_key)],
        "counts": counts(review.touched),
    }
    data["reviewers"] = [reviewer_dict(r) for r in review.reviewers]
    data["suspect"] = [suspect_dict(s) for s in review.suspect]
    return to_json(data) + "\n"


def github(review: Review, lang: str = "fi") -> str:
    """Annotations at file:line for the touched files' findings and those the change introduces."""
    if not changed(review):
        return labels("en").t("report.diff.nothing") + "\n"
    seen = set(review.touched)
    found = [*review.touched, *(f for f in review.comparison.introduced if f not in seen)]
    return annotate(found, {})


def render(review: Review, fmt: str, lang: str = "fi") -> str:
    """The review in `markdown`, `json` or `github`."""
    if fmt == "json":
        return as_json(review, lang)
    if fmt == "github":
        return github(review, lang)
    return markdown(review, lang)
