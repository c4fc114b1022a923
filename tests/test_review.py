"""`review BASE HEAD`: the pull-request comment, its JSON and annotations, and who must review."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from sisturva.cli import main

from .conftest import MINIMAL, PROJECT
from .gitrepo import commit, init, write

C = MINIMAL["commitments/poliisihallitus.yaml"]
OWNED = MINIMAL["organisations/poliisihallitus.yaml"] + "owners: ['@poliisi/strategia']\n"


@pytest.fixture
def pull(tmp_path: Path) -> Path:
    """main with the minimal strategy; HEAD raises a commitment and breaks a goal reference."""
    repo = init(tmp_path / "repo")
    write(repo, {**MINIMAL, "organisations/poliisihallitus.yaml": OWNED})
    commit(repo, "base")
    changed = C.replace("euros: 100000", "euros: 130000").replace("goals: [p1-g1]", "goals: [p1-g1, p1-g5]")
    write(repo, {"commitments/poliisihallitus.yaml": changed})
    commit(repo, "pull request")
    return repo


def test_markdown_comment(
    pull: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(pull)
    assert main(["review", "HEAD~1", "HEAD", "--lang", "en"]) == 1
    out = capsys.readouterr().out
    assert out.startswith("<!-- sisturva-review -->\n**Validation of the changed files:** ✗ 1 error")
    assert "| `SIS201` | `commitments/poliisihallitus.yaml:5:20` | unknown goal 'p1\\-g5'" not in out
    assert "`commitments/poliisihallitus.yaml:5:20`" in out
    assert "| `poliisihallitus` | Poliisihallitus | `@poliisi/strategia` |" in out
    assert "+30,000 €" in out
    assert out.count("<details>") == out.count("</details>")


def test_json_and_github(
    pull: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(pull)
    assert main(["review", "HEAD~1", "HEAD", "--format", "json"]) == 1
    body = json.loads(capsys.readouterr().out)
    assert body["changed"] is True
    owners = ["@poliisi/strategia"]
    change = {"path": "commitments/poliisihallitus.yaml", "records": ["poha-viestinta"]}
    assert body["reviewers"] == [
        {
            "organisation": "poliisihallitus",
            "name": "Poliisihallitus",
            "owners": owners,
            "owners_before": owners,
            "owners_after": owners,
            "removed": False,
            "because": [{"role": "organisation", "of": None, **change}],
        },
        {
            "organisation": "sm",
            "name": "Sisäministeriö",
            "owners": [],
            "owners_before": [],
            "owners_after": [],
            "removed": False,
            "because": [{"role": "parent", "of": "poliisihallitus", **change}],
        },
    ]
    assert [f["code"] for f in body["touched"]["findings"] if f["severity"] == "error"] == ["SIS201"]
    assert [f["code"] for f in body["findings"]["introduced"]] == ["SIS201"]
    assert body["money"][0]["euros"] == {"before": 100000, "after": 130000, "delta": 30000}
    assert main(["review", "HEAD~1", "HEAD", "--format", "github"]) == 1
    out = capsys.readouterr().out
    assert (
        "::error file=commitments/poliisihallitus.yaml,line=5,col=20,title=SIS201::unknown goal 'p1-g5'"
        in out
    )


def test_nothing_changed_is_one_line(
    pull: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write(pull, {"README.md": "not part of the strategy\n"})
    commit(pull, "docs only")
    monkeypatch.chdir(pull)
    for fmt, expected in (
        ("markdown", "Ei muutoksia strategiaan.\n"),
        ("github", "No changes to the strategy.\n"),
    ):
        assert main(["review", "HEAD~1", "HEAD", "--format", fmt]) == 0
        assert capsys.readouterr().out == expected
    assert main(["review", "HEAD~1", "HEAD", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["changed"] is False


def test_review_from_a_subprocess(pull: Path) -> None:
    done = subprocess.run(
        [str(PROJECT / ".venv" / "bin" / "sisturva"), "review", "HEAD~1", "HEAD", "--format", "json"],
        cwd=pull,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1 and json.loads(done.stdout)["counts"]["modified"] == 1


def test_review_is_against_the_merge_base(
    pull: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from .gitrepo import git

    git(pull, "branch", "-f", "pr", "HEAD")
    git(pull, "reset", "-q", "--hard", "HEAD~1")
    write(pull, {"organisations/om.yaml": "id: om\nname: Oikeusministeriö\nkind: ministry\n"})
    commit(pull, "main moves on")
    monkeypatch.chdir(pull)
    assert main(["review", "main", "pr", "--format", "json"]) == 1
    body = json.loads(capsys.readouterr().out)
    assert [c["id"] for c in body["changes"]] == ["poha-viestinta"]
    assert body["head"]["revision"] == "pr"


# -- who reviews --------------------------------------------------------------------------------------

SM = MINIMAL["organisations/sm.yaml"] + "owners: ['@sm/sihteeristo']\n"
THL = "id: thl\nname: {fi: Terveyden ja hyvinvoinnin laitos, en: Finnish Institute for Health and Welfare}\n"
THL += "kind: agency\nowners: ['@thl/painopiste']\n"
OWNED_BASE: dict[str, str | bytes | None] = {
    **MINIMAL,
    "organisations/poliisihallitus.yaml": OWNED,
    "organisations/sm.yaml": SM,
    "organisations/thl.yaml": THL,
    "priorities/p1.yaml": MINIMAL["priorities/p1.yaml"].replace("chair: sm", "chair: thl"),
}
"""Every organisation has owners; the priority group of p1 is chaired by thl, the secretariat is sm."""


def _review(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    head: dict[str, str | bytes | None],
    *args: str,
    base: dict[str, str | bytes | None] | None = None,
) -> str:
    """The review of a pull request that changes `head` on top of `base` (default `OWNED_BASE`)."""
    repo = init(tmp_path / "repo")
    write(repo, dict(OWNED_BASE if base is None else base))
    commit(repo, "base")
    write(repo, head)
    commit(repo, "pull request")
    monkeypatch.chdir(repo)
    main(["review", "HEAD~1", "HEAD", *args])
    return capsys.readouterr().out


def _rows(out: str, organisation: str) -> list[str]:
    """The organisation's rows in the table of reviewers (the first table after its heading)."""
    heading = next(h for h in ("#### Reviewers", "#### Katselmoijat", "#### Granskare") if h in out)
    reviewers = out.split(heading, 1)[1].split("\n\n", 2)[1]
    return [line for line in reviewers.splitlines() if line.startswith(f"| `{organisation}` |")]


