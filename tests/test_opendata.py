from __future__ import annotations

import csv
import dataclasses
import datetime
import io
import json
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from sisturva.cli import main
from sisturva.models import (
    Budget,
    CommitmentsFile,
    Indicator,
    Model,
    Organisation,
    Phenomenon,
    Priority,
    StrategyDoc,
)
from sisturva.publish.opendata import FORMULA_START, SPREADSHEET, TABLES, open_data
from sisturva.repository import load
from sisturva.strategy import Strategy

from .conftest import PROJECT, write_tree
from .publish_fixture import FILES, strategy

NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
INTEGER = re.compile(r"^-?\d+$")


def _rows(content: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8"), newline="")))


def _conforms(files: dict[str, bytes], name: str) -> list[dict[str, str]]:
    """The rows of `name`.csv, after checking every cell against `name`.schema.json."""
    schema_name = "dictionary.schema.json" if name.startswith("dictionary.") else f"{name}.schema.json"
    schema = json.loads(files[schema_name])
    content = files[f"{name}.csv"]
    header = next(csv.reader(io.StringIO(content.decode("utf-8"), newline="")))
    assert header == [f["name"] for f in schema["fields"]]
    rows = _rows(content)
    for row in rows:
        for field in schema["fields"]:
            value = row[field["name"]]
            if value == "":
                assert not field.get("constraints", {}).get("required"), (name, field["name"], row)
                continue
            kind = field["type"]
            if kind == "number":
                assert NUMBER.match(value), (name, field["name"], value)
            elif kind == "integer":
                assert INTEGER.match(value), (name, field["name"], value)
            elif kind == "boolean":
                assert value in ("true", "false")
            elif kind == "date":
                assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", value), (name, field["name"], value)
            else:
                assert not value.startswith(FORMULA_START), (name, field["name"], value)
    key = schema.get("primaryKey")
    if key:
        keys = [tuple(row[k] for k in key) for row in rows]
        assert len(keys) == len(set(keys)), f"{name}: primary key repeats"
    return rows


def test_the_files_and_their_package() -> None:
    files = open_data(strategy())
    names = {"strategy.json", "strategy.schema.json", "datapackage.json", "dictionary.schema.json"}
    for table in TABLES:
        names |= {f"{table}.csv", f"{table}{SPREADSHEET}", f"{table}.schema.json"}
    names |= {f"dictionary.{lang}{end}" for lang in ("fi", "sv", "en") for end in (".csv", SPREADSHEET)}
    assert set(files) == names
    package = json.loads(files["datapackage.json"])
    described: set[str] = set()
    for resource in package["resources"]:
        assert resource["path"] in files
        described.add(resource["path"])
        schema = resource.get("schema") or resource.get("jsonSchema")
        if isinstance(schema, str):
            assert schema in files
            described.add(schema)
        else:  # a spreadsheet variant: its schema inline, with the decimal comma and the semicolon
            assert resource["path"].endswith(SPREADSHEET) and resource["dialect"] == {"delimiter": ";"}
            numbers = [f for f in schema["fields"] if f["type"] == "number"]
            assert all(f["decimalChar"] == "," for f in numbers)
    assert described == names - {"datapackage.json"}
    for resource in package["resources"]:
        content = files[resource["path"]]
        assert resource["bytes"] == len(content)
        if resource["format"] == "csv":
            text = content.decode("utf-8-sig")
            delimiter = ";" if resource["path"].endswith(SPREADSHEET) else ","
            assert (
                resource["rows"]
                == len(list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))) - 1
            )
    assert len({r["name"] for r in package["resources"]}) == len(package["resources"])
    assert all(re.fullmatch(r"[a-z0-9._-]+", r["name"]) for r in package["resources"])


