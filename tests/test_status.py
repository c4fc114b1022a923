from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sisturva.cli import main
from sisturva.documents import parse
from sisturva.models import Goal, Indicator, Measure, Observation
from sisturva.reports.status import sparkline
from sisturva.status import VERDICTS, Point, expected_value, indicator_status, status, verdict
from sisturva.strategy import Strategy, build

from .conftest import MINIMAL, PROJECT, write_tree
from .gitrepo import commit, init


def _strategy(files: dict[str, str]) -> Strategy:
    """A strategy built from files given as text, through the real parser and builder."""
    merged = {**MINIMAL, **files}
    return build([(rel, parse(rel, text.encode())) for rel, text in merged.items()])


def _indicator(observations: str, direction: str = "higher-is-better", frequency: int = 1) -> str:
    return (
        "id: luottamus\nname: {fi: Luottamus poliisiin, sv: Förtroende för polisen}\nunit: '%'\n"
        f"direction: {direction}\nfrequency_years: {frequency}\nobservations:\n{observations}"
    )


def _priority(goals: str) -> str:
    return (
        "id: p1\nnumber: 1\ntitle: Turvallisuuden tunne\nstatus: active\nperiod: {start: 2021}\ngoals:\n"
        + goals
    )


def _goal(
    baseline: str | None = "{year: 2020, value: 90}", target: str | None = "{year: 2025, value: 95}"
) -> str:
    text = "  - id: p1-g1\n    title: Luottamus kasvaa\n    indicator: luottamus\n"
    if baseline:
        text += f"    baseline: {baseline}\n"
    if target:
        text += f"    target: {target}\n"
    return text


def _verdict(
    observations: str, direction: str = "higher-is-better", **goal: str | None
) -> tuple[str, str | None]:
    """The verdict and reason of the one goal p1-g1 on the indicator's `observations` (YAML list items)."""
    s = _strategy(
        {
            "indicators/luottamus.yaml": _indicator(observations, direction),
            "priorities/p1.yaml": _priority(_goal(**goal)),
        }
    )
    assert not [f for f in s.findings if f.severity == "error"]
    (g,) = status(s, 2024).goals()
    return g.verdict, g.reason


# The line from baseline 90 (2020) to target 95 (2025) expects 93 in 2023.
@pytest.mark.parametrize(
    ("value", "verdict"),
    [
        ("93", "on-track"),
        ("94.5", "on-track"),
        ("92.9", "off-track"),
        ("80", "off-track"),
        ("95", "achieved"),
        ("99", "achieved"),
    ],
)
def test_verdict_from_the_line_between_baseline_and_target(value: str, verdict: str) -> None:
    observations = f"  - {{year: 2020, value: 90}}\n  - {{year: 2023, value: {value}}}\n"
    assert _verdict(observations) == (verdict, None)


# Lower is better: baseline 100 (2020), target 50 (2025) expects 80 in 2022.
@pytest.mark.parametrize(
    ("value", "verdict"), [("80", "on-track"), ("75", "on-track"), ("81", "off-track"), ("50", "achieved")]
)
def test_lower_is_better_turns_the_comparison_around(value: str, verdict: str) -> None:
    observations = f"  - {{year: 2022, value: {value}}}\n"
    got = _verdict(
        observations, "lower-is-better", baseline="{year: 2020, value: 100}", target="{year: 2025, value: 50}"
    )
    assert got == (verdict, None)


def test_after_the_target_year_the_target_itself_is_expected() -> None:
    observations = "  - {year: 2027, value: 94}\n"
    assert _verdict(observations) == ("off-track", None)
    line = (Measure(year=2020, value=Decimal(90)), Measure(year=2025, value=Decimal(95)))
    assert [expected_value(*line, year) for year in (2019, 2020, 2021, 2025, 2030)] == [90, 90, 91, 95, 95]


def test_a_break_after_the_baseline_gives_no_verdict() -> None:
    # 2022 starts a new series (a method change): 99 cannot be compared with the baseline of 2020.
    observations = "  - {year: 2018, value: 88}\n  - {year: 2020, value: 90}\n  - {year: 2022, value: 99, comparable: false}\n"
    assert _verdict(observations) == ("no-data", "break")


def test_a_baseline_in_the_new_series_is_compared_within_it() -> None:
    observations = "  - {year: 2020, value: 90}\n  - {year: 2022, value: 70, comparable: false}\n  - {year: 2023, value: 72}\n"
    got = _verdict(observations, baseline="{year: 2022, value: 70}", target="{year: 2025, value: 76}")
    assert got == ("on-track", None)  # 72 against the 72 expected in 2023; the old 90 is not compared


