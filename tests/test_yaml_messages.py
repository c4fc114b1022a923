"""YAML mistakes people make get a message in plain words, at the place to fix, with the right form."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from sisturva.cli import main
from sisturva.documents import parse

from .conftest import MINIMAL, PROJECT, snapshot

COMMITMENTS = "commitments/poliisihallitus.yaml"
ORGANISATION = "organisations/sm.yaml"
PRIORITY = "priorities/p1.yaml"
BUDGET = "budgets/poliisihallitus.yaml"


def _commitments(
    resources: str = "      - {year: 2022, budget_line: 26.10.01, euros: 100000, person_years: 1}\n",
) -> str:
    return MINIMAL[COMMITMENTS].replace(
        "      - {year: 2022, budget_line: 26.10.01, euros: 100000, person_years: 1}\n", resources
    )


# (name, file, its text, code, line, column, part of the message)
MISTAKES: list[tuple[str, str, str | bytes, str, int, int, str]] = [
    (
        "tab-indentation",
        ORGANISATION,
        "id: sm\nname:\n\tfi: Sisäministeriö\nkind: ministry\n",
        "SIS001",
        3,
        1,
        "a tab is used for indentation; YAML needs spaces: indent with two spaces instead",
    ),
    (
        "tab-after-spaces",
        COMMITMENTS,
        _commitments().replace("    action:", "  \taction:"),
        "SIS001",
        4,
        3,
        "a tab is used for indentation",
    ),
    (
        "decimal-comma-in-brackets",
        COMMITMENTS,
        _commitments("      - {year: 2022, budget_line: 26.10.01, euros: 100000, person_years: 0,5}\n"),
        "SIS103",
        9,
        74,
        "`0,5` looks like a decimal number written with a comma; write it with a point: 0.5",
    ),
    (
        "decimal-comma-in-a-block",
        BUDGET,
        MINIMAL[BUDGET].replace("  - {year: 2022, available: 2}\n", "  - year: 2022\n    available: 1,5\n"),
        "SIS103",
        14,
        16,
        "write it with a point: 1.5",
    ),
    (
        "spaces-and-decimal-comma",
        COMMITMENTS,
        _commitments("      - {year: 2022, budget_line: 26.10.01, euros: 1 234,50, person_years: 1}\n"),
        "SIS103",
        9,
        52,
        "`1 234,50` looks like a number written with spaces and a decimal comma; "
        "write it without spaces and with a point: 1234.50",
    ),
    (
        "spaces-between-thousands",
        COMMITMENTS,
        _commitments(
            "      - year: 2022\n        budget_line: 26.10.01\n        euros: 100 000\n        person_years: 1\n"
        ),
        "SIS103",
        11,
        16,
        "write it without them: 100000",
    ),
    (
        "key-indented-more",
        ORGANISATION,
        "id: sm\nname: Sisäministeriö\n  kind: ministry\n",
        "SIS001",
        3,
        3,
        "wrong indentation: `kind:` is indented by 2 spaces, more than `name:` on line 2",
    ),
    (
        "key-indented-more-in-a-list",
        COMMITMENTS,
        _commitments().replace("    action:", "      action:"),
        "SIS001",
        4,
        7,
        "`action:` is indented by 6 spaces, more than `id:` on line 3 (4 spaces)",
    ),
    (
        "key-indented-less",
        COMMITMENTS,
        _commitments().replace("    goals:", "   goals:"),
        "SIS001",
        5,
        4,
        "`goals:` is indented by 3 spaces, which lines up with nothing above it; keys of one mapping must "
        "start in the same column: indent it by 4 spaces like `action:` on line 4",
    ),
    (
        "key-at-the-dash",
        COMMITMENTS,
        _commitments().replace("    goals:", "  goals:"),
        "SIS001",
        5,
        3,
        "`goals:` is in line with the `- ` of the list on line 3; if it belongs to that item, indent it like `id:`",
    ),
    (
        "missing-space-after-colon",
        ORGANISATION,
        "id: sm\nname:Sisäministeriö\nkind: ministry\n",
        "SIS001",
        2,
        5,
        "a space is missing after ':' in `name:Sisäministeriö`; YAML needs a space after a key's colon: "
        "name: Sisäministeriö",
    ),
    (
        "colon-in-text",
        PRIORITY,
        MINIMAL[PRIORITY].replace("title: Turvallisuuden tunne", "title: Tavoite: vähemmän rikoksia"),
        "SIS001",
        2,
        8,
        "contains ': ', which YAML reads as the start of another key; put the whole text in quotes: "
        'title: "Tavoite: vähemmän rikoksia"',
    ),
    (
        "list-item-deeper-than-its-list",
        PRIORITY,
        re.sub(r"group: .*\n", "group:\n  members:\n    - sm\n   - poliisihallitus\n", MINIMAL[PRIORITY]),
        "SIS001",
        8,
        4,
        "this list item `- poliisihallitus` is indented by 3 spaces, which lines up with nothing above it",
    ),
    (
        "list-item-in-line-with-keys",
        COMMITMENTS,
        _commitments() + "    - id: poha-toinen\n",
        "SIS001",
        10,
        5,
        "to start a new item, indent it like `- id: poha-viestinta` on line 3 (2 spaces)",
    ),
    (
        "unclosed-double-quote",
        ORGANISATION,
        'id: sm\nname: "Sisäministeriö\nkind: ministry\n',
        "SIS001",
        2,
        7,
        'the quote " that starts here is never closed; end the text with ": name: "Sisäministeriö"',
    ),
    (
        "unclosed-single-quote",
        ORGANISATION,
        "id: sm\nname: 'Sisäministeriö\nkind: ministry\n",
        "SIS001",
        2,
        7,
        "the quote ' that starts here is never closed",
    ),
    (
        "apostrophe-in-single-quotes",
        ORGANISATION,
        "id: sm\nname: 'Poliisin's asia'\nkind: ministry\n",
        "SIS001",
        2,
        7,
        "an apostrophe inside single quotes ends the text; write it twice ('') or put the whole text in "
        'double quotes: name: "Poliisin\'s asia"',
    ),
    (
        "text-after-closing-quote",
        ORGANISATION,
        'id: sm\nname: "Sisäministeriö" ja poliisi\nkind: ministry\n',
        "SIS001",
        2,
        7,
        "there is text after the closing quote",
    ),
    (
        "unclosed-bracket",
        COMMITMENTS,
        _commitments().replace("goals: [p1-g1]", "goals: [p1-g1"),
        "SIS001",
        5,
        12,
        "the list opened with `[` here is never closed; end it with `]` after its last item: goals: [p1-g1]",
    ),
    (
        "unclosed-brace",
        COMMITMENTS,
        _commitments().replace("period: {start: 2022, end: 2022}", "period: {start: 2022, end: 2022"),
        "SIS001",
        6,
        13,
        "the mapping opened with `{` here is never closed; end it with `}`",
    ),
    (
        "comment-glued-to-a-number",
        COMMITMENTS,
        _commitments(
            "      - year: 2022\n        budget_line: 26.10.01\n        euros: 100000#arvio\n        person_years: 1\n"
        ),
        "SIS103",
        11,
        22,
        "a comment needs a space before `#`: write `100000 #arvio`, not `100000#arvio`",
    ),
    (
        "duplicate-key",
        ORGANISATION,
        "id: sm\nname: Sisäministeriö\nkind: ministry\nname: SM\n",
        "SIS002",
        4,
        1,
        "the key 'name' appears twice in this mapping (first on line 2); each key may appear once",
    ),
    (
        "text-starting-with-star",
        ORGANISATION,
        "id: sm\nname: *Tärkeä* ministeriö\nkind: ministry\n",
        "SIS005",
        2,
        7,
        "makes it an alias, a reference to another value, which is not allowed; if it is text, put it in "
        'quotes: name: "*Tärkeä* ministeriö"',
    ),
    (
        "text-starting-with-ampersand",
        ORGANISATION,
        "id: sm\nname: & Co\nkind: ministry\n",
        "SIS005",
        2,
        7,
        'if it is text, put it in quotes: name: "& Co"',
    ),
    (
        "text-starting-with-ampersand-word",
        ORGANISATION,
        "id: sm\nname: &Co Oy\nkind: ministry\n",
        "SIS005",
        2,
        7,
        'or if it is text, put it in quotes: name: "&Co Oy"',
    ),
    (
        "text-starting-with-bang",
        ORGANISATION,
        "id: sm\nname: !Tärkeä\nkind: ministry\n",
        "SIS004",
        2,
        7,
        'makes it a tag, which is not allowed; remove it, or if it is text, put it in quotes: name: "!Tärkeä"',
    ),
    (
        "text-starting-with-percent",
        PRIORITY,
        MINIMAL[PRIORITY].replace("title: Turvallisuuden tunne", "title: %50 vähemmän"),
        "SIS001",
        2,
        8,
        'a value cannot start with `%` in YAML; if it is text, put it in quotes: title: "%50 vähemmän"',
    ),
    (
        "text-starting-with-at",
        ORGANISATION,
        "id: sm\nname: '@sisaministerio'\nkind: ministry\nwebsite: @sisaministerio\n",
        "SIS001",
        4,
        10,
        'a value cannot start with `@` in YAML; if it is text, put it in quotes: website: "@sisaministerio"',
    ),
    (
        "text-starting-with-backtick",
        ORGANISATION,
        "id: sm\nname: `SM`\nkind: ministry\n",
        "SIS001",
        2,
        7,
        "a value cannot start with a backtick (`) in YAML",
    ),
    (
        "byte-order-mark-at-the-start",
        ORGANISATION,
        b"\xef\xbb\xbfid: sm\r\nname: SM\r\nkind: ministry\r\n",
        "SIS009",
        1,
        1,
        "the file starts with an invisible byte order mark (BOM); save it as UTF-8 without BOM",
    ),
    (
        "byte-order-mark-inside",
        ORGANISATION,
        "id: sm\n\ufeffname: SM\nkind: ministry\n",
        "SIS001",
        2,
        1,
        "an invisible byte order mark (U+FEFF) is here",
    ),
    (
        "crlf-mixed-with-lf",
        ORGANISATION,
        b"id: sm\r\nname: SM\n  kind: ministry\r\n",
        "SIS001",
        3,
        3,
        "wrong indentation: `kind:` is indented by 2 spaces, more than `name:` on line 2",
    ),
    (
        "second-document",
        ORGANISATION,
        "id: sm\nname: SM\nkind: ministry\n---\nid: sm2\n",
        "SIS011",
        4,
        1,
        "`---` starts a second YAML document",
    ),
    (
        "backslash-in-double-quotes",
        ORGANISATION,
        'id: sm\nname: "C:\\polku"\nkind: ministry\n',
        "SIS001",
        2,
        10,
        "or use single quotes, which have no escapes: name: 'C:\\polku'",
    ),
    (
        "key-without-colon",
        ORGANISATION,
        "id: sm\nname: SM\nkind\n",
        "SIS001",
        3,
        1,
        "`kind` is neither a key with a value nor a list item; write a key as `kind: value`",
    ),
    (
        "list-on-the-key-line",
        COMMITMENTS,
        _commitments().replace("goals: [p1-g1]", "goals: - p1-g1"),
        "SIS001",
        5,
        12,
        "a list cannot start on the same line as its key",
    ),
]


def _validate(repo: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, list[dict[str, object]]]:
    code = main(["validate", "-C", str(repo), "--format", "json", "--no-cache"])
    out = capsys.readouterr().out
    return code, json.loads(out)["findings"]


def _in(findings: list[dict[str, object]], rel: str) -> list[dict[str, object]]:
    return [f for f in findings if str(f["path"]).endswith(rel)]


@pytest.mark.parametrize(
    ("name", "rel", "content", "code", "line", "column", "text"), MISTAKES, ids=[m[0] for m in MISTAKES]
)
def test_a_mistake_gets_a_plain_message_at_the_place_to_fix(
    repo: Path,
    capsys: pytest.CaptureFixture[str],
    name: str,
    rel: str,
    content: str | bytes,
    code: str,
    line: int,
    column: int,
    text: str,
) -> None:
    target = repo / rel
    if isinstance(content, bytes):
        target.write_bytes(content)
    else:
        target.write_text(content, encoding="utf-8")
    exit_code, findings = _validate(repo, capsys)
    assert exit_code == 1
    mine = _in(findings, rel)
    assert mine, findings
    first = mine[0]
    assert (first["code"], first["line"], first["column"]) == (code, line, column), mine
    assert text in str(first["message"]), first["message"]
    # One finding for one mistake: the schema check does not report the same place again.
    assert [(f["line"], f["column"]) for f in mine].count((line, column)) == 1, mine


def test_the_text_line_is_what_a_person_sees(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (repo / ORGANISATION).write_text("id: sm\nname:\tSM\n\tkind: ministry\n", encoding="utf-8")
    assert main(["validate", "-C", str(repo), "--no-cache"]) == 1
    out = capsys.readouterr().out
    assert (
        f"{repo / ORGANISATION}:3:1: error SIS001: a tab is used for indentation; YAML needs spaces: "
        "indent with two spaces instead"
    ) in out


def test_a_decimal_comma_hides_no_later_error_in_the_same_file(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (repo / COMMITMENTS).write_text(
        _commitments(
            "      - {year: 2022, budget_line: 26.10.01, euros: 100000, person_years: 0,5}\n"
        ).replace("[p1-g1]", "[p1-g9]"),
        encoding="utf-8",
    )
    _, findings = _validate(repo, capsys)
    brief = [(f["code"], f["line"], f["column"]) for f in _in(findings, COMMITMENTS)]
    # The comma at its place, and the unknown goal two lines above it is still found.
    assert ("SIS103", 9, 74) in brief
    assert ("SIS201", 5, 13) in brief
    assert not any(code == "SIS012" for code, _, _ in brief)


def test_a_decimal_comma_hides_no_later_syntax_error(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (repo / COMMITMENTS).write_text(
        _commitments(
            "      - {year: 2022, budget_line: 26.10.01, euros: 1, person_years: 0,5}\n"
            "      - {year: 2023, budget_line: 26.10.01, euros: 1, person_years: 1\n"
        ),
        encoding="utf-8",
    )
    _, findings = _validate(repo, capsys)
    assert [(f["code"], f["line"], f["column"]) for f in _in(findings, COMMITMENTS)] == [
        ("SIS103", 9, 69),
        ("SIS001", 10, 9),
    ]


def test_one_broken_file_hides_no_other_files_findings(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (repo / ORGANISATION).write_text("id: sm\nname:\tSM\n\tkind: ministry\n", encoding="utf-8")
    (repo / PRIORITY).write_text(
        MINIMAL[PRIORITY].replace("title: Turvallisuuden tunne", "title: Tavoite: vähemmän"), encoding="utf-8"
    )
    (repo / COMMITMENTS).write_text(
        _commitments().replace("goals: [p1-g1]", "goals: [p1-g1"), encoding="utf-8"
    )
    (repo / "organisations" / "poliisihallitus.yaml").write_text(
        "id: poliisihallitus\nname: Poliisihallitus\nkind: agencyy\nparent: sm\n", encoding="utf-8"
    )
    before = snapshot(repo)
    _, findings = _validate(repo, capsys)
    assert snapshot(repo) == before
    by_file = {str(f["path"]).split("/repo/", 1)[-1]: str(f["message"]) for f in findings}
    assert by_file[ORGANISATION].startswith("a tab is used for indentation")
    assert by_file[PRIORITY].startswith("the text `Tavoite: vähemmän` contains ': '")
    assert by_file[COMMITMENTS].startswith("the list opened with `[` here is never closed")
    assert "'agencyy' is not one of" in by_file["organisations/poliisihallitus.yaml"]


def test_positions_after_a_decimal_comma_are_right(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # The file is read a second time for positions; that reading must see the same data.
    (repo / COMMITMENTS).write_text(
        _commitments("      - {year: 2022, budget_line: 26.10.01, euros: 100000, person_years: 0,5, x: 1}\n"),
        encoding="utf-8",
    )
    _, findings = _validate(repo, capsys)
    brief = [(f["code"], f["line"], f["column"]) for f in _in(findings, COMMITMENTS)]
    assert ("SIS103", 9, 74) in brief
    assert ("SIS101", 9, 79) in brief


# libyaml's own words, which a person never sees: each of these is said in plain words instead.
RAW_PHRASES = (
    "found character that cannot start any token",
    "mapping values are not allowed",
    "did not find expected key",
    "could not find expected ':'",
    "found unexpected end of stream",
    "while scanning",
    "while parsing",
    "found undefined tag handle",
    "did not find expected '-' indicator",
    "did not find expected ',' or",
    "did not find expected node content",
    "did not find expected comment or line break",
    "did not find expected <document start>",
    "found unexpected document indicator",
    "block sequence entries are not allowed",
    "found a tab character",
    "found unknown escape character",
    "did not find expected whitespace or line break",
    "did not find expected alphabetic or numeric character",
    "found an indentation indicator equal to 0",
    "found duplicate %yaml directive",
    "found unknown directive name",
    "control characters are not allowed",
    "mapping keys are not allowed",
    "found unexpected ':'",
    "did not find uri escaped octet",
    "yaml syntax error",
    "is not a string",
)

SUITE = Path(os.environ.get("SISTURVA_YAML_SUITE", PROJECT.parent / "shared" / "corpus" / "yaml-test-suite"))
INVALID = (
    sorted(p.parent for p in SUITE.rglob("in.yaml") if (p.parent / "error").exists())
    if SUITE.is_dir()
    else []
)


@pytest.mark.skipif(not SUITE.is_dir(), reason=f"yaml-test-suite not found at {SUITE}")
def test_every_invalid_suite_case_reads_in_plain_words() -> None:
    assert len(INVALID) > 90, f"only {len(INVALID)} invalid cases found at {SUITE}"
    problems = []
    for case in INVALID:
        doc = parse("x.yaml", (case / "in.yaml").read_bytes())
        for finding in doc.findings:
            message = finding.message
            said = [phrase for phrase in RAW_PHRASES if phrase in message.lower()]
            if "\n" in message or "\r" in message or finding.line < 1 or finding.column < 1 or said:
                problems.append((case.name, finding.line, finding.column, message))
    assert problems == []


# (name, file, its text, code, Finnish part, Swedish part, the file's own text the message quotes)
IN_LANGUAGES: list[tuple[str, str, str | bytes, str, str, str, str]] = [
    (
        "tab",
        ORGANISATION,
        "id: sm\nname:\n\tfi: Sisäministeriö\nkind: ministry\n",
        "SIS001",
        "sisennyksessä on sarkain; YAML vaatii välilyönnit: sisennä sen sijaan kahdella välilyönnillä",
        "ett tabbtecken används för indrag; YAML kräver blanksteg: dra in med två blanksteg i stället",
        "",
    ),
    (
        "decimal-comma",
        COMMITMENTS,
        _commitments("      - {year: 2022, budget_line: 26.10.01, euros: 100000, person_years: 0,5}\n"),
        "SIS103",
        "näyttää pilkulla kirjoitetulta desimaaliluvulta; kirjoita se pisteellä: 0.5",
        "ser ut som ett decimaltal skrivet med kommatecken; skriv det med punkt: 0.5",
        "`0,5`",
    ),
    (
        "spaces-between-thousands",
        COMMITMENTS,
        _commitments(
            "      - year: 2022\n        budget_line: 26.10.01\n        euros: 100 000\n        person_years: 1\n"
        ),
        "SIS103",
        "jonka tuhannet on erotettu välilyönneillä; kirjoita se ilman niitä: 100000",
        "med blanksteg mellan tusentalen; skriv det utan dem: 100000",
        "`100 000`",
    ),
    (
        "key-indented-less",
        COMMITMENTS,
        _commitments().replace("    goals:", "   goals:"),
        "SIS001",
        "väärä sisennys: avaimen `goals:` sisennys on 3 välilyöntiä, eikä se ole samassa sarakkeessa minkään "
        "yllä olevan kanssa; saman rakenteen avainten on alettava samasta sarakkeesta: sisennä se 4 välilyönnin "
        "verran kuten `action:` rivillä 4",
        "fel indrag: `goals:` är indragen med 3 blanksteg, vilket inte stämmer med något ovanför; nycklarna i en "
        "mappning måste börja i samma kolumn: dra in den med 4 blanksteg som `action:` på rad 4",
        "`goals:`",
    ),
    (
        "key-indented-more",
        ORGANISATION,
        "id: sm\nname: Sisäministeriö\n  kind: ministry\n",
        "SIS001",
        "avaimen `kind:` sisennys on 2 välilyöntiä, enemmän kuin rivin 2 avaimella `name:` (0 välilyöntiä)",
        "`kind:` är indragen med 2 blanksteg, mer än `name:` på rad 2 (0 blanksteg)",
        "`kind:`",
    ),
    (
        "list-item-deeper-than-its-list",
        PRIORITY,
        re.sub(r"group: .*\n", "group:\n  members:\n    - sm\n   - poliisihallitus\n", MINIMAL[PRIORITY]),
        "SIS001",
        "luettelon kohdan `- poliisihallitus` sisennys on 3 välilyöntiä",
        "listpunkten `- poliisihallitus` är indragen med 3 blanksteg",
        "`- poliisihallitus`",
    ),
    (
        "missing-space-after-colon",
        ORGANISATION,
        "id: sm\nname:Sisäministeriö\nkind: ministry\n",
        "SIS001",
        "puuttuu välilyönti ':'-merkin jälkeen; YAML vaatii välilyönnin avaimen kaksoispisteen jälkeen",
        "ett blanksteg saknas efter ':' i `name:Sisäministeriö`; YAML kräver ett blanksteg efter en nyckels kolon",
        ": name: Sisäministeriö",
    ),
    (
        "unquoted-colon-in-text",
        PRIORITY,
        MINIMAL[PRIORITY].replace("title: Turvallisuuden tunne", "title: Tavoite: vähemmän rikoksia"),
        "SIS001",
        "jotka YAML lukee uuden avaimen aluksi; kirjoita koko teksti lainausmerkkeihin",
        "som YAML läser som början på en ny nyckel; sätt hela texten inom citattecken",
        ': title: "Tavoite: vähemmän rikoksia"',
    ),
    (
        "unclosed-bracket",
        COMMITMENTS,
        _commitments().replace("goals: [p1-g1]", "goals: [p1-g1"),
        "SIS001",
        "tässä merkillä `[` aloitettua luetteloa ei suljeta; päätä se merkillä `]` viimeisen kohdan jälkeen",
        "listan som öppnas med `[` här stängs aldrig; avsluta den med `]` efter den sista punkten",
        ": goals: [p1-g1]",
    ),
    (
        "duplicate-key",
        ORGANISATION,
        "id: sm\nname: Sisäministeriö\nkind: ministry\nname: SM\n",
        "SIS002",
        "avain 'name' esiintyy tässä rakenteessa kahdesti (ensin rivillä 2)",
        "nyckeln 'name' förekommer två gånger i den här mappningen (första gången på rad 2)",
        "'name'",
    ),
    (
        "directive",
        ORGANISATION,
        "%YAML 1.2\n---\nid: sm\nname: SM\nkind: ministry\n",
        "SIS003",
        "%YAML- tai %TAG-direktiivi ei ole sallittu; poista rivi",
        "ett %YAML- eller %TAG-direktiv är inte tillåtet; ta bort raden",
        "",
    ),
    (
        "text-starting-with-bang",
        ORGANISATION,
        "id: sm\nname: !Tärkeä\nkind: ministry\n",
        "SIS004",
        "`!` arvon alussa tekee siitä tagin, mikä ei ole sallittua; poista se, tai jos se on tekstiä",
        "`!` i början av ett värde gör det till en tagg, vilket inte är tillåtet; ta bort det",
        ': name: "!Tärkeä"',
    ),
    (
        "text-starting-with-star",
        ORGANISATION,
        "id: sm\nname: *Tärkeä* ministeriö\nkind: ministry\n",
        "SIS005",
        "`*` arvon alussa tekee siitä aliaksen eli viittauksen toiseen arvoon",
        "`*` i början av ett värde gör det till ett alias",
        ': name: "*Tärkeä* ministeriö"',
    ),
    (
        "anchor",
        ORGANISATION,
        "id: sm\nname: &nimi SM\nkind: ministry\n",
        "SIS005",
        "ankkuri '&nimi' ei ole sallittu",
        "ankaret '&nimi' är inte tillåtet",
        ': name: "&nimi SM"',
    ),
    (
        "alias",
        ORGANISATION,
        "id: sm\nname: SM\nkind: *ministry\n",
        "SIS005",
        "`*ministry` on alias eli viittaus muualla olevaan arvoon, mikä ei ole sallittua: kirjoita arvo tähän",
        "`*ministry` är ett alias, en hänvisning till ett värde på annat ställe",
        ': kind: "*ministry"',
    ),
    (
        "nesting",
        ORGANISATION,
        "id: sm\nname: SM\nkind: ministry\nx: " + "[" * 45 + "]" * 45 + "\n",
        "SIS006",
        "rakenne on sisäkkäin syvemmällä kuin 40 tasoa",
        "strukturen är nästlad djupare än 40 nivåer",
        "",
    ),
    (
        "not-utf-8",
        ORGANISATION,
        b"id: sm\nname: Sis\xe4ministeri\xf6\nkind: ministry\n",
        "SIS008",
        "tavu 0xe4 ei ole UTF-8:aa; tallenna tiedosto UTF-8-muodossa",
        "byten 0xe4 är inte UTF-8; spara filen som UTF-8",
        "0xe4",
    ),
    (
        "byte-order-mark",
        ORGANISATION,
        b"\xef\xbb\xbfid: sm\nname: SM\nkind: ministry\n",
        "SIS009",
        "tiedosto alkaa näkymättömällä BOM-merkillä",
        "filen börjar med ett osynligt BOM-tecken",
        "",
    ),
    (
        "comments-only",
        ORGANISATION,
        "# Sisäministeriö\n",
        "SIS010",
        "tiedostossa ei ole sisältöä; lisää tietue tai poista tiedosto",
        "filen har inget innehåll; lägg till posten eller ta bort filen",
        "",
    ),
    (
        "second-document",
        ORGANISATION,
        "id: sm\nname: SM\nkind: ministry\n---\nid: sm2\n",
        "SIS011",
        "`---` aloittaa toisen YAML-dokumentin",
        "`---` inleder ett andra YAML-dokument",
        "`---`",
    ),
    (
        "number-as-a-key",
        ORGANISATION,
        "id: sm\nname: SM\nkind: ministry\n2024: vuosi\n",
        "SIS012",
        "avain 2024 ei ole tekstiä; kirjoita se lainausmerkkeihin",
        "nyckeln 2024 är inte text; sätt den inom citattecken",
        "2024",
    ),
    (
        "top-level-list",
        ORGANISATION,
        "- sm\n- poliisihallitus\n",
        "SIS014",
        "ylimmän tason on oltava avaimia arvoineen (`avain: arvo`)",
        "den översta nivån måste vara nycklar med värden (`nyckel: värde`)",
        "",
    ),
    (
        "top-level-key-without-space",
        ORGANISATION,
        "id:sm\n",
        "SIS014",
        "kohdasta `id:sm` puuttuu välilyönti ':'-merkin jälkeen",
        "ett blanksteg saknas efter ':' i `id:sm`",
        ": id: sm",
    ),
]


@pytest.mark.parametrize(
    ("name", "rel", "content", "code", "finnish", "swedish", "quoted"),
    IN_LANGUAGES,
    ids=[case[0] for case in IN_LANGUAGES],
)
def test_a_yaml_mistake_is_explained_in_the_readers_language(
    repo: Path,
    capsys: pytest.CaptureFixture[str],
    name: str,
    rel: str,
    content: str | bytes,
    code: str,
    finnish: str,
    swedish: str,
    quoted: str,
) -> None:
    target = repo / rel
    if isinstance(content, bytes):
        target.write_bytes(content)
    else:
        target.write_text(content, encoding="utf-8")
    # JSON is English whatever the language asked for: it is the contract.
    assert main(["validate", "-C", str(repo), "--format", "json", "--no-cache", "--lang", "fi"]) == 1
    found = next(f for f in _in(json.loads(capsys.readouterr().out)["findings"], rel) if f["code"] == code)
    english = str(found["message"])
    prefix = f"{found['path']}:{found['line']}:{found['column']}: error {code}: "
    said = {"en": english}
    for lang in ("fi", "sv", "en"):
        assert main(["validate", "-C", str(repo), "--no-cache", "--lang", lang]) == 1
        out = capsys.readouterr().out
        said[lang] = next(line[len(prefix) :] for line in out.splitlines() if line.startswith(prefix))
    assert said["en"] == english
    assert finnish in said["fi"] and swedish in said["sv"], said
    assert len({said["fi"], said["sv"], english}) == 3, said
    # The file's own text is quoted as written, in every language.
    assert all(quoted in text for text in said.values()), said


def test_every_mistake_and_suite_case_has_its_message_in_every_language() -> None:
    from sisturva.catalogue import messages

    raws = [m[2] if isinstance(m[2], bytes) else m[2].encode() for m in MISTAKES]
    raws += [case[2] if isinstance(case[2], bytes) else case[2].encode() for case in IN_LANGUAGES]
    raws += [(case / "in.yaml").read_bytes() for case in INVALID]
    keys: set[str] = set()
    for raw in raws:
        for finding in parse("x.yaml", raw).findings:
            assert finding.key is not None, finding
            keys.add(finding.key)
            fi, sv = finding.text("fi"), finding.text("sv")
            assert fi != finding.message and sv != finding.message and fi != sv, finding
    assert len(keys) > (40 if INVALID else 25), sorted(keys)
    for key in keys:  # and the English of the catalogue is what the JSON says
        assert messages("en").text(key)


def test_the_yaml_of_an_example_is_quoted_untranslated(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (repo / ORGANISATION).write_text("id: sm\nname: 'Poliisin's asia'\nkind: ministry\n", encoding="utf-8")
    main(["validate", "-C", str(repo), "--no-cache", "--lang", "sv"])
    out = capsys.readouterr().out
    assert (
        "en apostrof inom enkla citattecken avslutar texten; skriv den två gånger ('') eller sätt hela texten "
        'inom dubbla citattecken: name: "Poliisin\'s asia"'
    ) in out
