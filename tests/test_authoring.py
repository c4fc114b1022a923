from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from sisturva.authoring import roundtrip as rt
from sisturva.authoring.write import WriteError, write_changes

from .conftest import MINIMAL, PROJECT, snapshot

COMMITMENTS = MINIMAL["commitments/poliisihallitus.yaml"]


def test_valid_change_is_written_and_reported(repo: Path) -> None:
    new = COMMITMENTS.replace("euros: 100000", "euros: 150000")
    result = write_changes(repo, {"commitments/poliisihallitus.yaml": new})
    assert result.written == ("commitments/poliisihallitus.yaml",) and not result.refused
    assert (repo / "commitments/poliisihallitus.yaml").read_text(encoding="utf-8") == new
    assert "-      - {year: 2022, budget_line: 26.10.01, euros: 100000" in result.diff
    assert "+      - {year: 2022, budget_line: 26.10.01, euros: 150000" in result.diff


def test_change_introducing_an_error_is_refused_with_its_position(repo: Path) -> None:
    before = snapshot(repo)
    result = write_changes(
        repo, {"commitments/poliisihallitus.yaml": COMMITMENTS.replace("[p1-g1]", "[p1-g2]")}
    )
    assert result.refused and result.code == 1 and result.written == ()
    (finding,) = result.findings
    assert (finding.code, finding.line, finding.column) == ("SIS201", 5, 13)
    assert "did you mean 'p1-g1'" in finding.message
    assert snapshot(repo) == before


def test_an_error_the_file_already_had_does_not_block_other_changes(repo: Path) -> None:
    broken = COMMITMENTS.replace("[p1-g1]", "[p1-g2]")
    (repo / "commitments/poliisihallitus.yaml").write_text(broken, encoding="utf-8")
    result = write_changes(repo, {"commitments/poliisihallitus.yaml": "# kommentti\n" + broken})
    assert not result.refused and result.written == ("commitments/poliisihallitus.yaml",)


def test_dry_run_writes_nothing_and_same_content_keeps_the_mtime(repo: Path) -> None:
    path = repo / "organisations/sm.yaml"
    os.utime(path, ns=(10**9, 10**9))
    result = write_changes(repo, {"organisations/sm.yaml": MINIMAL["organisations/sm.yaml"]})
    assert result.unchanged == ("organisations/sm.yaml",) and result.written == ()
    assert path.stat().st_mtime_ns == 10**9
    result = write_changes(
        repo, {"organisations/sm.yaml": "id: sm\nname: SM\nkind: ministry\n"}, dry_run=True
    )
    assert result.dry_run and result.changed == ("organisations/sm.yaml",) and result.written == ()
    assert path.read_text(encoding="utf-8") == MINIMAL["organisations/sm.yaml"]


def test_new_file_and_mode_kept(repo: Path) -> None:
    os.chmod(repo / "organisations/sm.yaml", 0o640)
    result = write_changes(
        repo,
        {
            "organisations/tulli.yaml": "id: tulli\nname: Tulli\nkind: agency\n",
            "organisations/sm.yaml": "id: sm\nname: SM\nkind: ministry\n",
        },
    )
    assert set(result.written) == {"organisations/tulli.yaml", "organisations/sm.yaml"}
    assert (repo / "organisations/sm.yaml").stat().st_mode & 0o777 == 0o640
    assert "--- /dev/null" in result.diff


@pytest.mark.parametrize("rel", ["../outside.yaml", "/etc/passwd", "organisations/../../x.yaml", ""])
def test_paths_outside_the_strategy_are_refused(repo: Path, rel: str) -> None:
    with pytest.raises(WriteError, match="not a path inside the strategy folder"):
        write_changes(repo, {rel: "x: 1\n"})


def test_roundtrip_keeps_comments_blank_lines_modeline_and_quoting() -> None:
    text = (
        "# yaml-language-server: $schema=../../schemas/indicator.schema.json\n"
        "# head\n"
        "id: luottamus  # eol\n"
        "unit: '%'\n"
        "observations:\n"
        "  # before\n"
        "  - {year: 2018, value: 95}\n"
        "\n"
        "  - {year: 2020, value: 91.50}\n"
        "  # after the last\n"
        "name:\n"
        "  fi: Luottamus  # fi\n"
        "  # inside\n"
        "  sv: Förtroende\n"
    )
    assert rt.dump(rt.load(text)) == text


def test_roundtrip_helpers_find_and_insert_in_model_order() -> None:
    data = rt.load("id: p1\nstatus: active\ngoals:\n  - id: p1-g1\n  - id: p1-g10\n  - id: p1-g2\n")
    assert rt.find_item(data["goals"], ("id",), "p1-g2") == 2
    assert rt.natural_order(data["goals"], ("id",)) == [0, 2, 1]
    rt.insert_key(data, "title", "Otsikko", ["id", "number", "title", "status", "goals"])
    assert list(data) == ["id", "title", "status", "goals"]


def _files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*.yaml"))}


def test_kill_during_fmt_leaves_every_file_old_or_new(tmp_path: Path) -> None:
    original = tmp_path / "original"
    shutil.copytree(PROJECT / "strategy", original)
    formatted = tmp_path / "formatted"
    shutil.copytree(original, formatted)
    done = subprocess.run(
        [sys.executable, "-m", "sisturva", "fmt", "-C", str(formatted)], capture_output=True
    )
    assert done.returncode == 0, done.stderr
    old, new = _files(original), _files(formatted)
    changed = [rel for rel in old if old[rel] != new[rel]]
    assert len(changed) > 20
    steps = 2 * len(changed)  # each file: making the temporary file, then the rename
    for at in sorted({1, 2, 3, 4, 5, steps // 3, steps // 2, steps - 3, steps - 1}):
        for how in ("kill-before", "kill-after"):
            work = tmp_path / f"{how}-{at}"
            shutil.copytree(original, work)
            env = {**os.environ, "SISTURVA_FAULT": f"{how}:{at}"}
            run = subprocess.run(
                [sys.executable, "-m", "sisturva", "fmt", "-C", str(work)], env=env, capture_output=True
            )
            assert run.returncode == -9, (how, at, run.stderr)
            now = _files(work)
            assert set(now) == set(old)
            for rel, raw in now.items():
                assert raw in (old[rel], new[rel]), (how, at, rel)
            # The next run finishes the job and removes what the killed one left behind.
            again = subprocess.run(
                [sys.executable, "-m", "sisturva", "fmt", "-C", str(work)], capture_output=True
            )
            assert again.returncode == 0, again.stderr
            assert _files(work) == new
            assert not [p for p in work.rglob(".*.tmp")]


def test_exact_amounts_are_written_as_the_reader_reads_them() -> None:
    from decimal import Decimal

    from sisturva.documents import parse

    tree = rt.load("euros: 1\nshare: 1\n")
    tree["euros"] = Decimal("200000")
    tree["share"] = Decimal("1.10")
    text = rt.dump(tree)
    assert text == "euros: 200000\nshare: 1.10\n"
    assert parse("x.yaml", text.encode()).findings == ()
