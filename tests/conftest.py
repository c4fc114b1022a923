"""Shared fixtures: an isolated cache per test and small strategy repositories in temp folders."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parent.parent

MINIMAL: dict[str, str] = {
    "sisturva.yaml": "schema: 1\nlanguages: [fi, sv, en]\nplanning_years: {start: 2021, end: 2025}\n",
    "strategy.yaml": (
        "name: Testistrategia\n"
        "mission: {fi: Arjen turvallisuus, en: Everyday security}\n"
        "cooperation_group: {name: Yhteistyöryhmä, chair: sm, members: [sm, poliisihallitus]}\n"
        "expert_network: {name: Asiantuntijaverkosto, members: [sm]}\n"
        "secretariat: {organisation: sm}\n"
    ),
    "organisations/sm.yaml": "id: sm\nname: Sisäministeriö\nkind: ministry\n",
    "organisations/poliisihallitus.yaml": (
        "id: poliisihallitus\nname: Poliisihallitus\nkind: agency\nparent: sm\n"
    ),
    "indicators/luottamus.yaml": (
        "id: luottamus\n"
        "name: Luottamus poliisiin\n"
        "unit: '%'\n"
        "direction: higher-is-better\n"
        "observations:\n"
        "  - {year: 2018, value: 95}\n"
        "  - {year: 2020, value: 91}\n"
    ),
    "priorities/p1.yaml": (
        "id: p1\n"
        "title: Turvallisuuden tunne\n"
        "status: active\n"
        "period: {start: 2021}\n"
        "group: {chair: sm, members: [poliisihallitus]}\n"
        "goals:\n"
        "  - id: p1-g1\n"
        "    title: Luottamus säilyy\n"
        "    indicator: luottamus\n"
        "    baseline: {year: 2020, value: 91}\n"
        "    target: {year: 2025, value: 92}\n"
    ),
    "budgets/poliisihallitus.yaml": (
        "organisation: poliisihallitus\n"
        "kind: state-tts\n"
        "status: adopted\n"
        "years: {start: 2021, end: 2024}\n"
        "lines:\n"
        "  - id: 26.10.01\n"
        "    name: Poliisitoimen toimintamenot\n"
        "    amounts:\n"
        "      - {year: 2022, euros: 800000000, allocated: 200000}\n"
        "performance_targets:\n"
        "  - {id: turvallisuuden-tunne, title: Poliisi lisää turvallisuuden tunnetta}\n"
        "person_years:\n"
        "  - {year: 2022, available: 2}\n"
    ),
    "commitments/poliisihallitus.yaml": (
        "organisation: poliisihallitus\n"
        "commitments:\n"
        "  - id: poha-viestinta\n"
        "    action: Turvallisuusviestintä\n"
        "    goals: [p1-g1]\n"
        "    period: {start: 2022, end: 2022}\n"
        "    performance_target: turvallisuuden-tunne\n"
        "    resources:\n"
        "      - {year: 2022, budget_line: 26.10.01, euros: 100000, person_years: 1}\n"
    ),
}


def write_tree(root: Path, files: dict[str, str | bytes]) -> Path:
    """Write `files` (repository path → content) under `root`."""
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file under `root` with its bytes, to prove a command changed nothing."""
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and not p.is_symlink()
    }


@pytest.fixture(autouse=True)
def _isolated_cache(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Iterator[None]:
    # Every test gets its own cache folder: results never leak between tests or into ~/.cache.
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("cache")))
    # The cache key too (it lives outside the cache folder), so no test touches ~/.local/state.
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path_factory.mktemp("state")))
    monkeypatch.delenv("SISTURVA_CACHE_KEY", raising=False)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    yield


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A small valid strategy repository; tests change its files to break it."""
    return write_tree(tmp_path / "repo", dict(MINIMAL))


@pytest.fixture
def in_dir(monkeypatch: pytest.MonkeyPatch) -> Iterator[object]:
    """Change the working directory for a test (paths in findings are relative to it)."""

    def chdir(path: Path) -> None:
        monkeypatch.chdir(path)

    yield chdir
    os.chdir(PROJECT)
