from __future__ import annotations

import subprocess
import sys
import typing
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from pydantic import BaseModel, Field, TypeAdapter

from sisturva import findings, models
from sisturva.commands.schema import run, schemas
from sisturva.documents import parse
from sisturva.errors import UsageError
from sisturva.reference import PAGE, REGENERATE, anchor, main, render, type_words, yaml_value

from .conftest import PROJECT
from .test_schema import _json_ready

MODELS = sorted(
    (
        value
        for value in vars(models).values()
        if isinstance(value, type) and issubclass(value, models.Model) and value.model_fields
    ),
    key=lambda model: model.__name__,
)
FIELDS = [(model, name) for model in MODELS for name in model.model_fields]
FIELD_IDS = [f"{model.__name__}.{name}" for model, name in FIELDS]


def test_reference_page_is_up_to_date() -> None:
    shipped = (PROJECT / PAGE).read_text(encoding="utf-8")
    assert shipped == render(), f"{PAGE} is stale: run `{REGENERATE}` in the project's root"


@pytest.mark.parametrize("model", MODELS, ids=[m.__name__ for m in MODELS])
def test_every_model_is_described(model: type[BaseModel]) -> None:
    assert (model.__doc__ or "").strip(), f"{model.__name__} needs a docstring: it is its description"


@pytest.mark.parametrize(("model", "name"), FIELDS, ids=FIELD_IDS)
def test_every_field_has_a_description_and_an_example(model: type[BaseModel], name: str) -> None:
    info = model.model_fields[name]
    assert (info.description or "").strip(), f"{model.__name__}.{name} needs Field(description=…)"
    assert info.examples, f"{model.__name__}.{name} needs Field(examples=[…])"


@pytest.mark.parametrize(("model", "name"), FIELDS, ids=FIELD_IDS)
def test_examples_read_back_from_the_page_and_are_valid(model: type[BaseModel], name: str) -> None:
    # As the page writes it in YAML, each example reads back as the same value, and the field
    # accepts it: an example never teaches a form that validation would refuse.
    info = model.model_fields[name]
    hint = typing.get_type_hints(model, vars(models), include_extras=True)[name]
    adapter: TypeAdapter[Any] = TypeAdapter(hint)
    for example in info.examples or []:
        text = f"key: {yaml_value(example)}\n"
        document = parse("example.yaml", text.encode())
        assert not document.findings, (text, document.findings)
        assert document.data is not None
        value = document.data["key"]
        assert _json_ready(value) == example, text
        adapter.validate_python(value)


def _properties(schema: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    found = [("", schema)] + [(name, body) for name, body in schema.get("$defs", {}).items()]
    return [
        (f"{owner or schema['title']}.{key}", prop)
        for owner, body in found
        for key, prop in body.get("properties", {}).items()
    ]


@pytest.mark.parametrize("name", list(schemas()))
def test_schema_examples_pass_their_own_schema(name: str) -> None:
    schema = schemas()[name]
    for where, prop in _properties(schema):
        for example in prop.get("examples", []):
            alone = {"$defs": schema.get("$defs", {}), **{k: v for k, v in prop.items() if k != "examples"}}
            cls = jsonschema.validators.validator_for(schema)
            errors = list(cls(alone, format_checker=cls.FORMAT_CHECKER).iter_errors(example))
            assert not errors, (where, example, [e.message for e in errors])


def test_page_lists_every_file_kind_with_its_schema_and_every_code() -> None:
    page = render()
    for name in models.SCHEMA_NAMES:
        assert f"(../schemas/{name}.schema.json)" in page
    for code, (severity, _) in findings.CODES.items():
        assert f"| {code} | {severity} |" in page


def test_a_new_finding_code_appears_by_regeneration(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(findings.CODES, "SIS999", ("info", "a rule | with a bar"))
    assert "| SIS999 | info | a rule \\| with a bar |" in render()


def test_links_on_the_page_lead_to_its_headings() -> None:
    page = render()
    headings = {
        anchor(line.lstrip("#").replace("`", "")) for line in page.splitlines() if line.startswith("#")
    }
    targets = {part.split(")", 1)[0] for part in page.split("](#")[1:]}
    assert targets and targets <= headings, targets - headings


@pytest.mark.parametrize(
    ("hint", "words"),
    [
        (models.Id, "id"),
        (list[models.Id], "list of ids"),
        (models.LineId, "budget line id"),
        (models.Euros | None, "euros"),
        (typing.Literal["draft", "adopted"], "`draft` or `adopted`"),
        (models.Text, "text: string or [Localized text](#localized-text)"),
        (list[models.Goal], "list of [Goal](#goal)"),
        (typing.Annotated[int, Field(ge=0, le=100)], "whole number from 0 to 100"),
    ],
)
def test_types_in_plain_words(hint: Any, words: str) -> None:
    assert type_words(hint) == words


@pytest.mark.parametrize(
    ("value", "yaml"),
    [
        ("26.10.01", '"26.10.01"'),
        ("2025-12-31", "2025-12-31"),
        ("@team/x", '"@team/x"'),
        ("a, b", '"a, b"'),
        ("true", '"true"'),
        ({"fi": "Poliisi", "en": "Police"}, "{fi: Poliisi, en: Police}"),
        ([1, 2.5, False], "[1, 2.5, false]"),
    ],
)
def test_examples_are_written_as_in_yaml(value: object, yaml: str) -> None:
    assert yaml_value(value) == yaml


def test_schema_run_writes_the_reference(tmp_path: Path) -> None:
    target = tmp_path / "docs" / "reference.md"
    outcome = run(None, None, str(target))
    assert outcome.code == 0 and outcome.stdout == f"wrote {target}\n"
    assert target.read_text(encoding="utf-8") == render()
    both = run(str(tmp_path / "schemas"), None, str(target))
    assert both.stdout.count("wrote ") == len(models.SCHEMA_NAMES) + 1
    with pytest.raises(UsageError, match="is a folder"):
        run(None, None, str(tmp_path))


def test_module_writes_the_page(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "reference.md"
    assert main([str(target)]) == 0
    assert capsys.readouterr().out == f"wrote {target}\n"
    assert target.read_text(encoding="utf-8") == render()
    assert main(["--help"]) == 2
    assert "usage:" in capsys.readouterr().err


def test_module_runs_from_the_command_line(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "sisturva.reference", str(tmp_path / "page.md")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "page.md").read_text(encoding="utf-8") == render()