def test_headers_are_stable_machine_names() -> None:
    files = open_data(strategy())
    for name, content in files.items():
        if name.endswith(".csv"):
            text = content.decode("utf-8-sig")
            header = next(csv.reader(io.StringIO(text), delimiter=";" if name.endswith(SPREADSHEET) else ","))
            assert all(re.fullmatch(r"[a-z][a-z0-9]*(_[a-z0-9]+)*", h) for h in header), (name, header)


def _references_hold(files: dict[str, bytes]) -> None:
    """Every value of a column that names a row of a table is the key of a row there."""
    for table in TABLES:
        for foreign in json.loads(files[f"{table}.schema.json"]).get("foreignKeys", []):
            target = foreign["reference"]["resource"] or table
            known = {r[foreign["reference"]["fields"]] for r in _rows(files[f"{target}.csv"])}
            used = {r[foreign["fields"]] for r in _rows(files[f"{table}.csv"])} - {""}
            assert used and used <= known, (table, foreign, used - known)


def test_every_csv_matches_its_schema() -> None:
    files = open_data(strategy())
    for table in TABLES:
        assert _conforms(files, table)
    _references_hold(files)
    named = {t: json.loads(files[f"{t}.schema.json"]).get("foreignKeys", []) for t in TABLES}
    assert named["commitment-goals"] == [
        {"fields": "commitment", "reference": {"resource": "commitments", "fields": "id"}},
        {"fields": "goal", "reference": {"resource": "goals", "fields": "goal"}},
    ]
    assert named["organisations"] == [{"fields": "parent", "reference": {"resource": "", "fields": "id"}}]


def test_money_is_exact_and_plain() -> None:
    s = strategy()
    files = open_data(s)
    budgets = _conforms(files, "budgets")
    assert [(r["line"], r["year"], r["euros"], r["allocated"]) for r in budgets] == [
        ("26.10.01", "2022", "799999999.99", "200000"),
        ("26.10.01", "2023", "800000000", "1500000"),
        ("99.99", "2022", "1", ""),
    ]
    resources = _conforms(files, "commitment-resources")
    total = sum((Decimal(r["euros"]) for r in resources), Decimal(0))
    expected = sum((r.euros for _, c in s.all_commitments() for r in c.resources), Decimal(0))
    assert total == expected == Decimal("1334567.50")
    commitments = {r["id"]: r for r in _conforms(files, "commitments")}
    assert (commitments["viestinta"]["euros"], commitments["viestinta"]["person_years"]) == (
        "1334567.50",
        "1.5",
    )
    # One row per goal a commitment serves, not a list in a cell.
    assert "goals" not in commitments["viestinta"] and "priorities" not in commitments["viestinta"]
    links = _conforms(files, "commitment-goals")
    assert [(r["organisation"], r["commitment"], r["goal"], r["priority"]) for r in links] == [
        ("poliisihallitus", "kaava", "p1-g1", "p1"),
        ("poliisihallitus", "monirivinen", "p1-g3", "p1"),
        ("poliisihallitus", "viestinta", "p1-g1", "p1"),
        ("poliisihallitus", "viestinta", "p1-g2", "p1"),
    ]


def test_cells_cannot_run_as_spreadsheet_formulas() -> None:
    files = open_data(strategy())
    commitments = {r["id"]: r for r in _rows(files["commitments.csv"])}
    assert commitments["kaava"]["action_fi"] == '\'=HYPERLINK("http://evil.example", "klikkaa")'
    # A line break and quotes survive the CSV quoting; the leading + is neutralised.
    assert commitments["monirivinen"]["action_fi"] == '\'+rivi 1\nrivi 2, "lainaus"'
    budgets = _rows(files["budgets.csv"])
    assert budgets[-1]["name_fi"] == "'=cmd|' /C calc'!A0"
    indicators = [r for r in _rows(files["indicators.csv"]) if r["indicator"] == "muutos"]
    # A negative number stays a number; the note that looks like a formula does not.
    assert (indicators[0]["value"], indicators[0]["note_fi"]) == ("-1.5", "'=1+2")
    raw = files["commitments.csv"].decode("utf-8")
    assert ",=" not in raw and '"=' not in raw


