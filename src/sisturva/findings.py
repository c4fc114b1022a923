"""Findings: problems in the data, as values with a stable code and a position."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

Severity = Literal["error", "warning", "info"]
SEVERITIES: tuple[Severity, ...] = ("error", "warning", "info")

# code → (default severity, what it means). The README's table is generated from and tested
# against this registry, so a code is documented the moment it exists.
CODES: dict[str, tuple[Severity, str]] = {
    "SIS001": ("error", "YAML syntax error"),
    "SIS002": ("error", "duplicate key in a mapping"),
    "SIS003": ("error", "`%YAML` or `%TAG` directive (the file must be read as YAML 1.2)"),
    "SIS004": ("error", "explicit tag such as `!!python/object` or `!foo`"),
    "SIS005": ("error", "anchor or alias (`&a`, `*a`)"),
    "SIS006": ("error", "nesting deeper than the limit"),
    "SIS007": ("error", "file larger than the size limit"),
    "SIS008": ("error", "bytes that are not UTF-8"),
    "SIS009": ("error", "byte order mark at the start of the file"),
    "SIS010": ("error", "empty or comment-only file"),
    "SIS011": ("error", "several YAML documents in one file"),
    "SIS012": ("error", "mapping key that is not a string"),
    "SIS013": ("error", "symbolic link, or a path that leads outside the repository"),
    "SIS014": ("error", "the top level of a file is not a mapping"),
    "SIS015": (
        "warning",
        "a file in a record folder that is not read: not named ID.yaml, in a subfolder, or named with a leading dot",
    ),
    "SIS016": ("error", "file or folder cannot be read (reported at 1:1)"),
    "SIS101": ("error", "unknown key"),
    "SIS102": ("error", "missing required key"),
    "SIS103": ("error", "value of the wrong type or out of range"),
    "SIS104": ("error", "id is not a lower-case kebab-case slug"),
    "SIS105": ("error", "link is not an http(s) address"),
    "SIS201": ("error", "reference to an unknown record"),
    "SIS202": ("error", "duplicate id"),
    "SIS203": ("error", "file name disagrees with the record's id"),
    "SIS204": ("error", "goal reference names a priority that does not exist"),
    "SIS205": ("error", "goal id does not start with its priority's id"),
    "SIS206": ("warning", "indicator that no goal or phenomenon uses"),
    "SIS207": ("warning", "text missing a required language (an error under --strict)"),
    "SIS208": ("error", "required file missing (`strategy.yaml`)"),
    "SIS209": ("warning", "goal's indicator has no observation for the baseline year"),
    "SIS210": ("error", "resource year outside its commitment's period"),
    "SIS211": ("warning", "commitment period starts before or ends after the planning years"),
    "SIS212": ("warning", "priority period starts before or ends after the planning years"),
    "SIS213": ("warning", "goal's target, due or baseline year outside its priority's period"),
    "SIS214": ("warning", "goal's target, due or baseline year outside the planning years"),
    "SIS215": ("error", "goal's baseline year after its target year"),
    "SIS216": ("error", "observation for a year still to come"),
    "SIS217": ("error", "owner that is not a GitHub or GitLab handle or an email address"),
    "SIS218": ("warning", "suspect commitment: a goal it serves changed since its organisation confirmed it"),
    "SIS301": ("error", "resource names a budget line that is not in the organisation's plan"),
    "SIS302": ("error", "organisation has commitments with money but no budget plan"),
    "SIS303": ("warning", "resource year outside the years the plan covers: not yet planned"),
    "SIS304": ("error", "commitments exceed the line's allocation (or amount) for a year"),
    "SIS305": ("error", "commitments exceed the person-years the organisation made available"),
    "SIS306": ("warning", "commitment with no resources: not yet resourced (error under --strict)"),
    "SIS307": ("error", "commitment tied to a performance target its organisation's plan lacks"),
    "SIS308": ("info", "resourced commitment tied to none of its organisation's own targets"),
    "SIS309": ("warning", "plan shorter than its kind requires"),
    "SIS310": ("info", "draft budget plan"),
    "SIS311": ("warning", "active goal that no resourced commitment serves"),
    "SIS312": ("info", "priority group member with no commitment to that priority"),
    "SIS313": ("error", "budget amount or person-years for a year the plan does not cover"),
    "SIS314": ("warning", "plan's years start before or end after the planning years"),
}


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem in the data."""

    code: str
    """Stable code from `CODES`."""
    severity: Severity
    """error, warning or info."""
    message: str
    """What is wrong and what to do."""
    path: str
    """File as typed from the current directory (or repository-relative for revisions)."""
    line: int = 1
    """1-based line (1 for a finding about a whole file)."""
    column: int = 1
    """1-based column (1 for a finding about a whole file)."""
    id: str | None = None
    """The record the finding concerns."""
    key: str | None = None
    """The catalogue key of the message (`finding.SIS304.over`); None for a message only in English."""
    params: Params = ()
    """The values filling the key's fields, as plain data (see `Param`) so findings pickle into caches."""

    def text(self, lang: str | None = None) -> str:
        """The message in `lang` (fi, sv, en), numbers and money as that language writes them.

        Without a language, or for a message the catalogue lacks, the English `message`.
        """
        if lang is None or lang == "en" or self.key is None:
            return self.message
        return render(("t", self.key, self.params), lang)

    def as_dict(self) -> dict[str, object]:
        """The JSON contract of DESIGN.md."""
        return {
            "code": self.code,
            "severity": self.severity,
            "message": self.message,
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "id": self.id,
        }

    def sort_key(self) -> tuple[str, int, int, str]:
        """Order by file, then position, then code."""
        return (self.path, self.line, self.column, self.code)


