from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sisturva.authoring.canonical import format_text, known_canonical
from sisturva.cli import main
from sisturva.documents import parse
from sisturva.repository import load

from .conftest import PROJECT, snapshot

LANGS = ["fi", "sv", "en"]

MESSY = """\
# Poliisihallituksen budjetti.
status: adopted   # hyväksytty 2021
organisation: poliisihallitus
kind: state-tts
years: {end: 2024, start: 2021}
lines:
    # Toinen momentti.
    - id: '26.10.02'
      name: {en: Other, fi: Muu}
      amounts:
      - {year: 2022, euros: 5}
    - id: 26.10.01
      name: 'Poliisitoimen toimintamenot'
      amounts:
        - year: 2023
          euros: 2000000
        # Vuosi 2022 lisättiin myöhemmin.
        - euros: 800000000
          year: 2022
          allocated: 200000 # arvio
performance_targets:
  - {id: turvallisuuden-tunne, title: Poliisi lisää turvallisuuden tunnetta}
person_years:
  - {year: 2022, available: 2}
# Loppu.
"""

# Comments keep their lines and their columns. Where items must be put in order, a comment between
# items stays where it stood in the list (ruamel keeps it with the item before it), so the one above
# 26.10.02 stays at the top of the list: nothing is lost, and a file already in order keeps each
# comment beside its item.
CANONICAL = """\
# yaml-language-server: $schema=../schemas/budget.schema.json
# Poliisihallituksen budjetti.
organisation: poliisihallitus
kind: state-tts
status: adopted   # hyväksytty 2021
years: {start: 2021, end: 2024}
lines:
    # Toinen momentti.
  - id: "26.10.01"
    name: Poliisitoimen toimintamenot
    amounts:
      - year: 2022
        euros: 800000000
        allocated: 200000   # arvio
      - year: 2023
        euros: 2000000
        # Vuosi 2022 lisättiin myöhemmin.
  - id: "26.10.02"
    name: {fi: Muu, en: Other}
    amounts:
      - {year: 2022, euros: 5}
performance_targets:
  - {id: turvallisuuden-tunne, title: Poliisi lisää turvallisuuden tunnetta}
person_years:
  - {year: 2022, available: 2}
# Loppu.
"""


def test_messy_file_gets_its_canonical_form() -> None:
    assert format_text("budgets/poliisihallitus.yaml", MESSY, LANGS) == CANONICAL


def test_canonical_file_is_known_canonical_and_unchanged() -> None:
    out = format_text("budgets/poliisihallitus.yaml", MESSY, LANGS)
    assert format_text("budgets/poliisihallitus.yaml", out, LANGS) == out
    assert known_canonical("budgets/poliisihallitus.yaml", out.encode(), LANGS)
    assert not known_canonical("budgets/poliisihallitus.yaml", MESSY.encode(), LANGS)


def _example(tmp_path: Path) -> Path:
    root = tmp_path / "strategy"
    shutil.copytree(PROJECT / "strategy", root)
    return root


def _state(root: Path) -> tuple[list[tuple[str, str, str | None]], dict[str, Any]]:
    loaded = load(str(root), use_cache=False)
    findings = sorted((f.code, f.message, f.id) for f in loaded.strategy.findings)
    from sisturva.commands.fmt import _meaning

    data = {rel: _meaning(doc.data) for rel, doc in loaded.strategy.documents.items()}
    return findings, data