def test_translations_go_to_their_own_columns() -> None:
    files = open_data(strategy())
    commitments = {r["id"]: r for r in _rows(files["commitments.csv"])}
    row = commitments["viestinta"]
    assert (row["action_fi"], row["action_sv"], row["action_en"]) == (
        "Turvallisuusviestintä",
        "Säkerhetskommunikation",
        "",
    )
    trust = [r for r in _rows(files["indicators.csv"]) if r["indicator"] == "luottamus"]
    assert [(r["year"], r["value"], r["comparable"]) for r in trust] == [
        ("2018", "95", "true"),
        ("2020", "91.5", "true"),
        ("2022", "92", "true"),
        ("2023", "89", "false"),
    ]
    assert trust[-1]["note_en"] == "The method changed"
    assert trust[0]["source"] == "Poliisibarometri 2018" and trust[1]["source"] == "Poliisibarometri"


def _reread(cls: type[Model], data: dict[str, Any]) -> Model:
    return cls.model_validate(data, strict=False)


def _check_roundtrip(s: Strategy, content: bytes) -> None:
    data = json.loads(content, parse_float=Decimal)
    assert (data["format"], data["format_version"]) == ("sisturva-strategy", 2)
    assert _reread(StrategyDoc, data["strategy"]) == s.strategy
    kinds: list[tuple[str, type[Model], dict[str, Any]]] = [
        ("organisations", Organisation, dict(s.organisations)),
        ("phenomena", Phenomenon, dict(s.phenomena)),
        ("indicators", Indicator, dict(s.indicators)),
        ("priorities", Priority, dict(s.priorities)),
        ("budgets", Budget, dict(s.budgets)),
    ]
    for key, cls, records in kinds:
        again = [_reread(cls, item) for item in data[key]]
        assert again == [records[k] for k in sorted(records)], key
    for item in data["commitments"]:
        again_file = _reread(CommitmentsFile, item)
        assert isinstance(again_file, CommitmentsFile)
        assert again_file.commitments == list(s.commitments[item["organisation"]])


def test_strategy_json_holds_every_record_exactly() -> None:
    s = strategy()
    content = open_data(s)["strategy.json"]
    _check_roundtrip(s, content)
    assert b'"euros":799999999.99' in content  # an exact JSON number, not a string or a rounded float


def _valid_json(files: dict[str, bytes]) -> None:
    schema = json.loads(files["strategy.schema.json"])
    jsonschema.Draft202012Validator.check_schema(schema)
    errors = list(jsonschema.Draft202012Validator(schema).iter_errors(json.loads(files["strategy.json"])))
    assert not errors, errors[0].message


def test_strategy_json_matches_its_schema() -> None:
    files = open_data(strategy())
    _valid_json(files)
    broken = json.loads(files["strategy.json"])
    broken["commitments"][0]["commitments"][0]["progress"] = 101
    validator = jsonschema.Draft202012Validator(json.loads(files["strategy.schema.json"]))
    assert [e.message for e in validator.iter_errors(broken)] == ["101 is greater than the maximum of 100"]


def test_output_is_deterministic() -> None:
    assert open_data(strategy()) == open_data(strategy())


def test_example_strategy() -> None:
    s = load(str(PROJECT / "strategy"), False).strategy
    files = open_data(s)
    for table in TABLES:
        _conforms(files, table)
        _same_in_the_spreadsheet_variant(files, table)
    _references_hold(files)
    _check_roundtrip(s, files["strategy.json"])
    _valid_json(files)


