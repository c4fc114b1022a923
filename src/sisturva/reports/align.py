"""Budget alignment as text (rich tables), Markdown and JSON; and the money delta of a change."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from ..align import Alignment, OrgAlignment, YearDelta, YearFigures
from ..catalogue import Messages, mark, messages
from ..findings import Finding, counts
from ..locale import format_money, format_number, format_signed_money, format_signed_number, localized
from ..safetext import inert_lines, markdown_code, terminal, to_json
from ..safetext import markdown as md
from .findings import finding_line, severity, summary_line
from .findings import github as findings_github
from .findings import where as finding_where

# The words of a record's value, built at run time (`"report.plan." + plan.kind`).
PLAN_KEYS: tuple[str, ...] = (
    mark("report.plan.state-tts"),
    mark("report.plan.state-jts"),
    mark("report.plan.state-budget"),
    mark("report.plan.municipal"),
    mark("report.plan.wellbeing-services-county"),
    mark("report.plan.ngo"),
    mark("report.plan.other"),
    mark("report.align.adopted"),
    mark("report.align.draft"),
)

NOT_PLANNED_MARK = "*"


def _labels(lang: str) -> Messages:
    return messages(lang)


def _header(words: Messages) -> list[str]:
    return [
        words.t("report.align.year"),
        words.t("report.align.allocated"),
        words.t("report.align.committed"),
        words.t("report.align.remaining"),
        words.t("report.align.person_years"),
    ]


def plan_line(org: OrgAlignment, lang: str) -> str:
    """`toiminta- ja taloussuunnitelma (TTS) 2022–2025, hyväksytty · sitoumuksia 2, joista resursoitu 2`."""
    words = _labels(lang)
    plan = org.plan
    if plan is None:
        head = words.t("report.align.no_plan")
    else:
        kind = words.of("report.plan.", plan.kind)
        head = f"{kind} {plan.years.start}–{plan.years.end or ''}, {words.of('report.align.', plan.status)}"
    return head + " · " + words.tn("report.align.commitments", org.commitments, m=org.resourced)


def _person_years(year: YearFigures, lang: str) -> str:
    used = format_number(year.person_years, lang)
    available = year.person_years_available
    return f"{used} / " + (format_number(available, lang) if available is not None else "–")


def _row(year: YearFigures, lang: str) -> list[str]:
    remaining = year.remaining
    return [
        str(year.year) + ("" if year.planned else NOT_PLANNED_MARK),
        format_money(year.allocated, lang),
        format_money(year.committed, lang),
        format_money(remaining, lang) if remaining >= 0 else format_signed_money(remaining, lang),
        _person_years(year, lang),
    ]


def _split(alignment: Alignment) -> tuple[dict[str, list[Finding]], list[Finding]]:
    """Findings by the organisation whose table they go under, and the rest."""
    tables = {o.organisation for o in alignment.organisations}
    by_org: dict[str, list[Finding]] = {}
    rest: list[Finding] = []
    for scoped in alignment.scoped:
        if scoped.organisation in tables:
            by_org.setdefault(scoped.organisation, []).append(scoped.finding)
        else:
            rest.append(scoped.finding)
    return by_org, rest


_ANSI = {
    "error": "\x1b[1;31m",
    "warning": "\x1b[33m",
    "info": "\x1b[36m",
    "bold": "\x1b[1m",
    "red": "\x1b[31m",
}
_RESET = "\x1b[0m"
RULE = "─"
GAP = "   "


def table(header: Sequence[str], rows: Sequence[Sequence[str]], color: bool = False) -> list[str]:
    """A plain table: the first column left-aligned, the others right-aligned, a rule under the header.

    Laid out directly rather than with rich: at national scale a report has hundreds of tables,
    which rich renders 30× slower, and the columns here are single-line figures.
    """
    widths = [max(len(cell) for cell in column) for column in zip(header, *rows, strict=True)]

    def line(cells: Sequence[str], styles: Sequence[str] = ()) -> str:
        out: list[str] = []
        for i, (cell, width) in enumerate(zip(cells, widths, strict=True)):
            padded = cell.ljust(width) if i == 0 else cell.rjust(width)
            style = styles[i] if i < len(styles) else ""
            out.append(f"{_ANSI[style]}{padded}{_RESET}" if color and style else padded)
        return GAP.join(out).rstrip()

    lines = [line(header, ["bold"] * len(header))]
    lines.append(RULE * (sum(widths) + len(GAP) * (len(widths) - 1)))
    for row in rows:
        over = row[3].startswith(("−", "-")) if len(row) > 3 else False
        lines.append(line(row, ["", "", "", "red" if over else ""]))
    return lines


def _finding_text(f: Finding, color: bool, lang: str) -> str:
    plain_line = finding_line(f, lang)
    if not color:
        return plain_line
    where = terminal(finding_where(f))
    word = severity(f.severity, lang)
    return plain_line.replace(f"{where}: {word} ", f"{where}: {_ANSI[f.severity]}{word}{_RESET} ", 1)


def text(alignment: Alignment, lang: str = "fi", color: bool = False) -> str:
    """A table per organisation (year × allocated, committed, remaining, person-years), its findings below."""
    words = _labels(lang)
    by_org, rest = _split(alignment)
    out: list[str] = []

    def bold(value: str) -> str:
        return f"{_ANSI['bold']}{value}{_RESET}" if color else value

    def findings(items: Sequence[Finding]) -> None:
        out.extend(_finding_text(f, color, lang) for f in sorted(items, key=Finding.sort_key))

    unplanned = False
    header = _header(words)
    for org in alignment.organisations:
        out.append(bold(terminal(f"{localized(org.name, lang)} ({org.organisation})")))
        out.append(plan_line(org, lang))
        if org.years:
            unplanned = unplanned or any(not y.planned for y in org.years)
            out.extend(table(header, [_row(y, lang) for y in org.years], color))
        else:
            out.append(words.t("report.align.no_years"))
        if by_org.get(org.organisation):
            out.append("")
            findings(by_org[org.organisation])
        out.append("")
    if not alignment.organisations:
        out.extend([words.t("report.align.nothing"), ""])
    if unplanned:
        out.extend([f"{NOT_PLANNED_MARK} {words.t('report.align.not_planned')}", ""])
    if rest:
        out.append(bold(words.t("report.align.other")))
        findings(rest)
        out.append("")
    all_findings = alignment.findings
    mark = "✓ " if not counts(all_findings)["error"] else "✗ "
    out.append(mark + summary_line(all_findings, lang))
    return inert_lines("\n".join(out) + "\n")


def _md_finding(f: Finding, lang: str) -> str:
    return (
        f"- **{severity(f.severity, lang)}** {f.code} {markdown_code(finding_where(f))}: {md(f.text(lang))}"
    )


def markdown(alignment: Alignment, lang: str = "fi", level: int = 2) -> str:
    """The same report as Markdown: a heading and a table per organisation, findings as lists."""
    words = _labels(lang)
    head = "#" * level
    out: list[str] = [f"{head} {words.t('report.align.title')}", ""]
    by_org, rest = _split(alignment)
    unplanned = False
    for org in alignment.organisations:
        out.append(f"{head}# {md(localized(org.name, lang))}")
        out.append("")
        out.append(md(plan_line(org, lang)))
        out.append("")
        if org.years:
            out.append("| " + " | ".join(_header(words)) + " |")
            out.append("|---|---:|---:|---:|---:|")
            for year in org.years:
                unplanned = unplanned or not year.planned
                cells = _row(year, lang)
                cells[0] = cells[0].replace(NOT_PLANNED_MARK, "\\" + NOT_PLANNED_MARK)
                if year.remaining < 0:
                    cells[3] = f"**{cells[3]}**"
                out.append("| " + " | ".join(cells) + " |")
            out.append("")
        else:
            out.append(words.t("report.align.no_years"))
            out.append("")
        items = by_org.get(org.organisation, [])
        if items:
            out.extend(_md_finding(f, lang) for f in sorted(items, key=Finding.sort_key))
            out.append("")
    if not alignment.organisations:
        out.extend([words.t("report.align.nothing"), ""])
    if unplanned:
        out.extend([f"\\{NOT_PLANNED_MARK} {words.t('report.align.not_planned')}", ""])
    if rest:
        out.extend([f"{head}# {words.t('report.align.other')}", ""])
        out.extend(_md_finding(f, lang) for f in sorted(rest, key=Finding.sort_key))
        out.append("")
    all_findings = alignment.findings
    out.append(("✓ " if not counts(all_findings)["error"] else "✗ ") + summary_line(all_findings, lang))
    return inert_lines("\n".join(out) + "\n")


def number(value: Decimal | None) -> int | float | None:
    """A Decimal as a JSON number: an integer when whole, else the shortest float that prints it exactly."""
    if value is None:
        return None
    if value == value.to_integral_value():
        return int(value)
    return float(value)


def _year_dict(year: YearFigures) -> dict[str, Any]:
    return {
        "year": year.year,
        "planned": year.planned,
        "allocated": number(year.allocated),
        "committed": number(year.committed),
        "remaining": number(year.remaining),
        "over": number(year.over),
        "person_years": {
            "available": number(year.person_years_available),
            "committed": number(year.person_years),
            "remaining": number(year.person_years_remaining),
        },
        "lines": [
            {
                "line": line.line,
                "in_plan": line.in_plan,
                "amount": number(line.amount),
                "allocated": number(line.allocated),
                "limit": number(line.limit),
                "committed": number(line.committed),
                "remaining": number(line.remaining),
                "person_years": number(line.person_years),
            }
            for line in year.lines
        ],
    }


def _org_dict(org: OrgAlignment, lang: str) -> dict[str, Any]:
    plan = org.plan
    return {
        "id": org.organisation,
        "name": localized(org.name, lang),
        "plan": None
        if plan is None
        else {
            "kind": plan.kind,
            "status": plan.status,
            "years": {"start": plan.years.start, "end": plan.years.end},
        },
        "commitments": org.commitments,
        "resourced": org.resourced,
        "years": [_year_dict(y) for y in org.years],
    }


def as_dict(alignment: Alignment, lang: str = "fi") -> dict[str, Any]:
    """The JSON report as data: organisations with per-year figures, findings and counts."""
    findings = alignment.findings
    return {
        "currency": "EUR",
        "organisations": [_org_dict(o, lang) for o in alignment.organisations],
        "findings": [f.as_dict() for f in findings],
        "counts": counts(findings),
    }


def as_json(alignment: Alignment, lang: str = "fi", color: bool = False) -> str:
    """The JSON report: per-organisation per-year figures as numbers, findings in the DESIGN contract."""
    return to_json(as_dict(alignment, lang)) + "\n"


def github(alignment: Alignment, lang: str = "fi", color: bool = False) -> str:
    """GitHub workflow annotations of the findings."""
    return findings_github(alignment.findings, {})


def _markdown(alignment: Alignment, lang: str = "fi", color: bool = False) -> str:
    return markdown(alignment, lang)


FORMATS: Mapping[str, Callable[[Alignment, str, bool], str]] = {
    "text": text,
    "markdown": _markdown,
    "json": as_json,
    "github": github,
}


# The money delta of a change, for `diff` and `review`.


def delta_line(delta: YearDelta, lang: str = "fi") -> str:
    """`Hätäkeskuslaitos 2024: sidottu +120 000 €, 30 000 € yli kohdennuksen`."""
    words = _labels(lang)
    parts: list[str] = []
    if delta.allocated:
        parts.append(
            f"{words.t('report.align.allocated').lower()} {format_signed_money(delta.allocated, lang)}"
        )
    if delta.committed:
        parts.append(
            f"{words.t('report.align.committed').lower()} {format_signed_money(delta.committed, lang)}"
        )
    if delta.person_years:
        parts.append(
            f"{words.t('report.align.person_years').lower()} {format_signed_number(delta.person_years, lang)}"
        )
    if delta.available_after != delta.available_before:
        before = delta.available_before or Decimal(0)
        after = delta.available_after or Decimal(0)
        parts.append(f"{words.t('report.align.available')} {format_signed_number(after - before, lang)}")
    if delta.over_after > 0:
        parts.append(words.t("report.align.over", x=format_money(delta.over_after, lang)))
    elif delta.allocated_after or delta.committed_after:
        parts.append(words.t("report.align.left", x=format_money(delta.remaining_after, lang)))
    return f"{localized(delta.name, lang)} {delta.year}: " + ", ".join(parts)


def deltas_text(deltas: Sequence[YearDelta], lang: str = "fi") -> str:
    """The delta block for a text report: a heading and one line per organisation and year."""
    words = _labels(lang)
    if not deltas:
        return words.t("report.align.no_change") + "\n"
    return (
        words.t("report.align.changes")
        + "\n"
        + "".join(f"  {terminal(delta_line(d, lang))}\n" for d in deltas)
    )


def deltas_markdown(deltas: Sequence[YearDelta], lang: str = "fi", level: int = 3) -> str:
    """The delta block for a Markdown report: a heading and a list (over-allocation in bold)."""
    words = _labels(lang)
    out = [f"{'#' * level} {words.t('report.align.changes')}", ""]
    if not deltas:
        out.append(words.t("report.align.no_change"))
    for d in deltas:
        line = md(delta_line(d, lang))
        out.append(f"- **{line}**" if d.over_after > d.over_before else f"- {line}")
    return "\n".join(out) + "\n"


def deltas_as_list(deltas: Sequence[YearDelta]) -> list[dict[str, Any]]:
    """The delta as JSON data: one object per organisation and year, money as numbers."""
    return [
        {
            "organisation": d.organisation,
            "year": d.year,
            "allocated": {"before": number(d.allocated_before), "after": number(d.allocated_after)},
            "committed": {"before": number(d.committed_before), "after": number(d.committed_after)},
            "over": {"before": number(d.over_before), "after": number(d.over_after)},
            "remaining_after": number(d.remaining_after),
            "person_years": {"before": number(d.person_years_before), "after": number(d.person_years_after)},
            "person_years_available": {
                "before": number(d.available_before),
                "after": number(d.available_after),
            },
        }
        for d in deltas
    ]


def delta_section(
    deltas: Sequence[YearDelta], lang: str = "fi"
) -> tuple[str, tuple[str, ...], tuple[tuple[str, ...], ...], tuple[str, ...]]:
    """Title, columns, rows and notes of the alignment section of a diff or review report."""
    words = _labels(lang)
    columns = (
        words.t("report.align.organisation"),
        words.t("report.align.year"),
        words.t("report.align.allocated"),
        words.t("report.align.committed"),
        words.t("report.align.person_years"),
        words.t("report.align.state"),
    )
    rows: list[tuple[str, ...]] = []
    for d in deltas:
        state = (
            words.t("report.align.over", x=format_money(d.over_after, lang))
            if d.over_after > 0
            else words.t("report.align.left", x=format_money(d.remaining_after, lang))
        )
        rows.append(
            (
                localized(d.name, lang),
                str(d.year),
                format_signed_money(d.allocated, lang) if d.allocated else "",
                format_signed_money(d.committed, lang) if d.committed else "",
                format_signed_number(d.person_years, lang) if d.person_years else "",
                state,
            )
        )
    return words.t("report.align.changes"), columns, tuple(rows), ()
