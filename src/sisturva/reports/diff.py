"""A comparison of two revisions as text (rich), Markdown for pull-request comments, and JSON."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ..catalogue import Messages, mark, messages
from ..diff import Comparison, FieldChange, MoneyRow, RecordChange, Section
from ..findings import Finding
from ..locale import format_number
from ..safetext import inert_lines, terminal, to_json
from ..safetext import markdown_cell as md
from ..safetext import markdown_code as code
from .findings import severity

if TYPE_CHECKING:
    from ..history import History

LIMIT = 65_536
"""GitHub's maximum length of a comment body."""

# The words of a record's value, built at run time (`"report.diff." + change`, `"report.kind." + kind`).
VALUE_KEYS: tuple[str, ...] = (
    mark("report.diff.added"),
    mark("report.diff.removed"),
    mark("report.diff.modified"),
    mark("report.diff.renamed"),
    mark("report.kind.settings"),
    mark("report.kind.strategy"),
    mark("report.kind.organisations"),
    mark("report.kind.phenomena"),
    mark("report.kind.indicators"),
    mark("report.kind.priorities"),
    mark("report.kind.goals"),
    mark("report.kind.commitments"),
    mark("report.kind.budgets"),
)
SIGN = {"added": "+", "removed": "-", "modified": "~", "renamed": ">"}


def labels(lang: str) -> Messages:
    """The report's words in `lang` (Finnish when unknown)."""
    return messages(lang)


def kind_name(words: Messages, kind: str) -> str:
    """A record kind as a reader calls it (`sitoumus`); a kind the catalogue does not know as it is."""
    try:
        return words.of("report.kind.", kind)
    except KeyError:
        return kind


# -- values -----------------------------------------------------------------------------------------


def number(value: Decimal | int, lang: str = "fi", signed: bool = False) -> str:
    """`1 234 567,5` in Finnish and Swedish, `1,234,567.5` in English; `+`/`−` when signed."""
    amount = Decimal(value)
    text = f"{abs(amount):,f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    if lang in ("fi", "sv"):
        text = text.replace(",", " ").replace(".", ",")
    sign = "-" if amount < 0 else ("+" if signed and amount > 0 else "")
    return sign + text


def euros(value: Decimal | int, lang: str = "fi", signed: bool = False) -> str:
    """Money the Finnish way: `1 234 567 €`."""
    return number(value, lang, signed) + " €"


def value_text(value: Any, field: str = "", lang: str = "fi") -> str:
    """A field value for people (the JSON output keeps the structure)."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int) and field.rsplit(".", 1)[-1] not in ("euros", "allocated"):
        return str(value)  # years, progress, numbers
    if isinstance(value, Decimal | int):
        return (
            euros(value, lang) if field.rsplit(".", 1)[-1] in ("euros", "allocated") else number(value, lang)
        )
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, list):
        return ", ".join(value_text(v, "", lang) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}: {value_text(v, str(k), lang)}" for k, v in value.items())
    return str(value)


def delta_text(change: FieldChange, lang: str = "fi") -> str:
    """The signed delta of a money field, or an empty string."""
    if not change.delta:
        return ""
    if change.field.rsplit(".", 1)[-1] in ("euros", "allocated"):
        return euros(change.delta, lang, signed=True)
    return number(change.delta, lang, signed=True)


def json_value(value: Any) -> Any:
    """Plain JSON: exact decimals as numbers, dates as ISO strings."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): json_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_value(v) for v in value]
    return value


def short(commit: str | None) -> str:
    """The first 12 characters of a commit id."""
    return commit[:12] if commit else ""


def side_name(spec: str, commit: str | None) -> str:
    """`main (1a2b3c4d5e6f)` or `(working tree)`."""
    if not commit:
        return spec
    return short(commit) if spec == commit else f"{spec} ({short(commit)})"


# -- Markdown ---------------------------------------------------------------------------------------
# Record text goes through `md` (a table cell's inert Markdown) and ids and paths through `code`.


def row(cells: Iterable[str]) -> str:
    """One Markdown table row of already escaped cells."""
    return "| " + " | ".join(c if c else " " for c in cells) + " |"


def table(columns: Sequence[str]) -> list[str]:
    """A Markdown table's header and rule."""
    return [row(md(c) for c in columns), row("---" for _ in columns)]


