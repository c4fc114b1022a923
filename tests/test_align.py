from __future__ import annotations

import json
import os
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sisturva.align import align, committed_by_line, compare
from sisturva.checks import run_all
from sisturva.cli import main
from sisturva.documents import parse
from sisturva.locale import plain
from sisturva.reports.align import delta_line, deltas_as_list, deltas_markdown, deltas_text
from sisturva.safetext import markdown as md
from sisturva.strategy import Strategy, build

from .conftest import PROJECT, snapshot

CASES = PROJECT / "tests" / "cases" / "align"
CASE_NAMES = sorted(p.name for p in CASES.iterdir() if (p / "repo" / "sisturva.yaml").is_file())
REGEN = os.environ.get("SISTURVA_REGEN") == "1"
GOLDENS = {"expected.txt": "text", "expected.md": "markdown", "expected.json": "json"}


def _run(capsys: pytest.CaptureFixture[str], folder: str, *args: str) -> tuple[int, str, str]:
    code = main(["align", "-C", folder, *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _strategy(files: dict[str, str]) -> Strategy:
    """A strategy built from files given as text, through the real parser and builder."""
    return build([(rel, parse(rel, text.encode())) for rel, text in files.items()])


def _case_files(case: str) -> dict[str, str]:
    root = CASES / case / "repo"
    return {str(p.relative_to(root)): p.read_text(encoding="utf-8") for p in sorted(root.rglob("*.yaml"))}


# One folder per rule: a small repository that yields exactly that finding, with golden output.


@pytest.mark.parametrize("case", CASE_NAMES)
def test_case_folder_matches_its_goldens(
    case: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = CASES / case
    monkeypatch.chdir(folder)
    before = snapshot(folder / "repo")
    for golden, fmt in GOLDENS.items():
        code, out, err = _run(capsys, "repo", "--format", fmt, "--no-cache")
        assert err == ""
        path = folder / golden
        if REGEN:
            path.write_text(out, encoding="utf-8")
        assert out == path.read_text(encoding="utf-8"), f"{case}/{golden} differs (SISTURVA_REGEN=1 rewrites)"
    report = json.loads((folder / "expected.json").read_text(encoding="utf-8"))
    codes = [f["code"] for f in report["findings"]]
    if case == "clean":
        assert codes == []
        assert code == 0
    else:
        # The folder's name starts with the one code it demonstrates.
        assert codes == [case.split("-", 1)[0].upper()]
        assert code == (1 if report["counts"]["error"] else 0)
    assert snapshot(folder / "repo") == before


def test_clean_case_validates_clean(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(CASES / "clean")
    assert main(["validate", "-C", "repo", "--no-cache"]) == 0
    assert "0 errors, 0 warnings, 0 infos" in capsys.readouterr().out


def test_text_report_shows_the_finnish_table(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, str(CASES / "sis304-over-allocation" / "repo"), "--no-cache")
    assert code == 1
    text = plain(out)
    assert "Hätäkeskuslaitos (hatakeskuslaitos)" in text
    header = next(line for line in text.splitlines() if line.startswith("Vuosi"))
    assert header.split() == ["Vuosi", "Kohdennettu", "Sidottu", "Jäljellä", "Henkilötyövuodet"]
    row = next(line for line in text.splitlines() if line.startswith("2024"))
    assert row.split() == ["2024", "350", "000", "€", "380", "000", "€", "−30", "000", "€", "3", "/", "4"]
    assert "mikä on 30 000 € yli yhteistyöhön kohdennetun 350 000 €" in text
    assert text.rstrip().endswith("✗ 1 virhe, 0 varoitusta, 0 huomautusta")


def test_money_keeps_no_break_spaces_in_text_and_markdown(capsys: pytest.CaptureFixture[str]) -> None:
    repo = str(CASES / "clean" / "repo")
    _, out, _ = _run(capsys, repo, "--no-cache")
    assert "350\u00a0000\u00a0€" in out
    _, out, _ = _run(capsys, repo, "--no-cache", "--format", "markdown")
    assert "| 2023 | 350\u00a0000\u00a0€ | 300\u00a0000\u00a0€ | 50\u00a0000\u00a0€ | 3 / 3,5 |" in out


@pytest.mark.parametrize(
    ("lang", "header", "money"),
    [("fi", "Sidottu", "300 000 €"), ("sv", "Bundet", "300 000 €"), ("en", "Committed", "300,000 €")],
)
def test_languages(capsys: pytest.CaptureFixture[str], lang: str, header: str, money: str) -> None:
    code, out, _ = _run(capsys, str(CASES / "clean" / "repo"), "--no-cache", "--lang", lang)
    assert code == 0
    assert header in out
    assert money in plain(out)


def test_json_has_figures_as_numbers_and_the_findings_contract(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, str(CASES / "sis304-over-allocation" / "repo"), "--no-cache", "-f", "json")
    report = json.loads(out)
    assert code == 1
    (org,) = report["organisations"]
    assert org["id"] == "hatakeskuslaitos"
    assert org["plan"] == {"kind": "state-tts", "status": "adopted", "years": {"start": 2023, "end": 2026}}
    y2024 = next(y for y in org["years"] if y["year"] == 2024)
    assert (y2024["allocated"], y2024["committed"], y2024["remaining"], y2024["over"]) == (
        350000,
        380000,
        -30000,
        30000,
    )
    assert y2024["person_years"] == {"available": 4, "committed": 3, "remaining": 1}
    assert y2024["lines"][0]["line"] == "26.30.02"
    assert y2024["lines"][0]["amount"] == 77057000
    (finding,) = report["findings"]
    assert list(finding) == ["code", "severity", "message", "path", "line", "column", "id"]
    assert (finding["code"], finding["line"], finding["column"], finding["id"]) == (
        "SIS304",
        10,
        50,
        "hatakeskuslaitos",
    )
    assert report["counts"] == {"error": 1, "warning": 0, "info": 0}


def test_strict_makes_not_yet_resourced_an_error(capsys: pytest.CaptureFixture[str]) -> None:
    repo = str(CASES / "sis306-not-yet-resourced" / "repo")
    code, out, _ = _run(capsys, repo, "--no-cache", "-f", "json")
    assert code == 0
    assert json.loads(out)["findings"][0]["severity"] == "warning"
    code, out, _ = _run(capsys, repo, "--no-cache", "-f", "json", "--strict")
    assert code == 1
    assert json.loads(out)["findings"][0]["severity"] == "error"


def test_org_and_year_narrow_the_report(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (repo / "commitments" / "sm.yaml").write_text(
        "organisation: sm\ncommitments:\n"
        "  - {id: sm-ohjaus, action: Ohjaus, goals: [p1-g1], period: {start: 2022}}\n"
    )
    code, out, _ = _run(capsys, str(repo), "--no-cache", "-f", "json")
    assert [o["id"] for o in json.loads(out)["organisations"]] == ["poliisihallitus", "sm"]
    assert [f["code"] for f in json.loads(out)["findings"]] == ["SIS306"]
    code, out, _ = _run(capsys, str(repo), "--no-cache", "-f", "json", "--org", "poliisihallitus")
    report = json.loads(out)
    assert [o["id"] for o in report["organisations"]] == ["poliisihallitus"]
    assert report["findings"] == []
    assert code == 0
    code, out, _ = _run(capsys, str(repo), "--no-cache", "-f", "json", "--year", "2022")
    years = {o["id"]: [y["year"] for y in o["years"]] for o in json.loads(out)["organisations"]}
    assert years == {"poliisihallitus": [2022]}


def test_unknown_organisation_is_a_usage_error(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(capsys, str(repo), "--org", "poliisihalitus")
    assert code == 2
    assert out == ""
    assert err == (
        "sisturva: error: unknown organisation 'poliisihalitus' (did you mean 'poliisihallitus'?); "
        "give the id of an organisation (organisations/ID.yaml)\n"
    )


def test_not_a_repository_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(capsys, str(tmp_path))
    assert code == 2
    assert "not a strategy repository" in err


def test_validation_errors_are_noted_on_stderr(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (repo / "budgets" / "poliisihallitus.yaml").write_text("organisation: poliisihallitus\nkind: tts\n")
    code, out, err = _run(capsys, str(repo), "--no-cache", "-f", "json")
    assert "validation found" in err
    # A plan that fails validation is unknown, not missing: no SIS302 or SIS307 about it.
    assert json.loads(out)["findings"] == []
    assert code == 0


def test_hostile_names_are_escaped_in_markdown(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (repo / "organisations" / "poliisihallitus.yaml").write_text(
        "id: poliisihallitus\nname: 'Poliisi | <script>alert(1)</script> @team [x](javascript:y)'\n"
        "kind: agency\nparent: sm\n"
    )
    code, out, _ = _run(capsys, str(repo), "--no-cache", "-f", "markdown")
    assert code == 0
    heading = next(line for line in out.splitlines() if line.startswith("### "))
    assert "<script>" not in out
    assert "| <" not in heading
    assert "\\|" in heading
    assert "@\u200bteam" in heading
    assert "\\[x\\](javascript:y)" in heading


def test_md_escape_flattens_lines_and_neutralises_markup() -> None:
    assert md("a\n| b") == "a \\| b"
    assert md("- not a list") == "\\- not a list"
    assert md("12. not a list") == "12\\. not a list"
    assert md("# x & <b>") == "\\# x &amp; &lt;b&gt;"
    assert md("see https://evil.example and www.evil.example") == (
        "see https:\u200b//evil.example and www\u200b.evil.example"
    )
    assert md("toiminta- ja (TTS)") == "toiminta- ja (TTS)"


def test_example_strategy_is_free_of_alignment_errors(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, str(PROJECT / "strategy"), "--no-cache", "-f", "json")
    report = json.loads(out)
    errors = [f for f in report["findings"] if f["severity"] == "error"]
    assert errors == []
    assert code == 0
    assert any(f["code"] == "SIS306" for f in report["findings"]), "at least one commitment not yet resourced"
    assert len(report["organisations"]) >= 3


def test_run_all_includes_alignment_findings() -> None:
    strategy = _strategy(_case_files("sis304-over-allocation"))
    assert [f.code for f in run_all(strategy)] == ["SIS304"]


# Exact money: Decimal, never binary floating point.


def test_cents_add_up_exactly() -> None:
    files = _case_files("clean")
    files["budgets/hatakeskuslaitos.yaml"] = files["budgets/hatakeskuslaitos.yaml"].replace(
        "{year: 2024, euros: 77057000, allocated: 350000}", "{year: 2024, euros: 77057000, allocated: 0.3}"
    )
    files["commitments/hatakeskuslaitos.yaml"] = files["commitments/hatakeskuslaitos.yaml"].replace(
        '      - {year: 2024, budget_line: "26.30.02", euros: 300000, person_years: 3}\n',
        '      - {year: 2024, budget_line: "26.30.02", euros: 0.1, person_years: 1.1}\n'
        '      - {year: 2024, budget_line: "26.30.02", euros: 0.2, person_years: 2.2}\n',
    )
    result = align(_strategy(files))
    assert 0.1 + 0.2 != 0.3  # what binary floating point would have made of it
    y2024 = next(y for y in result.organisations[0].years if y.year == 2024)
    assert y2024.committed == Decimal("0.3")
    assert y2024.remaining == 0
    assert y2024.person_years == Decimal("3.3")
    # 0.1 + 0.2 equals the 0.3 allocated: not over, and no finding says so.
    assert [f.code for f in result.findings if f.code == "SIS304"] == []


def test_over_commitment_against_a_line_without_allocation_or_amount() -> None:
    files = _case_files("clean")
    budget = files["budgets/hatakeskuslaitos.yaml"]
    files["budgets/hatakeskuslaitos.yaml"] = budget.replace(
        "      - {year: 2023, euros: 70550000, allocated: 350000}\n", "      - {year: 2023, euros: 250000}\n"
    ).replace("      - {year: 2024, euros: 77057000, allocated: 350000}\n", "")
    messages = [plain(f.message) for f in align(_strategy(files)).findings]
    assert messages == [
        "the plan gives line '26.30.02' no amount for 2024, but commitments use 300,000 € (hake-vastausajat 300,000 €)",
        "commitments use 300,000 € of line '26.30.02' in 2023, 50,000 € over the 250,000 € of the line's amount "
        "(hake-vastausajat 300,000 €)",
    ]


def test_cancelled_commitments_use_nothing() -> None:
    files = _case_files("sis304-over-allocation")
    files["commitments/hatakeskuslaitos.yaml"] = files["commitments/hatakeskuslaitos.yaml"].replace(
        "    performance_target: vastausaika\n",
        "    performance_target: vastausaika\n    status: cancelled\n",
    )
    result = align(_strategy(files))
    assert [f.code for f in result.findings] == ["SIS312", "SIS311"]
    assert all(y.committed == 0 for y in result.organisations[0].years)


# Adding a commitment never lowers what any line has committed.

_LINES = ("26.30.02", "26.30.01", "1100")
_resource = st.fixed_dictionaries(
    {
        "year": st.integers(2021, 2027),
        "budget_line": st.sampled_from(_LINES),
        "euros": st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False, allow_infinity=False),
        "person_years": st.decimals(
            min_value=0, max_value=100, places=2, allow_nan=False, allow_infinity=False
        ),
    }
)
_commitment = st.tuples(
    st.lists(_resource, max_size=4), st.sampled_from(["planned", "in-progress", "done", "cancelled"])
)


def _commitments_yaml(items: list[tuple[list[dict[str, object]], str]]) -> str:
    lines = ["organisation: hatakeskuslaitos", "commitments:"]
    for i, (resources, status) in enumerate(items):
        lines += [
            f"  - id: c{i}",
            "    action: Toimenpide",
            "    goals: [p5-g1]",
            "    period: {start: 2021}",
            f"    status: {status}",
            "    performance_target: vastausaika",
            "    resources:" + ("" if resources else " []"),
        ]
        lines += [
            f"      - {{year: {r['year']}, budget_line: '{r['budget_line']}', euros: {r['euros']}, "
            f"person_years: {r['person_years']}}}"
            for r in resources
        ]
    return "\n".join(lines) + "\n"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_commitment, max_size=5), _commitment)
def test_adding_a_commitment_never_lowers_a_lines_committed_total(
    existing: list[tuple[list[dict[str, object]], str]], extra: tuple[list[dict[str, object]], str]
) -> None:
    files = _case_files("clean")
    files["commitments/hatakeskuslaitos.yaml"] = _commitments_yaml(existing)
    before = committed_by_line(_strategy(files))
    files["commitments/hatakeskuslaitos.yaml"] = _commitments_yaml([*existing, extra])
    after = committed_by_line(_strategy(files))
    for key, total in before.items():
        assert after.get(key, Decimal(0)) >= total
    # And each total grows by exactly what the new commitment adds to it.
    resources, status = extra
    added: dict[tuple[str, str, int], Decimal] = {}
    for r in resources if status != "cancelled" else []:
        key = ("hatakeskuslaitos", str(r["budget_line"]), int(str(r["year"])))
        added[key] = added.get(key, Decimal(0)) + Decimal(str(r["euros"]))
    for key in set(before) | set(after) | set(added):
        assert after.get(key, Decimal(0)) == before.get(key, Decimal(0)) + added.get(key, Decimal(0))


# The money delta of a change, for diff and review.


def _with_extra_commitment(files: dict[str, str], euros: str) -> dict[str, str]:
    changed = dict(files)
    changed["commitments/hatakeskuslaitos.yaml"] = files["commitments/hatakeskuslaitos.yaml"] + (
        "  - id: hake-ikaantyneet\n"
        "    action: Ikääntyneiden hätäilmoitukset\n"
        "    goals: [p5-g1]\n"
        "    period: {start: 2024, end: 2024}\n"
        "    performance_target: vastausaika\n"
        "    resources:\n"
        f"      - {{year: 2024, budget_line: '26.30.02', euros: {euros}}}\n"
    )
    return changed


def test_compare_names_the_money_moved_against_each_plan() -> None:
    files = _case_files("clean")
    files["commitments/hatakeskuslaitos.yaml"] = files["commitments/hatakeskuslaitos.yaml"].replace(
        'year: 2024, budget_line: "26.30.02", euros: 300000',
        'year: 2024, budget_line: "26.30.02", euros: 260000',
    )
    before = _strategy(files)
    after = _strategy(_with_extra_commitment(files, "120000"))
    (delta,) = compare(before, after)
    assert (delta.organisation, delta.year, delta.committed, delta.over_after) == (
        "hatakeskuslaitos",
        2024,
        Decimal(120000),
        Decimal(30000),
    )
    assert (
        plain(delta_line(delta, "fi"))
        == "Hätäkeskuslaitos 2024: sidottu +120 000 €, 30 000 € yli kohdennuksen"
    )
    assert (
        plain(delta_line(delta, "en"))
        == "Hätäkeskuslaitos 2024: committed +120,000 €, 30,000 € over the allocation"
    )
    assert (
        plain(delta_line(delta, "sv"))
        == "Hätäkeskuslaitos 2024: bundet +120 000 €, 30 000 € över det anvisade"
    )
    assert plain(deltas_text([delta], "en")) == (
        "Changes to budget alignment\n  Hätäkeskuslaitos 2024: committed +120,000 €, 30,000 € over the allocation\n"
    )
    assert "- **Hätäkeskuslaitos 2024: sidottu" in deltas_markdown([delta], "fi")
    assert deltas_as_list([delta]) == [
        {
            "organisation": "hatakeskuslaitos",
            "year": 2024,
            "allocated": {"before": 350000, "after": 350000},
            "committed": {"before": 260000, "after": 380000},
            "over": {"before": 0, "after": 30000},
            "remaining_after": -30000,
            "person_years": {"before": 3, "after": 3},
            "person_years_available": {"before": 4, "after": 4},
        }
    ]


def test_compare_reports_a_cut_allocation_and_what_remains() -> None:
    files = _case_files("clean")
    before = _strategy(files)
    cut = dict(files)
    cut["budgets/hatakeskuslaitos.yaml"] = files["budgets/hatakeskuslaitos.yaml"].replace(
        "{year: 2023, euros: 70550000, allocated: 350000}", "{year: 2023, euros: 70550000, allocated: 320000}"
    )
    (delta,) = compare(before, _strategy(cut))
    assert plain(delta_line(delta, "fi")) == "Hätäkeskuslaitos 2023: kohdennettu −30 000 €, 20 000 € jäljellä"
    assert compare(before, before) == ()
    assert deltas_text([], "fi") == "ei muutoksia budjettikytkentään\n"


def test_report_leaves_files_alone(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = snapshot(repo)
    for fmt in ("text", "markdown", "json", "github"):
        _run(capsys, str(repo), "-f", fmt)
    assert snapshot(repo) == before


# The cheap text scan that places most findings must agree with the YAML parser wherever it answers.


def _locator_agrees(strategy: Strategy) -> int:
    from sisturva.align import Locator

    locator = Locator(strategy)
    checked = 0
    for (kind, record), _located in strategy.where.items():
        subs: list[tuple[str, ...]] = []
        if kind == "commitments":
            subs.append(("id",))
        if kind == "budgets":
            subs += [("status",), ("years",), ("kind",), ("organisation",), ("person_years",)]
        for sub in subs:
            fast = locator.finding("SIS306", "m", kind, record, sub)
            slow = strategy.finding("SIS306", "m", kind, record, sub)
            assert (fast.path, fast.line, fast.column) == (slow.path, slow.line, slow.column), (
                kind,
                record,
                sub,
            )
            checked += 1
    return checked


def test_cheap_locator_agrees_with_the_parser_on_the_example() -> None:
    from sisturva.repository import load

    assert _locator_agrees(load(str(PROJECT / "strategy"), use_cache=False).strategy) > 20


def test_cheap_locator_agrees_with_the_parser_on_awkward_text() -> None:
    files = _case_files("clean")
    files["commitments/hatakeskuslaitos.yaml"] = (
        "organisation: hatakeskuslaitos\n"
        "commitments:\n"
        "  - {id: hake-a, action: 'text with id: hake-b inside', goals: [p5-g1], period: {start: 2023}}\n"
        "  - id: 'hake-b'\n"
        "    action: x\n    goals: [p5-g1]\n    period: {start: 2023}\n"
        "  - id:\n      hake-c\n"
        "    action: 'hake-c id: hake-cc'\n    goals: [p5-g1]\n    period: {start: 2023}\n"
        '  - action: y\n    goals: [p5-g1]\n    period: {start: 2023}\n    id: "hake-d" # comment\n'
        "  - id: hake-dd\n    previous_ids: [hake-d-old]\n    action: z\n    goals: [p5-g1]\n"
        "    period: {start: 2023}\n"
    )
    files["budgets/hatakeskuslaitos.yaml"] = files["budgets/hatakeskuslaitos.yaml"].replace(
        "status: adopted\n", "status:\n  adopted\n"
    )
    assert _locator_agrees(_strategy(files)) == 10


def test_text_colours_only_when_asked_and_never_passes_control_characters(repo: Path) -> None:
    from sisturva.reports.align import text

    files = _case_files("sis304-over-allocation")
    files["organisations/hatakeskuslaitos.yaml"] = (
        'id: hatakeskuslaitos\nname: "Häke \\e[2J\\x07"\nkind: agency\nparent: sm\n'
    )
    result = align(_strategy(files))
    plain_text = text(result, "fi", color=False)
    assert "\x1b" not in plain_text
    assert plain_text.startswith("Häke \\x1b[2J\\x07 (hatakeskuslaitos)\n")  # shown, not obeyed
    coloured = text(result, "fi", color=True)
    assert "\x1b[1;31mvirhe\x1b[0m SIS304" in coloured
    assert "\x1b[31m" in coloured  # the negative remaining
    assert "\x1b[2J" not in coloured


def test_cached_result_follows_the_files(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    first = _run(capsys, str(repo), "-f", "json")
    assert _run(capsys, str(repo), "-f", "json") == first
    commitments = repo / "commitments" / "poliisihallitus.yaml"
    commitments.write_text(commitments.read_text().replace("euros: 100000", "euros: 250000"))
    code, out, _ = _run(capsys, str(repo), "-f", "json")
    assert code == 1
    assert [f["code"] for f in json.loads(out)["findings"]] == ["SIS304"]
    assert _run(capsys, str(repo), "-f", "json", "--no-cache") == (code, out, "")


def test_format_names_match_the_reports() -> None:
    from sisturva.commands.align import FORMAT_NAMES
    from sisturva.reports.align import FORMATS

    assert tuple(FORMATS) == FORMAT_NAMES


# The alignment section that diff and review show, on real git repositories.


def _git_repo(tmp_path: Path) -> Path:
    from . import gitrepo

    repo = gitrepo.init(tmp_path / "git")
    files = _case_files("clean")
    files["commitments/hatakeskuslaitos.yaml"] = files["commitments/hatakeskuslaitos.yaml"].replace(
        'year: 2024, budget_line: "26.30.02", euros: 300000',
        'year: 2024, budget_line: "26.30.02", euros: 260000',
    )
    gitrepo.write(repo, dict(files))
    gitrepo.commit(repo, "base")
    return repo


def test_alignment_section_of_a_work_tree_change(tmp_path: Path) -> None:
    from sisturva.commands.align import alignment_section, touched_organisations
    from sisturva.commands.diff import comparison, sides

    repo = _git_repo(tmp_path)
    path = repo / "commitments" / "hatakeskuslaitos.yaml"
    rel = "commitments/hatakeskuslaitos.yaml"
    path.write_text(
        _with_extra_commitment({rel: path.read_text(encoding="utf-8")}, "120000")[rel], encoding="utf-8"
    )
    found = sides(str(repo), "HEAD", None)
    section = alignment_section(found, comparison(found, with_findings=False), "fi")
    assert section is not None
    assert section.key == "alignment"
    assert section.title == "Muutokset budjettikytkentään"
    assert [tuple(plain(c) for c in row) for row in section.rows] == [
        ("Hätäkeskuslaitos", "2024", "", "+120 000 €", "", "30 000 € yli kohdennuksen")
    ]
    assert section.data[0]["committed"] == {"before": 260000, "after": 380000}
    assert touched_organisations(["budgets/sm.yaml", "commitments/a.yaml", "organisations/b.yaml"]) == {
        "sm",
        "a",
    }


def test_alignment_section_between_commits_and_of_the_index(tmp_path: Path) -> None:
    from sisturva.commands.align import alignment_deltas
    from sisturva.commands.diff import sides

    from . import gitrepo

    repo = _git_repo(tmp_path)
    budget = repo / "budgets" / "hatakeskuslaitos.yaml"
    budget.write_text(
        budget.read_text().replace("allocated: 350000}", "allocated: 250000}"), encoding="utf-8"
    )
    gitrepo.git(repo, "add", "-A")
    expected = [
        (2023, Decimal(-100000), Decimal(50000), Decimal(-50000)),
        (2024, Decimal(-100000), Decimal(10000), Decimal(-10000)),
    ]
    staged = alignment_deltas(sides(str(repo), None, None, staged=True))
    assert [(d.year, d.allocated, d.over_after, d.remaining_after) for d in staged] == expected
    gitrepo.commit(repo, "cut")
    deltas = alignment_deltas(sides(str(repo), "HEAD~1", "HEAD"))
    assert [(d.year, d.allocated, d.over_after, d.remaining_after) for d in deltas] == expected
    assert alignment_deltas(sides(str(repo), "HEAD", "HEAD")) == ()


def test_diff_and_review_show_the_alignment_delta(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from . import gitrepo

    repo = _git_repo(tmp_path)
    rel = "commitments/hatakeskuslaitos.yaml"
    path = repo / rel
    path.write_text(
        _with_extra_commitment({rel: path.read_text(encoding="utf-8")}, "120000")[rel], encoding="utf-8"
    )
    gitrepo.commit(repo, "more money")
    expected_fi = "| Hätäkeskuslaitos | 2024 |   | +120 000 € |   | 30 000 € yli kohdennuksen |"

    assert main(["diff", "HEAD~1", "HEAD", "-C", str(repo)]) == 0
    text = plain(capsys.readouterr().out)
    block = text.split("Muutokset budjettikytkentään\n", 1)[1].splitlines()
    assert block[1].split() == [
        "Hätäkeskuslaitos",
        "2024",
        "+120",
        "000",
        "€",
        "30",
        "000",
        "€",
        "yli",
        "kohdennuksen",
    ]

    assert main(["diff", "HEAD~1", "HEAD", "-C", str(repo), "-f", "markdown"]) == 0
    assert expected_fi in plain(capsys.readouterr().out)

    assert main(["diff", "HEAD~1", "HEAD", "-C", str(repo), "-f", "json"]) == 0
    (delta,) = json.loads(capsys.readouterr().out)["alignment"]
    assert (delta["organisation"], delta["year"], delta["committed"], delta["over"]["after"]) == (
        "hatakeskuslaitos",
        2024,
        {"before": 260000, "after": 380000},
        30000,
    )

    main(["review", "HEAD~1", "HEAD", "-C", str(repo), "--lang", "en"])
    review = plain(capsys.readouterr().out)
    assert "#### Changes to budget alignment" in review
    assert "| Hätäkeskuslaitos | 2024 |   | +120,000 € |   | 30,000 € over the allocation |" in review
    assert "SIS304" in review  # the over-commitment, introduced by the change

    main(["review", "HEAD~1", "HEAD", "-C", str(repo), "-f", "json"])
    assert json.loads(capsys.readouterr().out)["alignment"][0]["remaining_after"] == -30000


def test_plain_align_calls_skip_typer_and_others_do_not() -> None:
    from sisturva.entry import parse
    from sisturva.interface import BY_NAME

    align = BY_NAME["align"]
    args = ["-C", "repo", "-f", "json", "--lang", "en", "--strict", "--org", "sm", "--year", "2024"]
    given = parse(align, args)
    assert given is not None
    assert {name: value for name, value in given.items() if value not in (None, False)} == {
        "directory": "repo",
        "format": "json",
        "lang": "en",
        "strict": True,
        "org": "sm",
        "year": 2024,
    }
    assert parse(align, []) == {param.name: param.initial for param in align.params}
    for wrong in (["-f", "xml"], ["--help"], ["a", "b"], ["--year", "soon"]):
        assert parse(align, wrong) is None


def test_a_bad_option_value_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["align", "--lang", "de"]) == 2
    assert "de" in capsys.readouterr().err
