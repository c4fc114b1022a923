"""`validate` is the one check: alignment, years, root causes, duplicates by history, translations."""

from __future__ import annotations

import datetime
import json
import subprocess
import sys
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path

import pytest

from sisturva.cli import main

from . import gitrepo
from .conftest import MINIMAL, PROJECT, write_tree

COMMITMENTS = MINIMAL["commitments/poliisihallitus.yaml"]
BUDGET = MINIMAL["budgets/poliisihallitus.yaml"]
PRIORITY = MINIMAL["priorities/p1.yaml"]

# A regional strategy as its new user wrote it: one commitment 50,000 € over the line's allocation,
# another naming a budget line with a typo.
OVER_AND_TYPO = {
    "commitments/poliisihallitus.yaml": COMMITMENTS.replace("euros: 100000", "euros: 250000")
    + "  - id: poha-typo\n"
    "    action: Kirjoitusvirhe\n"
    "    goals: [p1-g1]\n"
    "    period: {start: 2022, end: 2022}\n"
    "    performance_target: turvallisuuden-tunne\n"
    "    resources:\n"
    "      - {year: 2022, budget_line: 26.10.10, euros: 1000, person_years: 0}\n",
}


def _put(root: Path, files: Mapping[str, str]) -> None:
    write_tree(root, {rel: text for rel, text in files.items()})


def _json(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[dict[str, object]]]:
    code = main([*args, "--format", "json", "--no-cache"])
    return code, json.loads(capsys.readouterr().out)["findings"]


def _brief(findings: list[dict[str, object]]) -> list[tuple[object, ...]]:
    return [(f["code"], str(f["path"]).split("/repo/", 1)[-1], f["line"], f["column"]) for f in findings]


# -- one check: the alignment rules in `validate`, `render` and `status` ---------------------------


