"""`render --format pdf`: the example strategy printed by Chromium, read back as text, tagged, in its language."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from sisturva.cli import main
from sisturva.commands.render import formats
from sisturva.publish import pdf
from tests.conftest import PROJECT
from tests.gitrepo import commit, init

if TYPE_CHECKING:
    from pypdf import PdfReader

pypdf = pytest.importorskip("pypdf", reason="install the test extras")
needs_chromium = pytest.mark.skipif(
    shutil.which("chromium") is None, reason="Debian's chromium is not installed"
)

EXAMPLE = PROJECT / "strategy"
DATES = {"fi": "Tilanne 14.3.2025", "sv": "Läget 14 mars 2025", "en": "Data as of 14 Mar 2025"}
PAGE = {"fi": "Sivu {} / {}", "sv": "Sida {} av {}", "en": "Page {} of {}"}


def _example_repo(root: Path, approve: bool) -> Path:
    """The example strategy in a git repository of its own, committed on 14 March 2025 (and approved)."""
    repo = root / "repo"
    shutil.copytree(EXAMPLE, repo)
    init(repo)
    commit(repo, "Esimerkkistrategia", date="2025-03-14T10:00:00+02:00")
    if approve:
        assert (
            main(
                ["release", "2025.1", "-C", str(repo), "--date", "2025-03-14", "--decision", "Kokous 1/2025"]
            )
            == 0
        )
    return repo


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, PdfReader]:
    root = tmp_path_factory.mktemp("pdf")
    repo = _example_repo(root, approve=False)
    out = root / "out"
    assert main(["render", "-C", str(repo), "--out", str(out), "--format", "markdown,pdf", "--no-cache"]) == 0
    return {lang: pypdf.PdfReader(out / f"strategy.{lang}.pdf") for lang in ("fi", "sv", "en")}


def _text(reader: PdfReader) -> list[str]:
    return [page.extract_text() for page in reader.pages]


def _priority_title(lang: str) -> str:
    import yaml

    data = yaml.safe_load((EXAMPLE / "priorities" / "p1.yaml").read_text(encoding="utf-8"))
    title = data["title"]
    return str(title if isinstance(title, str) else title.get(lang, title["fi"]))


def _strategy_name(lang: str) -> str:
    import yaml

    name = yaml.safe_load((EXAMPLE / "strategy.yaml").read_text(encoding="utf-8"))["name"]
    return str(name if isinstance(name, str) else name.get(lang, name["fi"]))


@needs_chromium
@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_pdf_text_has_title_priority_page_numbers_and_date(printed: dict[str, PdfReader], lang: str) -> None:
    reader = printed[lang]
    pages = _text(reader)
    total = len(pages)
    assert total >= 3
    whole = " ".join(" ".join(page.split()) for page in pages)
    assert " ".join(_strategy_name(lang).split()) in whole
    assert " ".join(_priority_title(lang).split()) in whole
    # Every page says which page of how many it is, and the data's date (the commit's) in the margin.
    for number, page in enumerate(pages, start=1):
        assert PAGE[lang].format(number, total) in page, (lang, number)
        assert DATES[lang] in page, (lang, number)
    # The document's own title is the PDF's title.
    assert reader.metadata is not None and reader.metadata.title == _strategy_name(lang)


@needs_chromium
@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_pdf_is_tagged_in_its_language_with_an_outline(printed: dict[str, PdfReader], lang: str) -> None:
    catalog = printed[lang].root_object
    assert "/StructTreeRoot" in catalog
    marks = catalog["/MarkInfo"]
    assert isinstance(marks, dict) and bool(marks["/Marked"])
    assert str(catalog["/Lang"]) == lang
    # The outline (bookmarks) follows the headings; Chromium drops the space where a heading wraps.
    titles = [str(item["/Title"]) for item in printed[lang].outline if isinstance(item, dict)]
    assert titles and re.sub(r"\s", "", titles[0]) == re.sub(r"\s", "", _strategy_name(lang))


@needs_chromium
def test_pdf_names_an_unapproved_draft(printed: dict[str, PdfReader]) -> None:
    first = _text(printed["fi"])[0]
    assert "Ei vielä hyväksytty · Tilanne 14.3.2025" in first


@needs_chromium
def test_approved_version_in_the_margin_and_kept_on_the_next_render(tmp_path: Path) -> None:
    repo = _example_repo(tmp_path, approve=True)
    out = tmp_path / "out"
    assert main(["render", "-C", str(repo), "--out", str(out), "--format", "pdf", "--lang", "en"]) == 0
    assert not (out / "strategy.en.md").exists()  # made for the PDF only
    first = (out / "strategy.en.pdf").read_bytes()
    text = _text(pypdf.PdfReader(out / "strategy.en.pdf"))
    assert all("Approved version 2025.1 (14 Mar 2025) · Data as of 14 Mar 2025" in page for page in text)
    # Nothing changed: the PDF is taken from the last render, byte for byte (Chromium's own
    # creation date would differ).
    assert main(["render", "-C", str(repo), "--out", str(out), "--format", "pdf", "--lang", "en"]) == 0
    assert (out / "strategy.en.pdf").read_bytes() == first


def test_without_chromium_render_pdf_is_refused_with_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = _example_repo(tmp_path, approve=False)
    monkeypatch.setenv(pdf.CHROMIUM_ENV, str(tmp_path / "no-such-chromium"))
    out = tmp_path / "out"
    assert main(["render", "-C", str(repo), "--out", str(out), "--format", "site,pdf"]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1
    assert "apt-get install chromium" in err and "Traceback" not in err
    assert not out.exists()


def test_a_failing_chromium_is_one_line_and_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = _example_repo(tmp_path, approve=False)
    broken = tmp_path / "chromium"
    broken.write_text("#!/bin/sh\necho 'cannot open display' >&2\nexit 3\n", encoding="utf-8")
    broken.chmod(0o755)
    monkeypatch.setenv(pdf.CHROMIUM_ENV, str(broken))
    out = tmp_path / "out"
    assert (
        main(["render", "-C", str(repo), "--out", str(out), "--format", "markdown,pdf", "--lang", "fi"]) == 2
    )
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert "strategy.fi.pdf" in err and "exit 3" in err and "cannot open display" in err
    assert not out.exists()


def test_a_hanging_chromium_is_stopped(tmp_path: Path) -> None:
    hanging = tmp_path / "chromium"
    hanging.write_text("#!/bin/sh\nexec sleep 30\n", encoding="utf-8")
    hanging.chmod(0o755)
    with pytest.raises(pdf.PdfError, match=r"did not finish within 0.5 s"):
        pdf.print_pdf("<p>x</p>", "strategy.fi.pdf", str(hanging), timeout=0.5)


def test_all_leaves_the_pdf_out_and_pdf_is_a_format() -> None:
    assert formats("all") == {"site", "markdown", "data"}
    assert formats("all,pdf") == {"site", "markdown", "data", "pdf"}
    assert formats("markdown,pdf") == {"markdown", "pdf"}


def test_page_numbers_are_css_counters_in_the_translated_pattern() -> None:
    assert pdf.page_numbers("Sivu {page} / {pages}") == '"Sivu " counter(page) " / " counter(pages)'
    assert pdf.page_numbers("{page}") == "counter(page)"


def test_record_text_cannot_leave_the_style_element_or_the_document() -> None:
    page = pdf.Page("fi", 'Nimi</style><script>alert(1)</script>"', "v", "d", pdf.page_numbers("{page}"))
    html = pdf.html(
        "# Otsikko\n\n<script>alert(2)</script>\n\n<img src=http://example.org/x.png>\n", page, ""
    )
    assert "<script>" not in html and "<img" not in html
    assert re.search(r"@top-left \{ content: \"Nimi\\3c /style\\3e ", html)
    assert '<html lang="fi">' in html
    assert "default-src 'none'" in html  # nothing is fetched while printing


def test_the_margin_names_changes_since_the_approval_and_uncommitted_ones_alike() -> None:
    import datetime

    from sisturva.releases import Release
    from sisturva.standing import Standing

    release = Release("2025.1", "strategy/2025.1", "a" * 40, datetime.date(2025, 3, 14), "", "T", 0)
    changed = Standing("b" * 40, datetime.date(2025, 6, 1), release, 3, False)
    assert pdf.version_text(changed, "fi") == "Hyväksymättömiä muutoksia version 2025.1 jälkeen: 3 muutosta"
    assert pdf.version_text(changed, "en") == "Unapproved changes since version 2025.1: 3 changes"
    page = pdf.page_of("Nimi", changed, "sv")
    assert page.as_of == "Läget 1 juni 2025" and page.page == '"Sida " counter(page) " av " counter(pages)'
    # Outside git there is no commit date: the day of printing is the date.
    outside = Standing(None, None, None, 0, False)
    assert pdf.page_of("Nimi", outside, "fi", today=datetime.date(2026, 1, 2)).as_of == "Tilanne 2.1.2026"
