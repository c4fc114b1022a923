"""Money, numbers and dates formatted per language (fi, sv, en) with Babel, Finnish by default.

Spacing: Babel groups digits and separates the euro sign with a no-break space (U+00A0), as
Finnish and Swedish typography wants, so `1 234 567 €` never breaks across lines in a terminal
table, a Markdown comment or a web page. Every text and Markdown report of sisturva keeps that
no-break space; `plain()` turns it into an ordinary space for a caller that needs ASCII spaces.
"""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_EVEN, Decimal
from functools import lru_cache
from typing import Any, Literal

from .catalogue import mark

NBSP = "\u00a0"
"""The no-break space Babel puts between digit groups and before the euro sign."""
NNBSP = "\u202f"
"""The narrow no-break space some locales use; `plain()` replaces it too."""
LANGS: tuple[str, ...] = ("fi", "sv", "en")
DEFAULT_LANG = "fi"
DateStyle = Literal["short", "medium", "long"]


def _lang(lang: str | None) -> str:
    return lang if lang in LANGS else DEFAULT_LANG


@lru_cache(maxsize=8)
def _money_patterns(lang: str) -> tuple[str, str]:
    """The currency pattern of `lang` without decimals (whole euros) and with them (cents)."""
    from babel import Locale

    pattern = Locale.parse(lang).currency_formats["standard"].pattern
    # The accounting-free standard pattern, e.g. `#,##0.00 ¤` (fi, sv) or `¤#,##0.00` (en). The
    # euro sign follows the amount in every language (`200,000 €` in English, as the strategy's
    # figures are written in all three), so the language versions of a table read alike and a
    # report in English never mixes `€200,000` from one part with `200,000 €` from another.
    digits = pattern.split(";", 1)[0].replace("¤", "").strip(" " + NBSP + NNBSP)
    positive = digits + NBSP + "¤"
    return positive.replace(".00", ""), positive


@lru_cache(maxsize=8)
def _symbols(lang: str) -> tuple[str, str, str, str]:
    """Babel's group and decimal symbols and the euro pattern's prefix and suffix for `lang`."""
    from babel.numbers import get_decimal_symbol, get_group_symbol, parse_pattern

    pattern = parse_pattern(_money_patterns(lang)[0])
    prefix, suffix = (part[0].replace("¤", "€") for part in (pattern.prefix, pattern.suffix))
    return str(get_group_symbol(lang)), str(get_decimal_symbol(lang)), prefix, suffix


def _digits(value: Decimal, places: int | None, lang: str) -> str:
    """A non-negative number grouped by thousands with `lang`'s symbols (what Babel writes, faster)."""
    group, decimal, _, _ = _symbols(lang)
    if places is None:
        text = format(value, ",f")
        if "." in text:
            text = text.rstrip("0").rstrip(".")
    else:
        text = format(value.quantize(Decimal(1).scaleb(-places), ROUND_HALF_EVEN), f",.{places}f")
    return text.replace(",", "\0").replace(".", decimal).replace("\0", group)


def format_money(amount: Decimal | int, lang: str | None = DEFAULT_LANG) -> str:
    """Euros the way `lang` writes them: `1 234 567 €` (fi, sv), `1,234,567 €` (en); cents only when present."""
    code = _lang(lang)
    value = Decimal(amount)
    whole = value == value.to_integral_value()
    if value.is_finite():
        # Tables print thousands of amounts: Babel's symbols, applied directly (tests compare both).
        # Babel writes a negative amount with a hyphen-minus before the whole (`-1 234 €`, `-1,234 €`).
        _, _, prefix, suffix = _symbols(code)
        sign = "-" if value < 0 else ""
        return sign + prefix + _digits(abs(value), 0 if whole else 2, code) + suffix
    from babel.numbers import format_currency

    pattern = _money_patterns(code)[0 if whole else 1]
    return str(format_currency(value, "EUR", format=pattern, locale=code, currency_digits=False))


def format_signed_money(amount: Decimal | int, lang: str | None = DEFAULT_LANG) -> str:
    """A change in euros with its sign: `+120 000 €`, `−30 000 €`, `±0 €` for no change."""
    value = Decimal(amount)
    if value == 0:
        return "±" + format_money(value, lang)
    return _sign(value, lang) + format_money(abs(value), lang)


def format_number(
    value: Decimal | int | float, lang: str | None = DEFAULT_LANG, digits: int | None = None
) -> str:
    """A number the way `lang` writes it (`1 234,5` in fi); `digits` fixes the decimals shown."""
    from babel.numbers import format_decimal

    code = _lang(lang)
    number = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    if number >= 0 and number.is_finite():
        return _digits(number, digits, code)
    if digits is not None:
        pattern = "#,##0" + ("." + "0" * digits if digits > 0 else "")
        return str(format_decimal(number, format=pattern, locale=code, decimal_quantization=True))
    return str(format_decimal(number, locale=code, decimal_quantization=False))