@pytest.mark.parametrize(
    ("observations", "goal", "reason"),
    [
        ("  []\n", {}, "no-observations"),
        ("  - {year: 2023, value: 93}\n", {"target": None}, "no-target"),
        ("  - {year: 2023, value: 93}\n", {"baseline": None}, "no-baseline"),
        ("  - {year: 2019, value: 93}\n", {}, "before-baseline"),
        ("  - {year: 2020, value: 90}\n", {}, "before-baseline"),  # only the baseline itself: no movement yet
    ],
)
def test_no_data_says_why(observations: str, goal: dict[str, str | None], reason: str) -> None:
    assert _verdict(observations, "higher-is-better", **goal) == ("no-data", reason)


def test_a_goal_without_an_indicator_has_no_data() -> None:
    priority = _priority("  - id: p1-g1\n    title: Ohjeet päivitetty\n")
    (g,) = status(_strategy({"priorities/p1.yaml": priority}), 2024).goals()
    assert (g.verdict, g.reason, g.points) == ("no-data", "no-indicator", ())


@pytest.mark.parametrize(("year", "stale"), [(2022, False), (2023, False), (2024, True)])
def test_stale_when_a_newer_value_is_overdue(year: int, stale: bool) -> None:
    # Published every 2 years, latest 2020: the 2022 value is due by 2023 (a year to publish it).
    indicator = _indicator("  - {year: 2018, value: 88}\n  - {year: 2020, value: 90}\n", frequency=2)
    s = _strategy({"indicators/luottamus.yaml": indicator})
    (ind,) = status(s, year).indicators
    assert (ind.due, ind.stale) == (2023, stale)
    (g,) = status(s, year).goals()
    assert g.stale is stale


COMMITMENTS = """organisation: poliisihallitus
commitments:
  - id: a
    action: Iso ohjelma
    goals: [p1-g1, p1-g2]
    period: {start: 2022}
    status: in-progress
    progress: 50
    resources:
      - {year: 2022, budget_line: 26.10.01, euros: 300000}
  - id: b
    action: Esite
    goals: [p1-g1]
    period: {start: 2022}
    status: done
    progress: 20
    resources:
      - {year: 2022, budget_line: 26.10.01, euros: 100000}
  - id: c
    action: Peruttu hanke
    goals: [p1-g1]
    period: {start: 2022}
    status: cancelled
    progress: 90
    resources:
      - {year: 2022, budget_line: 26.10.01, euros: 500000}
  - id: d
    action: Suunnitelma
    goals: [p1-g2]
    period: {start: 2023}
"""


def test_progress_rolls_up_per_goal_and_priority() -> None:
    goals = _goal() + "  - id: p1-g2\n    title: Toinen\n"
    s = _strategy({"priorities/p1.yaml": _priority(goals), "commitments/poliisihallitus.yaml": COMMITMENTS})
    (p,) = status(s, 2024).priorities
    g1, g2 = p.goals
    # p1-g1: a (50 %, 300 000 €), b (done: 100 %, 100 000 €); c cancelled is counted but not averaged.
    assert g1.progress.commitments == 3
    assert dict(g1.progress.by_status) == {"planned": 0, "in-progress": 1, "done": 1, "cancelled": 1}
    assert g1.progress.mean == Decimal(75)
    assert g1.progress.weighted == Decimal("62.5")  # (50·300 000 + 100·100 000) / 400 000
    assert g1.progress.euros == Decimal(400000)
    # p1-g2: a (50 %) and d (planned, 0 %, no euros).
    assert (g2.progress.mean, g2.progress.weighted) == (Decimal(25), Decimal(50))
    # The priority counts `a` once although it serves both goals.
    assert p.progress.commitments == 4
    assert p.progress.mean == Decimal(50)
    assert p.progress.euros == Decimal(400000)


def test_sparkline_scales_each_series_and_marks_breaks() -> None:
    points = [
        Point(2018, Decimal(1)),
        Point(2019, Decimal(5)),
        Point(2020, Decimal(9)),
        Point(2021, Decimal(40), False),
    ]
    assert sparkline(points) == "▁▅█┆▄"  # 5 is halfway: the fifth of eight bars
    assert sparkline([]) == ""


# End to end through the command line.


@pytest.fixture
def monitored(tmp_path: Path) -> Path:
    files: dict[str, str | bytes] = dict(MINIMAL)
    files["indicators/luottamus.yaml"] = _indicator(
        "  - {year: 2016, value: 96}\n  - {year: 2018, value: 95}\n  - {year: 2020, value: 90}\n  - {year: 2022, value: 92}\n",
        frequency=2,
    )
    files["priorities/p1.yaml"] = _priority(_goal())
    return write_tree(tmp_path / "repo", files)