def test_every_example_file_keeps_its_meaning_and_fmt_is_idempotent(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _example(tmp_path)
    before = _state(root)
    assert main(["fmt", "-C", str(root)]) == 0
    assert "reformatted" in capsys.readouterr().out
    assert _state(root) == before
    formatted = snapshot(root)
    for rel, raw in formatted.items():
        if rel.endswith(".yaml"):
            # The fast check may not know (then the round trip is asked), but never says yes wrongly.
            assert (
                known_canonical(rel, raw, LANGS) or format_text(rel, raw.decode(), LANGS) == raw.decode()
            ), rel
    assert main(["fmt", "-C", str(root), "--check"]) == 0
    assert main(["fmt", "-C", str(root)]) == 0
    assert snapshot(root) == formatted


def test_check_lists_files_and_exits_1_and_diff_shows_them(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _example(tmp_path)
    before = snapshot(root)
    assert main(["fmt", "-C", str(root), "--check"]) == 1
    out = capsys.readouterr().out
    assert "would reformat " in out and "budgets/poliisihallitus.yaml" in out
    assert main(["fmt", "-C", str(root), "--diff", str(root / "budgets/poliisihallitus.yaml")]) == 1
    out = capsys.readouterr().out
    assert out.startswith("--- a/") and '-  - id: "26.10.01"' not in out
    assert f"--- a{root}/budgets/poliisihallitus.yaml\n" in out  # an absolute path without a doubled slash
    assert snapshot(root) == before


def test_file_that_does_not_parse_is_reported_and_left(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = repo / "organisations/sm.yaml"
    broken.write_text("id: sm\nname: [Sisäministeriö\nkind: ministry\n", encoding="utf-8")
    before = broken.read_bytes()
    assert main(["fmt", "-C", str(repo), "--check"]) == 1
    err = capsys.readouterr().err
    assert "organisations/sm.yaml:" in err and "error SIS001" in err
    assert main(["fmt", "-C", str(repo)]) == 1
    assert broken.read_bytes() == before


def test_unchanged_files_are_not_written(repo: Path) -> None:
    assert main(["fmt", "-C", str(repo)]) == 0
    stamps = {p: p.stat().st_mtime_ns for p in repo.rglob("*.yaml")}
    assert main(["fmt", "-C", str(repo)]) == 0
    assert {p: p.stat().st_mtime_ns for p in repo.rglob("*.yaml")} == stamps


# -- properties over generated records -----------------------------------------------------------

_WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyzäö ", min_size=1, max_size=12).map(str.strip).filter(bool)
_TEXT = st.one_of(
    _WORD,
    st.fixed_dictionaries({}, optional={"en": _WORD, "sv": _WORD, "fi": _WORD}).filter(bool),
    st.sampled_from(["26.30", "2024", "true", "Turva: arki", "#1 tavoite", "90 % puheluista", "C# ja SQL"]),
)
_RESOURCE = st.fixed_dictionaries(
    {"year": st.integers(2021, 2025), "budget_line": st.sampled_from(["26.10.01", "26.30", "1404"])},
    optional={"euros": st.integers(0, 10**6), "person_years": st.sampled_from(["0.5", "1", "2.25"])},
)


def _yaml(value: Any, indent: int = 0, flow: bool = False) -> str:
    """A deliberately uneven spelling of `value` (flow and block, keys as generated)."""
    pad = " " * indent
    if isinstance(value, dict):
        if flow:
            return "{" + ", ".join(f"{k}: {_yaml(v, flow=True)}" for k, v in value.items()) + "}"
        return "".join(
            f"{pad}{k}:"
            + (
                "\n" + _yaml(v, indent + 2)
                if isinstance(v, dict | list) and v and not _short(v)
                else " " + _yaml(v, flow=True) + "\n"
            )
            for k, v in value.items()
        )
    if isinstance(value, list):
        if flow or not value:
            return "[" + ", ".join(_yaml(v, flow=True) for v in value) + "]"
        return "".join(f"{pad}- {_yaml(v, flow=True)}\n" for v in value)
    text = str(value)
    if text in ("26.30", "2024", "true") or ": " in text or text.startswith("#") or " #" in text:
        return '"' + text + '"'
    return text


def _short(value: Any) -> bool:
    return isinstance(value, list) or (isinstance(value, dict) and len(value) <= 2)


@st.composite
def _commitments(draw: st.DrawFn) -> str:
    items = []
    for index in range(draw(st.integers(1, 3))):
        item: dict[str, Any] = {"id": f"k{index}", "action": draw(_TEXT), "goals": ["p1-g1"]}
        if draw(st.booleans()):
            item["status"] = draw(st.sampled_from(["planned", "done"]))
        item["period"] = {"start": 2021, "end": 2025}
        resources = draw(st.lists(_RESOURCE, max_size=3, unique_by=lambda r: (r["year"], r["budget_line"])))
        if resources:
            item["resources"] = resources
        keys = list(item)
        order = draw(st.permutations(keys))
        items.append({k: item[k] for k in order})
    body = _yaml({"organisation": "poliisihallitus"})
    body += "commitments:\n"
    for item in items:
        lines = _yaml(item, 4).splitlines()
        body += (
            "  - "
            + lines[0].lstrip()
            + "  # "
            + item["id"]
            + "\n"
            + "".join(line + "\n" for line in lines[1:])
        )
        body += "  # välikommentti\n"
    return "# Alku.\n" + body


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_commitments())
def test_fmt_is_idempotent_keeps_meaning_and_comments(text: str) -> None:
    rel = "commitments/poliisihallitus.yaml"
    out = format_text(rel, text, LANGS)
    assert format_text(rel, out, LANGS) == out
    from sisturva.commands.fmt import _meaning

    before, after = parse(rel, text.encode()), parse(rel, out.encode())
    assert before.data is not None and after.data is not None
    assert _meaning(after.data) == _meaning(before.data)
    assert out.count("# välikommentti") == text.count("# välikommentti")
    assert out.count("# k") == text.count("# k")
    # The fast check never calls a file canonical that the round trip would change.
    if known_canonical(rel, text.encode(), LANGS):
        assert out == text
    assert known_canonical(rel, out.encode(), LANGS) or format_text(rel, out, LANGS) == out


def test_an_unchanged_canonical_tree_is_answered_from_its_stamps(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from sisturva import cache
    from sisturva.authoring import canonical

    root = tmp_path / "strategy"
    shutil.copytree(PROJECT / "strategy", root)
    assert main(["fmt", "-C", str(root)]) == 0
    monkeypatch.setattr(cache, "RACY_NS", 0)  # the files just written count as settled
    assert main(["fmt", "-C", str(root), "--check"]) == 0

    def unexpected(*args: object) -> bool:
        raise AssertionError("a file was checked again")

    monkeypatch.setattr(canonical, "known_canonical", unexpected)
    assert main(["fmt", "-C", str(root), "--check"]) == 0
    # A changed file is checked again.
    path = root / "organisations" / "sm.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "# kommentti\n", encoding="utf-8")
    with pytest.raises(AssertionError, match="checked again"):
        main(["fmt", "-C", str(root), "--check"])
    capsys.readouterr()


def test_a_long_list_of_ids_is_written_one_a_line_and_a_short_one_stays_on_its_line() -> None:
    members = ", ".join(f"org-{n:02d}" for n in range(11))
    text = (
        "# yaml-language-server: $schema=schemas/strategy.schema.json\n"
        "name: Strategia\n"
        f"cooperation_group: {{name: Ryhmä, chair: org-00, members: [org-00, org-01]}}\n"
        "expert_network:\n"
        "  name: Verkosto\n"
        f"  members: [{members}]\n"
        "secretariat: {organisation: org-00}\n"
    )
    out = format_text("strategy.yaml", text, ["fi"])
    assert "members: [org-00, org-01]" in out  # ten or fewer stay as written
    assert "  members:\n    - org-00\n    - org-01\n" in out and "    - org-10\n" in out
    assert format_text("strategy.yaml", out, ["fi"]) == out
    assert known_canonical("strategy.yaml", out.encode(), ["fi"])
    assert not known_canonical("strategy.yaml", text.encode(), ["fi"])