def test_render_writes_the_open_data(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = write_tree(tmp_path / "repo", dict(FILES))
    out = tmp_path / "out"
    assert main(["render", "-C", str(repo), "--out", str(out), "--format", "data", "--no-cache"]) == 0
    written = {p.name: p.read_bytes() for p in (out / "data").iterdir()}
    assert written == open_data(load(str(repo), False).strategy)


def test_data_published_with_errors_says_so_and_still_matches_its_schema() -> None:
    files = open_data(strategy(), None, 3)
    data = json.loads(files["strategy.json"])
    package = json.loads(files["datapackage.json"])
    assert (data["unapproved"], data["errors"]) == (True, 3)
    assert (package["unapproved"], package["errors"]) == (True, 3)
    _valid_json(files)
    _check_roundtrip(strategy(), files["strategy.json"])
    # Approved data carries neither member, and the schema accepts no half of the pair.
    approved = open_data(strategy())
    assert "unapproved" not in json.loads(approved["strategy.json"])
    assert "unapproved" not in json.loads(approved["datapackage.json"])
    validator = jsonschema.Draft202012Validator(json.loads(files["strategy.schema.json"]))
    del data["errors"]
    assert [e.message for e in validator.iter_errors(data)] == ["'errors' is a dependency of 'unapproved'"]


# -- the spreadsheet variant ----------------------------------------------------------------------------


def _finnish(content: bytes) -> list[list[str]]:
    """A spreadsheet variant read under the Finnish conventions: UTF-8 after its BOM, semicolons."""
    assert content.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline=""), delimiter=";"))


def _same_in_the_spreadsheet_variant(files: dict[str, bytes], name: str) -> None:
    """The spreadsheet variant of `name` holds the standard file's values, numbers with a decimal comma."""
    schema_name = "dictionary.schema.json" if name.startswith("dictionary.") else f"{name}.schema.json"
    fields = json.loads(files[schema_name])["fields"]
    standard = list(csv.reader(io.StringIO(files[f"{name}.csv"].decode("utf-8"), newline="")))
    variant = _finnish(files[f"{name}{SPREADSHEET}"])
    assert variant[0] == standard[0] == [f["name"] for f in fields]
    assert len(variant) == len(standard)
    numbers = {i for i, f in enumerate(fields) if f["type"] == "number"}
    for row, other in zip(standard[1:], variant[1:], strict=True):
        assert all("." not in other[i] for i in numbers), (name, other)
        assert [v.replace(",", ".") if i in numbers else v for i, v in enumerate(other)] == row


def test_the_spreadsheet_variant_reads_back_as_the_standard_file() -> None:
    files = open_data(strategy())
    for table in TABLES:
        _same_in_the_spreadsheet_variant(files, table)
    for lang in ("fi", "sv", "en"):
        _same_in_the_spreadsheet_variant(files, f"dictionary.{lang}")
    budgets = _finnish(files[f"budgets{SPREADSHEET}"])
    assert budgets[1][7:10] == ["2022", "799999999,99", "200000"]
    assert "\r\n" in files[f"budgets{SPREADSHEET}"].decode("utf-8")
    indicators = _finnish(files[f"indicators{SPREADSHEET}"])
    assert [r[9] for r in indicators if r[0] == "luottamus"] == ["95", "91,5", "92", "89"]
    # Text stays safe from formulas in the variant too; a negative number stays a number.
    commitments = {r[1]: r for r in _finnish(files[f"commitments{SPREADSHEET}"])}
    assert commitments["kaava"][2] == '\'=HYPERLINK("http://evil.example", "klikkaa")'
    assert commitments["monirivinen"][2] == '\'+rivi 1\nrivi 2, "lainaus"'
    assert [r[11] for r in indicators if r[0] == "muutos"] == ["'=1+2"]
    assert [r[9] for r in indicators if r[0] == "muutos"] == ["-1,5"]


# -- goals and organisations ----------------------------------------------------------------------------


