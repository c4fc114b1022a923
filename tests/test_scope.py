"""Findings of a change from the files it can affect: always the same answer as reading both sides whole."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from sisturva.commands.diff import Sides, comparison, sides
from sisturva.findings import Finding

from .conftest import PROJECT
from .gitrepo import commit, init

HVA = "commitments/esimerkkilan-hyvinvointialue.yaml"
NEW_COMMITMENT = """
  - id: spek-uusi-kampanja
    action: Uusi kampanja
    goals: [p5-g1]
    period: {start: 2024, end: 2024}
    resources:
      - {year: 2024, budget_line: SPEK-1, euros: 10000}
"""


RESOURCES = """    resources:
      - {year: 2023, budget_line: PEL-100, euros: 70000, person_years: 1}
      - {year: 2024, budget_line: PEL-100, euros: 80000, person_years: 1}
      - {year: 2025, budget_line: PEL-100, euros: 80000, person_years: 1}
"""


def _first_id(text: str) -> str:
    found = re.search(r"- id: (\S+)", text)
    assert found is not None
    return found.group(1)


Edit = Callable[[Path], None]


def _replace(rel: str, old: str, new: str, count: int = 1) -> Edit:
    def edit(root: Path) -> None:
        path = root / rel
        text = path.read_text(encoding="utf-8")
        assert old in text, f"{old!r} not in {rel}"
        path.write_text(text.replace(old, new, count), encoding="utf-8")

    return edit


def _append(rel: str, extra: str) -> Edit:
    def edit(root: Path) -> None:
        with (root / rel).open("a", encoding="utf-8") as handle:
            handle.write(extra)

    return edit


def _duplicate_of_sm(root: Path) -> None:
    other = _first_id((root / "commitments/sm.yaml").read_text(encoding="utf-8"))
    _replace(HVA, "id: hva-turvallisuussuunnitelma", f"id: {other}")(root)


def _new_file(root: Path) -> None:
    (root / "organisations/uusi-yhdistys.yaml").write_text(
        "id: uusi-yhdistys\nname: Uusi yhdistys\nkind: ngo\n", encoding="utf-8"
    )


# (name, edit, whether the change stays within the files it touches: None = either is right)
EDITS: list[tuple[str, Edit, bool | None]] = [
    ("money over the allocation", _replace(HVA, "euros: 70000", "euros: 990000000"), True),
    ("progress", _replace(HVA, "progress: 40", "progress: 45"), True),
    ("unknown goal", _replace(HVA, "goals: [p5-g1, p5-g3]", "goals: [p5-g1, p5-g33]"), None),
    ("duplicate of another organisation's id", _duplicate_of_sm, None),
    ("renamed commitment", _replace(HVA, "id: hva-turvallisuussuunnitelma", "id: hva-uusi-nimi"), True),
    ("new commitment", _append("commitments/spek.yaml", NEW_COMMITMENT), None),
    ("organisation name", _replace("organisations/sm.yaml", "short_name: SM", "short_name: SM2"), True),
    ("unknown parent", _replace("organisations/poliisihallitus.yaml", "parent: sm", "parent: smm"), True),
    (
        "allocation cut",
        _replace("budgets/poliisihallitus.yaml", "allocated: 450000", "allocated: 1000"),
        True,
    ),
    (
        "unknown language key",
        _replace(HVA, "      sv: Räddningsverkets", "      xx: Räddningsverkets"),
        False,
    ),
    ("broken YAML", _append(HVA, "  - [\n"), False),
    ("invalid status", _replace(HVA, "status: in-progress", "status: maybe"), False),
    ("cancelled", _replace(HVA, "status: in-progress", "status: cancelled"), None),
    ("resources removed", _replace(HVA, RESOURCES, ""), None),
    ("priority changed", _replace("priorities/p5.yaml", "status: active", "status: completed"), False),
    ("file added", _new_file, False),
    (
        "organisation id changed",
        _replace("commitments/spek.yaml", "organisation: spek", "organisation: spek2"),
        False,
    ),
]


def _key(f: Finding) -> tuple[str, str, str, int | None, str | None]:
    return (f.code, f.message, f.path, f.line, f.id)


def _answer(found: Sides) -> tuple[list[tuple[str, str, str, int | None, str | None]], ...]:
    result = comparison(found)
    touched = set(result.changed_paths)
    return (
        [_key(f) for f in result.introduced],
        [_key(f) for f in result.resolved],
        sorted(_key(f) for f in found.findings("head") if f.path in touched),
    )


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    source = tmp_path_factory.mktemp("example") / "repo"
    shutil.copytree(PROJECT / "strategy", source)
    init(source)
    commit(source, "example")
    return source


@pytest.mark.parametrize(("name", "edit", "local"), EDITS, ids=[e[0] for e in EDITS])
def test_scoped_findings_equal_the_whole_repository_s(
    name: str, edit: Edit, local: bool | None, example: Path, tmp_path: Path
) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(example, repo)
    edit(repo)
    commit(repo, name)
    scoped = sides(str(repo), "HEAD~1", "HEAD", every_id=True)
    whole = sides(str(repo), "HEAD~1", "HEAD", every_id=True)
    whole.scoped_allowed = False
    assert _answer(scoped) == _answer(whole)
    if local is not None:
        assert (scoped.scoped is not None) == local


def test_a_local_change_reads_only_the_files_it_can_affect(example: Path, tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(example, repo)
    _replace(HVA, "euros: 70000", "euros: 990000000")(repo)
    commit(repo, "over")
    found = sides(str(repo), "HEAD~1", "HEAD")
    assert found.scoped is not None
    base, head = found.scoped
    assert set(base.documents) == set(head.documents)
    read = set(head.documents)
    assert {HVA, "budgets/esimerkkilan-hyvinvointialue.yaml", "priorities/p5.yaml"} <= read
    assert "commitments/sm.yaml" not in read and "indicators" not in {rel.split("/")[0] for rel in read}
    assert [f.code for f in comparison(found).introduced] == ["SIS304"]


@pytest.mark.parametrize("index", [0, 3, 6], ids=lambda i: EDITS[i][0])
def test_the_working_tree_against_head_too(index: int, example: Path, tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(example, repo)
    EDITS[index][1](repo)  # not committed: HEAD against the working tree, the default
    scoped = sides(str(repo), None, None, every_id=True)
    whole = sides(str(repo), None, None, every_id=True)
    whole.scoped_allowed = False
    assert scoped.scoped is not None
    assert _answer(scoped) == _answer(whole)
