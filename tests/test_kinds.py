"""Kinds are taken in the singular or the plural wherever a command takes one."""

from __future__ import annotations

import json

import pytest

from sisturva.cli import main
from sisturva.diff import KINDS
from sisturva.kinds import SCHEMAS, SINGULAR, kind_named, schema_named
from sisturva.models import SCHEMA_NAMES


def test_the_kinds_are_the_diffs_kinds_and_the_schemas_the_models() -> None:
    assert tuple(SINGULAR) == KINDS
    assert list(SCHEMAS.values()) == list(SCHEMA_NAMES)


@pytest.mark.parametrize("kind", KINDS)
def test_both_numbers_name_the_same_kind(kind: str) -> None:
    assert kind_named(kind) == kind_named(SINGULAR[kind]) == kind
    assert kind_named(SINGULAR[kind].upper()) == kind


def test_what_is_no_kind() -> None:
    assert [kind_named(text) for text in ("", "budgetz", "organization", "commitments-file")] == [None] * 4


@pytest.mark.parametrize(
    ("given", "schema"),
    [
        ("budgets", "budget"),
        ("budget", "budget"),
        ("commitment", "commitments"),
        ("organisations", "organisation"),
        ("priority", "priority"),
        ("settings", "settings"),
    ],
)
def test_schema_takes_a_kind_in_either_number(
    given: str, schema: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert schema_named(given) == schema
    assert main(["schema", given]) == 0
    assert json.loads(capsys.readouterr().out)["$id"] == f"{schema}.schema.json"


def test_goals_have_no_schema_of_their_own(capsys: pytest.CaptureFixture[str]) -> None:
    assert schema_named("goal") is None
    assert main(["schema", "goal"]) == 2
    assert "unknown schema 'goal'" in capsys.readouterr().err
