from __future__ import annotations

import datetime
import json
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from sisturva.cli import main
from sisturva.commands.schema import schemas
from sisturva.documents import parse
from sisturva.strategy import kind_of

from .conftest import MINIMAL, PROJECT

EXAMPLE = PROJECT / "strategy"
KIND_SCHEMA = {
    "sisturva": "settings",
    "strategy": "strategy",
    "organisations": "organisation",
    "phenomena": "phenomenon",
    "indicators": "indicator",
    "priorities": "priority",
    "commitments": "commitments",
    "budgets": "budget",
}
EXAMPLE_FILES = sorted(p for p in EXAMPLE.rglob("*.yaml"))


def _json_ready(value: Any) -> Any:
    """YAML data as a JSON validator sees it (what an editor's language server would read)."""
    if isinstance(value, dict):
        return {k: _json_ready(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_ready(v) for v in value]
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() and "." not in str(value) else float(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def _validator(name: str) -> jsonschema.protocols.Validator:
    schema = json.loads((PROJECT / "schemas" / f"{name}.schema.json").read_text())
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def test_shipped_schemas_are_up_to_date() -> None:
    for name, schema in schemas().items():
        shipped = json.loads((PROJECT / "schemas" / f"{name}.schema.json").read_text())
        assert shipped == schema, f"schemas/{name}.schema.json is stale: run `sisturva schema --out schemas`"


def test_shipped_schemas_describe_every_object_and_property() -> None:
    # Editors show these on hover: a schema without them explains nothing to the file's author.
    for name in KIND_SCHEMA.values():
        schema = json.loads((PROJECT / "schemas" / f"{name}.schema.json").read_text())
        for where, body in [(name, schema), *schema.get("$defs", {}).items()]:
            assert body.get("description", "").strip(), f"{where} in {name}.schema.json has no description"
            for key, prop in body.get("properties", {}).items():
                assert prop.get("description", "").strip(), f"{where}.{key} in {name}.schema.json"


def test_schema_command_writes_every_kind(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema", "--out", str(tmp_path / "out")]) == 0
    written = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert written == sorted(f"{name}.schema.json" for name in KIND_SCHEMA.values())
    assert main(["schema", "commitments"]) == 0
    assert (
        json.loads(capsys.readouterr().out.split("\n", len(KIND_SCHEMA))[-1])["$id"]
        == "commitments.schema.json"
    )


def test_unknown_schema_name_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    # A misspelling, not a kind named in the singular (`commitment`), which is accepted.
    assert main(["schema", "commitmnt"]) == 2
    assert "unknown schema 'commitmnt'" in capsys.readouterr().err


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=[str(p.relative_to(EXAMPLE)) for p in EXAMPLE_FILES])
def test_example_file_names_its_schema_and_passes_it(path: Path) -> None:
    rel = path.relative_to(EXAMPLE).as_posix()
    kind = kind_of(rel)
    assert kind is not None
    name = KIND_SCHEMA[kind]
    first = path.read_text(encoding="utf-8").splitlines()[0]
    match = re.fullmatch(r"# yaml-language-server: \$schema=(\S+)", first)
    assert match, f"{rel} does not name its schema on its first line"
    assert (path.parent / match.group(1)).resolve() == (PROJECT / "schemas" / f"{name}.schema.json").resolve()
    data = parse(rel, path.read_bytes()).data
    errors = list(_validator(name).iter_errors(_json_ready(data)))
    assert not errors, [e.message for e in errors]


WRONG: list[tuple[str, str, str]] = [
    ("unknown-key", "organisations/sm.yaml", "id: sm\nname: SM\nkind: ministry\ncolour: blue\n"),
    ("wrong-enum", "organisations/sm.yaml", "id: sm\nname: SM\nkind: ministery\n"),
    ("missing-kind", "organisations/sm.yaml", "id: sm\nname: SM\n"),
    ("bad-id", "organisations/sm.yaml", "id: Sisä_Ministeriö\nname: SM\nkind: ministry\n"),
    (
        "javascript-link",
        "organisations/sm.yaml",
        "id: sm\nname: SM\nkind: ministry\nwebsite: 'javascript:alert(1)'\n",
    ),
    ("text-as-number", "organisations/sm.yaml", "id: sm\nname: 1.10\nkind: ministry\n"),
    ("bad-language", "organisations/sm.yaml", "id: sm\nname: {de: Innenministerium}\nkind: ministry\n"),
    (
        "money-as-text",
        "commitments/poliisihallitus.yaml",
        MINIMAL["commitments/poliisihallitus.yaml"].replace("euros: 100000", "euros: '100000'"),
    ),
    (
        "negative-money",
        "commitments/poliisihallitus.yaml",
        MINIMAL["commitments/poliisihallitus.yaml"].replace("euros: 100000", "euros: -5"),
    ),
    (
        "bool-as-text",
        "indicators/luottamus.yaml",
        MINIMAL["indicators/luottamus.yaml"].replace("higher-is-better", "yes"),
    ),
]


@pytest.mark.parametrize(("name", "rel", "text"), WRONG, ids=[w[0] for w in WRONG])
def test_wrong_files_are_rejected_by_schema_and_by_validate(
    name: str, rel: str, text: str, repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    kind = kind_of(rel)
    assert kind is not None
    data = parse(rel, text.encode()).data
    assert list(_validator(KIND_SCHEMA[kind]).iter_errors(_json_ready(data))), "the schema accepted it"
    (repo / rel).write_text(text)
    assert main(["validate", "-C", str(repo), "--no-cache"]) == 1
    assert f"{rel}:" in capsys.readouterr().out
