from __future__ import annotations

import html
import os
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from sisturva.publish.markdown import block, document, inline
from sisturva.publish.messages import LANGS, localized, t, tn
from sisturva.repository import load

from .conftest import PROJECT
from .publish_fixture import FILES, SCRIPT, strategy
from .test_safetext import shown_as

GOLDEN = PROJECT / "tests" / "golden" / "markdown"
REGEN = os.environ.get("SISTURVA_REGEN") == "1"


def _html(markdown: str) -> str:
    """Markdown as a CommonMark renderer with tables turns it into HTML (raw HTML allowed, as in wikis)."""
    return str(MarkdownIt("commonmark").enable(["table", "strikethrough"]).render(markdown))


@pytest.mark.parametrize("lang", LANGS)
def test_document_matches_its_golden(lang: str) -> None:
    out = document(strategy(), lang)
    path = GOLDEN / f"{lang}.md"
    if REGEN:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(out, encoding="utf-8")
    assert out == path.read_text(encoding="utf-8"), f"{path.name} differs (SISTURVA_REGEN=1 rewrites)"


@pytest.mark.parametrize("lang", LANGS)
def test_hostile_record_text_stays_text(lang: str) -> None:
    rendered = _html(document(strategy(), lang))
    assert "<script" not in rendered and "<b>" not in rendered
    assert "javascript:" not in re.findall(r'href="([^"]*)"', rendered)
    assert not re.search(r'href="(?!https://)', rendered)  # the only links are the sources' http(s) ones
    assert html.escape(SCRIPT) in rendered  # shown, not run
    # Every table row has as many cells as its header: no `|` in a record split a cell.
    for table in re.findall(r"<table>.*?</table>", rendered, re.S):
        header = len(re.findall(r"<th[ >]", table))
        for row in re.findall(r"<tr>(.*?)</tr>", table, re.S)[1:]:
            assert len(re.findall(r"<td[ >]", row)) == header


def test_missing_translations_fall_back_visibly() -> None:
    sv = document(strategy(), "sv")
    assert "### Samarbetsgruppen\n" in sv  # translated: no marker
    assert "### Asiantuntijaverkosto *(språk: suomi)*\n" in sv  # a plain string is Finnish
    assert "- Föreslaget av: Inrikesministeriet\n" in sv
    en = document(strategy(), "en")
    assert (
        "### 1\\. \\[klikkaa\\](javascript:alert(1)) \\| \\*\\*lihava\\*\\* @\u200btiimi *(language: suomi)*"
        in en
    )
    fi = document(strategy(), "fi")
    assert "*(kieli:" not in fi  # the fixture's Finnish is complete


def test_finnish_figures() -> None:
    fi = document(strategy(), "fi")
    assert (
        "| 26.10.01 | Poliisitoimen toimintamenot | 2022 | 799\u00a0999\u00a0999,99\u00a0€ | 200\u00a0000\u00a0€ |"
        in fi
    )
    assert "1\u00a0334\u00a0567,50\u00a0€, 1,5\u00a0htv" in fi
    assert "- Lähtötaso: 91,5\u00a0% (2020)" in fi
    assert (
        "- Arvio: Ei tietoa (sarjassa on katko lähtötason jälkeen: arvot eivät ole vertailukelpoisia)" in fi
    )


def test_order_is_that_of_the_strategy() -> None:
    fi = document(strategy(), "fi")
    headings = [line for line in fi.splitlines() if line.startswith("## ")]
    assert headings == [
        "## Tehtävä",
        "## Yhteistyön tasot",
        "## Painopisteet",
        "## Ilmiöt",
        "## Mittarit",
        "## Sitoumukset",
        "## Organisaatiot",
        "## Talousarviosuunnitelmat",
    ]


def test_a_strategy_without_strategy_yaml_still_gets_a_document() -> None:
    files = {k: v for k, v in FILES.items() if k != "strategy.yaml"}
    out = document(strategy(files), "fi")
    assert out.startswith("# Painopisteet\n")


@pytest.mark.parametrize("lang", LANGS)
def test_example_strategy(lang: str) -> None:
    s = load(str(PROJECT / "strategy"), False).strategy
    out = document(s, lang)
    for priority in s.priorities.values():
        title, _ = localized(priority.title, lang)
        assert inline(title) in out
    assert "<" not in out.replace("&lt;", "")