def format_signed_number(value: Decimal | int, lang: str | None = DEFAULT_LANG) -> str:
    """A change in a number with its sign: `+1,5`, `−2`, `±0`."""
    number = Decimal(value)
    if number == 0:
        return "±" + format_number(number, lang)
    return _sign(number, lang) + format_number(abs(number), lang)


def _sign(value: Decimal, lang: str | None) -> str:
    from babel.numbers import get_minus_sign_symbol, get_plus_sign_symbol

    code = _lang(lang)
    return str(get_plus_sign_symbol(code) if value > 0 else get_minus_sign_symbol(code))


DATE_LOCALES: dict[str, str] = {"fi": "fi", "sv": "sv", "en": "en_GB"}
"""The Babel locale of each language's dates: English in the day-month-year order used in Europe."""


def format_date(value: datetime.date, lang: str | None = DEFAULT_LANG, style: DateStyle = "medium") -> str:
    """A date the way `lang` writes it: `5.3.2024` (fi), `5 mars 2024` (sv), `5 Mar 2024` (en).

    English is British English (`31 Dec 2025`, `31 December 2025`, `31/12/2025`): a Finnish
    public body writing in English does not use the American month-first order.
    """
    from babel.dates import format_date as babel_date

    return str(babel_date(value, format=style, locale=DATE_LOCALES[_lang(lang)]))


TIGHT_UNITS: frozenset[str] = frozenset({"%", "‰"})
"""Units English writes right after the number (`91%`); Finnish and Swedish put a space (`91 %`)."""


def with_unit(text: str, unit: str, lang: str) -> str:
    """A formatted value with its unit as `lang` writes it: `91 %` (fi, sv), `91%` (en), `12 kuolemaa`.

    The space is a no-break one, so a value never parts from its unit at the end of a line; an
    empty unit leaves the value as it is.
    """
    unit = unit.strip()
    if not unit:
        return text
    if unit in TIGHT_UNITS and _lang(lang) == "en":
        return text + unit
    return text + NBSP + unit


def localized(text: object, lang: str | None = DEFAULT_LANG) -> str:
    """Record text (a plain string or a `{fi, sv, en}` mapping) in `lang`, else Finnish, Swedish, English."""
    if text is None:
        return ""
    if isinstance(text, str):
        return text
    for code in (_lang(lang), *LANGS):
        value = getattr(text, code, None)
        if isinstance(value, str):
            return value
    return str(text)


IN_LANGUAGE: dict[str, str] = {
    "fi": mark("fallback.fi"),
    "sv": mark("fallback.sv"),
    "en": mark("fallback.en"),
}
"""The catalogue keys of "in Finnish", "in Swedish", "in English", each said in the reader's language."""


def in_language(shown: str, lang: str | None = DEFAULT_LANG) -> str:
    """The one marker of text shown in language `shown` amid text in `lang`: `suomeksi`, `på finska`, `in Finnish`.

    Only for text a reader may not read in `lang`; names (of organisations and people), units and
    abbreviations are shown as they are written and carry no marker.
    """
    from .catalogue import messages

    key = IN_LANGUAGE.get(shown)
    return messages(_lang(lang)).t(key) if key is not None else shown


def plain(text: str) -> str:
    """The same text with no-break spaces as ordinary spaces."""
    return text.replace(NBSP, " ").replace(NNBSP, " ")


# Short names the site renderer's template helpers call.
def money(amount: Decimal | int, lang: str | None = DEFAULT_LANG) -> str:
    """Alias of `format_money`."""
    return format_money(amount, lang)


def number(value: Decimal | int | float, lang: str | None = DEFAULT_LANG) -> str:
    """Alias of `format_number`."""
    return format_number(value, lang)


def date(value: Any, lang: str | None = DEFAULT_LANG) -> str:
    """Alias of `format_date` that also passes through values that are not dates (e.g. a year)."""
    if isinstance(value, datetime.date):
        return format_date(value, lang)
    return str(value)


__all__ = [
    "DATE_LOCALES",
    "DEFAULT_LANG",
    "LANGS",
    "NBSP",
    "date",
    "format_date",
    "format_money",
    "format_number",
    "format_signed_money",
    "format_signed_number",
    "in_language",
    "localized",
    "money",
    "number",
    "plain",
    "with_unit",
]