def test_goals_carry_the_verdicts_of_status_and_a_stale_value_gives_none() -> None:
    from sisturva.status import status

    s = strategy()
    files = open_data(s, year=2026)
    goals = {r["goal"]: r for r in _conforms(files, "goals")}
    picture = status(s, 2026)
    assert {g: r["verdict"] for g, r in goals.items()} == picture.verdicts()
    trust = goals["p1-g1"]
    assert (trust["title_fi"], trust["title_sv"], trust["title_en"]) == (
        "Luottamus kasvaa",
        "Förtroendet ökar",
        "Trust grows",
    )
    assert [trust[k] for k in ("baseline_year", "baseline_value", "target_year", "target_value", "due")] == [
        "2020",
        "91.5",
        "2025",
        "94",
        "2025-12-31",
    ]
    assert (trust["verdict"], trust["reason"], trust["commitments"], trust["status_year"]) == (
        "no-data",
        "break",
        "2",
        "2026",
    )
    # The value of 2021 should have had a successor by 2023: no verdict, the last value kept with its year.
    stale = goals["p1-g2"]
    assert [
        stale[k] for k in ("verdict", "reason", "stale", "latest_value", "latest_year", "new_value_due")
    ] == [
        "no-data",
        "stale",
        "true",
        "-1.5",
        "2021",
        "2023",
    ]
    assert stale["expected"] == ""
    assert (goals["p1-g3"]["verdict"], goals["p1-g3"]["reason"], goals["p1-g3"]["indicator"]) == (
        "no-data",
        "no-indicator",
        "",
    )
    data = json.loads(files["strategy.json"])
    assert data["monitoring"]["year"] == 2026
    assert data["monitoring"]["counts"] == picture.counts()
    [in_json] = [g for g in data["monitoring"]["goals"] if g["goal"] == "p1-g2"]
    assert in_json == {
        "goal": "p1-g2",
        "priority": "p1",
        "verdict": "no-data",
        "reason": "stale",
        "latest": {"year": 2021, "value": -1.5},
        "expected": None,
        "stale": True,
        "new_value_due": 2023,
    }
    # In 2022 the same value is current: on track (lower is better, the line stands at -1 in 2021).
    earlier = {r["goal"]: r for r in _rows(open_data(s, year=2022)["goals.csv"])}
    assert (earlier["p1-g2"]["verdict"], earlier["p1-g2"]["stale"], earlier["p1-g2"]["reason"]) == (
        "on-track",
        "false",
        "",
    )
    assert Decimal(earlier["p1-g2"]["expected"]) == Decimal(-1)


def test_a_picture_drawn_already_is_used_as_it_is() -> None:
    from sisturva.status import status

    s = strategy()
    assert open_data(s, picture=status(s, 2022)) == open_data(s, year=2022)
    assert open_data(s, picture=status(s, 2022)) != open_data(s, year=2026)


def test_goals_are_judged_this_year_unless_told() -> None:
    from sisturva.status import status

    s = strategy()
    this_year = datetime.date.today().year
    goals = _rows(open_data(s)["goals.csv"])
    assert {r["status_year"] for r in goals} == {str(this_year)}
    assert {r["goal"]: r["verdict"] for r in goals} == status(s, this_year).verdicts()


def test_organisations_table() -> None:
    files = open_data(strategy())
    rows = {r["id"]: r for r in _conforms(files, "organisations")}
    assert list(rows) == ["evil", "poliisihallitus", "sm"]
    sm = rows["sm"]
    assert [sm[k] for k in ("name_fi", "name_sv", "name_en", "short_name_fi", "kind", "website")] == [
        "Sisäministeriö",
        "Inrikesministeriet",
        "Ministry of the Interior",
        "SM",
        "ministry",
        "https://intermin.fi",
    ]
    police = rows["poliisihallitus"]
    assert (
        police["parent"],
        police["commitments"],
        police["cooperation_group"],
        police["expert_network"],
    ) == (
        "sm",
        "3",
        "false",
        "true",
    )
    assert (rows["evil"]["cooperation_group"], rows["evil"]["expert_network"]) == ("true", "false")
    assert rows["evil"]["name_fi"] == "Paha <script>alert(1)</script> & co"  # data, not markup


# -- the data dictionary --------------------------------------------------------------------------------


