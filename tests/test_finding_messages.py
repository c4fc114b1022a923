"""Finding messages from the catalogue: every code has them in fi, sv and en, reports show the reader's language."""

from __future__ import annotations

import json
import pickle
import re
from decimal import Decimal
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from sisturva import catalogue
from sisturva.cli import main
from sisturva.findings import CODES, Finding, euros, make, tf
from sisturva.locale import plain

from .conftest import MINIMAL, PROJECT, write_tree
from .gitrepo import commit, init, write

YAML_FAMILY = {f"SIS{n:03}" for n in (*range(1, 13), 14)}
"""Messages that quote the file's own text: English only (see README, Translations)."""
MODEL_WORDS = {"SIS105"}
"""Said by the models' own validators (a link that is not http(s)): English only."""
EMITTERS = (
    "align.py",
    "checks.py",
    "strategy.py",
    "validation.py",
    "sources.py",
    "gitsource.py",
    "layout.py",
)
CASES = PROJECT / "tests" / "cases" / "align"


def _po(lang: str) -> dict[str, str]:
    path = catalogue.FOLDER / lang / "LC_MESSAGES" / "sisturva.po"
    with path.open("rb") as f:
        found = read_po(f, locale=lang, domain=catalogue.DOMAIN)
    return {
        str(m.id[0] if m.pluralizable else m.id): " ".join(str(s) for s in m.string)
        if isinstance(m.string, tuple | list)
        else str(m.string)
        for m in found
        if m.id
    }


def _fields(text: str) -> set[str]:
    return set(re.findall(r"{(\w+)}", text))


def test_every_code_the_checks_emit_has_a_message_in_every_language() -> None:
    source = "".join((PROJECT / "src" / "sisturva" / name).read_text(encoding="utf-8") for name in EMITTERS)
    emitted = set(re.findall(r'"(SIS\d{3})"', source)) | {"SIS015"}  # SIS015: layout.unread's messages
    assert emitted - set(CODES) == set()
    catalogues = {lang: _po(lang) for lang in catalogue.LANGS}
    for code in sorted(emitted - YAML_FAMILY - MODEL_WORDS):
        keys = [
            key for key in catalogues["en"] if key == f"finding.{code}" or key.startswith(f"finding.{code}.")
        ]
        assert keys, code
        for key in keys:
            texts = [catalogues[lang][key] for lang in catalogue.LANGS]
            assert all(text.strip() for text in texts), key
            assert _fields(texts[0]) == _fields(texts[1]) == _fields(texts[2]), key


def test_findings_of_the_align_corpus_all_carry_a_key(capsys: pytest.CaptureFixture[str]) -> None:
    from sisturva.commands.validate import collect

    seen: set[str] = set()
    for case in sorted(p for p in CASES.iterdir() if (p / "repo").is_dir()):
        findings, _ = collect(str(case / "repo"), use_cache=False)
        for f in findings:
            seen.add(f.code)
            if f.code not in YAML_FAMILY | MODEL_WORDS:
                assert f.key is not None and f.key.startswith("finding."), (case.name, f)
                for lang in catalogue.LANGS:
                    assert f.text(lang).strip(), (case.name, f, lang)
    assert {"SIS301", "SIS302", "SIS304", "SIS305", "SIS311"} <= seen


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("fi", "mikä on 30 000 € yli yhteistyöhön kohdennetun 350 000 € (hake-vastausajat 380 000 €)"),
        ("sv", "30 000 € över de 350 000 € som anvisats till samarbetet (hake-vastausajat 380 000 €)"),
        ("en", "30,000 € over the 350,000 € allocated to the cooperation (hake-vastausajat 380,000 €)"),
    ],
)
def test_align_shows_sis304_in_the_readers_language_and_number_format(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, lang: str, said: str
) -> None:
    monkeypatch.chdir(CASES / "sis304-over-allocation")
    for fmt in ("text", "markdown"):
        main(["align", "-C", "repo", "--lang", lang, "--format", fmt, "--no-cache"])
        out = plain(capsys.readouterr().out)
        assert said in out, (lang, fmt)