def test_text_report(monitored: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["status", "-C", str(monitored), "--year", "2024", "--no-cache"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == (
        "Tilanne vuonna 2024: Tavoitteita 1: oikealla tiellä 1, jäljessä 0, saavutettu 0, ei tietoa 0"
    )
    assert "1. Turvallisuuden tunne (käynnissä)" in out
    assert "  ✓ p1-g1  Luottamus kasvaa" in out
    assert "      Luottamus poliisiin  █▇▁▃" in out
    assert (
        "Viimeisin 92\u00a0% (2022) · Lähtötaso 90\u00a0% (2020) · Tavoitetaso 95\u00a0% (2025) · Odotettu 92\u00a0% (2022)\n"
        in out
    )
    assert "1 sitoumus (1 suunniteltu)" in out
    assert "⚠" not in out


def test_stale_data_is_flagged_against_the_given_year(
    monitored: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["status", "-C", str(monitored), "--year", "2026", "--lang", "en", "--no-cache"]) == 0
    out = capsys.readouterr().out
    assert (
        "Status in 2026: Goals 1: on track 0, off track 0, achieved 0, no data 1; stale indicators 1" in out
    )  # a value of 2022 that should have had a successor by 2025 gives no verdict
    assert "⚠ stale: a new value was due by 2025" in out
    # No verdict on old data: "no current data", with the last known value and its year.
    assert "  ? p1-g1  Luottamus kasvaa (in Finnish)\n" in out
    assert "      Assessment: No current data (last known value 92% from 2022)\n" in out
    assert "✓" not in out and "On track" not in out and "Expected" not in out
    # The name has no English version: the Finnish one is shown, marked as Finnish.
    assert (
        "⚠ luottamus  Luottamus poliisiin (in Finnish): Latest 92% (2022); a new value was due by 2025" in out
    )


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("fi", "Ei ajantasaista tietoa (viimeisin arvo 92\u00a0% vuodelta 2022)"),
        ("sv", "Inga aktuella uppgifter (senaste värdet 92\u00a0% från 2022)"),
        ("en", "No current data (last known value 92% from 2022)"),
    ],
)
def test_a_stale_goal_has_no_current_data_in_every_format(
    monitored: Path, capsys: pytest.CaptureFixture[str], lang: str, said: str
) -> None:
    # On track in 2024 (92 against the 92 expected in 2022); in 2026 the value of 2022 is overdue.
    base = ["status", "-C", str(monitored), "--year", "2026", "--lang", lang, "--no-cache"]
    assert main(base) == 0
    text = capsys.readouterr().out
    assert f": {said}\n" in text
    assert main([*base, "--format", "markdown"]) == 0
    row = next(line for line in capsys.readouterr().out.splitlines() if line.startswith("| Luottamus"))
    verdict = row.split(" | ")[1]
    assert verdict.startswith(f"? {said}; ⚠ ")
    assert "✓" not in row
    assert main([*base, "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    (goal,) = report["priorities"][0]["goals"]
    assert (goal["verdict"], goal["reason"], goal["stale"]) == ("no-data", "stale", True)
    assert goal["latest"] == {"year": 2022, "value": 92, "comparable": True}
    assert goal["expected"] is None
    assert report["counts"] == {"on-track": 0, "off-track": 0, "achieved": 0, "no-data": 1}


def test_the_expected_value_is_rounded_as_the_data_is_written(
    monitored: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # 90 in 2020 to 97 in 2023: 92.333… expected in 2021, written with one decimal more than the data.
    path = monitored / "priorities" / "p1.yaml"
    path.write_text(_priority(_goal(target="{year: 2023, value: 97}")), encoding="utf-8")
    indicator = monitored / "indicators" / "luottamus.yaml"
    indicator.write_text(
        _indicator("  - {year: 2020, value: 90}\n  - {year: 2021, value: 93}\n"), encoding="utf-8"
    )
    assert main(["status", "-C", str(monitored), "--year", "2022", "--no-cache", "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "Latest 93% (2021) · Baseline 90% (2020) · Target 97% (2023) · Expected 92.3% (2021)\n" in out
    assert main(["status", "-C", str(monitored), "--year", "2022", "--no-cache", "--format", "json"]) == 0
    (goal,) = json.loads(capsys.readouterr().out)["priorities"][0]["goals"]
    assert goal["expected"] == 92.3


def test_json_report(monitored: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(
            [
                "status",
                "-C",
                str(monitored),
                "--format",
                "json",
                "--year",
                "2024",
                "--lang",
                "sv",
                "--no-cache",
            ]
        )
        == 0
    )
    report = json.loads(capsys.readouterr().out)
    assert report["year"] == 2024
    assert report["counts"] == {"on-track": 1, "off-track": 0, "achieved": 0, "no-data": 0}
    (priority,) = report["priorities"]
    (goal,) = priority["goals"]
    assert goal["verdict"] == "on-track"
    assert goal["latest"] == {"year": 2022, "value": 92, "comparable": True}
    assert goal["expected"] == 92
    assert [p["year"] for p in goal["series"]] == [2016, 2018, 2020, 2022]
    assert report["indicators"][0] == {
        "id": "luottamus",
        "direction": "higher-is-better",
        "frequency_years": 2,
        "latest": {"year": 2022, "value": 92, "comparable": True},
        "due": 2025,
        "stale": False,
        "series": goal["series"],
    }


def test_markdown_report_escapes_record_text(monitored: Path, capsys: pytest.CaptureFixture[str]) -> None:
    hostile = "<script>alert(1)</script> | [x](javascript:alert(1)) @kaikki"
    path = monitored / "priorities" / "p1.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("Luottamus kasvaa", json.dumps(hostile)), encoding="utf-8"
    )
    assert main(["status", "-C", str(monitored), "--format", "markdown", "--year", "2024", "--no-cache"]) == 0
    out = capsys.readouterr().out
    assert "<script>" not in out and "@kaikki" not in out
    row = next(line for line in out.splitlines() if "alert" in line)
    # `[` escaped: the brackets and the address after them are text, not a link.
    assert row.startswith(
        "| &lt;script&gt;alert(1)&lt;/script&gt; \\| \\[x\\](javascript:alert(1)) @\u200bkaikki"
    )
    assert row.count(" | ") == 7  # eight cells: the | in the title did not add one


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--year", "99"], "--year 99: give a year between 1900 and 2200"),
        (["--format", "html"], "'html' is not one of"),
    ],
)
def test_bad_options_exit_2(
    monitored: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    assert main(["status", "-C", str(monitored), *args]) == 2
    assert message in capsys.readouterr().err


def test_not_a_repository_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["status", "-C", str(tmp_path)]) == 2
    assert capsys.readouterr().err.startswith("sisturva: error: ")


def test_invalid_files_give_exit_1_with_a_note(monitored: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (monitored / "organisations" / "broken.yaml").write_text("id: broken\nkind: nonsense\n", encoding="utf-8")
    assert main(["status", "-C", str(monitored), "--year", "2024", "--no-cache"]) == 1
    captured = capsys.readouterr()
    assert "oikealla tiellä" in captured.out
    assert captured.err.startswith("sisturva: note: validation found 2 errors;")


def test_example_strategy(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["status", "-C", str(PROJECT / "strategy"), "--format", "json", "--year", "2026"]) == 0
    report = json.loads(capsys.readouterr().out)
    goals = [g for p in report["priorities"] for g in p["goals"]]
    assert len(report["priorities"]) == 8 and goals
    assert {g["verdict"] for g in goals} <= set(VERDICTS)
    # The trust-in-police series breaks in 2023 (a method change): no verdict across it.
    trust = next(g for g in goals if g["indicator"] == "luottamus-poliisiin")
    assert (trust["verdict"], trust["reason"]) == ("no-data", "break")


def test_text_report_shows_no_control_characters(monitored: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = monitored / "priorities" / "p1.yaml"
    text = path.read_text(encoding="utf-8").replace(
        "title: Luottamus kasvaa", 'title: "\\e[31mpunainen\\rrivi\\u009b"'
    )
    path.write_text(text + "    status: proposed\n", encoding="utf-8")
    assert main(["status", "-C", str(monitored), "--year", "2024", "--no-cache"]) == 0
    out = capsys.readouterr().out
    # Shown as escapes on the goal's one line: the user sees what the title holds.
    assert "  ✓ p1-g1  \\x1b[31mpunainen\\rrivi\\x9b (ehdotettu)\n" in out
    assert not any(ch in out for ch in "\x1b\r\x9b")


RANK = {"off-track": 0, "on-track": 1, "achieved": 2}


@given(
    base=st.integers(-1000, 1000),
    change=st.integers(-500, 500),
    years=st.integers(1, 10),
    seen=st.integers(1, 12),
    value=st.integers(-2000, 2000),
    better=st.integers(0, 100),
    direction=st.sampled_from(["higher-is-better", "lower-is-better"]),
)
def test_a_better_value_never_gets_a_worse_verdict(
    base: int, change: int, years: int, seen: int, value: int, better: int, direction: str
) -> None:
    goal = Goal(
        id="p1-g1",
        title="x",
        indicator="i",
        baseline=Measure(year=2020, value=Decimal(base)),
        target=Measure(year=2020 + years, value=Decimal(base + change)),
    )
    step = better if direction == "higher-is-better" else -better
    verdicts = []
    for observed in (value, value + step):
        indicator = Indicator(
            id="i",
            name="x",
            unit="%",
            direction=direction,  # type: ignore[arg-type]
            observations=[Observation(year=2020 + seen, value=Decimal(observed))],
        )
        found, reason, _ = verdict(goal, indicator_status(indicator, 2020 + seen))  # judged while current
        assert reason is None
        verdicts.append(RANK[found])
    assert verdicts[0] <= verdicts[1]


# Suspect commitments: a goal changed after the commitments serving it were confirmed.

TWO_GOALS = MINIMAL["priorities/p1.yaml"] + (
    "  - id: p1-g2\n    title: {fi: Apu tulee ajoissa, sv: Hjälpen kommer i tid}\n    indicator: luottamus\n"
)
SM = (
    "organisation: sm\n"
    "commitments:\n"
    "  - id: sm-ohjaus\n"
    "    action: Ohjaus\n"
    "    goals: [p1-g2, p1-g1]\n"
    "    period: {start: 2022, end: 2022}\n"
)


def _json(capsys: pytest.CaptureFixture[str], root: Path) -> dict[str, object]:
    assert main(["status", "-C", str(root), "--format", "json", "--year", "2021", "--no-cache"]) == 0
    report: dict[str, object] = json.loads(capsys.readouterr().out)
    return report


def _suspects(report: dict[str, object]) -> tuple[object, object, object, dict[str, object]]:
    priorities = report["priorities"]
    assert isinstance(priorities, list)
    (priority,) = priorities
    goals = {g["id"]: g["suspect"] for g in priority["goals"]}
    return report["suspect"], report["suspect_by_org"], priority["suspect"], goals


def test_suspect_commitments_are_counted_per_priority_and_organisation(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = write_tree(
        init(tmp_path / "r"), {**MINIMAL, "priorities/p1.yaml": TWO_GOALS, "commitments/sm.yaml": SM}
    )
    commit(root, "Strategy")
    assert _suspects(_json(capsys, root)) == (0, {}, 0, {"p1-g1": 0, "p1-g2": 0})
    assert main(["confirm", "--all", "-C", str(root)]) == 0
    capsys.readouterr()
    commit(root, "Confirm every commitment")
    assert _suspects(_json(capsys, root)) == (0, {}, 0, {"p1-g1": 0, "p1-g2": 0})

    # Both goals change: sm-ohjaus serves both and is suspect for both, yet one commitment of the priority.
    path = root / "priorities/p1.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("target: {year: 2025, value: 92}", "target: {year: 2025, value: 95}")
    path.write_text(text.replace("Apu tulee ajoissa", "Apu tulee aina ajoissa"), encoding="utf-8")
    commit(root, "Raise the target, sharpen a title")
    assert _suspects(_json(capsys, root)) == (
        2,
        {"poliisihallitus": 1, "sm": 1},
        2,
        {"p1-g1": 2, "p1-g2": 1},
    )
    assert main(["status", "-C", str(root), "--year", "2021", "--no-cache", "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].endswith("; 2 suspect commitments")
    assert "\n  ⚠ 2 suspect commitments\n  ? p1-g1" in out  # the priority's
    assert out.endswith(
        "Suspect commitments by organisation (the goal changed after they were confirmed)\n"
        "  ⚠ Poliisihallitus (poliisihallitus): 1\n"
        "  ⚠ Sisäministeriö (sm): 1\n"
    )  # names as they are written: no "(in Finnish)" after an organisation's name
    assert main(["status", "-C", str(root), "--year", "2021", "--no-cache", "--format", "markdown"]) == 0
    assert "\n- Sisäministeriö (sm): 1\n" in capsys.readouterr().out

    # Confirmed again: only the other organisation's commitment is left.
    assert main(["confirm", "sm-ohjaus", "-C", str(root)]) == 0
    capsys.readouterr()
    assert _suspects(_json(capsys, root)) == (1, {"poliisihallitus": 1}, 1, {"p1-g1": 1, "p1-g2": 0})
