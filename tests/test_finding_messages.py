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

EMITTERS = (
    "align.py",
    "checks.py",
    "strategy.py",
    "validation.py",
    "sources.py",
    "gitsource.py",
    "layout.py",
    "documents.py",
    "yamlhelp.py",
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
    for code in sorted(emitted):
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


def _said(repo: str, capsys: pytest.CaptureFixture[str], code: str) -> tuple[str, str, str]:
    """The first `code` finding's message as `validate` shows it: JSON (English), text in fi and sv."""
    main(["validate", "-C", repo, "--no-cache", "--format", "json", "--lang", "fi"])
    found = next(f for f in json.loads(capsys.readouterr().out)["findings"] if f["code"] == code)
    prefix = f"{found['path']}:{found['line']}:{found['column']}: {found['severity']} {code}: "
    texts = []
    for lang in ("fi", "sv"):
        main(["validate", "-C", repo, "--no-cache", "--lang", lang])
        lines = capsys.readouterr().out.splitlines()
        texts.append(next(line[len(prefix) :] for line in lines if line.startswith(prefix)))
    return str(found["message"]), texts[0], texts[1]


C = "commitments/poliisihallitus.yaml"
B = "budgets/poliisihallitus.yaml"
IND = "indicators/luottamus.yaml"
P = "priorities/p1.yaml"
S = "sisturva.yaml"
# (name, file, its text, code, English as JSON has it, Finnish, Swedish)
MODEL_CASES: list[tuple[str, str, str, str, str, str, str]] = [
    (
        "period-ends-before-it-starts",
        C,
        MINIMAL[C].replace("{start: 2022, end: 2022}", "{start: 2022, end: 2021}"),
        "SIS103",
        "commitments[0].period: period ends (2021) before it starts (2022)",
        "commitments[0].period: jakso päättyy (2021) ennen kuin se alkaa (2022)",
        "commitments[0].period: perioden slutar (2021) innan den börjar (2022)",
    ),
    (
        "link-not-http",
        P,
        MINIMAL[P] + "source: {title: Lähde, url: 'ftp://example.org/x'}\n",
        "SIS105",
        "source.url: links must be http:// or https:// addresses",
        "source.url: linkkien on oltava http://- tai https://-osoitteita",
        "source.url: länkar måste vara http://- eller https://-adresser",
    ),
    (
        "year-out-of-range",
        IND,
        MINIMAL[IND].replace("year: 2018", "year: 1800"),
        "SIS103",
        "observations[0].year: expected at least 1900, got the number 1800",
        "observations[0].year: odotettiin vähintään arvoa 1900, mutta arvo on luku 1800",
        "observations[0].year: förväntade minst 1900, fick talet 1800",
    ),
    (
        "too-many-decimals",
        C,
        MINIMAL[C].replace("euros: 100000", "euros: 100000.125"),
        "SIS103",
        "commitments[0].resources[0].euros: 100000.125 has more than 2 decimal places; round it",
        "commitments[0].resources[0].euros: luvussa 100000.125 on enemmän kuin 2 desimaalia; pyöristä se",
        "commitments[0].resources[0].euros: 100000.125 har fler än 2 decimaler; avrunda det",
    ),
    (
        "finnish-not-first",
        S,
        MINIMAL[S].replace("[fi, sv, en]", "[sv, fi, en]"),
        "SIS103",
        "languages must start with fi (Finnish first)",
        "kielten (languages) ensimmäisen on oltava fi (suomi ensin)",
        "det första språket (languages) måste vara fi (finska först)",
    ),
    (
        "required-language-not-a-language",
        S,
        MINIMAL[S].replace("[fi, sv, en]", "[fi, en]") + "required_languages: [fi, sv]\n",
        "SIS103",
        "required languages sv are not in languages; add them there",
        "vaaditut kielet sv puuttuvat kielistä (languages); lisää ne sinne",
        "de obligatoriska språken sv finns inte bland språken (languages); lägg till dem där",
    ),
    (
        "observation-year-twice",
        IND,
        MINIMAL[IND].replace("year: 2020", "year: 2018"),
        "SIS103",
        "observations repeat the years 2018; each year may have one observation",
        "havainnoissa toistuvat vuodet 2018; kullekin vuodelle saa olla vain yksi havainto",
        "observationerna upprepar åren 2018; varje år får ha en enda observation",
    ),
    (
        "allocated-over-the-amount",
        B,
        MINIMAL[B].replace("allocated: 200000", "allocated: 900000000"),
        "SIS103",
        "lines[0].amounts[0]: allocated 900,000,000 € exceeds the line's 800,000,000 €",
        "lines[0].amounts[0]: yhteistyöhön kohdennettu 900 000 000 € ylittää momentin määrän 800 000 000 €",
        "lines[0].amounts[0]: det anvisade beloppet 900 000 000 € överstiger momentets 800 000 000 €",
    ),
    (
        "not-one-of-the-choices",
        "organisations/sm.yaml",
        "id: sm\nname: Sisäministeriö\nkind: ministery\n",
        "SIS103",
        "kind: 'ministery' is not one of: ",
        "kind: 'ministery' ei ole mikään näistä: ",
        "kind: 'ministery' är inte något av: ",
    ),
]


@pytest.mark.parametrize(
    ("name", "rel", "content", "code", "english", "finnish", "swedish"),
    MODEL_CASES,
    ids=[case[0] for case in MODEL_CASES],
)
def test_the_models_reasons_are_in_the_readers_language(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    name: str,
    rel: str,
    content: str,
    code: str,
    english: str,
    finnish: str,
    swedish: str,
) -> None:
    repo = str(write_tree(tmp_path / "repo", {**MINIMAL, rel: content}))
    said = tuple(plain(text) for text in _said(repo, capsys, code))
    assert said[0].startswith(english), said
    assert said[1].startswith(finnish), said
    assert said[2].startswith(swedish), said
    assert len(set(said)) == 3, said


def test_review_writes_a_yaml_mistake_in_the_readers_language(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = init(tmp_path / "repo")
    write(repo, {**MINIMAL})
    commit(repo, "base")
    write(repo, {"organisations/sm.yaml": "id: sm\nname:\n\tfi: Sisäministeriö\nkind: ministry\n"})
    commit(repo, "a tab")
    monkeypatch.chdir(repo)
    for lang, said in (
        (
            "fi",
            "sisennyksessä on sarkain; YAML vaatii välilyönnit: sisennä sen sijaan kahdella välilyönnillä",
        ),
        (
            "sv",
            "ett tabbtecken används för indrag; YAML kräver blanksteg: dra in med två blanksteg i stället",
        ),
        ("en", "a tab is used for indentation; YAML needs spaces: indent with two spaces instead"),
    ):
        assert main(["review", "HEAD~1", "HEAD", "--lang", lang]) == 1
        assert said in capsys.readouterr().out, lang