def fit(blocks: Sequence[str], note: str, limit: int = LIMIT) -> str:
    """Join blocks (lines of our own making) into at most `limit` characters, cut with a note."""
    out: list[str] = []
    size = 0
    depth = 0
    closers = "\n</details>\n"
    for index, block in enumerate(blocks):
        reserve = len(note) + len(closers) * (depth + block.count("<details>")) + 8
        if size + len(block) + 1 + reserve > limit:
            if index < len(blocks):
                out.extend(["", *(["</details>", ""] * depth), note])
            break
        out.append(block)
        size += len(block) + 1
        depth += block.count("<details>") - block.count("</details>")
    return inert_lines("\n".join(out).rstrip("\n") + "\n")


def _where(change: RecordChange) -> str:
    return change.path + (f":{change.line}" if change.line else "")


def _summary(result: Comparison, lang: str) -> str:
    words = labels(lang)
    counts = {k: sum(1 for c in result.changes if c.change == k) for k in SIGN}
    changed = len(result.changes)
    parts = [words.tn("report.diff.records", changed, n=f"**{changed}**")]
    parts += [f"{counts[k]} {words.of('report.diff.', k)}" for k in SIGN if counts[k]]
    euros_delta = sum((r.euros_delta for r in result.money), Decimal(0))
    if result.money:
        parts.append(f"{words.t('report.diff.money').lower()} {euros(euros_delta, lang, signed=True)}")
    if result.findings_checked:
        parts.append(
            f"{words.t('report.diff.findings')}: +{len(result.introduced)} / −{len(result.resolved)}"
        )
    else:
        parts.append(words.t("report.diff.not_checked"))
    return " · ".join(parts)


def markdown_blocks(result: Comparison, lang: str = "fi", heading: str = "###") -> list[str]:
    """The Markdown of a comparison as blocks that can be cut between (see `fit`)."""
    words = labels(lang)
    base = side_name(result.base.spec, result.base.commit)
    head = side_name(result.head.spec, result.head.commit)
    blocks = [f"{heading} {md(words.t('report.diff.title'))}: {md(base)} → {md(head)}", ""]
    if not (result.changes or result.introduced or result.resolved):
        blocks.append(md(words.t("report.diff.nothing")))
        return blocks
    blocks += [_summary(result, lang), ""]
    if result.changes:
        blocks += table(
            [
                words.t("report.diff.change"),
                words.t("report.diff.kind"),
                words.t("report.diff.id"),
                words.t("report.diff.name"),
                words.t("report.diff.file"),
            ]
        )
        for c in result.changes:
            ident = code(c.id) if not c.previous_id else f"{code(c.previous_id)} → {code(c.id)}"
            blocks.append(
                row(
                    [
                        md(words.of("report.diff.", c.change)),
                        md(kind_name(words, c.kind)),
                        ident,
                        md(c.title),
                        code(_where(c)),
                    ]
                )
            )
        blocks.append("")
    if result.money:
        blocks += money_blocks(result.money, lang, heading + "#")
    blocks += findings_blocks(result, lang, heading + "#")
    for section in result.sections:
        blocks += section_blocks(section, heading + "#")
    detailed = [c for c in result.changes if c.fields]
    if detailed:
        total = sum(len(c.fields) for c in detailed)
        blocks += ["<details>", f"<summary>{md(words.t('report.diff.details'))} ({total})</summary>", ""]
        for c in detailed:
            ident = code(c.id) if not c.previous_id else f"{code(c.previous_id)} → {code(c.id)}"
            blocks += [
                f"**{md(kind_name(words, c.kind))} {ident}** ({md(words.of('report.diff.', c.change))}, {code(_where(c))})",
                "",
            ]
            blocks += table(
                [
                    words.t("report.diff.field"),
                    words.t("report.diff.before"),
                    words.t("report.diff.after"),
                    words.t("report.diff.delta"),
                ]
            )
            for f in c.fields:
                blocks.append(
                    row(
                        [
                            code(f.field),
                            md(value_text(f.before, f.field, lang)),
                            md(value_text(f.after, f.field, lang)),
                            md(delta_text(f, lang)),
                        ]
                    )
                )
            blocks.append("")
        blocks += ["</details>", ""]
    return blocks


