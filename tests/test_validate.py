from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from sisturva.cli import main

from .conftest import MINIMAL, snapshot, write_tree


def _findings(
    repo: Path, capsys: pytest.CaptureFixture[str], *extra: str
) -> tuple[int, list[dict[str, object]]]:
    code = main(["validate", "-C", str(repo), "--format", "json", "--no-cache", *extra])
    report = json.loads(capsys.readouterr().out)
    assert set(report["counts"]) == {"error", "warning", "info"}
    return code, report["findings"]


def _brief(findings: list[dict[str, object]]) -> list[tuple[object, ...]]:
    return [
        (f["code"], str(f["path"]).split("/repo/", 1)[-1], f["line"], f["column"], f["id"]) for f in findings
    ]


def test_minimal_repository_is_clean(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _findings(repo, capsys) == (0, [])


def test_json_finding_has_the_contract_fields(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (repo / "organisations" / "sm.yaml").write_text(
        "id: sm\nname: SM\nkind: ministry\nparent: valtioneuvosto\n"
    )
    code, findings = _findings(repo, capsys)
    assert code == 1
    assert list(findings[0]) == ["code", "severity", "message", "path", "line", "column", "id"]
    assert _brief(findings) == [("SIS201", "organisations/sm.yaml", 4, 9, "sm")]
    assert findings[0]["message"] == "unknown organisation 'valtioneuvosto'"


STRATEGY_CASES: list[tuple[str, dict[str, str], list[tuple[object, ...]]]] = [
    (
        "unknown-goal",
        {
            "commitments/poliisihallitus.yaml": MINIMAL["commitments/poliisihallitus.yaml"].replace(
                "[p1-g1]", "[p1-g9]"
            )
        },
        [("SIS201", "commitments/poliisihallitus.yaml", 5, 13, "poha-viestinta")],
    ),
    (
        "goal-in-missing-priority",
        {
            "commitments/poliisihallitus.yaml": MINIMAL["commitments/poliisihallitus.yaml"].replace(
                "[p1-g1]", "[p9-g1]"
            )
        },
        [("SIS204", "commitments/poliisihallitus.yaml", 5, 13, "poha-viestinta")],
    ),
    (
        "duplicate-id-across-files",
        {"organisations/sisaministerio.yaml": "id: sm\nname: SM\nkind: ministry\n"},
        [
            ("SIS202", "organisations/sm.yaml", 1, 5, "sm"),
            ("SIS203", "organisations/sisaministerio.yaml", 1, 5, "sm"),
        ],
    ),
    (
        "file-name-disagrees",
        {
            "organisations/poliisihallitus.yaml": MINIMAL["organisations/poliisihallitus.yaml"].replace(
                "id: poliisihallitus", "id: poliisi"
            )
        },
        [
            ("SIS201", "budgets/poliisihallitus.yaml", 1, 15, None),
            ("SIS201", "commitments/poliisihallitus.yaml", 1, 15, None),
            ("SIS201", "priorities/p1.yaml", 5, 30, "p1"),
            ("SIS201", "strategy.yaml", 3, 68, None),
            ("SIS203", "organisations/poliisihallitus.yaml", 1, 5, "poliisi"),
        ],
    ),
    (
        "goal-id-without-priority-prefix",
        {"priorities/p1.yaml": MINIMAL["priorities/p1.yaml"].replace("id: p1-g1", "id: luottamus-g1")},
        [
            ("SIS201", "commitments/poliisihallitus.yaml", 5, 13, "poha-viestinta"),
            ("SIS205", "priorities/p1.yaml", 7, 9, "luottamus-g1"),
        ],
    ),
    (
        "indicator-nobody-measures",
        {
            "indicators/kaatumiset.yaml": "id: kaatumiset\nname: Kaatumiskuolemat\nunit: kuolemaa\ndirection: lower-is-better\n"
        },
        [("SIS206", "indicators/kaatumiset.yaml", 1, 5, "kaatumiset")],
    ),
    (
        "member-not-defined",
        {
            "priorities/p1.yaml": MINIMAL["priorities/p1.yaml"].replace(
                "members: [poliisihallitus]", "members: [poliisihallitus, spek]"
            )
        },
        [("SIS201", "priorities/p1.yaml", 5, 47, "p1")],
    ),
    (
        "not-coerced",
        {
            # `0x1F` stays the text it is (an owner's handle is text), so only the date is refused here.
            "organisations/sm.yaml": "id: sm\nname: no\nshort_name: 2021-05-20\nkind: ministry\nowners: [0x1F]\n",
            "priorities/p1.yaml": MINIMAL["priorities/p1.yaml"].replace(
                "title: Turvallisuuden tunne", "title: 1.10"
            ),
        },
        [
            ("SIS103", "organisations/sm.yaml", 3, 13, "sm"),
            ("SIS103", "priorities/p1.yaml", 2, 8, "p1"),
        ],
    ),
    (
        "unknown-key-and-bad-link",
        {
            "organisations/sm.yaml": "id: sm\nname: SM\nkind: ministry\nwebsite: 'javascript:alert(1)'\nwebsight: x\n"
        },
        [("SIS105", "organisations/sm.yaml", 4, 10, "sm"), ("SIS101", "organisations/sm.yaml", 5, 1, "sm")],
    ),
    (
        "unknown-file-and-folder",
        {"organisations/old.yml": "id: old\n", "organisations/archive/x.yaml": "id: x\n"},
        [
            ("SIS015", "organisations/archive/x.yaml", 1, 1, None),
            ("SIS015", "organisations/old.yml", 1, 1, None),
        ],
    ),
]


@pytest.mark.parametrize(("name", "files", "expected"), STRATEGY_CASES, ids=[c[0] for c in STRATEGY_CASES])
def test_strategy_rule(
    name: str,
    files: dict[str, str],
    expected: list[tuple[object, ...]],
    repo: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    for rel, text in files.items():
        (repo / rel).parent.mkdir(parents=True, exist_ok=True)
        (repo / rel).write_text(text)
    before = snapshot(repo)
    code, findings = _findings(repo, capsys)
    assert sorted(_brief(findings), key=str) == sorted(expected, key=str)
    assert code == (1 if any(f["severity"] == "error" for f in findings) else 0)
    assert snapshot(repo) == before


def test_did_you_mean_and_allowed_keys(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (repo / "organisations" / "sm.yaml").write_text("id: sm\nnmae: SM\nkind: ministry\n")
    _code, findings = _findings(repo, capsys)
    messages = [f["message"] for f in findings]
    assert "unknown key 'nmae' (did you mean 'name'?)" in messages
    assert "missing required key 'name'; add it" in messages


def test_missing_translation_is_a_warning_and_an_error_when_strict(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (repo / "sisturva.yaml").write_text(
        "schema: 1\nlanguages: [fi, sv, en]\nrequired_languages: [fi, sv]\nplanning_years: {start: 2021, end: 2025}\n"
    )
    (repo / "organisations" / "sm.yaml").write_text(
        "id: sm\nname: {fi: Sisäministeriö, en: Ministry of the Interior}\nkind: ministry\n"
    )
    code, findings = _findings(repo, capsys)
    assert code == 0
    # Every other text of the repository is a plain string: in Finnish only, so each lacks sv too.
    assert {(f["code"], f["severity"]) for f in findings} == {("SIS207", "warning")}
    in_sm = [f for f in findings if str(f["path"]).endswith("organisations/sm.yaml")]
    assert [(f["line"], f["column"], f["message"]) for f in in_sm] == [
        (2, 7, "text lacks sv; add the translation")
    ]
    code, strict = _findings(repo, capsys, "--strict")
    assert code == 1
    assert {(f["code"], f["severity"]) for f in strict} == {("SIS207", "error")}
    assert len(strict) == len(findings)


def test_text_output_groups_by_file_and_ends_with_a_summary(
    repo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(repo)
    (repo / "organisations" / "sm.yaml").write_text("id: sm\nname: SM\nkind: ministry\nparent: vn\n")
    (repo / "priorities" / "p1.yaml").write_text(
        MINIMAL["priorities/p1.yaml"].replace("status: active", "status: on")
    )
    assert main(["validate", "--no-cache"]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "organisations/sm.yaml:4:9: error SIS201: unknown organisation 'vn'"
    assert out[1] == ""
    assert out[2].startswith(
        "priorities/p1.yaml:3:9: error SIS103: status: 'on' is not one of: preparing, active"
    )
    assert out[-1] == "✗ 2 errors, 0 warnings, 0 infos"


def test_github_annotations_are_chosen_in_actions(
    repo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(repo)
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    (repo / "organisations" / "sm.yaml").write_text("id: sm\nname: SM\nkind: ministry\n'50%': x\n")
    assert main(["validate", "--no-cache"]) == 1
    first = capsys.readouterr().out.splitlines()[0]
    assert first.startswith(
        "::error file=organisations/sm.yaml,line=4,col=1,title=SIS101::unknown key '50%25' (allowed: "
    )


def test_not_a_repository_is_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "-C", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "not a strategy repository (no sisturva.yaml here or above)" in err
    assert "Traceback" not in err


def test_bad_option_is_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "--format", "yaml"]) == 2
    assert "Invalid value" in capsys.readouterr().err


def test_missing_strategy_file(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (repo / "strategy.yaml").unlink()
    code, findings = _findings(repo, capsys)
    assert code == 1
    assert ("SIS208", "strategy.yaml", 1, 1, None) in _brief(findings)


STRAY_FILES: dict[str, bytes] = {
    "organisations/notes.txt": b"muistiinpanoja\n",
    "organisations/README.md": b"# Organisaatiot\n",
    "organisations/..evil.yaml": b"id: evil\nname: [\n",
    "organisations/.hidden.yaml": b"id: hidden\n",
    "organisations/sub/x.yaml": b"id: x\n",
    "commitments/extra/a.yaml": b"organisation: sm\n",
    "commitments/extra/deeper/b.yaml": b"organisation: sm\n",
    "budgets/sm.YAML": b"organisation: sm\n",
    "indicators/old.yml": b"id: old\n",
}
"""Files in record folders that are not records: each must be reported, none read."""
QUIET_FILES: dict[str, bytes] = {
    "organisations/.gitkeep": b"",
    "phenomena/.gitkeep": b"",
    "commitments/.gitignore": b"*.tmp\n",
    "commitments/extra/.gitkeep": b"",
}
"""Git's own files: allowed without a word."""


def test_every_file_in_a_record_folder_is_read_or_reported(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tree(repo, {**STRAY_FILES, **QUIET_FILES})
    before = snapshot(repo)
    for fmt in ("text", "github"):
        main(["validate", "-C", str(repo), "--format", fmt, "--no-cache"])
        out = capsys.readouterr().out
        for rel in STRAY_FILES:
            # path:line:column in every format (GitHub: file=…,line=1,col=1).
            assert f"{rel}:1:1" in out or f"{rel},line=1,col=1" in out, (fmt, rel, out)
        for rel in QUIET_FILES:
            assert rel not in out
    code, findings = _findings(repo, capsys)
    assert code == 0  # warnings only: nothing stray was read as a record
    assert sorted(_brief(findings)) == sorted(("SIS015", rel, 1, 1, None) for rel in STRAY_FILES)
    messages = {str(f["path"]).split("/repo/", 1)[-1]: str(f["message"]) for f in findings}
    assert "rename it to ID.yaml" in messages["organisations/notes.txt"]
    assert "remove it" in messages["organisations/notes.txt"]
    assert "starting with '.'" in messages["organisations/..evil.yaml"]
    assert "move the file up into commitments/" in messages["commitments/extra/deeper/b.yaml"]
    assert snapshot(repo) == before


def test_a_file_that_cannot_be_read_has_a_position(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    os.mkfifo(repo / "organisations" / "pipe.yaml")
    code, findings = _findings(repo, capsys)
    assert code == 1
    assert _brief(findings) == [("SIS016", "organisations/pipe.yaml", 1, 1, None)]


def test_a_file_added_deep_in_a_subfolder_is_seen_by_a_warm_cache(
    repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from sisturva import cache

    monkeypatch.setattr(cache, "RACY_NS", 0)  # trust file stamps at once
    write_tree(repo, {"organisations/a/b/.gitkeep": ""})
    args = ["validate", "-C", str(repo), "--format", "json"]
    assert main(args) == 0
    assert main(args) == 0
    capsys.readouterr()
    write_tree(repo, {"organisations/a/b/c.yaml": "id: c\n"})
    assert main(args) == 0
    found = json.loads(capsys.readouterr().out)["findings"]
    assert [(f["code"], f["path"].split("/repo/", 1)[-1]) for f in found] == [
        ("SIS015", "organisations/a/b/c.yaml")
    ]


def test_cache_gives_the_same_answer_and_sees_changes(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["validate", "-C", str(repo), "--format", "json"]
    assert main(args) == 0
    first = capsys.readouterr().out
    assert main(args) == 0
    assert capsys.readouterr().out == first
    (repo / "organisations" / "sm.yaml").write_text("id: sm\nname: SM\nkind: ministryy\n")
    assert main(args) == 1
    assert "SIS103" in capsys.readouterr().out


def test_python_m_runs_without_traceback(repo: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "sisturva", "validate", "-C", str(repo / "organisations")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.endswith("✓ 0 errors, 0 warnings, 0 infos\n")


def test_colour_for_terminals_keeps_brackets_in_messages() -> None:
    from sisturva.findings import make
    from sisturva.reports.findings import text

    finding = make("SIS103", "commitments[3].euros: expected a number, got '[red]x'", "c.yaml", 4, 9)
    coloured = text([finding], {}, color=True)
    assert "\x1b[1;31merror\x1b[0m" in coloured
    assert "commitments[3].euros: expected a number, got '[red]x'" in coloured
    assert "\x1b" not in text([finding], {}, color=False)


def test_one_bad_commitment_does_not_hide_the_others(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (repo / "commitments" / "poliisihallitus.yaml").write_text(
        MINIMAL["commitments/poliisihallitus.yaml"]
        + "  - id: poha-rikki\n    action: Rikki\n    goals: [p1-g1]\n    period: {start: 2022}\n    progress: lots\n"
        + "  - id: poha-kolmas\n    action: Kolmas\n    goals: [p1-g7]\n    period: {start: 2022}\n"
    )
    code, findings = _findings(repo, capsys)
    assert code == 1
    assert _brief(findings) == [
        ("SIS103", "commitments/poliisihallitus.yaml", 14, 15, "poha-rikki"),
        # Still checked by the alignment rules: not yet resourced.
        ("SIS306", "commitments/poliisihallitus.yaml", 15, 9, "poha-kolmas"),
        ("SIS201", "commitments/poliisihallitus.yaml", 17, 13, "poha-kolmas"),
    ]


def test_repeated_entries_within_a_plan_and_a_group(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    budget = MINIMAL["budgets/poliisihallitus.yaml"]
    budget = budget.replace(
        "      - {year: 2022, euros: 800000000, allocated: 200000}\n",
        "      - {year: 2022, euros: 800000000, allocated: 200000}\n      - {year: 2022, euros: 1}\n"
        "  - id: 26.10.01\n    name: Toinen\n",
    )
    budget = budget.replace(
        "performance_targets:\n", "performance_targets:\n  - {id: turvallisuuden-tunne, title: Sama}\n"
    )
    (repo / "budgets" / "poliisihallitus.yaml").write_text(budget)
    (repo / "priorities" / "p1.yaml").write_text(
        MINIMAL["priorities/p1.yaml"].replace(
            "group: {chair: sm, members: [poliisihallitus]}",
            "group: {subgroups: [{id: a, name: A}, {id: a, name: B}]}",
        )
    )
    code, findings = _findings(repo, capsys)
    assert code == 1
    assert sorted((f["code"], f["message"]) for f in findings) == [
        ("SIS202", "budget line '26.10.01' appears twice in this plan"),
        ("SIS202", "performance target 'turvallisuuden-tunne' appears twice in this plan"),
        ("SIS202", "subgroup 'a' appears twice in this priority"),
        ("SIS202", "year 2022 appears twice in line '26.10.01'"),
    ]
