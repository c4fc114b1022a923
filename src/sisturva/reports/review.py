"""A review as a pull-request comment (Markdown), JSON, or GitHub workflow annotations."""

from __future__ import annotations

from typing import Any

from ..diff import Review
from ..findings import Finding, counts
from ..reports.findings import github as annotate
from ..reports.findings import summary_line
from ..safetext import markdown_cell as md
from ..safetext import markdown_code as code
from ..safetext import to_json
from .diff import LIMIT, body, cut_note, finding_rows, fit, labels, markdown_blocks, row, table

MARKER = "<!-- sisturva-review -->"
"""Lets CI find and update its own comment instead of adding another."""


def changed(review: Review) -> bool:
    """Whether the change touches the strategy at all."""
    c = review.comparison
    return bool(c.changes or c.introduced or c.resolved or c.changed_paths)


def markdown(review: Review, lang: str = "fi", limit: int = LIMIT) -> str:
    """One comment: validation of the touched files, the diff, and who must review; one line when nothing changed."""
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
    if review.reviewers:
        blocks += [f"#### {md(words.t('report.diff.owners'))}", ""]
        blocks += table(
            [
                words.t("report.diff.organisation"),
                words.t("report.diff.name"),
                words.t("report.diff.reviewers"),
            ]
        )
        for r in review.reviewers:
            # Owners in code spans: listed, not pinged (CODEOWNERS requests the reviews).
            blocks.append(
                row([code(r.organisation), md(r.name), ", ".join(code(o) for o in r.owners) or "—"])
            )
        blocks.append("")
    blocks += markdown_blocks(review.comparison, lang, "###")
    return fit(blocks, cut_note(review.comparison, lang), limit)


def as_json(review: Review, lang: str = "fi") -> str:
    """The diff's JSON contract plus the touched files' findings and the reviewers."""
    data: dict[str, Any] = body(review.comparison)
    data["changed"] = changed(review)
    data["touched"] = {
        "findings": [f.as_dict() for f in sorted(review.touched, key=Finding.sort_key)],
        "counts": counts(review.touched),
    }
    data["reviewers"] = [
        {"organisation": r.organisation, "name": r.name, "owners": list(r.owners)} for r in review.reviewers
    ]
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