def money_blocks(rows: Sequence[MoneyRow], lang: str, heading: str) -> list[str]:
    """The per-organisation, per-year money table."""
    words = labels(lang)
    e, p = words.t("report.diff.euros"), words.t("report.diff.person_years")
    out = [f"{heading} {md(words.t('report.diff.money'))}", ""]
    out += table(
        [
            words.t("report.diff.organisation"),
            words.t("report.diff.year"),
            f"{e} {words.t('report.diff.before').lower()}",
            f"{e} {words.t('report.diff.after').lower()}",
            f"Δ {e}",
            f"{p} {words.t('report.diff.before').lower()}",
            f"{p} {words.t('report.diff.after').lower()}",
            f"Δ {p}",
        ]
    )
    for r in rows:
        out.append(
            row(
                [
                    code(r.organisation),
                    str(r.year),
                    md(euros(r.euros_before, lang)),
                    md(euros(r.euros_after, lang)),
                    md(euros(r.euros_delta, lang, True)),
                    md(number(r.person_years_before, lang)),
                    md(number(r.person_years_after, lang)),
                    md(number(r.person_years_delta, lang, True)),
                ]
            )
        )
    out.append("")
    return out


def finding_rows(findings: Sequence[Finding], lang: str = "fi") -> list[str]:
    """Findings as Markdown table rows, the severity in the reader's language."""
    out: list[str] = []
    for f in findings:
        where = f.path + (f":{f.line}" if f.line else "") + (f":{f.column}" if f.column else "")
        out.append(row([md(severity(f.severity, lang)), code(f.code), code(where), md(f.text(lang))]))
    return out


def findings_blocks(result: Comparison, lang: str, heading: str) -> list[str]:
    """Tables of the findings a change introduces and resolves."""
    words = labels(lang)
    out: list[str] = []
    columns = [
        words.t("report.diff.severity"),
        words.t("report.diff.code"),
        words.t("report.diff.where"),
        words.t("report.diff.message"),
    ]
    if result.introduced:
        out += [f"{heading} {md(words.t('report.diff.introduced'))} ({len(result.introduced)})", ""]
        out += [*table(columns), *finding_rows(result.introduced, lang), ""]
    if result.resolved:
        out += [
            "<details>",
            f"<summary>{md(words.t('report.diff.resolved'))} ({len(result.resolved)})</summary>",
            "",
        ]
        out += [*table(columns), *finding_rows(result.resolved, lang), "", "</details>", ""]
    return out


def section_blocks(section: Section, heading: str) -> list[str]:
    """An extra section as a heading, a table and notes."""
    out = [f"{heading} {md(section.title)}", ""]
    if section.columns:
        out += table(section.columns)
        out += [row(md(cell) for cell in cells) for cells in section.rows]
        out.append("")
    for note in section.notes:
        out += [md(note), ""]
    return out


def cut_note(result: Comparison, lang: str) -> str:
    """The note that ends a cut comment."""
    base = short(result.base.commit) or "HEAD"
    head = short(result.head.commit)
    return (
        "*"
        + labels(lang)
        .t("report.diff.cut", limit=format_number(LIMIT, lang), base=base, head=head)
        .replace("  `", " `")
        + "*"
    )


def markdown(result: Comparison, lang: str = "fi", limit: int = LIMIT) -> str:
    """A pull-request comment: the summary first, details folded, never longer than GitHub allows."""
    return fit(markdown_blocks(result, lang), cut_note(result, lang), limit)


# -- JSON -------------------------------------------------------------------------------------------


def fields_json(fields: Iterable[FieldChange]) -> list[dict[str, Any]]:
    """Changed fields in the JSON contract: before, after, and the delta of numbers."""
    return [
        {"field": f.field, "before": json_value(f.before), "after": json_value(f.after)}
        | ({"delta": json_value(f.delta)} if f.delta is not None else {})
        for f in fields
    ]


def change_dict(c: RecordChange) -> dict[str, Any]:
    """One change in the JSON contract of DESIGN.md."""
    body: dict[str, Any] = {
        "kind": c.kind,
        "id": c.id,
        "change": c.change,
        "path": c.path,
        "line": c.line,
        "title": c.title,
        "organisation": c.organisation,
        "fields": fields_json(c.fields),
    }
    if c.previous_id is not None:
        body["previous_id"] = c.previous_id
    return body


def body(result: Comparison) -> dict[str, Any]:
    """The comparison as JSON-ready data."""
    counts = {k: sum(1 for c in result.changes if c.change == k) for k in SIGN}
    data: dict[str, Any] = {
        "base": result.base.as_dict(),
        "head": result.head.as_dict(),
        "changed": bool(result.changes or result.introduced or result.resolved),
        "counts": counts,
        "paths": list(result.changed_paths),
        "changes": [change_dict(c) for c in result.changes],
        "money": [
            {
                "organisation": r.organisation,
                "year": r.year,
                "euros": {
                    k: json_value(v)
                    for k, v in (
                        ("before", r.euros_before),
                        ("after", r.euros_after),
                        ("delta", r.euros_delta),
                    )
                },
                "person_years": {
                    k: json_value(v)
                    for k, v in (
                        ("before", r.person_years_before),
                        ("after", r.person_years_after),
                        ("delta", r.person_years_delta),
                    )
                },
            }
            for r in result.money
        ],
        "findings": {
            "checked": result.findings_checked,
            "introduced": [f.as_dict() for f in result.introduced],
            "resolved": [f.as_dict() for f in result.resolved],
        },
    }
    for section in result.sections:
        data[section.key] = json_value(section.data)
    return data


