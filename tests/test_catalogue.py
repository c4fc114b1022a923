"""The message catalogue: complete in every language, in step with the code, compiled, and what readers see."""

from __future__ import annotations

import io
import re
import shutil
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po

from sisturva import catalogue
from sisturva.cli import main
from sisturva.locale import plain

from .conftest import MINIMAL, PROJECT, write_tree
from .gitrepo import commit, init, write

POT = catalogue.FOLDER / "sisturva.pot"


def _po(lang: str) -> Catalog:
    path = catalogue.FOLDER / lang / "LC_MESSAGES" / "sisturva.po"
    with path.open("rb") as f:
        return read_po(f, locale=lang, domain=catalogue.DOMAIN)


def _key(message: Message) -> str:
    return str(message.id[0] if message.pluralizable else message.id)


def _texts(message: Message) -> tuple[str, ...]:
    """The translation's forms: one, or one per plural form."""
    found = message.string
    return tuple(str(text) for text in found) if isinstance(found, tuple | list) else (str(found or ""),)


def _ids(found: Catalog) -> dict[str, bool]:
    """Each message's key and whether it has plural forms."""
    return {_key(m): m.pluralizable for m in found if m.id}


def _fields(text: str) -> set[str]:
    return set(re.findall(r"{(\w+)}", text))


# -- complete, in step, compiled ----------------------------------------------------------------------


@pytest.mark.parametrize("lang", catalogue.LANGS)
def test_every_message_is_translated_and_none_is_fuzzy(lang: str) -> None:
    with POT.open("rb") as f:
        template = _ids(read_po(f))
    po = _po(lang)
    assert po.plural_forms == "nplurals=2; plural=(n != 1);"
    assert not po.fuzzy
    assert _ids(po) == template, "run `pybabel update` (see README, Translations)"
    for message in po:
        if not message.id:
            continue
        texts = _texts(message)
        assert not message.fuzzy, (lang, message.id)
        assert len(texts) == (2 if message.pluralizable else 1), (lang, message.id)
        assert all(text.strip() for text in texts), (lang, message.id)


def test_the_template_is_in_step_with_the_code_and_templates() -> None:
    with POT.open("rb") as f:
        template = _ids(read_po(f))
    extracted = _ids(catalogue.extract(PROJECT))
    assert sorted(extracted.items()) == sorted(template.items()), "run `pybabel extract` (see README)"


def test_languages_fill_in_the_same_fields() -> None:
    catalogues = {lang: _po(lang) for lang in catalogue.LANGS}
    for message in catalogues["en"]:
        if not message.id:
            continue
        shown = []
        for found in catalogues.values():
            translated = found.get(_key(message))
            assert translated is not None, message.id
            # A singular form may say the count in words (`Julkaistaan vuosittain`), the others name it.
            shown.append(set().union(*(_fields(text) for text in _texts(translated))))
        assert shown[0] == shown[1] == shown[2], message.id


@pytest.mark.parametrize("lang", catalogue.LANGS)
def test_the_catalogue_compiles_and_reads_back_as_written(lang: str) -> None:
    po = _po(lang)
    assert not [problem for message in po for problem in message.check(po)], lang
    compiled = catalogue.Messages(
        lang,
        catalogue.compile_po((catalogue.FOLDER / lang / "LC_MESSAGES" / "sisturva.po").read_bytes(), lang),
    )
    for message in po:
        key, texts = _key(message), _texts(message)
        if message.pluralizable:
            assert compiled.translations.ngettext(key, key, 1) == texts[0]
            assert compiled.translations.ngettext(key, key, 2) == texts[1]
        elif message.id:
            assert compiled.text(key) == texts[0]


def test_the_compiled_catalogues_are_what_the_sources_say() -> None:
    # A `.mo` older than its `.po` is not read: the checkout shows what the translator wrote.
    for lang in catalogue.LANGS:
        po = catalogue.FOLDER / lang / "LC_MESSAGES" / "sisturva.po"
        assert (
            catalogue.messages(lang).digest
            == catalogue.Messages(lang, catalogue.compile_po(po.read_bytes(), lang)).digest
        )