def _described(rows: list[dict[str, str]], table: str, column: str) -> str:
    return next(r["description"] for r in rows if (r["table"], r["column"]) == (table, column))


def test_a_data_dictionary_in_each_language() -> None:
    files = open_data(strategy())
    by_lang = {lang: _conforms(files, f"dictionary.{lang}") for lang in ("fi", "sv", "en")}
    expected: set[tuple[str, str]] = set()
    for table in [*TABLES, "dictionary"]:
        schema = json.loads(files[f"{table}.schema.json"])
        expected |= {(table, "")} | {(table, f["name"]) for f in schema["fields"]}
    for rows in by_lang.values():
        assert {(r["table"], r["column"]) for r in rows} == expected
        assert all(r["description"] for r in rows)
    fi, sv, en = by_lang["fi"], by_lang["sv"], by_lang["en"]
    assert _described(fi, "goals", "verdict").startswith("Arvio: on-track (oikealla tiellä)")
    assert _described(sv, "goals", "verdict").startswith("Bedömning: on-track (på rätt väg)")
    assert _described(en, "goals", "verdict").startswith("Verdict: on-track")
    assert [_described(rows, "goals", "title_sv") for rows in (fi, sv, en)] == [
        "Tavoite ruotsiksi",
        "Målet på svenska",
        "The goal in Swedish",
    ]
    assert _described(fi, "commitment-goals", "") == (
        "Tavoitteet, joita kukin sitoumus palvelee, yksi rivi kutakin sitoumusta ja tavoitetta kohden"
    )
    # The Table Schemas describe the columns as the English dictionary does.
    goals = json.loads(files["goals.schema.json"])["fields"]
    assert [f["description"] for f in goals] == [_described(en, "goals", f["name"]) for f in goals]
    assert [(r["column"], r["type"], r["required"]) for r in fi if r["table"] == "goals"][:3] == [
        ("", "", ""),
        ("goal", "string", "true"),
        ("priority", "string", "true"),
    ]


def test_a_finnish_only_repository_has_its_dictionary_in_finnish() -> None:
    files = dict(FILES)
    files["sisturva.yaml"] = "schema: 1\nlanguages: [fi]\nplanning_years: {start: 2021, end: 2025}\n"
    made = open_data(strategy(files))
    assert sorted(n for n in made if n.startswith("dictionary")) == [
        "dictionary.fi.csv",
        "dictionary.fi.excel.csv",
        "dictionary.schema.json",
    ]
    package = json.loads(made["datapackage.json"])
    assert {r["path"] for r in package["resources"]} >= {"dictionary.fi.csv", "dictionary.fi.excel.csv"}


# -- version, licence, publisher ------------------------------------------------------------------------

PUBLISHED = (
    "publication:\n"
    "  publisher: {fi: Sisäministeriö, sv: Inrikesministeriet, en: Ministry of the Interior}\n"
    "  contact: kirjaamo.sm@gov.fi\n"
    "  licence: CC0-1.0\n"
)


def _release(version: str, commit: str) -> Any:
    from sisturva.releases import Release

    return Release(
        version, f"strategy/{version}", commit, datetime.date(2025, 5, 20), "Kokous 2/2025", "T", 0
    )