def as_json(result: Comparison, lang: str = "fi") -> str:
    """The JSON contract of DESIGN.md for `diff --format json`."""
    return to_json(body(result)) + "\n"


# -- text -------------------------------------------------------------------------------------------

_STYLE = {"added": "green", "removed": "red", "modified": "yellow", "renamed": "cyan"}


def _grid(columns: Sequence[tuple[str, bool]], rows: Sequence[Sequence[str]]) -> list[str]:
    """A table laid out as rich lays out one without borders: columns two spaces apart, header first.

    `columns`: each column's header and whether it is right-aligned. Used when there is no colour,
    so that a plain report does not load rich.
    """
    widths = [max(len(c[0]), *(len(r[i]) for r in rows)) for i, c in enumerate(columns)]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(
            cell.rjust(width) if right else cell.ljust(width)
            for cell, width, (_, right) in zip(cells, widths, columns, strict=True)
        ).rstrip()

    return [line([c[0] for c in columns]), *(line(r) for r in rows)]


def text(result: Comparison, lang: str = "fi", color: bool = False) -> str:
    """A terminal report: one line per record, its fields indented, then money and findings."""
    words = labels(lang)
    # rich takes ≈ 0.1 s to load: it is used only when there is colour to show. Record text has
    # been through `terminal` either way; with colour it is also escaped for rich's markup.
    escape: Callable[[str], str] = str
    if color:
        from rich.markup import escape

    def styled(style: str, text: str) -> str:
        return f"[{style}]{escape(text)}[/]" if color else text

    out: list[str | tuple[list[tuple[str, bool]], list[list[str]]]] = []
    base = side_name(result.base.spec, result.base.commit)
    head = side_name(result.head.spec, result.head.commit)
    out.append(
        f"{styled('bold', words.t('report.diff.title'))}: {escape(terminal(base))} → {escape(terminal(head))}"
    )
    if not (result.changes or result.introduced or result.resolved):
        out.append(escape(words.t("report.diff.nothing")))
    for c in result.changes:
        ident = c.id if not c.previous_id else f"{c.previous_id} → {c.id}"
        title = f"  {escape(terminal(c.title, 80))}" if c.title else ""
        head_line = terminal(f"{SIGN[c.change]} {kind_name(words, c.kind)} {ident}")
        out.append(f"{styled(_STYLE[c.change], head_line)}{title}  {styled('dim', terminal(_where(c)))}")
        if c.change == "modified" or c.change == "renamed":
            out.extend("    " + escape(field_line(f, lang)) for f in c.fields)
    if result.money:
        e, p = words.t("report.diff.euros"), words.t("report.diff.person_years")
        before, after = words.t("report.diff.before").lower(), words.t("report.diff.after").lower()
        columns = [(words.t("report.diff.organisation"), False), (words.t("report.diff.year"), False)]
        columns += [(name, True) for name in (f"{e} {before}", f"{e} {after}", f"Δ {e}")]
        columns += [(name, True) for name in (f"{p} {before}", f"{p} {after}", f"Δ {p}")]
        rows = [
            [
                terminal(r.organisation),
                str(r.year),
                euros(r.euros_before, lang),
                euros(r.euros_after, lang),
                euros(r.euros_delta, lang, True),
                number(r.person_years_before, lang),
                number(r.person_years_after, lang),
                number(r.person_years_delta, lang, True),
            ]
            for r in result.money
        ]
        out += ["", styled("bold", words.t("report.diff.money")), (columns, rows)]
    for title, found in (
        (words.t("report.diff.introduced"), result.introduced),
        (words.t("report.diff.resolved"), result.resolved),
    ):
        if found:
            out += ["", styled("bold", f"{title} ({len(found)})")]
            for item in found:
                where = (
                    item.path
                    + (f":{item.line}" if item.line else "")
                    + (f":{item.column}" if item.column else "")
                )
                out.append(
                    f"  {escape(terminal(where))}: {severity(item.severity, lang)} {item.code}: "
                    f"{escape(terminal(item.text(lang), 200))}"
                )
    for section in result.sections:
        out += ["", styled("bold", terminal(section.title))]
        if section.columns:
            out.append(
                (
                    [(terminal(name), False) for name in section.columns],
                    [[terminal(cell) for cell in cells] for cells in section.rows],
                )
            )
        out.extend(escape(terminal(note)) for note in section.notes)
    out += ["", escape(_summary(result, lang).replace("**", ""))]
    if not color:
        lines = [line for part in out for line in ([part] if isinstance(part, str) else _grid(*part))]
        return inert_lines("\n".join(line.rstrip() for line in lines) + "\n")
    from rich.console import Console
    from rich.table import Table

    console = Console(width=160, force_terminal=True, highlight=False, soft_wrap=True, emoji=False)
    with console.capture() as captured:
        for part in out:
            if isinstance(part, str):
                console.print(part)
                continue
            grid = Table(box=None, show_edge=False, pad_edge=False, header_style="bold")
            for name, right in part[0]:
                grid.add_column(escape(name), justify="right" if right else "left")
            for cells in part[1]:
                grid.add_row(*(escape(cell) for cell in cells))
            console.print(grid)
    return inert_lines("\n".join(line.rstrip() for line in captured.get().splitlines()) + "\n")