def test_an_edited_po_is_read_even_before_it_is_compiled(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "translations"
    shutil.copytree(catalogue.FOLDER, folder, ignore=shutil.ignore_patterns("*.mo"))
    catalogue.compile_all(folder)
    po = folder / "en" / "LC_MESSAGES" / "sisturva.po"
    po.write_text(po.read_text(encoding="utf-8").replace('"Skip to content"', '"Go to content"'), "utf-8")
    monkeypatch.setattr(catalogue, "FOLDER", folder)
    catalogue.messages.cache_clear()
    try:
        assert catalogue.messages("en").t("skip") == "Go to content"
        assert catalogue.messages("fi").t("skip") == "Siirry sisältöön"
    finally:
        catalogue.messages.cache_clear()


def test_unknown_keys_fail_and_unknown_languages_are_finnish() -> None:
    with pytest.raises(KeyError, match=r"no\.such\.key"):
        catalogue.messages("en").t("no.such.key")
    with pytest.raises(KeyError, match="skip"):
        catalogue.messages("en").tn("skip", 2)  # a message without plural forms
    assert catalogue.messages("de").t("nav.home") == "Etusivu"


def test_extraction_finds_keys_in_fstrings_templates_and_marks() -> None:
    code = b'x = f"{w.t(\'a.b\')}: {w.t(\'c.\' + v)}"\ny = tn("n.k", 2, n="**2**")\nz = mark("m.k")\n'
    found = list(catalogue.extract_python(io.BytesIO(code), catalogue.KEYWORDS, (), {}))
    assert [(line, key) for line, _, key, _ in found] == [(1, "a.b"), (2, ("n.k", "n.k")), (3, "m.k")]
    template = b'{{ "nav.home"|t }}\n{{ "front.goals"|tn(p.goals | length) }} {{ h.tf("goal.x", n=1) }}'
    found = list(catalogue.extract_templates(io.BytesIO(template), catalogue.KEYWORDS, (), {}))
    assert [(line, key) for line, _, key, _ in found] == [
        (1, "nav.home"),
        (2, ("front.goals", "front.goals")),
        (2, "goal.x"),
    ]


# -- what readers see -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "one", "two"),
    [("fi", "1 tavoite", "2 tavoitetta"), ("sv", "1 mål", "2 mål"), ("en", "1 goal", "2 goals")],
)
def test_the_front_page_counts_goals_in_the_plural_form_of_its_language(
    tmp_path: Path, lang: str, one: str, two: str
) -> None:
    second = (
        "id: p2\ntitle: Kaatumiset\nstatus: preparing\nperiod: {start: 2022}\n"
        "goals:\n  - id: p2-g1\n    title: Vähemmän kaatumisia\n  - id: p2-g2\n    title: Nopeampi apu\n"
    )
    repo = write_tree(tmp_path / "repo", {**MINIMAL, "priorities/p2.yaml": second})
    out = tmp_path / "site"
    assert main(["render", "-C", str(repo), "--out", str(out), "--no-cache", "--format", "site"]) == 0
    front = (out / lang / "index.html").read_text(encoding="utf-8")
    # The priorities' lines (status · period · goals), not the note on stale data above them.
    metas = [m for m in re.findall(r'<p class="meta">([^<]*)</p>', front) if " · " in m]
    assert [meta.rsplit(" · ", 1)[-1] for meta in metas] == [one, two]


@pytest.fixture
def raised(tmp_path: Path) -> Path:
    """main with the minimal strategy; HEAD commits 200,000 € and 1.5 person-years instead of 100,000 € and 1."""
    repo = init(tmp_path / "repo")
    write(repo, {**MINIMAL})
    commit(repo, "base")
    changed = MINIMAL["commitments/poliisihallitus.yaml"].replace(
        "euros: 100000, person_years: 1", "euros: 200000, person_years: 1.5"
    )
    write(repo, {"commitments/poliisihallitus.yaml": changed})
    commit(repo, "more for safety communication")
    return repo


@pytest.mark.parametrize(
    ("lang", "money", "delta", "person_years", "severity_column"),
    [
        ("en", "200,000 €", "+100,000 €", "1.5", "Severity"),
        ("fi", "200 000 €", "+100 000 €", "1,5", "Taso"),
        ("sv", "200 000 €", "+100 000 €", "1,5", "Nivå"),
    ],
)
def test_the_review_comment_formats_numbers_in_its_language(
    raised: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    lang: str,
    money: str,
    delta: str,
    person_years: str,
    severity_column: str,
) -> None:
    monkeypatch.chdir(raised)
    main(["review", "HEAD~1", "HEAD", "--lang", lang])
    out = plain(capsys.readouterr().out)
    assert (
        f"| `poliisihallitus` | 2022 | 100{money[3]}000 € | {money} | {delta} | 1 | {person_years} |" in out
    )
    alignment = [line for line in out.splitlines() if line.startswith("| Poliisihallitus | 2022 |")]
    assert alignment and f"| {delta} | +0{person_years[1]}5 |" in alignment[0]
    other = {"en": "200 000 €", "fi": "200,000 €", "sv": "200,000 €"}[lang]
    assert other not in out and "€2" not in out
    if lang == "en":
        assert "**1** record changed" in out and "0 errors, 0 warnings, 0 infos" in out
    if lang == "fi":
        assert "**1** tietue muuttui" in out and "0 virhettä, 0 varoitusta, 0 huomautusta" in out
    assert severity_column not in out  # no findings: no table of them


def test_review_severities_are_in_the_readers_language(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = init(tmp_path / "repo")
    write(repo, {**MINIMAL})
    commit(repo, "base")
    broken = MINIMAL["commitments/poliisihallitus.yaml"].replace("goals: [p1-g1]", "goals: [p1-g9]")
    write(repo, {"commitments/poliisihallitus.yaml": broken})
    commit(repo, "a goal that does not exist")
    monkeypatch.chdir(repo)
    for lang, row, summary in (
        ("fi", "| virhe | `SIS201` |", "✗ 1 virhe, "),
        ("sv", "| fel | `SIS201` |", "✗ 1 fel, "),
        ("en", "| error | `SIS201` |", "✗ 1 error, "),
    ):
        assert main(["review", "HEAD~1", "HEAD", "--lang", lang]) == 1
        out = capsys.readouterr().out
        assert row in out and summary in out, lang
