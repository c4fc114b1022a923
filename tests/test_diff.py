"""Semantic diff: golden cases (old/ and new/ trees committed in turn), matching rules, Markdown safety."""

from __future__ import annotations

import json
import os
import re
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sisturva.cli import main
from sisturva.diff import Comparison, FieldChange, RecordChange, Revision, compare_values
from sisturva.reports.diff import LIMIT, markdown, row
from sisturva.safetext import markdown_cell as md

from .conftest import MINIMAL
from .gitrepo import commit, git, init, replace_tree, write

CASES = Path(__file__).parent / "cases" / "diff"
FORMATS = {"text": "txt", "markdown": "md", "json": "json"}
REGEN = os.environ.get("SISTURVA_REGEN") == "1"


def _case_repo(tmp_path: Path, case: Path) -> tuple[Path, str, str]:
    repo = init(tmp_path / "repo")
    replace_tree(repo, case / "old")
    base = commit(repo, "old", date="2024-01-01T12:00:00+02:00")
    replace_tree(repo, case / "new")
    head = commit(repo, "new", date="2024-02-01T12:00:00+02:00")
    return repo, base, head


def _normal(text: str, base: str, head: str) -> str:
    for sha, name in ((base, "BASE"), (head, "HEAD")):
        text = text.replace(sha, f"<{name}>").replace(sha[:12], f"<{name[:4]}>")
    return text


