from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sisturva.locale import (
    NBSP,
    format_date,
    format_money,
    format_number,
    format_signed_money,
    format_signed_number,
    in_language,
    money,
    number,
    plain,
    with_unit,
)


@pytest.mark.parametrize(
    ("lang", "amount", "expected"),
    [
        ("fi", Decimal("1234567"), "1 234 567 €"),
        ("fi", Decimal("1234567.50"), "1 234 567,50 €"),
        ("fi", Decimal("0"), "0 €"),
        ("sv", Decimal("70550000"), "70 550 000 €"),
        ("en", Decimal("1234567"), "1,234,567 €"),
        ("en", Decimal("0.05"), "0.05 €"),
        (None, 1000, "1 000 €"),
        ("de", 1000, "1 000 €"),
    ],
)
def test_money_per_language(lang: str | None, amount: Decimal, expected: str) -> None:
    assert plain(format_money(amount, lang)) == expected


def test_finnish_money_keeps_babels_no_break_spaces() -> None:
    assert format_money(Decimal("1234567"), "fi") == f"1{NBSP}234{NBSP}567{NBSP}€"
    assert " " not in format_money(Decimal("1234567"), "fi")


def test_signed_money_shows_the_direction() -> None:
    assert plain(format_signed_money(Decimal("120000"), "fi")) == "+120 000 €"
    assert plain(format_signed_money(Decimal("-30000"), "fi")) == "−30 000 €"
    assert plain(format_signed_money(Decimal("0"), "fi")) == "±0 €"
    assert plain(format_signed_money(Decimal("-30000"), "en")) == "-30,000 €"
    assert plain(format_money(Decimal("-30000"), "en")) == "-30,000 €"


def test_numbers_and_signed_numbers() -> None:
    assert plain(format_number(Decimal("1234.5"), "fi")) == "1 234,5"
    assert format_number(Decimal("1234.5"), "en") == "1,234.5"
    assert format_number(Decimal("2"), "fi", digits=1) == "2,0"
    assert format_number(1.5, "sv") == "1,5"
    assert format_signed_number(Decimal("-1.5"), "fi") == "−1,5"
    assert format_signed_number(Decimal("2"), "en") == "+2"


def test_dates_per_language() -> None:
    day = datetime.date(2021, 5, 20)
    assert format_date(day, "fi") == "20.5.2021"
    assert format_date(day, "fi", "long") == "20. toukokuuta 2021"
    assert format_date(day, "sv", "long") == "20 maj 2021"
    assert format_date(day, "en") == "20 May 2021"


@pytest.mark.parametrize(
    ("style", "expected"), [("short", "31/12/2025"), ("medium", "31 Dec 2025"), ("long", "31 December 2025")]
)
def test_english_dates_put_the_day_first(style: str, expected: str) -> None:
    # Not the American "Dec 31, 2025" or "12/31/25": the order a Finnish public body writes in English.
    assert format_date(datetime.date(2025, 12, 31), "en", style) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("lang", "text", "unit", "expected"),
    [
        ("fi", "91", "%", f"91{NBSP}%"),
        ("sv", "91,5", "%", f"91,5{NBSP}%"),
        ("en", "91.5", "%", "91.5%"),
        ("en", "3", "‰", "3‰"),
        ("fi", "12", "kuolemaa", f"12{NBSP}kuolemaa"),
        ("en", "12", "deaths", f"12{NBSP}deaths"),
        ("en", "1.5", "person-years", f"1.5{NBSP}person-years"),
        ("de", "91", "%", f"91{NBSP}%"),  # an unknown language is written as Finnish
        ("en", "91", "", "91"),
        ("fi", "91", " % ", f"91{NBSP}%"),
    ],
)
def test_a_value_with_its_unit(lang: str, text: str, unit: str, expected: str) -> None:
    assert with_unit(text, unit, lang) == expected


def test_the_marker_of_text_in_another_language_is_said_in_the_readers_language() -> None:
    assert [in_language("fi", lang) for lang in ("fi", "sv", "en")] == ["suomeksi", "på finska", "in Finnish"]
    assert in_language("sv", "en") == "in Swedish"
    assert in_language("en", "fi") == "englanniksi"


def test_short_names_for_templates() -> None:
    assert money(Decimal("5"), "fi") == format_money(Decimal("5"), "fi")
    assert number(3, "en") == "3"
    from sisturva.locale import date

    assert date(datetime.date(2024, 1, 2), "fi") == "2.1.2024"
    assert date(2024, "fi") == "2024"


def test_money_is_exact_for_cents() -> None:
    # 0.1 + 0.2 in binary floating point is 0.30000000000000004; Decimal keeps it 0.30.
    assert plain(format_money(Decimal("0.1") + Decimal("0.2"), "fi")) == "0,30 €"


@settings(max_examples=300, deadline=None)
@given(
    st.decimals(min_value=-(10**15), max_value=10**15, places=2, allow_nan=False, allow_infinity=False),
    st.sampled_from(["fi", "sv", "en"]),
)
def test_money_is_what_babel_writes(amount: Decimal, lang: str) -> None:
    from babel.numbers import format_currency

    whole = amount == amount.to_integral_value()
    number = "#,##0" if whole else "#,##0.00"
    pattern = number + "\u00a0¤"  # the euro sign after the amount, in English too
    expected = format_currency(amount, "EUR", format=pattern, locale=lang, currency_digits=False)
    assert format_money(amount, lang) == expected


@settings(max_examples=300, deadline=None)
@given(
    st.decimals(min_value=0, max_value=10**9, places=4, allow_nan=False, allow_infinity=False),
    st.sampled_from(["fi", "sv", "en"]),
)
def test_numbers_are_what_babel_writes(value: Decimal, lang: str) -> None:
    from babel.numbers import format_decimal

    assert format_number(value, lang) == format_decimal(value, locale=lang, decimal_quantization=False)
    assert format_number(value, lang, 1) == format_decimal(
        value, format="#,##0.0", locale=lang, decimal_quantization=True
    )
