from __future__ import annotations

import csv
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
from sisturva.publish.opendata import FORMULA_START, TABLES, open_data
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
    schema = json.loads(files[f"{name}.schema.json"])
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
            else:
                assert not value.startswith(FORMULA_START), (name, field["name"], value)
    key = schema.get("primaryKey")
    if key:
        keys = [tuple(row[k] for k in key) for row in rows]
        assert len(keys) == len(set(keys)), f"{name}: primary key repeats"
    return rows


def test_the_files_and_their_package() -> None:
    files = open_data(strategy())
    names = {"strategy.json", "strategy.schema.json", "datapackage.json"}
    for table in TABLES:
        names |= {f"{table}.csv", f"{table}.schema.json"}
    assert set(files) == names
    package = json.loads(files["datapackage.json"])
    for resource in package["resources"]:
        assert resource["path"] in files
        schema = resource.get("schema") or resource.get("jsonSchema")
        assert schema in files
    described = {r["path"] for r in package["resources"]}
    described |= {r.get("schema") or r.get("jsonSchema") for r in package["resources"]}
    assert described == names - {"datapackage.json"}


def test_every_csv_matches_its_schema() -> None:
    files = open_data(strategy())
    for table in TABLES:
        assert _conforms(files, table)


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
    assert commitments["viestinta"]["goals"] == "p1-g1;p1-g2"
    assert commitments["viestinta"]["priorities"] == "p1"


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
    assert (data["format"], data["version"]) == ("sisturva-strategy", 1)
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