def test_a_commitments_change_names_its_organisation_and_the_parent(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    head: dict[str, str | bytes | None] = {"commitments/poliisihallitus.yaml": C.replace("100000", "120000")}
    out = _review(tmp_path, monkeypatch, capsys, head, "--lang", "en")
    reviewers = out.split("#### Reviewers", 1)[1].split("###", 1)[0]
    assert (
        "| `poliisihallitus` | Poliisihallitus | `@poliisi/strategia` | its own files: "
        "`commitments/poliisihallitus.yaml` (`poha-viestinta`) |" in reviewers
    )
    assert (
        "| `sm` | Sisäministeriö | `@sm/sihteeristo` | parent organisation of `poliisihallitus`: "
        "`commitments/poliisihallitus.yaml` (`poha-viestinta`) |" in reviewers
    )
    assert "thl" not in reviewers  # the chair reviews its priority, not every commitment to it
    # Listed, not pinged: every owner is inside a code span.
    assert "@" not in reviewers.replace("`@poliisi/strategia`", "").replace("`@sm/sihteeristo`", "")


def test_a_goal_change_names_the_chair_of_the_priority_group(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    priority = str(OWNED_BASE["priorities/p1.yaml"]).replace("value: 92", "value: 93")
    out = _review(tmp_path, monkeypatch, capsys, {"priorities/p1.yaml": priority}, "--lang", "en")
    (thl,) = _rows(out, "thl")
    assert thl == (
        "| `thl` | Finnish Institute for Health and Welfare | `@thl/painopiste` | "
        "chair of the priority group of `p1`: `priorities/p1.yaml` (`p1-g1`) |"
    )
    (sm,) = _rows(out, "sm")
    assert sm.endswith(
        "| `@sm/sihteeristo` | the secretariat, shared files: `priorities/p1.yaml` (`p1-g1`) |"
    )
    assert not _rows(out, "poliisihallitus")
    # The chair comes before the secretariat, in the reader's language.
    fi = _review(tmp_path / "fi", monkeypatch, capsys, {"priorities/p1.yaml": priority})
    assert "| `thl` | Terveyden ja hyvinvoinnin laitos | `@thl/painopiste` | " in fi
    assert "painopisteen `p1` painopisteryhmän puheenjohtaja: `priorities/p1.yaml`" in fi
    assert fi.index("| `thl` |") < fi.index("| `sm` |")


def test_a_strategy_change_names_the_secretariat(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    strategy = MINIMAL["strategy.yaml"].replace("Everyday security", "Security in everyday life")
    out = _review(tmp_path, monkeypatch, capsys, {"strategy.yaml": strategy}, "--lang", "sv")
    assert [line.split(" | ", 1)[0] for line in out.splitlines() if line.startswith("| `")][:1] == ["| `sm`"]
    (sm,) = _rows(out, "sm")
    assert sm.endswith(
        "| `@sm/sihteeristo` | sekretariatet, gemensamma filer: `strategy.yaml` (`strategy`) |"
    )
    assert not _rows(out, "poliisihallitus") and not _rows(out, "thl")


def test_a_templates_change_is_reviewed_by_the_secretariat(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    out = _review(
        tmp_path, monkeypatch, capsys, {"templates/base.html": "<p>{{ page }}</p>\n"}, "--lang", "en"
    )
    assert out.startswith("<!-- sisturva-review -->\n")
    (sm,) = _rows(out, "sm")
    assert sm.endswith("| the secretariat, shared files: `templates/base.html` |")
    assert "No changes to the strategy." in out


def test_dropping_owners_still_names_the_owners_of_the_base(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    head: dict[str, str | bytes | None] = {
        "organisations/poliisihallitus.yaml": OWNED.replace("'@poliisi/strategia'", "'@mallory'"),
        "organisations/sm.yaml": MINIMAL["organisations/sm.yaml"],
        "commitments/poliisihallitus.yaml": C.replace("100000", "900000"),
    }
    out = _review(tmp_path, monkeypatch, capsys, head, "--lang", "en")
    (poha,) = _rows(out, "poliisihallitus")
    assert poha.startswith("| `poliisihallitus` | Poliisihallitus | `@mallory`, `@poliisi/strategia` | ")
    assert (
        "`poliisihallitus`: the change removes the owner `@poliisi/strategia`. The owners before the "
        "change are listed too, since a change cannot remove its own reviewers.\n" in out
    )
    # sm edits itself out of its owners: the base's owners review the change all the same.
    (sm,) = _rows(out, "sm")
    assert "| `@sm/sihteeristo` |" in sm and "`sm`: the change removes the owner `@sm/sihteeristo`." in out
    body = json.loads(_review(tmp_path / "json", monkeypatch, capsys, head, "--format", "json"))
    found = {r["organisation"]: r for r in body["reviewers"]}
    assert found["poliisihallitus"]["owners"] == ["@mallory", "@poliisi/strategia"]
    assert found["poliisihallitus"]["owners_before"] == ["@poliisi/strategia"]
    assert found["poliisihallitus"]["owners_after"] == ["@mallory"]
    assert [(b["role"], b["of"], b["path"]) for b in found["sm"]["because"]] == [
        ("organisation", None, "organisations/sm.yaml"),
        ("parent", "poliisihallitus", "commitments/poliisihallitus.yaml"),
        ("parent", "poliisihallitus", "organisations/poliisihallitus.yaml"),
    ]


def test_a_removed_organisation_is_reviewed_by_its_owners_and_parent(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    om = "id: om\nname: {fi: Oikeusministeriö, sv: Justitieministeriet}\nkind: ministry\nparent: sm\n"
    base = {**OWNED_BASE, "organisations/om.yaml": om + "owners: ['@om/strategia']\n"}
    out = _review(tmp_path, monkeypatch, capsys, {"organisations/om.yaml": None}, "--lang", "sv", base=base)
    (row,) = _rows(out, "om")
    assert (
        row == "| `om` | Justitieministeriet | `@om/strategia` | egna filer: `organisations/om.yaml` (`om`) |"
    )
    assert "`om`: ändringen tar bort organisationen. Dess ägare före ändringen listas" in out
    assert _rows(out, "sm")[0].endswith(
        "| överordnad organisation för `om`: `organisations/om.yaml` (`om`) |"
    )


# -- added and removed records ---------------------------------------------------------------------

NEW = (
    "  - id: poha-uusi\n"
    "    action: {fi: Uusi toimi, sv: Ny åtgärd, en: New action}\n"
    "    goals: [p1-g1]\n"
    "    period: {start: 2022, end: 2022}\n"
    "    performance_target: turvallisuuden-tunne\n"
    "    resources:\n"
    "      - {year: 2022, budget_line: 26.10.01, euros: 50000, person_years: 0.5}\n"
)
LONG = (
    "  - id: poha-pitka\n"
    "    action: {fi: Pitkä toimi, en: A long action}\n"
    "    description: {fi: Kuvaus, en: What is done}\n"
    "    goals: [p1-g1]\n"
    "    status: in-progress\n"
    "    progress: 40\n"
    "    period: {start: 2022, end: 2022}\n"
    "    performance_target: turvallisuuden-tunne\n"
    "    resources:\n"
    "      - {year: 2022, budget_line: 26.10.01, euros: 1000, person_years: 0}\n"
)


def test_an_added_commitment_shows_its_fields(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    out = _review(
        tmp_path, monkeypatch, capsys, {"commitments/poliisihallitus.yaml": C + NEW}, "--lang", "en"
    )
    shown = out.split("#### Added records (1)\n", 1)[1]
    assert shown.startswith(
        "\n**commitment `poha-uusi`** New action · `commitments/poliisihallitus.yaml:10`\n\n"
        "| Field | Value |\n| --- | --- |\n"
        "| `action` | New action |\n"
        "| `goals` | p1-g1 |\n"
        "| `period` | start: 2022; end: 2022 |\n"
        "| `performance_target` | turvallisuuden-tunne |\n"
        "| `resources[2022/26.10.01]` | euros: 50,000 €; person\\_years: 0.5 |\n"
        "| `organisation` | poliisihallitus |\n"
    )
    assert "<details>" not in shown  # six fields: shown as they are
    # Shown once: the field-by-field rows of the diff leave the record out.
    assert "| `action.sv` |" not in out and "Field changes" not in out
    fi = _review(tmp_path / "fi", monkeypatch, capsys, {"commitments/poliisihallitus.yaml": C + NEW})
    assert "#### Lisätyt tietueet (1)" in fi and "**sitoumus `poha-uusi`** Uusi toimi · " in fi
    assert "| `resources[2022/26.10.01]` | euros: 50 000 €; person\\_years: 0,5 |" in fi


def test_a_long_record_is_folded_and_a_removed_one_shown(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    base = {**OWNED_BASE, "commitments/poliisihallitus.yaml": C + NEW}
    head: dict[str, str | bytes | None] = {"commitments/poliisihallitus.yaml": C + LONG}
    out = _review(tmp_path, monkeypatch, capsys, head, "--lang", "en", base=base)
    added = out.split("#### Added records (1)\n", 1)[1].split("#### Removed records", 1)[0]
    assert added.startswith(
        "\n**commitment `poha-pitka`** A long action · `commitments/poliisihallitus.yaml:10`\n\n"
        "<details>\n<summary>9 fields</summary>\n\n| Field | Value |\n"
    )
    assert "| `description` | What is done |\n" in added and "| `progress` | 40 |\n" in added
    assert added.rstrip().endswith("</details>")
    removed = out.split("#### Removed records (1)\n", 1)[1]
    assert "**commitment `poha-uusi`** New action · `commitments/poliisihallitus.yaml:10`" in removed
    assert "| `action` | New action |" in removed and "<details>" not in removed
    assert out.count("<details>") == out.count("</details>")


def test_many_added_records_are_cut_to_the_comment_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    many = "".join(
        LONG.replace("poha-pitka", f"poha-{i}").replace("What is done", "x" * 200).replace("1000", "100")
        for i in range(400)
    )
    out = _review(
        tmp_path, monkeypatch, capsys, {"commitments/poliisihallitus.yaml": C + many}, "--lang", "en"
    )
    assert len(out) <= 65_536
    assert out.count("<details>") == out.count("</details>")
    assert "#### Reviewers" in out and "#### Added records (400)" in out
    assert out.rstrip().endswith("*") and "65,536" in out.splitlines()[-1]


def test_json_carries_the_reviewers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    priority = str(OWNED_BASE["priorities/p1.yaml"]).replace("value: 92", "value: 93")
    body = json.loads(
        _review(
            tmp_path,
            monkeypatch,
            capsys,
            {"priorities/p1.yaml": priority},
            "--format",
            "json",
            "--lang",
            "en",
        )
    )
    assert [
        (
            r["organisation"],
            r["name"],
            r["owners"],
            [(b["role"], b["of"], b["path"], b["records"]) for b in r["because"]],
        )
        for r in body["reviewers"]
    ] == [
        (
            "thl",
            "Finnish Institute for Health and Welfare",
            ["@thl/painopiste"],
            [("chair", "p1", "priorities/p1.yaml", ["p1-g1"])],
        ),
        (
            "sm",
            "Sisäministeriö",
            ["@sm/sihteeristo"],
            [("secretariat", None, "priorities/p1.yaml", ["p1-g1"])],
        ),
    ]


# -- suspect commitments ----------------------------------------------------------------------------

SM_OWNED = MINIMAL["organisations/sm.yaml"] + "owners: ['@sm/strategia', '@sm/johto']\n"
SM_COMMITMENTS = (
    "organisation: sm\n"
    "commitments:\n"
    "  - id: sm-ohjaus\n"
    "    action: Ohjaus\n"
    "    goals: [p1-g2, p1-g1]\n"
    "    period: {start: 2022, end: 2022}\n"
)
TWO_GOALS = MINIMAL["priorities/p1.yaml"] + (
    "  - id: p1-g2\n    title: {fi: Apu tulee ajoissa, sv: Hjälpen kommer i tid}\n    indicator: luottamus\n"
)


@pytest.fixture
def confirmed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Path:
    """main with every commitment confirmed against its goals, and owners for both organisations."""
    repo = init(tmp_path / "repo")
    write(
        repo,
        {
            **MINIMAL,
            "organisations/poliisihallitus.yaml": OWNED,
            "organisations/sm.yaml": SM_OWNED,
            "priorities/p1.yaml": TWO_GOALS,
            "commitments/sm.yaml": SM_COMMITMENTS,
        },
    )
    monkeypatch.chdir(repo)
    assert main(["confirm", "--all"]) == 0
    capsys.readouterr()
    commit(repo, "confirmed")
    return repo


def _change(repo: Path, rel: str, old: str, new: str) -> None:
    text = (repo / rel).read_text(encoding="utf-8")
    assert old in text
    write(repo, {rel: text.replace(old, new)})
    commit(repo, "pull request")


def test_a_changed_goal_lists_the_commitments_it_makes_suspect(
    confirmed: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _change(confirmed, "priorities/p1.yaml", "value: 92}", "value: 95}")
    assert main(["review", "HEAD~1", "HEAD", "--format", "json", "--no-cache"]) == 0
    assert json.loads(capsys.readouterr().out)["suspect"] == [
        {
            "organisation": "poliisihallitus",
            "owners": ["@poliisi/strategia"],
            "commitments": [
                {
                    "id": "poha-viestinta",
                    "goal": "p1-g1",
                    "path": "commitments/poliisihallitus.yaml",
                    "line": 5,
                }
            ],
        },
        {
            "organisation": "sm",
            "owners": ["@sm/strategia", "@sm/johto"],
            "commitments": [{"id": "sm-ohjaus", "goal": "p1-g1", "path": "commitments/sm.yaml", "line": 5}],
        },
    ]
    assert main(["review", "HEAD~1", "HEAD", "--lang", "en", "--no-cache"]) == 0
    out = capsys.readouterr().out
    assert "#### Suspect commitments (2)\n" in out
    assert (
        "| `poliisihallitus` | `@poliisi/strategia` | `poha-viestinta` · `commitments/poliisihallitus.yaml:5` "
        "| `p1-g1` | `sisturva confirm poha-viestinta --goal p1-g1` |"
    ) in out
    assert (
        "| `sm` | `@sm/strategia`, `@sm/johto` | `sm-ohjaus` · `commitments/sm.yaml:5` "
        "| `p1-g1` | `sisturva confirm sm-ohjaus --goal p1-g1` |"
    ) in out
    # Listed, not pinged: the owners stand in code spans only.
    assert "@sm/johto" not in out.replace("`@sm/johto`", "")
    for lang, heading in (("fi", "Epäiltävät sitoumukset"), ("sv", "Misstänkta åtaganden")):
        assert main(["review", "HEAD~1", "HEAD", "--lang", lang]) == 0
        assert f"#### {heading} (2)\n" in capsys.readouterr().out


def test_a_change_leaving_the_goals_alone_lists_no_suspect_commitment(
    confirmed: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Already suspect before the change: a later pull request does not list it again.
    _change(confirmed, "priorities/p1.yaml", "i tid}\n", "i tid}\n    status: achieved\n")
    _change(confirmed, "commitments/poliisihallitus.yaml", "euros: 100000", "euros: 120000")
    assert main(["review", "HEAD~1", "HEAD", "--format", "json", "--no-cache"]) == 0
    body = json.loads(capsys.readouterr().out)
    assert body["changed"] is True and body["suspect"] == []
    assert main(["review", "HEAD~1", "HEAD", "--lang", "en"]) == 0
    assert "Suspect commitments" not in capsys.readouterr().out