def test_the_json_files_say_which_version_they_are() -> None:
    from sisturva.standing import Standing

    release = _release("2025.1", "a" * 40)
    later = Standing("b" * 40, datetime.date(2025, 6, 1), release, 3, False)
    files = open_data(strategy(), None, 0, later)
    data = json.loads(files["strategy.json"])
    package = json.loads(files["datapackage.json"])
    for found in (data, package):
        assert [
            found[k] for k in ("version", "approved", "commit", "data_as_of", "changes_since_approval")
        ] == [
            "2025.1",
            False,
            "b" * 40,
            "2025-06-01",
            3,
        ]
        assert found["approval"] == {"version": "2025.1", "date": "2025-05-20", "decision": "Kokous 2/2025"}
        assert found["uncommitted_changes"] is False
    assert data["licence"] == {
        "id": "CC-BY-4.0",
        "title": "Creative Commons Attribution 4.0 International",
        "url": "https://creativecommons.org/licenses/by/4.0/",
    }
    assert package["licenses"] == [
        {
            "name": "CC-BY-4.0",
            "path": "https://creativecommons.org/licenses/by/4.0/",
            "title": "Creative Commons Attribution 4.0 International",
        }
    ]
    _valid_json(files)
    exact = Standing("a" * 40, datetime.date(2025, 5, 20), release, 0, False)
    approved = json.loads(open_data(strategy(), None, 0, exact)["strategy.json"])
    assert (approved["version"], approved["approved"], approved["changes_since_approval"]) == (
        "2025.1",
        True,
        0,
    )
    # Outside git: no version; the Data Package, whose version is a string, leaves the member out.
    unknown = open_data(strategy())
    assert json.loads(unknown["strategy.json"])["version"] is None
    assert json.loads(unknown["strategy.json"])["commit"] is None
    assert "version" not in json.loads(unknown["datapackage.json"])


def test_the_publisher_and_the_licence_come_from_the_settings() -> None:
    files = dict(FILES)
    files["sisturva.yaml"] += PUBLISHED
    made = open_data(strategy(files))
    data = json.loads(made["strategy.json"])
    package = json.loads(made["datapackage.json"])
    assert data["publisher"] == {
        "fi": "Sisäministeriö",
        "sv": "Inrikesministeriet",
        "en": "Ministry of the Interior",
    }
    assert (data["contact"], data["licence"]["id"]) == ("kirjaamo.sm@gov.fi", "CC0-1.0")
    assert data["licence"]["url"] == "https://creativecommons.org/publicdomain/zero/1.0/"
    assert package["contributors"] == [
        {"title": "Sisäministeriö", "role": "publisher", "email": "kirjaamo.sm@gov.fi"}
    ]
    assert package["licenses"][0]["name"] == "CC0-1.0"
    _valid_json(made)
    other = dict(FILES)
    other["sisturva.yaml"] += (
        "publication: {licence: MIT, publisher: Kunta, contact: 'https://kunta.fi/palaute'}\n"
    )
    package = json.loads(open_data(strategy(other))["datapackage.json"])
    assert package["licenses"] == [
        {"name": "MIT", "path": "https://spdx.org/licenses/MIT.html", "title": "MIT"}
    ]
    assert package["contributors"] == [
        {"title": "Kunta", "role": "publisher", "path": "https://kunta.fi/palaute"}
    ]


