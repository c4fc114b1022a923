from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from sisturva.cli import main
from sisturva.documents import parse

from .conftest import PROJECT, snapshot

# The corpus lives beside the project, not in it (../shared/corpus, as the project is laid out).
SUITE = Path(os.environ.get("SISTURVA_YAML_SUITE", PROJECT.parent / "shared" / "corpus" / "yaml-test-suite"))
CASES = sorted(p.parent for p in SUITE.rglob("in.yaml")) if SUITE.is_dir() else []
pytestmark = pytest.mark.skipif(not SUITE.is_dir(), reason=f"yaml-test-suite not found at {SUITE}")


def test_the_corpus_is_whole() -> None:
    # A partial corpus would let the test below pass on too little.
    assert len(CASES) > 300, f"only {len(CASES)} cases found at {SUITE}"


@pytest.mark.parametrize("case", CASES, ids=[str(c.relative_to(SUITE)) for c in CASES])
def test_every_suite_case_is_a_clean_result_or_a_finding(
    case: Path, repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    raw = (case / "in.yaml").read_bytes()
    target = repo / "commitments" / "poliisihallitus.yaml"
    target.write_bytes(raw)
    before = snapshot(repo)
    code = main(["validate", "-C", str(repo), "--format", "json", "--no-cache"])
    captured = capsys.readouterr()
    assert code in (0, 1), captured.err
    assert "Traceback" not in captured.err
    report = json.loads(captured.out)
    assert snapshot(repo) == before
    if parse("x.yaml", raw).data is None:
        assert code == 1
    for finding in report["findings"]:
        assert finding["line"] is None or finding["line"] >= 1
        assert finding["message"]


def test_invalid_suite_cases_are_refused() -> None:
    invalid = [c for c in CASES if (c / "error").exists()]
    accepted = [c.name for c in invalid if parse("x.yaml", (c / "in.yaml").read_bytes()).data is not None]
    # libyaml is lenient with a handful of malformed inputs (e.g. a tab after a flow indicator);
    # what it accepts is still plain data that the strict models check.
    assert len(invalid) > 90
    assert len(accepted) <= len(invalid) // 10, accepted