FORMATS: dict[str, Callable[[Comparison, str], str]] = {"markdown": markdown, "json": as_json}


def render(result: Comparison, fmt: str, lang: str = "fi", color: bool = False) -> str:
    """The comparison in one of the formats (`text`, `markdown`, `json`)."""
    if fmt == "text":
        return text(result, lang, color)
    return FORMATS[fmt](result, lang)


# -- the history of one record (`log ID`) -----------------------------------------------------------


def log_body(found: History) -> dict[str, Any]:
    """A record's history as JSON-ready data."""
    return {
        "kind": found.kind,
        "id": found.id,
        "revision": {"revision": found.revision, "commit": found.commit},
        "shallow": found.shallow,
        "commits": [
            {
                "commit": s.commit.id,
                "date": s.commit.date,
                "author": s.commit.author,
                "email": s.commit.email,
                "message": s.commit.subject,
                "change": s.change,
                "id": s.id,
                "previous_id": s.previous_id,
                "path": s.path,
                "fields": fields_json(s.fields),
            }
            for s in found.steps
        ],
    }


def field_line(f: FieldChange, lang: str) -> str:
    """One changed field on one line: `field: before → after (delta)`."""
    delta = delta_text(f, lang)
    before = terminal(value_text(f.before, f.field, lang), 120)
    after = terminal(value_text(f.after, f.field, lang), 120)
    return f"{terminal(f.field, 200)}: {before} → {after}" + (f" ({delta})" if delta else "")


def log_text(found: History, lang: str = "fi", color: bool = False) -> str:
    """A record's history for a terminal, newest first, like `git log`."""
    words = labels(lang)

    # rich takes ≈ 0.1 s to load: it is used only when there is colour to show.
    escape: Callable[[str], str] = str
    if color:
        from rich.markup import escape

    def styled(style: str, text: str) -> str:
        return f"[{style}]{escape(text)}[/]" if color else text

    lines = [styled("bold", terminal(f"{kind_name(words, found.kind)} {found.id}", 200))]
    for s in found.steps:
        ident = s.id if not s.previous_id else f"{s.previous_id} → {s.id}"
        author = terminal(f"{s.commit.date} {s.commit.author}", 200)
        lines += [
            "",
            f"{styled('yellow', terminal(s.commit.id[:12]))} {escape(author)}",
            f"    {escape(terminal(s.commit.subject, 100))}",
            f"    {styled(_STYLE.get(s.change, 'yellow'), words.of('report.diff.', s.change))} "
            f"{escape(terminal(ident, 200))}  {styled('dim', terminal(s.path, 300))}",
        ]
        if s.change != "added" and s.change != "removed":
            lines += ["      " + escape(field_line(f, lang)) for f in s.fields]
    if found.shallow:
        lines += ["", words.t("report.log.shallow")]
    if color:
        from rich.console import Console

        console = Console(width=160, force_terminal=True, highlight=False, soft_wrap=True, emoji=False)
        with console.capture() as captured:
            for line in lines:
                console.print(line)
        lines = captured.get().splitlines()
    return inert_lines("\n".join(line.rstrip() for line in lines) + "\n")


def render_log(found: History, fmt: str, lang: str = "fi", color: bool = False) -> str:
    """A record's history as `text` or `json`."""
    if fmt == "json":
        return to_json(log_body(found)) + "\n"
    return log_text(found, lang, color)