def test_render_of_a_released_repository_names_its_version(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from .gitrepo import commit, init, write

    repo = init(tmp_path / "repo")
    write(repo, dict(FILES))
    first = commit(repo, "base")
    monkeypatch.chdir(repo)
    assert main(["release", "2025.1", "--date", "2025-05-20", "--decision", "Kokous 2/2025"]) == 0
    out = tmp_path / "out"
    assert main(["render", "--out", str(out), "--format", "data", "--no-cache"]) == 0
    data = json.loads((out / "data/strategy.json").read_bytes())
    assert [data[k] for k in ("version", "approved", "commit", "data_as_of", "changes_since_approval")] == [
        "2025.1",
        True,
        first,
        "2024-01-01",
        0,
    ]
    write(repo, {"organisations/sm.yaml": FILES["organisations/sm.yaml"].replace("SM\n", "SM2\n")})
    second = commit(repo, "sm", date="2025-06-02T12:00:00+03:00")
    assert main(["render", "--out", str(out), "--format", "data", "--no-cache"]) == 0
    data = json.loads((out / "data/strategy.json").read_bytes())
    package = json.loads((out / "data/datapackage.json").read_bytes())
    for found in (data, package):
        assert [
            found[k] for k in ("version", "approved", "commit", "data_as_of", "changes_since_approval")
        ] == [
            "2025.1",
            False,
            second,
            "2025-06-02",
            1,
        ]


# -- what the data page shows ---------------------------------------------------------------------------


def test_describe_lists_each_file_with_what_it_is_its_size_and_rows() -> None:
    from sisturva.publish.opendata import DataFile, describe

    files = open_data(strategy())
    for lang in ("fi", "sv", "en"):
        listed = describe(files, lang)
        assert [d.name for d in listed] == list(files)
        assert all(d.size == len(files[d.name]) for d in listed)
        assert all(d.title and d.description for d in listed), lang
        assert len({d.title for d in listed}) == len(listed), lang  # no two files alike
    fi = {d.name: d for d in describe(files, "fi")}
    assert fi["goals.csv"] == DataFile(
        "goals.csv",
        len(files["goals.csv"]),
        "Tavoitteet",
        "Strategian tavoitteet painopisteittäin: lähtötaso, tavoitetaso, viimeisin arvo ja arvio siitä, "
        "ollaanko oikealla tiellä",
        "CSV",
        3,
        "goals",
    )
    spreadsheet = fi[f"goals{SPREADSHEET}"]
    assert (spreadsheet.title, spreadsheet.rows, spreadsheet.spreadsheet) == (
        "Tavoitteet taulukkolaskentaan",
        3,
        True,
    )
    assert "puolipiste" in spreadsheet.description
    # A cell with a line break is one row.
    assert fi["commitments.csv"].rows == 3 and fi[f"commitments{SPREADSHEET}"].rows == 3
    assert fi["dictionary.sv.csv"].title == "Tietosanasto (svenska)"
    assert (fi["strategy.json"].format, fi["strategy.json"].rows) == ("JSON", None)
    en = {d.name: d for d in describe(files, "en")}
    assert (en["goals.schema.json"].title, en["goals.schema.json"].table) == (
        "Goals: description of the columns",
        "goals",
    )
    sv = {d.name: d for d in describe(files, "sv")}
    assert sv["commitment-goals.csv"].title == "Åtagandenas mål"
    assert describe({"notes.txt": b"abc"}, "fi") == [DataFile("notes.txt", 3, "notes.txt", "", "TXT", None)]
    with pytest.raises(dataclasses.FrozenInstanceError):
        fi["goals.csv"].size = 0  # type: ignore[misc]


# -- parts kept between renders -------------------------------------------------------------------------


def test_rows_of_unchanged_organisations_are_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    from sisturva.publish import opendata
    from sisturva.publish.reuse import Digests, Parts

    files = dict(FILES)
    files["commitments/sm.yaml"] = (
        "organisation: sm\ncommitments:\n  - id: ohjaus\n    action: Ohjaus\n"
        "    goals: [p1-g1, p1-g3]\n    period: {start: 2022}\n"
    )
    made: list[str] = []
    original = opendata._commitment_rows

    def spy(s: Strategy, org: str) -> Any:
        made.append(org)
        return original(s, org)

    monkeypatch.setattr(opendata, "_commitment_rows", spy)
    first = strategy(files)
    parts = Parts("prefix", Digests.of(first), {})
    assert open_data(first, parts) == open_data(first)
    assert sorted(made) == ["poliisihallitus", "poliisihallitus", "sm", "sm"]
    made.clear()
    rel = "commitments/poliisihallitus.yaml"
    files[rel] = files[rel].replace("progress: 40", "progress: 60")
    second = strategy(files)
    again = Parts("prefix", Digests.of(second), dict(parts.current))
    kept = open_data(second, again)
    assert made == ["poliisihallitus"]
    assert kept == open_data(second)
    links = _rows(kept["commitment-goals.csv"])
    assert [(r["commitment"], r["goal"]) for r in links if r["organisation"] == "sm"] == [
        ("ohjaus", "p1-g1"),
        ("ohjaus", "p1-g3"),
    ]
    assert "ohjaus;ohjaus" not in kept[f"commitment-goals{SPREADSHEET}"].decode("utf-8")