# Escaping, for any text.


@given(st.text())
def test_inline_text_renders_as_exactly_that_text(text: str) -> None:
    rendered = _html(inline(text))
    expected = shown_as(text)
    if not expected:
        assert rendered == ""
        return
    match = re.fullmatch(r"<p>(.*)</p>\n", rendered, re.S)
    assert match, rendered
    assert "<" not in match.group(1)
    assert html.unescape(match.group(1)) == expected


@given(st.lists(st.text(min_size=1), min_size=1, max_size=3))
def test_a_table_cell_never_adds_a_cell(cells: list[str]) -> None:
    header = "| " + " | ".join("h" for _ in cells) + " |\n|" + "|".join(" --- " for _ in cells) + "|\n"
    row = "| " + " | ".join(inline(c) or " " for c in cells) + " |\n"
    rendered = _html(header + row)
    assert len(re.findall(r"<td[ >]", rendered)) == len(cells)


def test_paragraphs_are_kept_apart() -> None:
    assert block("eka\n\n\n  - toka\nrivi\n") == "eka\n\n\\- toka rivi"


# Interface strings.


def test_t_fills_placeholders_and_defaults_to_finnish() -> None:
    assert tn("count.commitments", "sv", 3) == "3 åtaganden"
    assert tn("count.commitments", "sv", 1) == "1 åtagande"
    assert t("stale.since", "en", year=2024) == "a new value was due by 2024"
    assert t("verdict.on-track", "de") == "Oikealla tiellä"


# Data published with errors, and the budget lines commitments charge.

UNAPPROVED = {
    "fi": "**Tässä julkaisussa on korjaamattomia virheitä: tiedot eivät ole hyväksytty versio.**",
    "sv": "**Den här publikationen innehåller fel som inte har rättats: uppgifterna är inte en godkänd version.**",
    "en": "**This publication contains uncorrected errors: the data are not an approved version.**",
}


@pytest.mark.parametrize("lang", LANGS)
def test_an_unapproved_document_says_so_in_its_title_block(lang: str) -> None:
    out = document(strategy(), lang, unapproved=2)
    title_block = out.split("\n## ", 1)[0]
    assert f"\n{UNAPPROVED[lang]}\n" in title_block
    assert out.count(UNAPPROVED[lang]) == 1
    assert UNAPPROVED[lang] not in document(strategy(), lang)
    # Without strategy.yaml, the title block is the heading alone, and the notice under it.
    files = {k: v for k, v in FILES.items() if k != "strategy.yaml"}
    headless = document(strategy(files), lang, unapproved=1)
    assert headless.startswith(f"# {t('doc.priorities', lang)}\n\n{UNAPPROVED[lang]}\n\n")


@pytest.mark.parametrize(
    ("lang", "known", "unknown"),
    [
        ("fi", "Poliisitoimen toimintamenot (26.10.01)", "26.99.99 **(ei talousarviosuunnitelmassa)**"),
        ("sv", "Polisväsendets omkostnader (26.10.01)", "26.99.99 **(finns inte i budgetplanen)**"),
        (
            "en",
            "Poliisitoimen toimintamenot *(language: suomi)* (26.10.01)",
            "26.99.99 **(not in the budget plan)**",
        ),
    ],
)
def test_commitments_name_the_budget_lines_they_charge(lang: str, known: str, unknown: str) -> None:
    old = "      - {year: 2023, budget_line: 26.10.01, euros: 1234567}\n"
    files = {
        **FILES,
        "commitments/poliisihallitus.yaml": FILES["commitments/poliisihallitus.yaml"].replace(
            old, old + "      - {year: 2023, budget_line: 26.99.99, euros: 1}\n"
        ),
    }
    out = document(strategy(files), lang)
    row = next(line for line in out.splitlines() if "| 2022–2024 |" in line)
    assert row.endswith(f" | {known}; {unknown} |")
    # Without a plan at all, every line is flagged.
    files.pop("budgets/poliisihallitus.yaml")
    row = next(line for line in document(strategy(files), lang).splitlines() if "| 2022–2024 |" in line)
    flag = unknown.removeprefix("26.99.99 ")
    assert row.endswith(f" | 26.10.01 {flag}; 26.99.99 {flag} |")