def test_over_allocation_and_unknown_line_fail_validate_as_align_reports_them(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _put(repo, OVER_AND_TYPO)
    code, found = _json(capsys, "validate", "-C", str(repo), "--strict")
    assert code == 1
    assert sorted(_brief(found)) == [
        ("SIS301", "commitments/poliisihallitus.yaml", 16, 35),
        ("SIS304", "budgets/poliisihallitus.yaml", 9, 51),
    ]
    messages = {f["code"]: f["message"] for f in found}
    assert "(did you mean '26.10.01'?)" in str(messages["SIS301"])
    assert "50,000\u00a0€ over the 200,000\u00a0€ allocated" in str(messages["SIS304"])
    code, aligned = _json(capsys, "align", "-C", str(repo), "--strict")
    assert code == 1
    assert found == aligned  # the same findings, word for word, at the same places


def test_alignment_findings_in_every_format_of_validate(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _put(repo, OVER_AND_TYPO)
    assert main(["validate", "-C", str(repo), "--no-cache"]) == 1
    text = capsys.readouterr().out
    assert "budgets/poliisihallitus.yaml:9:51: error SIS304: commitments use 250,000\u00a0€" in text
    assert "commitments/poliisihallitus.yaml:16:35: error SIS301: budget line '26.10.10'" in text
    assert text.rstrip().endswith("✗ 2 errors, 0 warnings, 0 infos")
    assert main(["validate", "-C", str(repo), "--no-cache", "--format", "github"]) == 1
    github = capsys.readouterr().out
    assert "::error file=" in github and "budgets/poliisihallitus.yaml,line=9,col=51" in github
    assert "title=SIS304" in github


def test_the_example_strategy_validates_with_alignment_as_align_reports_it(
    capsys: pytest.CaptureFixture[str],
) -> None:
    folder = str(PROJECT / "strategy")
    _, found = _json(capsys, "validate", "-C", folder)
    _, aligned = _json(capsys, "align", "-C", folder)
    assert aligned  # the example has notes (drafts, members without commitments)
    assert [f for f in found if str(f["code"]).startswith("SIS3")] == aligned


def test_cached_validate_keeps_the_alignment_findings(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _put(repo, OVER_AND_TYPO)
    args = ["validate", "-C", str(repo), "--format", "json"]
    assert main(args) == 1
    first = capsys.readouterr().out
    assert main(args) == 1
    assert capsys.readouterr().out == first
    assert "SIS304" in first


def test_render_refuses_to_publish_alignment_errors(
    repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _put(repo, OVER_AND_TYPO)
    out = tmp_path / "site"
    assert main(["render", "-C", str(repo), "--out", str(out), "--no-cache", "--format", "data"]) == 1
    captured = capsys.readouterr()
    assert "error SIS304" in captured.err and "error SIS301" in captured.err
    assert "nothing rendered: fix these first" in captured.err
    assert not out.exists()


def test_status_counts_alignment_errors(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _put(repo, OVER_AND_TYPO)
    assert main(["status", "-C", str(repo), "--year", "2024", "--no-cache"]) == 1
    assert "validation found 2 errors" in capsys.readouterr().err


def test_validate_formats_money_without_loading_babel(repo: Path) -> None:
    _put(repo, OVER_AND_TYPO)
    script = (
        "import sys\n"
        "from sisturva.cli import main\n"
        f"code = main(['validate', '-C', {str(repo)!r}, '--no-cache'])\n"
        "print(code, sorted({m.split('.')[0] for m in sys.modules if m.startswith('babel')}))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert "250,000\u00a0€" in done.stdout
    assert done.stdout.rstrip().endswith("1 []")


@pytest.mark.parametrize(
    "amount",
    ["0", "7", "1000", "1234567", "1234567.5", "0.05", "999999999999.99", "12.345", "1E+3"],
)
def test_english_money_of_findings_is_what_babel_writes(amount: str) -> None:
    from sisturva.findings import _english_money, _english_number
    from sisturva.locale import format_money, format_number

    value = Decimal(amount)
    assert _english_money(value, "en") == format_money(value, "en")
    assert _english_number(value, "en") == format_number(value, "en")


# -- every year against the periods that frame it -----------------------------------------------

NEXT_YEAR = datetime.date.today().year + 1
YEAR_CASES: list[tuple[str, dict[str, str], list[tuple[object, ...]]]] = [
    (
        "resource-outside-commitment-period",
        {
            "commitments/poliisihallitus.yaml": COMMITMENTS.replace(
                "{start: 2022, end: 2022}", "{start: 2023, end: 2024}"
            )
        },
        [("SIS210", "error", "commitments/poliisihallitus.yaml", 9, 16)],
    ),
    (
        "commitment-starts-before-planning",
        {
            "commitments/poliisihallitus.yaml": COMMITMENTS.replace(
                "{start: 2022, end: 2022}", "{start: 2019, end: 2022}"
            )
        },
        [("SIS211", "warning", "commitments/poliisihallitus.yaml", 6, 21)],
    ),
    (
        "commitment-ends-after-planning",
        {
            "commitments/poliisihallitus.yaml": COMMITMENTS.replace(
                "{start: 2022, end: 2022}", "{start: 2022, end: 2027}"
            )
        },
        [("SIS211", "warning", "commitments/poliisihallitus.yaml", 6, 32)],
    ),
    (
        "priority-starts-before-planning",
        {"priorities/p1.yaml": PRIORITY.replace("period: {start: 2021}", "period: {start: 2020}")},
        [("SIS212", "warning", "priorities/p1.yaml", 4, 17)],
    ),
    (
        "target-outside-priority-period",
        {"priorities/p1.yaml": PRIORITY.replace("period: {start: 2021}", "period: {start: 2021, end: 2024}")},
        [("SIS213", "warning", "priorities/p1.yaml", 11, 20)],
    ),
    (
        "target-after-planning",
        {"priorities/p1.yaml": PRIORITY.replace("target: {year: 2025", "target: {year: 2030")},
        [("SIS214", "warning", "priorities/p1.yaml", 11, 20)],
    ),
    (
        "due-outside-both",
        {
            "priorities/p1.yaml": PRIORITY.replace(
                "period: {start: 2021}", "period: {start: 2021, end: 2025}"
            )
            + "    due: 2026-12-31\n"
        },
        [
            ("SIS213", "warning", "priorities/p1.yaml", 12, 10),
            ("SIS214", "warning", "priorities/p1.yaml", 12, 10),
        ],
    ),
    (
        "baseline-after-target",
        {
            "priorities/p1.yaml": PRIORITY.replace("baseline: {year: 2020", "baseline: {year: 2023").replace(
                "target: {year: 2025", "target: {year: 2022"
            )
        },
        [("SIS215", "error", "priorities/p1.yaml", 10, 22)],
    ),
    (
        "observation-in-the-future",
        {
            "indicators/luottamus.yaml": MINIMAL["indicators/luottamus.yaml"].replace(
                "year: 2020", f"year: {NEXT_YEAR}"
            )
        },
        [("SIS216", "error", "indicators/luottamus.yaml", 7, 12)],
    ),
    (
        "amount-for-a-year-the-plan-does-not-cover",
        {
            "budgets/poliisihallitus.yaml": BUDGET.replace(
                "allocated: 200000}\n", "allocated: 200000}\n      - {year: 2025, euros: 1}\n"
            ).replace(
                "  - {year: 2022, available: 2}\n",
                "  - {year: 2022, available: 2}\n  - {year: 2020, available: 1}\n",
            )
        },
        [
            ("SIS313", "error", "budgets/poliisihallitus.yaml", 10, 16),
            ("SIS313", "error", "budgets/poliisihallitus.yaml", 15, 12),
        ],
    ),
    (
        "plan-outside-planning",
        {
            "budgets/poliisihallitus.yaml": BUDGET.replace(
                "{start: 2021, end: 2024}", "{start: 2019, end: 2026}"
            )
        },
        [
            ("SIS314", "warning", "budgets/poliisihallitus.yaml", 4, 16),
            ("SIS314", "warning", "budgets/poliisihallitus.yaml", 4, 27),
        ],
    ),
]


@pytest.mark.parametrize(("name", "files", "expected"), YEAR_CASES, ids=[c[0] for c in YEAR_CASES])
def test_each_year_rule_at_the_year_it_concerns(
    name: str,
    files: dict[str, str],
    expected: list[tuple[object, ...]],
    repo: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _put(repo, files)
    code, found = _json(capsys, "validate", "-C", str(repo))
    got = sorted((f["code"], f["severity"], *_brief([f])[0][1:]) for f in found)
    assert got == sorted(expected)
    assert code == (1 if any(e[1] == "error" for e in expected) else 0)
    for finding in found:
        # Both years named, and what to do.
        assert sum(ch.isdigit() for ch in str(finding["message"])) >= 8, finding["message"]
        assert any(
            w in str(finding["message"])
            for w in ("set ", "move ", "remove ", "correct ", "start ", "end ", "give ")
        ), finding["message"]


def test_year_messages_name_both_years(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _put(repo, dict(YEAR_CASES[0][1]))
    _, found = _json(capsys, "validate", "-C", str(repo))
    assert [f["message"] for f in found] == [
        "resource year 2022 is outside the commitment's period (2023–2024); "
        "move the resource into 2023–2024 or change the period"
    ]


# -- root causes first ---------------------------------------------------------------------------

MANY_REFERENCES = {
    "strategy.yaml": (
        "name: Testistrategia\n"
        "mission: {fi: Arjen turvallisuus, en: Everyday security}\n"
        "cooperation_group: {name: Yhteistyöryhmä, chair: sm, members: [sm, poliisihallitus]}\n"
        "expert_network: {name: Asiantuntijaverkosto, chair: sm, members: [sm]}\n"
        "secretariat: {organisation: sm}\n"
    ),
    "organisations/pelastusopisto.yaml": "id: pelastusopisto\nname: Pelastusopisto\nkind: agency\nparent: sm\n",
    "organisations/rajavartiolaitos.yaml": "id: rajavartiolaitos\nname: Raja\nkind: agency\nparent: sm\n",
    "indicators/luottamus.yaml": MINIMAL["indicators/luottamus.yaml"] + "owner: sm\n",
    "phenomena/luottamus.yaml": "id: luottamus\ntitle: Luottamus\nstatus: monitored\nproposed_by: [sm]\nindicators: [luottamus]\n",
    "priorities/p1.yaml": PRIORITY.replace(
        "group: {chair: sm, members: [poliisihallitus]}",
        "group: {chair: sm, members: [poliisihallitus], subgroups: [{id: a, name: A, chair: sm}]}",
    ),
    "commitments/sm.yaml": "organisation: sm\ncommitments: []\n",
}
"""Eleven references to `sm`, besides its own commitments file."""


def test_an_unreadable_organisation_is_one_finding_not_twelve(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _put(repo, MANY_REFERENCES)
    code, found = _json(capsys, "validate", "-C", str(repo))
    assert (code, found) == (0, [])
    _put(repo, {"organisations/sm.yaml": "id: sm\nname: Sisäministeriö\nkind: ministry\nkind: agency\n"})
    code, found = _json(capsys, "validate", "-C", str(repo))
    assert code == 1
    assert _brief(found) == [("SIS002", "organisations/sm.yaml", 4, 1)]


def test_an_invalid_organisation_record_is_still_known_by_its_file_name(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _put(repo, MANY_REFERENCES)
    _put(repo, {"organisations/sm.yaml": "id: sm\nname: Sisäministeriö\nkind: ministerium\n"})
    code, found = _json(capsys, "validate", "-C", str(repo))
    assert code == 1
    assert [f["code"] for f in found] == ["SIS103"]


def test_an_unreadable_budget_plan_is_not_reported_missing(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _put(
        repo,
        {
            "budgets/poliisihallitus.yaml": BUDGET.replace(
                "status: adopted\n", "status: adopted\nstatus: draft\n"
            )
        },
    )
    code, found = _json(capsys, "validate", "-C", str(repo))
    assert code == 1
    assert [f["code"] for f in found] == ["SIS002"]  # not SIS302 "no budget plan" on top


def test_goals_of_an_invalid_priority_are_known(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _put(
        repo,
        {
            "priorities/p1.yaml": PRIORITY.replace("status: active", "status: on").replace(
                "id: p1-g1", "id: luottamus-g1"
            ),
            "commitments/poliisihallitus.yaml": COMMITMENTS.replace("[p1-g1]", "[luottamus-g1]"),
        },
    )
    code, found = _json(capsys, "validate", "-C", str(repo))
    assert code == 1
    assert _brief(found) == [("SIS103", "priorities/p1.yaml", 3, 9)]


def test_a_goal_typo_is_not_also_reported_as_an_unserved_goal(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _put(repo, {"commitments/poliisihallitus.yaml": COMMITMENTS.replace("[p1-g1]", "[p1-g9]")})
    code, found = _json(capsys, "validate", "-C", str(repo))
    assert code == 1
    # Not SIS311 for p1-g1 nor SIS312 for poliisihallitus: they follow from the typo.
    assert _brief(found) == [("SIS201", "commitments/poliisihallitus.yaml", 5, 13)]


# -- a duplicate id is reported where it was added later ----------------------------------------

AVI_ORG = "id: avi\nname: Aluehallintovirasto\nkind: regional-agency\n"
AVI_COMMITMENTS = (
    "organisation: avi\n"
    "commitments:\n"
    "  - id: poha-viestinta\n"
    "    action: Sama tunnus\n"
    "    goals: [p1-g1]\n"
    "    period: {start: 2022, end: 2022}\n"
)


def _git_repo(tmp_path: Path) -> Path:
    root = gitrepo.init(tmp_path / "repo")
    gitrepo.write(root, dict(MINIMAL))
    gitrepo.commit(root, "Strategy", date="2024-01-01T12:00:00+02:00")
    return root


def test_a_reused_commitment_id_is_reported_in_the_file_that_added_it_later(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _git_repo(tmp_path)
    gitrepo.write(root, {"organisations/avi.yaml": AVI_ORG, "commitments/avi.yaml": AVI_COMMITMENTS})
    gitrepo.commit(root, "Avi joins", date="2024-02-01T12:00:00+02:00")
    # commitments/avi.yaml comes first in path order, but poliisihallitus had the id first.
    code, found = _json(capsys, "validate", "-C", str(root))
    assert code == 1
    duplicates = [f for f in found if f["code"] == "SIS202"]
    assert _brief(duplicates) == [("SIS202", "commitments/avi.yaml", 3, 9)]
    assert "already defined in" in str(duplicates[0]["message"])
    assert str(duplicates[0]["message"]).endswith("commitments/poliisihallitus.yaml")
    _, aligned = _json(capsys, "align", "-C", str(root))
    assert [f for f in found if str(f["code"]).startswith("SIS3")] == aligned


def test_a_duplicate_not_yet_committed_is_the_newer_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _git_repo(tmp_path)
    gitrepo.write(root, {"organisations/aaa.yaml": "id: sm\nname: Toinen\nkind: ministry\n"})
    code, found = _json(capsys, "validate", "-C", str(root))
    assert code == 1
    assert _brief(found) == [
        ("SIS202", "organisations/aaa.yaml", 1, 5),
        ("SIS203", "organisations/aaa.yaml", 1, 5),
    ]


def test_duplicates_outside_git_fall_back_to_path_order(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _put(repo, {"organisations/avi.yaml": AVI_ORG, "commitments/avi.yaml": AVI_COMMITMENTS})
    code, found = _json(capsys, "validate", "-C", str(repo))
    assert code == 1
    assert [b for b in _brief(found) if b[0] == "SIS202"] == [
        ("SIS202", "commitments/poliisihallitus.yaml", 3, 9)
    ]


# -- translations of plain strings ---------------------------------------------------------------


def test_a_plain_string_lacks_a_required_language(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for rel in MINIMAL:
        if rel not in ("sisturva.yaml", "organisations/sm.yaml"):
            (repo / rel).unlink()
    _put(
        repo,
        {
            "sisturva.yaml": "schema: 1\nlanguages: [fi, en]\nrequired_languages: [fi, en]\n"
            "planning_years: {start: 2021, end: 2025}\n",
            "strategy.yaml": (
                "name: {fi: Testistrategia, en: Test strategy}\n"
                "mission: {fi: Arjen turvallisuus, en: Everyday security}\n"
                "cooperation_group: {name: {fi: Ryhmä, en: Group}, members: [sm]}\n"
                "expert_network: {name: {fi: Verkosto, en: Network}}\n"
                "secretariat: {organisation: sm}\n"
            ),
            "organisations/sm.yaml": "id: sm\nname: Sisäministeriö\nshort_name: {fi: SM}\nkind: ministry\n",
        },
    )
    code, found = _json(capsys, "validate", "-C", str(repo))
    assert code == 0
    assert [(f["code"], f["severity"], f["line"], f["column"], f["message"]) for f in found] == [
        (
            "SIS207",
            "warning",
            2,
            7,
            "text is only in fi (a plain string); write it as a mapping {fi: …, en: …} with the translation",
        ),
        ("SIS207", "warning", 3, 13, "text lacks en; add the translation"),
    ]
    code, found = _json(capsys, "validate", "-C", str(repo), "--strict")
    assert code == 1
    assert {f["severity"] for f in found} == {"error"}