@pytest.mark.parametrize("case", sorted(p.name for p in CASES.iterdir() if p.is_dir()))
def test_golden_case(
    case: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    repo, base, head = _case_repo(tmp_path, CASES / case)
    monkeypatch.chdir(repo)
    for fmt, ext in FORMATS.items():
        code = main(["diff", base, head, "--format", fmt])
        out = _normal(capsys.readouterr().out, base, head)
        assert code == 0
        golden = CASES / case / f"expected.{ext}"
        if REGEN or not golden.exists():
            golden.write_text(out, encoding="utf-8")
        assert out == golden.read_text(encoding="utf-8"), f"{case} {fmt}: run with SISTURVA_REGEN=1 to update"


def test_exit_code_is_one_when_there_are_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    repo, base, head = _case_repo(tmp_path, CASES / "modified")
    monkeypatch.chdir(repo)
    assert main(["diff", base, head, "--exit-code", "--no-findings"]) == 1
    assert main(["diff", head, head, "--exit-code"]) == 0
    assert "Ei muutoksia strategiaan." in capsys.readouterr().out


def test_reordering_is_not_a_change(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    repo, base, head = _case_repo(tmp_path, CASES / "reordered")
    monkeypatch.chdir(repo)
    assert main(["diff", base, head, "--format", "json"]) == 0
    body = json.loads(capsys.readouterr().out)
    assert body["changes"] == [] and body["changed"] is False
    assert body["paths"] == ["strategy.yaml", "priorities/p1.yaml", "commitments/poliisihallitus.yaml"]


def test_contract_of_a_modified_commitment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    repo, base, head = _case_repo(tmp_path, CASES / "modified")
    monkeypatch.chdir(repo)
    main(["diff", base, head, "--format", "json"])
    body = json.loads(capsys.readouterr().out)
    assert body["base"] == {"revision": base, "commit": base}
    assert body["head"] == {"revision": head, "commit": head}
    by_id = {c["id"]: c for c in body["changes"]}
    fields = {f["field"]: f for f in by_id["poha-viestinta"]["fields"]}
    assert fields["resources[2022/26.10.01].euros"] == {
        "field": "resources[2022/26.10.01].euros",
        "before": 100000,
        "after": 150000,
        "delta": 50000,
    }
    training = {f["field"]: f for f in by_id["poha-koulutus"]["fields"]}
    assert training["action.en"] == {"field": "action.en", "before": None, "after": "Training"}
    assert training["resources[2023/26.10.01].euros"]["delta"] == -50000
    assert by_id["luottamus"]["fields"] == [
        {"field": "observations[2022].value", "before": None, "after": 93}
    ]
    money = {(m["organisation"], m["year"]): m for m in body["money"]}
    assert money[("poliisihallitus", 2022)]["euros"] == {"before": 150000, "after": 200000, "delta": 50000}
    assert money[("poliisihallitus", 2023)]["euros"]["delta"] == -50000
    assert set(body["findings"]) == {"checked", "introduced", "resolved"}


def test_renames_declared_and_found_by_content(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    repo, base, head = _case_repo(tmp_path, CASES / "renamed")
    monkeypatch.chdir(repo)
    main(["diff", base, head, "--format", "json", "--no-findings"])
    changes = json.loads(capsys.readouterr().out)["changes"]
    renamed = {(c["previous_id"], c["id"]) for c in changes if c["change"] == "renamed"}
    assert renamed == {("poha-koulutus", "poha-koulutus-2022"), ("om", "oikeusministerio")}
    assert not [c for c in changes if c["change"] in ("added", "removed")]


def test_findings_introduced_and_resolved(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = init(tmp_path / "repo")
    write(repo, dict(MINIMAL))
    commit(repo, "valid")
    broken = MINIMAL["commitments/poliisihallitus.yaml"].replace("goals: [p1-g1]", "goals: [p1-g7]")
    write(repo, {"commitments/poliisihallitus.yaml": broken})
    commit(repo, "broken")
    monkeypatch.chdir(repo)
    main(["diff", "HEAD~1", "HEAD", "--format", "json"])
    findings = json.loads(capsys.readouterr().out)["findings"]
    introduced = [(f["code"], f["id"], f["path"]) for f in findings["introduced"]]
    assert ("SIS201", "poha-viestinta", "commitments/poliisihallitus.yaml") in introduced
    assert findings["resolved"] == []
    main(["diff", "HEAD", "HEAD~1", "--format", "json"])
    reverse = json.loads(capsys.readouterr().out)["findings"]
    assert [(f["code"], f["id"], f["path"]) for f in reverse["resolved"]] == introduced
    assert reverse["introduced"] == []


def test_working_tree_and_index(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = init(tmp_path / "repo")
    write(repo, dict(MINIMAL))
    commit(repo, "first")
    monkeypatch.chdir(repo)
    write(repo, {"organisations/om.yaml": "id: om\nname: Oikeusministeriö\nkind: ministry\n"})
    assert main(["diff", "--format", "json", "--no-findings"]) == 0
    body = json.loads(capsys.readouterr().out)
    assert body["head"] == {"revision": "(working tree)", "commit": None}
    assert [(c["id"], c["change"]) for c in body["changes"]] == [("om", "added")]
    main(["diff", "--staged", "--format", "json", "--no-findings"])
    assert json.loads(capsys.readouterr().out)["changes"] == []
    git(repo, "add", "organisations/om.yaml")
    write(repo, {"organisations/om.yaml": "id: om\nname: Justitieministeriet\nkind: ministry\n"})
    main(["diff", "--staged", "--format", "json", "--no-findings"])
    staged = json.loads(capsys.readouterr().out)["changes"]
    assert [(c["id"], c["fields"][1]["after"]) for c in staged] == [("om", "Oikeusministeriö")]
    main(["diff", "--format", "json", "--no-findings"])
    worktree = json.loads(capsys.readouterr().out)["changes"]
    assert [f["after"] for f in worktree[0]["fields"] if f["field"] == "name"] == ["Justitieministeriet"]


def test_merge_base_with_three_dots(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = init(tmp_path / "repo")
    write(repo, dict(MINIMAL))
    commit(repo, "first")
    git(repo, "checkout", "-q", "-b", "feature")
    write(repo, {"organisations/om.yaml": "id: om\nname: Oikeusministeriö\nkind: ministry\n"})
    commit(repo, "feature adds om")
    git(repo, "checkout", "-q", "main")
    write(repo, {"organisations/vm.yaml": "id: vm\nname: Valtiovarainministeriö\nkind: ministry\n"})
    commit(repo, "main adds vm")
    monkeypatch.chdir(repo)
    main(["diff", "main...feature", "--format", "json", "--no-findings"])
    assert [(c["id"], c["change"]) for c in json.loads(capsys.readouterr().out)["changes"]] == [
        ("om", "added")
    ]
    main(["diff", "main..feature", "--format", "json", "--no-findings"])
    two = {(c["id"], c["change"]) for c in json.loads(capsys.readouterr().out)["changes"]}
    assert two == {("om", "added"), ("vm", "removed")}


def test_keyed_lists_and_sets() -> None:
    before = {"goals": ["a", "b"], "resources": [{"year": 2022, "budget_line": "x", "euros": Decimal(5)}]}
    after = {"goals": ["b", "a"], "resources": [{"year": 2022, "budget_line": "x", "euros": Decimal(7)}]}
    assert compare_values(before, after) == [
        FieldChange("resources[2022/x].euros", Decimal(5), Decimal(7), Decimal(2))
    ]
    assert compare_values({"title": "Turva"}, {"title": {"fi": "Turva", "sv": "Trygghet"}}) == [
        FieldChange("title.sv", None, "Trygghet")
    ]


# -- Markdown safety --------------------------------------------------------------------------------

_PIPE = re.compile(r"(?<!\\)\|")
_OUR_TAGS = re.compile(r"</?(details|summary)>|<!-- sisturva-review -->")


def _well_formed(text: str) -> None:
    """Every table row has its table's column count; no HTML but ours; no live mention or link."""
    columns = None
    for line in text.splitlines():
        if line.startswith("|"):
            cells = len(_PIPE.findall(line)) - 1
            if columns is None:
                columns = cells
            assert cells == columns, line
        else:
            columns = None
        assert "<" not in _OUR_TAGS.sub("", line), line
        assert not re.search(r"@(?!\u200b)", line), line
        assert "](" not in line.replace("\\](", ""), line
    assert text.count("<details>") == text.count("</details>")


def _comparison(titles: list[str]) -> Comparison:
    changes = tuple(
        RecordChange(
            "commitments",
            f"c-{i}",
            "modified",
            "commitments/x.yaml",
            i + 1,
            (FieldChange("action", "vanha", title), FieldChange("resources[2022/1].euros", 1, 2, Decimal(1))),
            title,
        )
        for i, title in enumerate(titles)
    )
    return Comparison(Revision("main", "a" * 40), Revision("HEAD", "b" * 40), changes, ())


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(max_size=400), min_size=1, max_size=5))
def test_markdown_stays_a_well_formed_table_under_fuzzed_text(titles: list[str]) -> None:
    _well_formed(markdown(_comparison(titles), "fi"))


@given(st.text())
def test_a_cell_never_breaks_out(text: str) -> None:
    line = row([md(text), md(text)])
    assert "\n" not in line and len(_PIPE.findall(line)) == 3


def test_nasty_record_text_end_to_end(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    repo, base, head = _case_repo(tmp_path, CASES / "hostile-text")
    monkeypatch.chdir(repo)
    main(["diff", base, head, "--format", "markdown"])
    out = capsys.readouterr().out
    _well_formed(out)
    assert "<script>" not in out and "https://evil" not in out


def test_long_output_is_cut_with_a_note() -> None:
    out = markdown(_comparison([f"toimenpide {i} " + "x" * 250 for i in range(2000)]), "en")
    assert len(out) <= LIMIT
    assert "Output cut at 65,536 characters" in out
    _well_formed(out)


def test_work_tree_findings_follow_the_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = init(tmp_path / "repo")
    write(repo, dict(MINIMAL))
    commit(repo, "first")
    monkeypatch.chdir(repo)
    broken = MINIMAL["organisations/poliisihallitus.yaml"].replace("parent: sm", "parent: smm")
    for content, expected in ((broken, ["SIS201"]), (MINIMAL["organisations/poliisihallitus.yaml"], [])):
        write(repo, {"organisations/poliisihallitus.yaml": content})
        main(["diff", "--format", "json"])
        introduced = json.loads(capsys.readouterr().out)["findings"]["introduced"]
        assert [f["code"] for f in introduced] == expected


def test_defaults_and_patterns_repeated_from_the_models() -> None:
    from sisturva import models
    from sisturva.diff import DEFAULTS, LANGUAGES
    from sisturva.history import ID_PATTERN

    owners: dict[str, type[models.Model]] = {
        "commitments": models.Commitment,
        "goals": models.Goal,
        "indicators": models.Indicator,
        "settings": models.Settings,
        "resources": models.Resource,
        "observations": models.Observation,
        "record": models.Record,
    }
    for context, defaults in DEFAULTS.items():
        fields = {info.alias or name: info for name, info in owners[context].model_fields.items()}
        for key, value in defaults.items():
            info = fields[key]
            default = info.default_factory() if info.default_factory else info.default  # type: ignore[call-arg]
            assert default == value, (context, key)
    assert ID_PATTERN == models.ID_PATTERN and LANGUAGES == models.LANGUAGES


def test_extra_sections_appear_in_every_format(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from sisturva.commands import diff as command
    from sisturva.diff import Section

    def builder(sides: command.Sides, result: Comparison, lang: str) -> Section:
        rows = tuple((r.organisation, str(r.year)) for r in result.money)
        return Section(
            "extra", "Lisäosio | <b>", ("Organisaatio", "Vuosi"), rows, {"rows": len(rows)}, ("huom",)
        )

    monkeypatch.setattr(command, "SECTIONS", [builder])
    repo, base, head = _case_repo(tmp_path, CASES / "modified")
    monkeypatch.chdir(repo)
    main(["diff", base, head, "--format", "json", "--no-findings"])
    assert json.loads(capsys.readouterr().out)["extra"] == {"rows": 2}
    main(["diff", base, head, "--format", "markdown", "--no-findings"])
    out = capsys.readouterr().out
    assert "#### Lisäosio \\| &lt;b&gt;" in out and "| poliisihallitus | 2023 |" in out
    _well_formed(out)
    main(["diff", base, head, "--no-findings"])
    assert "Lisäosio | <b>" in capsys.readouterr().out


def test_deleted_and_unreadable_work_tree_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = init(tmp_path / "repo")
    write(repo, dict(MINIMAL))
    commit(repo, "first")
    monkeypatch.chdir(repo)
    write(repo, {"organisations/sm.yaml": None, "organisations/notes.yml": "id: x\n"})
    assert main(["diff", "--format", "json", "--exit-code"]) == 1
    body = json.loads(capsys.readouterr().out)
    assert [(c["id"], c["change"]) for c in body["changes"]] == [("sm", "removed")]
    assert "SIS015" in {f["code"] for f in body["findings"]["introduced"]}