# -- messages from the catalogue ------------------------------------------------------------------------

Param = str | int | Decimal | tuple[Any, ...]
"""A value of a finding's message: text and whole numbers as they are, a `Decimal` as a number of
the reader's language, and tagged tuples (plain data, unlike objects of our own, which the cache
refuses): `("€", amount)` money, `("t", key, params)` a message, `("tn", key, count, params)` a
message with plural forms, `(",", *values)` values listed with commas."""
Params = tuple[tuple[str, Param], ...]
Said = tuple[str, str, Params]
"""A message to be written in the reader's language: `("t", key, params)`."""


def tf(key: str, /, **values: Param) -> Said:
    """The catalogue message `key` with its `{fields}` filled from `values` when it is read."""
    return ("t", key, tuple(values.items()))


def tn(key: str, count: int, /, **values: Param) -> Param:
    """The catalogue message `key` in the plural form `count` takes, `{n}` the count."""
    return ("tn", key, count, tuple(values.items()))


def euros(amount: Decimal) -> Param:
    """An amount of money, written as the reader's language writes euros."""
    return ("€", amount)


def listed(values: Iterable[Param]) -> Param:
    """Values written one after another with commas."""
    return (",", *values)


def hint(word: str, choices: Iterable[str]) -> Param:
    """` (did you mean 'x'?)` in the reader's language when a close choice exists, else nothing."""
    import difflib

    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return tf("finding.did-you-mean", choice=close[0]) if close else ""


def render(message: Said | tuple[str, str, int, Params], lang: str) -> str:
    """A message in `lang`, its numbers and money written with `locale`'s formats (Babel)."""
    from .locale import format_money, format_number

    return _render(message, lang, format_money, format_number)


def _english_money(amount: Decimal, lang: str) -> str:
    if amount >= 0 and amount.is_finite():
        return _en_digits(amount, 0 if amount == amount.to_integral_value() else 2) + EN_EURO
    from .locale import format_money

    return format_money(amount, "en")


def _english_number(value: Decimal, lang: str) -> str:
    if value >= 0 and value.is_finite():
        return _en_digits(value, None)
    from .locale import format_number

    return format_number(value, "en")


EN_GROUP = ","
"""English digit grouping, as Babel's locale data has it (a test compares them): the English message is
made for every finding, by `validate` too, which does not load Babel."""
EN_DECIMAL = "."
EN_EURO = "\u00a0€"


def _en_digits(value: Decimal, places: int | None) -> str:
    from decimal import ROUND_HALF_EVEN

    if places is None:
        text = format(value, ",f")
        return text.rstrip("0").rstrip(".") if "." in text else text
    return format(value.quantize(Decimal(1).scaleb(-places), ROUND_HALF_EVEN), f",.{places}f")


def english(message: Said) -> str:
    """The English text of a message, as a finding's `message` (the JSON contract) holds it."""
    return _render(message, "en", _english_money, _english_number)


Formatter = Callable[[Decimal, str], str]


def _render(message: tuple[Any, ...], lang: str, money: Formatter, number: Formatter) -> str:
    from .catalogue import messages

    values = {name: _value(value, lang, money, number) for name, value in message[-1]}
    words = messages(lang)
    # Filled here rather than through `t`/`tn`, whose own arguments (`key`, `count`) a message's
    # values may also be called.
    if message[0] == "tn":
        return words.translations.ngettext(message[1], message[1], message[2]).format(
            **{"n": message[2], **values}
        )
    text = words.text(message[1])
    return text.format(**values) if values else text


def _value(value: Param, lang: str, money: Formatter, number: Formatter) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, int):
        return str(value)  # years and counts, never grouped: 2024, not 2 024
    if isinstance(value, Decimal):
        return number(value, lang)
    tag = value[0]
    if tag == "€":
        return money(value[1], lang)
    if tag == ",":
        return ", ".join(_value(item, lang, money, number) for item in value[1:])
    return _render(value, lang, money, number)


def make(
    code: str,
    message: str | Said,
    path: str,
    line: int | None = None,
    column: int | None = None,
    record_id: str | None = None,
    severity: Severity | None = None,
) -> Finding:
    """A finding with the code's default severity unless one is given.

    Without a position (a whole file, a file that could not be read) it is at 1:1, so every
    finding can be shown and annotated as `path:line:column`.
    """
    level = severity or CODES[code][0]
    if isinstance(message, str):
        return Finding(code, level, message, path, line or 1, column or 1, record_id)
    english_text = english(message)
    return Finding(code, level, english_text, path, line or 1, column or 1, record_id, message[1], message[2])


def counts(findings: Iterable[Finding]) -> dict[str, int]:
    """How many findings of each severity: the `counts` of the JSON contract."""
    result: dict[str, int] = dict.fromkeys(SEVERITIES, 0)
    for finding in findings:
        result[finding.severity] += 1
    return result


def strictened(findings: Iterable[Finding]) -> list[Finding]:
    """Under `--strict`, warnings count as errors."""
    return [_promote(f) if f.severity == "warning" else f for f in findings]


def _promote(finding: Finding) -> Finding:
    return Finding(
        finding.code,
        "error",
        finding.message,
        finding.path,
        finding.line,
        finding.column,
        finding.id,
        finding.key,
        finding.params,
    )


def exit_code(findings: Iterable[Finding]) -> int:
    """0 when nothing is at error level, else 1."""
    return 1 if any(f.severity == "error" for f in findings) else 0


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """` (did you mean 'x'?)` when a close choice exists, else an empty string."""
    import difflib

    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""