@pytest.fixture
def unknown_goal(tmp_path: Path) -> Path:
    """main with the minimal strategy; HEAD's commitment names a goal that does not exist."""
    repo = init(tmp_path / "repo")
    write(repo, {**MINIMAL})
    commit(repo, "base")
    broken = MINIMAL["commitments/poliisihallitus.yaml"].replace("goals: [p1-g1]", "goals: [p1-g9]")
    write(repo, {"commitments/poliisihallitus.yaml": broken})
    commit(repo, "a goal that does not exist")
    return repo


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("fi", "tuntematon tavoite 'p1-g9' (tarkoititko 'p1-g1'?)"),
        ("sv", "okänt mål 'p1-g9' (menade du 'p1-g1'?)"),
        ("en", "unknown goal 'p1-g9' (did you mean 'p1-g1'?)"),
    ],
)
def test_review_and_diff_show_messages_in_the_readers_language(
    unknown_goal: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    lang: str,
    said: str,
) -> None:
    monkeypatch.chdir(unknown_goal)
    assert main(["review", "HEAD~1", "HEAD", "--lang", lang]) == 1
    assert said in capsys.readouterr().out
    main(["diff", "HEAD~1", "HEAD", "--lang", lang])
    assert said in capsys.readouterr().out


# English as it was before the messages joined the catalogue: the JSON contract and validate's text keep it.
RECORDED = {
    "SIS201": "unknown goal 'p1-g9' (did you mean 'p1-g1'?)",
    "SIS101": "commitments[0].resources[0]: unknown key 'colour' (allowed: budget_line, euros, person_years, year)",
}


def _repo(tmp_path: Path, change: tuple[str, str]) -> Path:
    text = MINIMAL["commitments/poliisihallitus.yaml"].replace(*change)
    return write_tree(tmp_path / "repo", {**MINIMAL, "commitments/poliisihallitus.yaml": text})


@pytest.mark.parametrize(
    ("code", "change", "finnish"),
    [
        ("SIS201", ("goals: [p1-g1]", "goals: [p1-g9]"), "tuntematon tavoite 'p1-g9' (tarkoititko 'p1-g1'?)"),
        (
            "SIS101",
            ("euros: 100000", "euros: 100000, colour: red"),
            "commitments[0].resources[0]: tuntematon avain 'colour' "
            "(sallitut: budget_line, euros, person_years, year)",
        ),
    ],
)
def test_validate_is_english_unless_asked_and_json_stays_english(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], code: str, change: tuple[str, str], finnish: str
) -> None:
    repo = str(_repo(tmp_path, change))
    main(["validate", "-C", repo, "--no-cache"])
    assert f"error {code}: {RECORDED[code]}\n" in capsys.readouterr().out
    main(["validate", "-C", repo, "--no-cache", "--lang", "fi"])
    out = capsys.readouterr().out
    assert f"error {code}: {finnish}\n" in out and RECORDED[code] not in out
    for lang in ((), ("--lang", "fi")):
        main(["validate", "-C", repo, "--no-cache", "--format", "json", *lang])
        messages = [f["message"] for f in json.loads(capsys.readouterr().out)["findings"]]
        assert messages == [RECORDED[code]]
        main(["validate", "-C", repo, "--no-cache", "--format", "github", *lang])
        assert RECORDED[code] in capsys.readouterr().out


def test_cached_findings_keep_their_messages(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = str(_repo(tmp_path, ("goals: [p1-g1]", "goals: [p1-g9]")))
    for _ in range(2):  # the second run answers from the validate cache
        main(["validate", "-C", repo, "--lang", "sv"])
        assert "okänt mål 'p1-g9' (menade du 'p1-g1'?)" in capsys.readouterr().out


def test_a_finding_is_plain_data_that_pickles_and_formats_per_language() -> None:
    from sisturva.cache import _SafeUnpickler

    found = make(
        "SIS304",
        tf(
            "finding.SIS304.no-amount",
            line="26.10.01",
            year=2024,
            committed=euros(Decimal("1234567.5")),
            uses=tf("finding.uses", uses=(",", tf("finding.use", commitment="a", amount=Decimal("1.5")))),
        ),
        "budgets/x.yaml",
    )
    data = pickle.dumps((found.code, found.key, found.params))
    import io

    assert _SafeUnpickler(io.BytesIO(data)).load() == (found.code, found.key, found.params)
    assert isinstance(found, Finding) and found.as_dict()["message"] == found.message
    assert plain(found.message).endswith("for 2024, but commitments use 1,234,567.50 € (a 1.5)")
    assert plain(found.text("fi")).endswith(
        "vuodelle 2024, mutta sitoumukset käyttävät 1 234 567,50 € (a 1,5)"
    )
    assert plain(found.text("sv")).endswith("för 2024, men åtagandena använder 1 234 567,50 € (a 1,5)")
