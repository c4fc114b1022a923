from __future__ import annotations

import html
import os
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from sisturva.cli import main
from sisturva.publish.markdown import block, document, inline, verdicts
from sisturva.publish.messages import LANGS, localized, t, tn
from sisturva.repository import load

from .conftest import MINIMAL, PROJECT, write_tree
from .gitrepo import commit, init
from .publish_fixture import FILES, SCRIPT, strategy
from .test_safetext import shown_as

GOLDEN = PROJECT / "tests" / "golden" / "markdown"
REGEN = os.environ.get("SISTURVA_REGEN") == "1"


def _html(markdown: str) -> str:
    """Markdown as a CommonMark renderer with tables turns it into HTML (raw HTML allowed, as in wikis)."""
    return str(MarkdownIt("commonmark").enable(["table", "strikethrough"]).render(markdown))


@pytest.mark.parametrize("lang", LANGS)
def test_document_matches_its_golden(lang: str) -> None:
    # Judged in 2024, when the fixture's data are current: the golden does not change with the calendar.
    from sisturva.status import status

    s = strategy()
    out = document(s, lang, verdicts(s, status(s, 2024)))
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
    assert "### Asiantuntijaverkosto *(på finska)*\n" in sv  # a plain string is Finnish
    assert "- Föreslaget av: Inrikesministeriet\n" in sv
    en = document(strategy(), "en")
    assert (
        "### 1\\. \\[klikkaa\\](javascript:alert(1)) \\| \\*\\*lihava\\*\\* @\u200btiimi *(in Finnish)*" in en
    )
    fi = document(strategy(), "fi")
    assert "*(suomeksi)*" not in fi  # the fixture's Finnish is complete
    # One marker, the same everywhere: never the old "(language: suomi)" form.
    for out in (sv, en, fi):
        assert "language:" not in out and "språk:" not in out and "kieli:" not in out


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_names_units_and_abbreviations_carry_no_language_marker(lang: str) -> None:
    out = document(strategy(), lang)
    marker = {"sv": "*(på finska)*", "en": "*(in Finnish)*"}[lang]
    # Poliisihallitus has only a Finnish name, SM only a Finnish abbreviation, "%" no language at all.
    assert "Poliisihallitus " + marker not in out and "Poliisihallitus" in out
    assert "(SM)" in out and "SM " + marker not in out
    assert "prosenttiyksikköä " + marker not in out
    assert "%" + marker not in out and "% " + marker not in out
    # Text a reader of the page may not read is marked: the network's Finnish name is a description.
    assert "### Asiantuntijaverkosto " + marker + "\n" in out


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
            "Poliisitoimen toimintamenot *(in Finnish)* (26.10.01)",
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


# The title block names the version: approved, changed since an approval, or never approved.

TITLE = {
    "none": {
        "fi": "*Ei vielä hyväksytty, versiotunniste {c} · Tilanne 1.1.2024*",
        "sv": "*Ännu inte godkänd, versions-id {c} · Läget 1 jan. 2024*",
        "en": "*Not yet approved, commit {c} · Data as of 1 Jan 2024*",
    },
    "approved": {
        "fi": "*Hyväksytty versio 2025.1 (20.5.2025), versiotunniste {c} · Tilanne 1.1.2024*",
        "sv": "*Godkänd version 2025.1 (20 maj 2025), versions-id {c} · Läget 1 jan. 2024*",
        "en": "*Approved version 2025.1 (20 May 2025), commit {c} · Data as of 1 Jan 2024*",
    },
    "since": {
        "fi": (
            "*Hyväksymättömiä muutoksia version 2025.1 jälkeen: 2 muutosta, versiotunniste {c} · "
            "Tilanne 3.2.2024*"
        ),
        "sv": (
            "*Ändringar som inte är godkända sedan version 2025.1: 2 ändringar, versions-id {c} · "
            "Läget 3 feb. 2024*"
        ),
        "en": "*Unapproved changes since version 2025.1: 2 changes, commit {c} · Data as of 3 Feb 2024*",
    },
}
DECISION = {
    "fi": "Version 2025.1 hyväksymispäätös: Yhteistyöryhmän kokous 20.5.2025, pöytäkirja § 4 \\#4 yksimielisesti",
    "sv": "Beslutet om godkännande av version 2025.1: Yhteistyöryhmän kokous 20.5.2025, pöytäkirja § 4 \\#4 yksimielisesti",
    "en": "Decision approving version 2025.1: Yhteistyöryhmän kokous 20.5.2025, pöytäkirja § 4 \\#4 yksimielisesti",
}


def _title_block(root: Path, lang: str) -> tuple[str, str]:
    """The title block (all before the first `##` heading) of the document of the repository at `root`."""
    from sisturva.standing import standing

    s = load(str(root), False).strategy
    found = standing(root, s.settings.release_prefix)
    assert found.commit is not None
    return document(s, lang, standing=found).split("\n## ", 1)[0], found.commit[:7]


@pytest.fixture
def versioned(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The minimal strategy committed once, on 1 January 2024, as the current folder."""
    root = write_tree(init(tmp_path / "repo"), dict(MINIMAL))
    commit(root, "Strategy", date="2024-01-01T12:00:00+02:00")
    monkeypatch.chdir(root)
    return root


@pytest.mark.parametrize("lang", LANGS)
def test_the_title_block_names_the_version(
    versioned: Path, capsys: pytest.CaptureFixture[str], lang: str
) -> None:
    block, short = _title_block(versioned, lang)
    heading, version = block.split("\n\n")[:2]
    assert heading.startswith("# Testistrategia")
    assert version == TITLE["none"][lang].format(c=short)
    decision = "Yhteistyöryhmän kokous 20.5.2025, pöytäkirja § 4\n#4 yksimielisesti"
    assert main(["release", "2025.1", "--date", "2025-05-20", "--decision", decision]) == 0
    capsys.readouterr()
    block, short = _title_block(versioned, lang)
    assert f"\n{TITLE['approved'][lang].format(c=short)}\n\n{DECISION[lang]}\n\n" in block
    assert block.count("\n*") == 2  # the version line and the line on where the document comes from

    # Two commits change the strategy after the approval (a third, outside it, does not count).
    organisation = versioned / "organisations" / "om.yaml"
    organisation.write_text("id: om\nname: Oikeusministeriö\nkind: ministry\n", encoding="utf-8")
    commit(versioned, "Oikeusministeriö", date="2024-02-01T12:00:00+02:00")
    organisation.write_text(
        "id: om\nname: Oikeusministeriö\nkind: ministry\nshort_name: OM\n", encoding="utf-8"
    )
    commit(versioned, "Lyhenne", date="2024-02-03T12:00:00+02:00")
    block, short = _title_block(versioned, lang)
    assert f"\n{TITLE['since'][lang].format(c=short)}\n\n{DECISION[lang]}\n\n" in block
    assert TITLE["approved"][lang].split(",")[0] not in block

    # Uncommitted changes are named too: what is shown is not even that commit.
    organisation.write_text("id: om\nname: Oikeusministeriö\nkind: ministry\n", encoding="utf-8")
    block, short = _title_block(versioned, lang)
    dirty = {
        "fi": "lisäksi tallentamattomia muutoksia",
        "sv": "dessutom ändringar",
        "en": "and changes not yet",
    }
    assert f": 2 {TITLE['since'][lang].split(': 2 ')[1].split(',')[0]}, {dirty[lang]}" in block


def test_the_title_block_is_never_a_kept_part(versioned: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # A second render after an approval, with nothing else changed, names the approved version.
    out = versioned.parent / "site"  # outside the strategy folder, which a release wants clean
    assert main(["render", "--out", str(out), "--format", "markdown", "--lang", "en"]) == 0
    first = (out / "strategy.en.md").read_text(encoding="utf-8")
    assert "*Not yet approved, commit " in first
    assert main(["release", "2025.1", "--date", "2025-05-20"]) == 0
    assert main(["render", "--out", str(out), "--format", "markdown", "--lang", "en"]) == 0
    capsys.readouterr()
    second = (out / "strategy.en.md").read_text(encoding="utf-8")
    assert "*Approved version 2025.1 (20 May 2025), commit " in second
    assert "Not yet approved" not in second
    assert second.split("\n## ", 1)[1] == first.split("\n## ", 1)[1]  # the rest is as it was


# A stale indicator: no verdict on old data, in the document as in `status`.


@pytest.mark.parametrize(
    ("lang", "said", "warning"),
    [
        (
            "fi",
            "- Arvio: Ei ajantasaista tietoa (viimeisin arvo 91,5\u00a0% vuodelta 2022)\n",
            "- ⚠ vanhentunut: uusi arvo odotettiin viimeistään 2025\n",
        ),
        (
            "sv",
            "- Bedömning: Inga aktuella uppgifter (senaste värdet 91,5\u00a0% från 2022)\n",
            "- ⚠ inaktuell: ett nytt värde väntades senast 2025\n",
        ),
        (
            "en",
            "- Assessment: No current data (last known value 91.5% from 2022)\n",
            "- ⚠ stale: a new value was due by 2025\n",
        ),
    ],
)
def test_a_stale_goal_has_no_current_data_in_the_document(lang: str, said: str, warning: str) -> None:
    from sisturva.status import status

    indicator = (
        "id: luottamus\nname: Luottamus poliisiin\nunit: '%'\ndirection: higher-is-better\n"
        "frequency_years: 2\nobservations:\n  - {year: 2020, value: 91}\n  - {year: 2022, value: 91.5}\n"
    )
    s = strategy({**MINIMAL, "indicators/luottamus.yaml": indicator})
    current = document(s, lang, verdicts(s, status(s, 2024)))
    assert f"- {t('verdict', lang)}: {t('verdict.on-track', lang)}\n" in current  # 91.5 against 91.4 in 2022
    stale = document(s, lang, verdicts(s, status(s, 2026)))
    assert said in stale and warning in stale
    assert t("verdict.on-track", lang) not in stale
