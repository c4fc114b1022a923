"""`sisturva render`: escaping of hostile text, template overrides in a sandbox, atomic and incremental output."""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from sisturva.cli import main
from tests.conftest import snapshot, write_tree

LONG_WORD = "Turvallisuus" * 60
HOSTILE_PRIORITY = (
    "id: p1\n"
    "title: '<script>alert(1)</script> [klikkaa](javascript:alert(2)) | --- | **x** <img src=x onerror=alert(3)>'\n"
    "description: {fi: '" + LONG_WORD + "', sv: '\"><svg onload=alert(4)>'}\n"
    "status: active\n"
    "period: {start: 2021}\n"
    "goals:\n"
    "  - id: p1-g1\n"
    "    title: 'javascript:alert(5)'\n"
    "    indicator: luottamus\n"
    "    baseline: {year: 2020, value: 91}\n"
    "    target: {year: 2025, value: 92}\n"
)


def render(repo: Path, out: Path, *extra: str) -> int:
    return main(["render", "-C", str(repo), "--out", str(out), "--no-cache", "--format", "site", *extra])


def all_text(out: Path) -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted(out.rglob("*.html")))


def test_renders_every_page_in_every_language(
    repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "site"
    assert render(repo, out) == 0
    assert "written" in capsys.readouterr().err
    for lang in ("fi", "sv", "en"):
        for page in (
            "index.html",
            "priorities/p1.html",
            "organisations/sm.html",
            "indicators/luottamus.html",
        ):
            html = (out / lang / page).read_text(encoding="utf-8")
            assert f'<html lang="{lang}">' in html
            assert "Content-Security-Policy" in html
    front = (out / "en/index.html").read_text(encoding="utf-8")
    assert "Everyday security" in front
    # Finnish first in the language switcher and the language chooser.
    assert front.index(">Suomi<") < front.index(">Svenska<") < front.index(">English<")
    chooser = (out / "index.html").read_text(encoding="utf-8")
    assert chooser.index('href="fi/index.html"') < chooser.index('href="en/index.html"')
    # The chart comes with a text alternative and the data table beside it.
    priority = (out / "fi/priorities/p1.html").read_text(encoding="utf-8")
    assert '<svg class="chart"' in priority and 'role="img"' in priority
    assert "2018: 95 %" in priority
    assert "<table>" in priority


def test_no_scripts_and_no_external_resources(repo: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    assert render(repo, out) == 0
    text = all_text(out)
    assert "<script" not in text
    assert not re.search(r'<link[^>]+href="(https?:)?//', text)
    assert not re.search(r'\ssrc="', text)
    assert "url(" not in (out / "style.css").read_text(encoding="utf-8")


def test_hostile_record_text_is_escaped(repo: Path, tmp_path: Path) -> None:
    write_tree(repo, {"priorities/p1.yaml": HOSTILE_PRIORITY})
    out = tmp_path / "site"
    assert render(repo, out) == 0
    text = all_text(out)
    assert "<script" not in text
    assert "<img" not in text and "<svg onload" not in text
    assert 'href="javascript:' not in text.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "[klikkaa](javascript:alert(2)) | --- | **x**" in text
    assert "&#34;&gt;&lt;svg onload=alert(4)&gt;" in (out / "sv/priorities/p1.html").read_text(
        encoding="utf-8"
    )
    assert LONG_WORD in text
    assert "overflow-wrap: anywhere" in (out / "style.css").read_text(encoding="utf-8")
    # In the chart's accessible name as well as in the page title.
    title = re.search(r"<title>(.*?)</title>", (out / "fi/priorities/p1.html").read_text(encoding="utf-8"))
    assert title is not None and "&lt;script&gt;" in title.group(1)


def test_missing_translation_falls_back_visibly(repo: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    assert render(repo, out) == 0
    sv = (out / "sv/index.html").read_text(encoding="utf-8")
    assert '<span lang="fi">Arjen turvallisuus</span> <span class="fallback">(på finska)</span>' in sv
    en = (out / "en/index.html").read_text(encoding="utf-8")
    assert "Everyday security" in en and "(in Finnish)</span>" in en  # plain Finnish names are marked
    fi = (out / "fi/index.html").read_text(encoding="utf-8")
    assert 'class="fallback"' not in fi


def test_languages_option(repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "site"
    assert render(repo, out, "--lang", "en,fi") == 0
    assert sorted(p.name for p in out.iterdir() if p.is_dir()) == ["en", "fi"]
    assert "in fi, en" in capsys.readouterr().err
    assert render(repo, tmp_path / "other", "--lang", "de") == 2
    assert "unknown language de" in capsys.readouterr().err
    write_tree(
        repo, {"sisturva.yaml": "schema: 1\nlanguages: [fi]\nplanning_years: {start: 2021, end: 2025}\n"}
    )
    assert render(repo, tmp_path / "other", "--lang", "sv") == 2
    assert "not among the repository's languages" in capsys.readouterr().err
    assert not (tmp_path / "other").exists()


def test_repository_templates_override_the_packaged_ones(repo: Path, tmp_path: Path) -> None:
    write_tree(
        repo,
        {
            "templates/index.html": (
                '{% extends "base.html" %}{% block title %}Oma{% endblock %}'
                "{% block main %}<h1>Oma etusivu: {{ tx(doc.mission) }}</h1>{% endblock %}"
            ),
            "templates/style.css": "body { color: #000; }\n",
        },
    )
    out = tmp_path / "site"
    assert render(repo, out) == 0
    assert "<h1>Oma etusivu: Arjen turvallisuus</h1>" in (out / "fi/index.html").read_text(encoding="utf-8")
    assert "Turvallisuuden tunne" in (out / "fi/priorities/p1.html").read_text(encoding="utf-8")
    assert (out / "style.css").read_text(encoding="utf-8") == "body { color: #000; }\n"


@pytest.mark.parametrize(
    "template",
    [
        "{{ cycler.__init__.__globals__.os.popen('touch pwned').read() }}",
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{{ h.t.__globals__ }}",
        "{{ s.organisations.clear() }}",
    ],
)
def test_overriding_templates_run_sandboxed(
    repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], template: str, in_dir: object
) -> None:
    in_dir(tmp_path)  # type: ignore[operator]
    write_tree(repo, {"templates/changes.html": "line one\n" + template + "\n"})
    out = tmp_path / "site"
    assert render(repo, out) == 2
    err = capsys.readouterr().err
    assert re.search(r"templates/changes\.html:2: ", err), err
    assert "Traceback" not in err
    assert not out.exists()
    assert not (tmp_path / "pwned").exists()


def test_broken_template_leaves_the_old_site_untouched(
    repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "site"
    assert render(repo, out) == 0
    before = snapshot(out)
    write_tree(repo, {"templates/priority.html": '{% extends "base.html" %}\n{% block main %}\n{% if %}\n'})
    capsys.readouterr()
    assert render(repo, out) == 2
    err = capsys.readouterr().err
    assert re.search(r"templates/priority\.html:3: ", err), err
    assert snapshot(out) == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".site")] == []


def test_undefined_value_in_a_template_is_an_error(
    repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tree(repo, {"templates/organisations.html": "{{ no_such_thing.name }}\n"})
    assert render(repo, tmp_path / "site") == 2
    assert "organisations.html:1: 'no_such_thing' is undefined" in capsys.readouterr().err


def test_second_render_rewrites_only_changed_pages(
    repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "site"
    assert render(repo, out) == 0
    inodes = {p: p.stat().st_ino for p in out.rglob("*") if p.is_file()}
    capsys.readouterr()
    assert render(repo, out) == 0
    assert " 0 written" in capsys.readouterr().err
    assert {p: p.stat().st_ino for p in out.rglob("*") if p.is_file()} == inodes

    text = (repo / "organisations/poliisihallitus.yaml").read_text(encoding="utf-8")
    write_tree(
        repo,
        {"organisations/poliisihallitus.yaml": text.replace("Poliisihallitus", "Poliisihallitus (uusi)")},
    )
    assert render(repo, out) == 0
    err = capsys.readouterr().err
    changed = {p for p in out.rglob("*") if p.is_file() and inodes.get(p) != p.stat().st_ino}
    assert out / "fi/organisations/poliisihallitus.html" in changed
    assert out / "fi/organisations/index.html" in changed
    assert out / "fi/organisations/sm.html" not in changed
    assert out / "fi/indicators/luottamus.html" not in changed
    assert out / "style.css" not in changed
    assert f" {len(changed)} written" in err

    (repo / "organisations/poliisihallitus.yaml").unlink()
    (repo / "commitments/poliisihallitus.yaml").unlink()
    (repo / "budgets/poliisihallitus.yaml").unlink()
    write_tree(
        repo,
        {
            "strategy.yaml": (repo / "strategy.yaml")
            .read_text(encoding="utf-8")
            .replace(", poliisihallitus", "")
        },
    )
    write_tree(
        repo,
        {
            "priorities/p1.yaml": (repo / "priorities/p1.yaml")
            .read_text(encoding="utf-8")
            .replace("members: [poliisihallitus]", "members: []")
        },
    )
    assert render(repo, out) == 0, capsys.readouterr().err
    assert "3 removed" in capsys.readouterr().err
    assert not (out / "fi/organisations/poliisihallitus.html").exists()


def test_refuses_to_replace_a_folder_it_did_not_make(
    repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    precious = write_tree(tmp_path / "docs", {"notes.txt": "keep me"})
    assert render(repo, precious) == 2
    assert "not made by `sisturva render`" in capsys.readouterr().err
    assert (precious / "notes.txt").read_text() == "keep me"
    assert render(repo, repo) == 2
    assert render(repo, repo.parent) == 2
    site = tmp_path / "site"
    assert render(repo, site) == 0
    (tmp_path / "link").symlink_to(site)
    assert render(repo, tmp_path / "link") == 2
    assert "symbolic link" in capsys.readouterr().err
    assert (repo / "sisturva.yaml").is_file()


def test_data_errors_stop_the_render(repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_tree(repo, {"priorities/p1.yaml": "id: p1\ntitle: x\nstatus: unknown\nperiod: {start: 2021}\n"})
    assert render(repo, tmp_path / "site") == 1
    assert "nothing rendered" in capsys.readouterr().err
    assert not (tmp_path / "site").exists()


def git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=Testaaja", "-c", "user.email=t@example.org", *args],
        cwd=repo,
        check=True,
        capture_output=True,
    )


PRIORITY_2 = (
    "id: p2\n"
    "title: {fi: Nuorten turvallisuus, sv: Ungas trygghet, en: Young people's safety}\n"
    "status: active\n"
    "period: {start: 2022}\n"
)


def release(repo: Path, version: str, date: str, decision: str) -> None:
    assert main(["release", version, "-C", str(repo), "--date", date, "--decision", decision]) == 0


@pytest.mark.parametrize("cached", [False, True])
def test_change_log_tells_the_history_of_the_living_strategy(
    repo: Path, tmp_path: Path, cached: bool
) -> None:
    from tests.gitrepo import commit, init

    render = render_cached if cached else globals()["render"]
    out = tmp_path / "site"
    assert render(repo, out) == 0
    assert "not kept in a git repository" in (out / "en/changes.html").read_text(encoding="utf-8")
    init(repo)
    first = commit(repo, "Add the strategy <p1>")
    assert render(repo, out) == 0
    changes = (out / "fi/changes.html").read_text(encoding="utf-8")
    assert "Ei vielä hyväksytty" in changes and "Hyväksytyt versiot" not in changes
    # Strategy terms only: no commit ids, no English commit subjects presented as Finnish.
    assert first[:7] not in changes and "Add the strategy" not in changes
    git(repo, "tag", "bookmark")  # a lightweight tag records no approval
    git(repo, "tag", "-a", "v2020.9", "-m", "A tag outside the release prefix")
    release(repo, "2021.1", "2021-05-20", "Yhteistyöryhmä hyväksyi <2021>")
    write_tree(repo, {"priorities/p2.yaml": PRIORITY_2})
    commit(repo, "Add priority 2")
    release(repo, "2022.1", "2022-05-19", "Kokous 2/2022")
    text = (repo / "commitments/poliisihallitus.yaml").read_text(encoding="utf-8")
    write_tree(repo, {"commitments/poliisihallitus.yaml": text.replace("euros: 100000", "euros: 150000")})
    commit(repo, "More euros")
    release(repo, "2023.1", "2023-05-25", "Kokous 1/2023")
    write_tree(repo, {"priorities/p2.yaml": PRIORITY_2.replace("Ungas trygghet", "Ungas säkerhet")})
    last = commit(repo, "Rename priority 2")
    assert render(repo, out) == 0
    fi = (out / "fi/changes.html").read_text(encoding="utf-8")
    sv = (out / "sv/changes.html").read_text(encoding="utf-8")
    en = (out / "en/changes.html").read_text(encoding="utf-8")
    # The changes since the last approval come first, then each version, newest first.
    assert fi.index("Hyväksymättömät muutokset version 2023.1 jälkeen") < fi.index("Versio 2023.1")
    assert fi.index("Versio 2023.1") < fi.index("Versio 2022.1") < fi.index("Versio 2021.1")
    assert "Ändringar efter version 2023.1 som inte har godkänts" in sv
    assert "Changes since version 2023.1 not yet approved" in en
    # Each version with its date (as each language writes it) and decision.
    assert "20.5.2021" in fi and "Yhteistyöryhmä hyväksyi &lt;2021&gt;" in fi and "Kokous 2/2022" in fi
    assert "May 19, 2022" in en or "19 May 2022" in en
    assert "ensimmäinen hyväksytty versio" in fi.lower()
    # What changed, in strategy terms: the record, its kind and its title in the page's language.
    assert "Nuorten turvallisuus" in fi.split("Versio 2022.1")[1].split("Versio 2021.1")[0]
    assert "Ungas trygghet" in sv.split("Version 2022.1")[1] and "Young people&#39;s safety" in en
    assert "painopiste, lisätty" in fi and "sitoumus, muutettu" in fi
    assert "Ungas säkerhet" in sv.split("Version 2023.1")[0]  # the pending rename, as it now reads
    # Committed euros by year before and after: 100 000 → 150 000 in 2022 with version 2023.1.
    section = fi.split("Versio 2023.1")[1].split("Versio 2022.1")[0]
    assert '<td class="num">100\xa0000\xa0€</td><td class="num">150\xa0000\xa0€</td>' in section
    for page in (fi, sv, en):
        assert last[:7] not in page and first[:7] not in page
        assert "bookmark" not in page and "v2020.9" not in page
        assert "Rename priority" not in page and "More euros" not in page
    # The footer of every page names the version and the date of the data.
    front = (out / "fi/index.html").read_text(encoding="utf-8")
    assert "Hyväksymättömiä muutoksia version 2023.1 jälkeen: 1 muutos" in front
    git(repo, "checkout", "-q", "strategy/2023.1")
    assert render(repo, out) == 0
    front = (out / "fi/index.html").read_text(encoding="utf-8")
    assert "Hyväksytty versio 2023.1 (25.5.2023)" in front
    assert "Hyväksymättömät muutokset" not in (out / "fi/changes.html").read_text(encoding="utf-8")


def test_parallel_render_gives_the_same_site(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sisturva.commands import render as command
    from sisturva.publish import writing

    serial, parallel = tmp_path / "serial", tmp_path / "parallel"
    assert main(["render", "-C", str(repo), "--out", str(serial)]) == 0
    monkeypatch.setattr(writing, "PARALLEL_PAGES", 1)
    monkeypatch.setattr(command, "PARALLEL_COMMITMENTS", 0)
    assert main(["render", "-C", str(repo), "--out", str(parallel)]) == 0
    assert snapshot(serial) == snapshot(parallel)
    assert (parallel / "data/commitments.csv").is_file()
    write_tree(repo, {"templates/indicator.html": "{{ nothing }}\n"})
    assert render(repo, parallel) == 2
    assert snapshot(serial) == snapshot(parallel)


def test_all_formats_together_and_linked(
    repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "site"
    assert main(["render", "-C", str(repo), "--out", str(out), "--no-cache"]) == 0
    assert (out / "strategy.fi.md").is_file() and (out / "strategy.en.md").is_file()
    assert (out / "data/strategy.json").is_file()
    page = (out / "sv/priorities/p1.html").read_text(encoding="utf-8")
    assert '<a href="../../strategy.sv.md">Hela strategin som ett dokument</a>' in page
    assert '<a href="../data.html">Öppna data' in page
    listing = (out / "sv/data.html").read_text(encoding="utf-8")
    linked = set(re.findall(r'href="../data/([^"]+)"', listing))
    assert linked == {p.name for p in (out / "data").iterdir()}
    assert "strategy.json" in linked
    only = tmp_path / "document"
    assert main(["render", "-C", str(repo), "--out", str(only), "--format", "markdown", "--lang", "fi"]) == 0
    assert sorted(p.name for p in only.iterdir()) == [".sisturva-render", "strategy.fi.md"]
    assert main(["render", "-C", str(repo), "--out", str(only), "--format", "docx"]) == 2
    assert "--format: unknown format docx" in capsys.readouterr().err


def test_templates_folder_named_in_settings(repo: Path, tmp_path: Path) -> None:
    settings = (repo / "sisturva.yaml").read_text(encoding="utf-8") + "templates: site/templates\n"
    write_tree(
        repo,
        {
            "sisturva.yaml": settings,
            "site/templates/changes.html": "<p>{{ t('changes.title') }}</p>\n",
            "templates/changes.html": "{{ not_used }}\n",
        },
    )
    out = tmp_path / "out"
    assert render(repo, out) == 0
    assert (out / "sv/changes.html").read_text(encoding="utf-8") == "<p>Ändringslogg</p>\n"


def render_cached(repo: Path, out: Path, *extra: str) -> int:
    return main(["render", "-C", str(repo), "--out", str(out), "--format", "site", *extra])


def compiled_files() -> list[Path]:
    from sisturva.cache import cache_dir

    return sorted((cache_dir() / "templates").glob("*.jinja"))


def test_compiled_templates_are_kept_and_give_the_same_site(repo: Path, tmp_path: Path) -> None:
    assert render(repo, tmp_path / "fresh") == 0
    assert compiled_files() == []  # --no-cache writes nothing
    assert render_cached(repo, tmp_path / "first") == 0
    kept = compiled_files()
    assert kept
    assert render_cached(repo, tmp_path / "second") == 0
    assert compiled_files() == kept  # nothing compiled again
    fresh = snapshot(tmp_path / "fresh")
    assert snapshot(tmp_path / "first") == fresh
    assert snapshot(tmp_path / "second") == fresh


def test_changed_template_and_interface_string_are_picked_up(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil

    from sisturva import catalogue

    write_tree(
        repo, {"templates/changes.html": '{% extends "base.html" %}{% block main %}Vanha{% endblock %}'}
    )
    out = tmp_path / "site"
    assert render_cached(repo, out) == 0
    assert "Vanha" in (out / "fi/changes.html").read_text(encoding="utf-8")
    write_tree(
        repo, {"templates/changes.html": '{% extends "base.html" %}{% block main %}Uusi{% endblock %}'}
    )
    # The Finnish catalogue edited and compiled again, as `pybabel compile` would after a translator.
    folder = tmp_path / "translations"
    shutil.copytree(catalogue.FOLDER, folder, ignore=shutil.ignore_patterns("*.mo"))
    po = folder / "fi" / "LC_MESSAGES" / "sisturva.po"
    po.write_text(
        po.read_text(encoding="utf-8").replace("Siirry sisältöön", "Hyppää sisältöön"), encoding="utf-8"
    )
    catalogue.compile_all(folder)
    monkeypatch.setattr(catalogue, "FOLDER", folder)
    catalogue.messages.cache_clear()
    try:
        assert render_cached(repo, out) == 0
    finally:
        catalogue.messages.cache_clear()
    page = (out / "fi/changes.html").read_text(encoding="utf-8")
    assert "Uusi" in page and "Vanha" not in page
    assert "Hyppää sisältöön" in page
    assert "Hyppää sisältöön" in (out / "fi/organisations/sm.html").read_text(encoding="utf-8")


def test_record_names_are_never_kept_in_compiled_templates(repo: Path, tmp_path: Path) -> None:
    # A constant argument would let Jinja fold the filter into the compiled code at compile time.
    write_tree(
        repo,
        {
            "templates/changes.html": '{% extends "base.html" %}{% block main %}{{ "sm"|org("../") }}{% endblock %}'
        },
    )
    out = tmp_path / "site"
    assert render_cached(repo, out) == 0
    assert "Sisäministeriö" in (out / "fi/changes.html").read_text(encoding="utf-8")
    write_tree(repo, {"organisations/sm.yaml": "id: sm\nname: Sisäasiainministeriö\nkind: ministry\n"})
    assert render_cached(repo, out) == 0
    assert "Sisäasiainministeriö" in (out / "fi/changes.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("damage", [b"", b"garbage", None])
def test_damaged_compiled_template_is_ignored(
    repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], damage: bytes | None
) -> None:
    assert render(repo, tmp_path / "fresh") == 0
    assert render_cached(repo, tmp_path / "first") == 0
    for path in compiled_files():
        content = path.read_bytes()
        # None: one byte of the bytecode flipped, the length and header intact.
        path.write_bytes(content[:-1] + bytes([content[-1] ^ 0xFF]) if damage is None else damage)
    capsys.readouterr()
    assert render_cached(repo, tmp_path / "second") == 0
    assert "Traceback" not in capsys.readouterr().err
    assert snapshot(tmp_path / "second") == snapshot(tmp_path / "fresh")


def test_sandboxed_and_plain_templates_never_share_compiled_code(tmp_path: Path) -> None:
    from sisturva.publish import bytecode, site

    (tmp_path / "templates").mkdir()
    plain = site.environment(None, keep_compiled=True)
    sandboxed = site.environment(tmp_path / "templates", keep_compiled=True)
    assert bytecode.salt(plain, "fi", "fi") != bytecode.salt(sandboxed, "fi", "fi")
    assert bytecode.salt(plain, "fi", "fi") != bytecode.salt(plain, "sv", "fi")
    assert bytecode.salt(plain, "sv", "fi") != bytecode.salt(plain, "sv", "en")


def rendered_pages(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The pages rendered (not reused) by later runs, in the order rendered."""
    from sisturva.publish import writing

    seen: list[str] = []
    original = writing._render_jobs

    def spy(prepared: object, jobs: list[tuple[str, object]]) -> dict[str, bytes]:
        seen.extend(f"{lang}/{page.here}" for lang, page in jobs)  # type: ignore[attr-defined]
        return original(prepared, jobs)  # type: ignore[arg-type]

    monkeypatch.setattr(writing, "_render_jobs", spy)
    return seen


EDITS = {
    "commitment": (
        "commitments/poliisihallitus.yaml",
        "Turvallisuusviestintä",
        "Turvallisuusviestintä ja -koulutus",
    ),
    "euros": ("commitments/poliisihallitus.yaml", "euros: 100000", "euros: 90000"),
    "budget": ("budgets/poliisihallitus.yaml", "allocated: 200000", "allocated: 150000"),
    "organisation name": ("organisations/sm.yaml", "Sisäministeriö", "Sisäasiainministeriö"),
    "goal title": ("priorities/p1.yaml", "Luottamus säilyy", "Luottamus kasvaa"),
    "observation": ("indicators/luottamus.yaml", "value: 91}", "value: 90}"),
    "languages": ("sisturva.yaml", "[fi, sv, en]", "[fi, en]"),
}


@pytest.mark.parametrize("edit", list(EDITS))
def test_second_render_reuses_pages_and_matches_a_fresh_one(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, edit: str
) -> None:
    out = tmp_path / "site"
    every = ("--format", "all")
    assert render_cached(repo, out, *every) == 0
    rel, old, new = EDITS[edit]
    text = (repo / rel).read_text(encoding="utf-8")
    assert old in text
    write_tree(repo, {rel: text.replace(old, new)})
    assert render_cached(repo, out, *every) == 0
    assert render(repo, tmp_path / "fresh", *every) == 0
    assert snapshot(out) == snapshot(tmp_path / "fresh")


def test_only_pages_whose_inputs_changed_are_rendered_again(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_tree(repo, {"priorities/p2.yaml": "id: p2\ntitle: Toinen\nstatus: active\nperiod: {start: 2021}\n"})
    out = tmp_path / "site"
    assert render_cached(repo, out) == 0
    rendered = rendered_pages(monkeypatch)
    assert render_cached(repo, out) == 0
    assert rendered == []  # nothing changed: the whole site is taken from the last render
    rel, old, new = EDITS["commitment"]
    write_tree(repo, {rel: (repo / rel).read_text(encoding="utf-8").replace(old, new)})
    assert render_cached(repo, out) == 0
    assert "fi/organisations/poliisihallitus.html" in rendered
    assert "fi/priorities/p1.html" in rendered  # lists the commitment
    assert "fi/priorities/p2.html" not in rendered
    assert "fi/index.html" in rendered  # shows figures of the whole strategy: always rendered
    assert "fi/organisations/sm.html" not in rendered
    assert "fi/indicators/luottamus.html" not in rendered
    assert "Turvallisuusviestintä ja -koulutus" in (out / "sv/organisations/poliisihallitus.html").read_text(
        encoding="utf-8"
    )
    rendered.clear()
    (out / "en/organisations/sm.html").write_text("changed by hand", encoding="utf-8")
    assert render_cached(repo, out) == 0
    assert "en/organisations/sm.html" in rendered  # a file changed by hand is not reused
    assert "fi/organisations/sm.html" not in rendered
    assert render(repo, tmp_path / "fresh") == 0
    assert snapshot(out) == snapshot(tmp_path / "fresh")


def test_a_render_into_another_folder_leaves_the_first_folders_pages_reusable(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "site"
    assert render_cached(repo, out) == 0
    assert render_cached(repo, tmp_path / "document", "--format", "markdown") == 0
    rendered = rendered_pages(monkeypatch)
    assert render_cached(repo, out) == 0
    assert rendered == []  # the site is still taken whole from its own folder
    rel, old, new = EDITS["commitment"]
    write_tree(repo, {rel: (repo / rel).read_text(encoding="utf-8").replace(old, new)})
    assert render_cached(repo, tmp_path / "document", "--format", "markdown") == 0
    assert render_cached(repo, out) == 0
    assert "fi/organisations/poliisihallitus.html" in rendered
    assert "fi/organisations/sm.html" not in rendered
    assert render(repo, tmp_path / "fresh") == 0
    assert snapshot(out) == snapshot(tmp_path / "fresh")


@pytest.mark.parametrize(
    ("template", "reads", "message"),
    [
        ("organisation.html", "{{ s.commitments }}", "commitments"),
        ("organisation.html", "{{ extras.alignment.get('sm') }}", "sm is not shown on this page"),
        ("indicator.html", "{{ mon.goals }}", "goals"),
        ("indicator.html", "{{ verdict('p9-g9') }}", "verdict of goal p9-g9 is not shown"),
        ("priority.html", "{{ idx.commitments_by_goal.get('p2-g1') }}", "p2-g1 is not shown on this page"),
        ("priority.html", "{{ extras.changes }}", "changes"),
    ],
)
def test_a_record_page_cannot_read_what_its_key_leaves_out(
    repo: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    template: str,
    reads: str,
    message: str,
) -> None:
    import shutil

    from sisturva.publish import templates

    packaged = shutil.copytree(templates.PACKAGED_TEMPLATES, tmp_path / "packaged")
    page = packaged / template
    source = page.read_text(encoding="utf-8").replace("{% block main %}", "{% block main %}" + reads)
    page.write_text(source, encoding="utf-8")
    monkeypatch.setattr(templates, "PACKAGED_TEMPLATES", packaged)
    assert render(repo, tmp_path / "site") == 2
    err = capsys.readouterr().err
    assert re.search(re.escape(template) + r":\d+: .*" + re.escape(message), err), err
    assert "Traceback" not in err


def test_document_and_open_data_are_reused_only_while_no_file_changes(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sisturva.publish import markdown, opendata

    made: list[str] = []
    document, open_data = markdown.document, opendata.open_data

    def spy_document(*args: object) -> str:
        made.append(f"document {args[1]}")
        return document(*args)  # type: ignore[arg-type]

    def spy_open_data(*args: object, **named: object) -> dict[str, bytes]:
        made.append("data")
        return open_data(*args, **named)  # type: ignore[arg-type]

    monkeypatch.setattr(markdown, "document", spy_document)
    monkeypatch.setattr(opendata, "open_data", spy_open_data)
    out = tmp_path / "site"
    every = ("--format", "all")
    assert render_cached(repo, out, *every) == 0
    assert made == ["document fi", "document sv", "document en", "data"]
    made.clear()
    assert render_cached(repo, out, *every) == 0
    assert made == []
    (out / "data/commitments.csv").write_text("changed by hand", encoding="utf-8")
    assert render_cached(repo, out, *every) == 0
    assert made == ["data"]
    made.clear()
    rel, old, new = EDITS["commitment"]
    write_tree(repo, {rel: (repo / rel).read_text(encoding="utf-8").replace(old, new)})
    assert render_cached(repo, out, *every) == 0
    assert made == ["document fi", "document sv", "document en", "data"]
    assert "Turvallisuusviestintä ja -koulutus" in (out / "strategy.fi.md").read_text(encoding="utf-8")
    assert render(repo, tmp_path / "fresh", *every) == 0
    assert snapshot(out) == snapshot(tmp_path / "fresh")


def test_repository_templates_see_every_organisations_figures(repo: Path, tmp_path: Path) -> None:
    template = (
        '{% extends "base.html" %}{% block main %}'
        "{% for org_id in extras.alignment %}<p>{{ org_id }}: {{ extras.alignment[org_id] | map(attribute='committed') | sum | money }}</p>"
        "{% endfor %}<p>{{ extras.alignment | length }}</p>{% endblock %}"
    )
    write_tree(repo, {"templates/changes.html": template})
    out = tmp_path / "site"
    assert render_cached(repo, out) == 0
    page = (out / "en/changes.html").read_text(encoding="utf-8")
    assert "<p>poliisihallitus: 100,000\u00a0€</p><p>1</p>" in page


def test_document_parts_of_unchanged_organisations_are_kept(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sisturva.publish import markdown

    write_tree(
        repo,
        {"commitments/sm.yaml": SM_COMMITMENT},
    )
    written: list[str] = []
    original = markdown._organisation_commitments

    def spy(w: object, org: str, items: object) -> None:
        written.append(org)
        original(w, org, items)  # type: ignore[arg-type]

    monkeypatch.setattr(markdown, "_organisation_commitments", spy)
    out = tmp_path / "site"
    assert render_cached(repo, out, "--format", "markdown", "--lang", "fi") == 0
    assert written == ["poliisihallitus", "sm"]
    written.clear()
    rel, old, new = EDITS["euros"]
    write_tree(repo, {rel: (repo / rel).read_text(encoding="utf-8").replace(old, new)})
    assert render_cached(repo, out, "--format", "markdown", "--lang", "fi") == 0
    assert written == ["poliisihallitus"]
    assert render(repo, tmp_path / "fresh", "--format", "markdown", "--lang", "fi") == 0
    assert snapshot(out) == snapshot(tmp_path / "fresh")


SM_COMMITMENT = (
    "organisation: sm\ncommitments:\n  - id: sm-ohjaus\n    action: Ohjaus\n"
    "    goals: [p1-g1]\n    period: {start: 2022, end: 2022}\n"
)


def rows_rendered(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The ids of the commitments whose table rows are rendered (not kept) from now on, by language."""
    from sisturva.publish import reuse

    made: list[str] = []
    keeper = reuse.Rows.keeper

    def spy(self: reuse.Rows, prefix: str) -> reuse.KeepRow:
        keep = keeper(self, prefix)

        def counted(up: str, with_org: bool, org: str, item: Any, render: Callable[[], str]) -> str:
            def rendered() -> str:
                made.append(item.id)
                return render()

            return keep(up, with_org, org, item, rendered)

        return counted

    monkeypatch.setattr(reuse.Rows, "keeper", spy)
    return made


def test_table_rows_of_unchanged_commitments_are_kept(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sisturva.cache import cache_dir

    write_tree(repo, {"commitments/sm.yaml": SM_COMMITMENT})
    out = tmp_path / "site"
    made = rows_rendered(monkeypatch)
    assert render_cached(repo, out) == 0
    assert sorted(made) == ["poha-viestinta"] * 3 + ["sm-ohjaus"] * 3  # p1's table, in 3 languages
    made.clear()
    rel, old, new = EDITS["commitment"]
    write_tree(repo, {rel: (repo / rel).read_text(encoding="utf-8").replace(old, new)})
    assert render_cached(repo, out) == 0
    assert made == ["poha-viestinta"] * 3  # p1's page is rendered again, but not sm's row
    assert render(repo, tmp_path / "fresh") == 0
    assert snapshot(out) == snapshot(tmp_path / "fresh")
    # A damaged file of kept rows is ignored: every row is rendered again.
    [kept] = cache_dir().glob("rows-*.pickle")
    kept.write_bytes(b"not a pickle")
    made.clear()
    write_tree(repo, {rel: (repo / rel).read_text(encoding="utf-8").replace(new, old)})
    assert render_cached(repo, out) == 0
    assert sorted(made) == ["poha-viestinta"] * 3 + ["sm-ohjaus"] * 3
    assert render(repo, tmp_path / "fresh2") == 0
    assert snapshot(out) == snapshot(tmp_path / "fresh2")


def test_open_data_parts_of_unchanged_budget_plans_are_kept(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sisturva.publish import opendata

    made: list[str] = []
    original = opendata._budget_rows

    def spy(strategy: object, org: str) -> list[list[object]]:
        made.append(org)
        return original(strategy, org)  # type: ignore[arg-type]

    monkeypatch.setattr(opendata, "_budget_rows", spy)
    out = tmp_path / "site"
    assert render_cached(repo, out, "--format", "data") == 0
    assert made == ["poliisihallitus"]
    made.clear()
    rel, old, new = EDITS["commitment"]
    write_tree(repo, {rel: (repo / rel).read_text(encoding="utf-8").replace(old, new)})
    assert render_cached(repo, out, "--format", "data") == 0
    assert made == []  # only the commitments changed
    rel, old, new = EDITS["budget"]
    write_tree(repo, {rel: (repo / rel).read_text(encoding="utf-8").replace(old, new)})
    assert render_cached(repo, out, "--format", "data") == 0
    assert made == ["poliisihallitus"]
    assert render(repo, tmp_path / "fresh", "--format", "data") == 0
    assert snapshot(out) == snapshot(tmp_path / "fresh")


@pytest.mark.parametrize("damage", [b"not a pickle", None])
def test_damaged_document_and_data_parts_are_ignored(
    repo: Path, tmp_path: Path, damage: bytes | None
) -> None:
    from sisturva.cache import cache_dir

    out = tmp_path / "site"
    both = ("--format", "markdown,data")
    assert render_cached(repo, out, *both) == 0
    kept = sorted(cache_dir().glob("document-*.pickle")) + sorted(cache_dir().glob("data-*.pickle"))
    assert len(kept) == 4
    for path in kept:
        content = path.read_bytes()
        path.write_bytes(content[: len(content) // 2] if damage is None else damage)  # None: cut short
    rel, old, new = EDITS["euros"]
    write_tree(repo, {rel: (repo / rel).read_text(encoding="utf-8").replace(old, new)})
    assert render_cached(repo, out, *both) == 0
    assert render(repo, tmp_path / "fresh", *both) == 0
    assert snapshot(out) == snapshot(tmp_path / "fresh")


# -- publishing data with errors (`--allow-errors`) -----------------------------------------------

UNAPPROVED = {
    "fi": "Tässä julkaisussa on korjaamattomia virheitä: tiedot eivät ole hyväksytty versio.",
    "sv": "Den här publikationen innehåller fel som inte har rättats: uppgifterna är inte en godkänd version.",
    "en": "This publication contains uncorrected errors: the data are not an approved version.",
}
NOT_IN_PLAN = {
    "fi": "ei talousarviosuunnitelmassa",
    "sv": "finns inte i budgetplanen",
    "en": "not in the budget plan",
}
# A second resource on a line the organisation's plan lacks: SIS301, an error.
UNKNOWN_LINE = (
    "      - {year: 2022, budget_line: 26.10.01, euros: 100000, person_years: 1}\n",
    "      - {year: 2022, budget_line: 26.10.01, euros: 100000, person_years: 1}\n"
    "      - {year: 2022, budget_line: 26.99.99, euros: 5000}\n",
)


def break_budget_line(repo: Path) -> None:
    rel = "commitments/poliisihallitus.yaml"
    old, new = UNKNOWN_LINE
    text = (repo / rel).read_text(encoding="utf-8")
    assert old in text
    write_tree(repo, {rel: text.replace(old, new)})


def fix_budget_line(repo: Path) -> None:
    rel = "commitments/poliisihallitus.yaml"
    new, old = UNKNOWN_LINE
    write_tree(repo, {rel: (repo / rel).read_text(encoding="utf-8").replace(old, new)})


def notices(out: Path) -> dict[str, list[str]]:
    """Every HTML page of `out` by path, with the languages whose unapproved notice it shows."""
    return {
        str(page.relative_to(out)): [
            lang for lang, text in UNAPPROVED.items() if text in page.read_text(encoding="utf-8")
        ]
        for page in sorted(out.rglob("*.html"))
    }


def test_data_with_errors_is_published_only_when_allowed_and_then_marked_unapproved(
    repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    break_budget_line(repo)
    out = tmp_path / "site"
    every = ("--format", "all")
    assert render_cached(repo, out, *every) == 1
    assert "nothing rendered" in capsys.readouterr().err
    assert not out.exists()

    assert render_cached(repo, out, *every, "--allow-errors") == 0
    err = capsys.readouterr().err
    assert "SIS301" in err and "rendered anyway" in err and "written" in err
    shown = notices(out)
    assert len(shown) > 20
    for page, langs in shown.items():
        # Each language's pages in their own language; the language chooser in every one.
        assert langs == (list(UNAPPROVED) if page == "index.html" else [page.split("/")[0]]), page
    page = (out / "fi/organisations/poliisihallitus.html").read_text(encoding="utf-8")
    assert f'<p class="unapproved"><strong>{UNAPPROVED["fi"]}</strong></p>' in page
    assert page.index('class="unapproved"') < page.index("<h1>")  # at the top of the content
    for lang in UNAPPROVED:
        document = (out / f"strategy.{lang}.md").read_text(encoding="utf-8")
        assert f"\n**{UNAPPROVED[lang]}**\n" in document.split("\n## ", 1)[0]  # in the title block
    data = json.loads((out / "data/strategy.json").read_bytes())
    package = json.loads((out / "data/datapackage.json").read_bytes())
    assert (data["unapproved"], data["errors"]) == (True, 1)
    assert (package["unapproved"], package["errors"]) == (True, 1)

    # Fixed, the next render takes nothing marked from the last one.
    fix_budget_line(repo)
    assert render_cached(repo, out, *every) == 0
    assert not any(notices(out).values())
    for lang in UNAPPROVED:
        assert UNAPPROVED[lang] not in (out / f"strategy.{lang}.md").read_text(encoding="utf-8")
    assert "unapproved" not in json.loads((out / "data/strategy.json").read_bytes())
    assert "unapproved" not in json.loads((out / "data/datapackage.json").read_bytes())
    assert render(repo, tmp_path / "fresh", *every) == 0
    assert snapshot(out) == snapshot(tmp_path / "fresh")


def test_pages_kept_from_a_clean_render_are_not_reused_for_an_unapproved_one(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "site"
    assert render_cached(repo, out) == 0
    assert not any(notices(out).values())
    rendered = rendered_pages(monkeypatch)
    # The error is in one organisation's commitments; the other pages read nothing of them.
    break_budget_line(repo)
    assert render_cached(repo, out, "--allow-errors") == 0
    assert "fi/organisations/sm.html" in rendered and "sv/indicators/luottamus.html" in rendered
    for page, langs in notices(out).items():
        assert langs, page
    assert render(repo, tmp_path / "fresh", "--allow-errors") == 0
    assert snapshot(out) == snapshot(tmp_path / "fresh")


def test_allow_errors_changes_nothing_for_data_without_errors(repo: Path, tmp_path: Path) -> None:
    every = ("--format", "all")
    assert render(repo, tmp_path / "plain", *every) == 0
    assert render(repo, tmp_path / "allowed", *every, "--allow-errors") == 0
    assert snapshot(tmp_path / "plain") == snapshot(tmp_path / "allowed")
    assert not any(notices(tmp_path / "allowed").values())


def test_help_says_where_the_findings_go(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["render", "--help"]) == 0
    shown = " ".join(capsys.readouterr().out.split())
    assert "--allow-errors" in shown and "stderr" in shown


# -- budget lines by name -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "name"),
    [
        ("fi", "Poliisitoimen toimintamenot"),
        (
            "sv",
            '<span lang="fi">Poliisitoimen toimintamenot</span> <span class="fallback">(på finska)</span>',
        ),
        (
            "en",
            '<span lang="fi">Poliisitoimen toimintamenot</span> <span class="fallback">(in Finnish)</span>',
        ),
    ],
)
def test_resource_tables_name_the_budget_line_and_flag_one_not_in_the_plan(
    repo: Path, tmp_path: Path, lang: str, name: str
) -> None:
    break_budget_line(repo)
    out = tmp_path / "site"
    assert render(repo, out, "--allow-errors") == 0
    page = (out / lang / "organisations/poliisihallitus.html").read_text(encoding="utf-8")
    cells = re.findall(r"<tr><th scope=\"row\">2022</th><td>(.*?)</td>", page)
    assert cells == [
        f"{name} (26.10.01)",
        f'26.99.99 <strong class="not-in-plan">({NOT_IN_PLAN[lang]})</strong>',
    ]


def test_a_renamed_budget_line_is_renamed_wherever_commitments_name_it(repo: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    every = ("--format", "all", "--lang", "fi")
    assert render_cached(repo, out, *every) == 0
    rel = "budgets/poliisihallitus.yaml"
    write_tree(
        repo,
        {
            rel: (repo / rel)
            .read_text(encoding="utf-8")
            .replace("Poliisitoimen toimintamenot", "Poliisin menot")
        },
    )
    assert render_cached(repo, out, *every) == 0
    document = (out / "strategy.fi.md").read_text(encoding="utf-8")
    row = next(line for line in document.splitlines() if line.startswith("| Turvallisuusviestintä |"))
    assert row.endswith(" | Poliisin menot (26.10.01) |")
    page = (out / "fi/organisations/poliisihallitus.html").read_text(encoding="utf-8")
    assert "<td>Poliisin menot (26.10.01)</td>" in page
    assert render(repo, tmp_path / "fresh", *every) == 0
    assert snapshot(out) == snapshot(tmp_path / "fresh")


# -- what a reader sees ---------------------------------------------------------------------------


def fixture_site(tmp_path: Path, changes: dict[str, str] | None = None, *extra: str) -> Path:
    """The publishing fixture (partial translations, hostile text) rendered as a site."""
    from tests.publish_fixture import FILES

    repo = write_tree(tmp_path / "fixture", {**FILES, **(changes or {})})
    out = tmp_path / "fixture-site"
    assert render(repo, out, *extra) == 0
    return out


def main_text(html: str) -> str:
    found = re.search(r"<main.*?</main>", html, re.S)
    assert found is not None
    return found.group(0)


def test_front_page_counts_the_goals_as_status_does(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = fixture_site(tmp_path)
    capsys.readouterr()
    assert main(["status", "-C", str(tmp_path / "fixture"), "--format", "json"]) == 0
    counts = json.loads(capsys.readouterr().out)["counts"]
    for lang in ("fi", "sv", "en"):
        front = (out / lang / "index.html").read_text(encoding="utf-8")
        shown = dict(
            re.findall(r'<li data-verdict="([a-z-]+)">.*?<strong class="count">(\d+)</strong>', front)
        )
        assert {k: int(v) for k, v in shown.items()} == counts, lang
        # The summary comes before the priorities, and the member lists after them, folded.
        assert front.index('id="summary"') < front.index('id="priorities"') < front.index("<details>")
    assert "3 tavoitetta" in (out / "fi/index.html").read_text(encoding="utf-8")


STALE_INDICATOR = (
    "id: luottamus\nname: Luottamus poliisiin\nunit: '%'\ndirection: higher-is-better\n"
    "observations:\n  - {year: 2010, value: 50}\n  - {year: 2011, value: 60}\n"
)
STALE_PRIORITY = (
    "id: p1\ntitle: Turvallisuuden tunne\nstatus: active\nperiod: {start: 2010}\n"
    "goals:\n  - id: p1-g1\n    title: Luottamus kasvaa\n    indicator: luottamus\n"
    "    baseline: {year: 2010, value: 50}\n    target: {year: 2040, value: 70}\n"
)


def test_a_stale_indicator_gives_no_green_verdict_on_the_site(repo: Path, tmp_path: Path) -> None:
    write_tree(repo, {"indicators/luottamus.yaml": STALE_INDICATOR, "priorities/p1.yaml": STALE_PRIORITY})
    out = tmp_path / "site"
    assert render(repo, out) == 0
    for page in out.rglob("*.html"):
        # The front page's summary names every verdict with its count (here 0 on track); no goal is green.
        html = re.sub(
            r'<ul class="summary-counts">.*?</ul>', "", page.read_text(encoding="utf-8"), flags=re.S
        )
        assert "badge-on-track" not in html and "badge-achieved" not in html, page
    priority = (out / "fi/priorities/p1.html").read_text(encoding="utf-8")
    assert "Ei ajantasaista tietoa" in priority and "viimeisin arvo 60 % vuodelta 2011" in priority
    assert "Odotettu" not in priority  # no "expected now" for a value of long ago
    front = (out / "en/index.html").read_text(encoding="utf-8")
    assert re.search(r'data-verdict="no-data">.*?<strong class="count">1</strong>', front)
    assert re.search(r'data-verdict="on-track">.*?<strong class="count">0</strong>', front)


def test_no_element_id_is_used_twice_and_rows_link_to_their_commitment(tmp_path: Path) -> None:
    out = fixture_site(tmp_path)
    for page in out.rglob("*.html"):
        ids = re.findall(r'\sid="([^"]+)"', page.read_text(encoding="utf-8"))
        assert len(ids) == len(set(ids)), f"{page}: {sorted({i for i in ids if ids.count(i) > 1})}"
    # `viestinta` serves two goals of p1: listed under each, it links to its one anchor.
    priority = (out / "fi/priorities/p1.html").read_text(encoding="utf-8")
    assert priority.count('href="../organisations/poliisihallitus.html#commitment-viestinta"') == 2
    organisation = (out / "fi/organisations/poliisihallitus.html").read_text(encoding="utf-8")
    assert organisation.count('id="commitment-viestinta"') == 1


def test_names_units_and_abbreviations_carry_no_untranslated_marker(tmp_path: Path) -> None:
    out = fixture_site(tmp_path)
    sv_priority = (out / "sv/priorities/p1.html").read_text(encoding="utf-8")
    # An organisation's name is what it is called: its language, but no "(på finska)".
    assert '<span lang="fi">Poliisihallitus</span></a>' in sv_priority
    assert '<span lang="fi">Poliisihallitus</span> <span class="fallback">' not in sv_priority
    # A unit that is a symbol is in no language; Finnish text is marked, once, the same way.
    assert "Värde (%)" in sv_priority
    assert '<span lang="fi">Muutos pienenee</span> <span class="fallback">(på finska)</span>' in sv_priority
    sm = (out / "sv/organisations/sm.html").read_text(encoding="utf-8")
    assert '<h1>Inrikesministeriet (<span lang="fi">SM</span>)</h1>' in sm
    # A source's title is Finnish: on a Swedish or English page it says so.
    indicator = (out / "en/indicators/luottamus.html").read_text(encoding="utf-8")
    assert '<span lang="fi">Poliisibarometri</span> <span class="fallback">(in Finnish)</span>' in indicator
    fi = "".join(main_text(p.read_text(encoding="utf-8")) for p in (out / "fi").rglob("*.html"))
    assert 'class="fallback"' not in fi  # every text is in Finnish on a Finnish page


def test_lists_follow_the_readers_alphabet() -> None:
    from sisturva.publish.site import collation_key

    names = [
        "Ähtärin kaupunki",
        "Suomen Kuntaliitto",
        "Zeta Oy",
        "Länsi- ja Sisä-Suomen aluehallintovirasto",
        "Åland",
        "itä-Suomen aluehallintovirasto",
        "Östersundom",
        "Valli ry",
        "Éclair",
    ]
    finnish = sorted(names, key=lambda n: collation_key(n, "fi"))
    assert finnish == [
        "Éclair",
        "itä-Suomen aluehallintovirasto",
        "Länsi- ja Sisä-Suomen aluehallintovirasto",
        "Suomen Kuntaliitto",
        "Valli ry",
        "Zeta Oy",
        "Åland",
        "Ähtärin kaupunki",
        "Östersundom",
    ]
    assert sorted(names, key=lambda n: collation_key(n, "sv")) == finnish
    english = sorted(names, key=lambda n: collation_key(n, "en"))
    assert english[:3] == ["Ähtärin kaupunki", "Åland", "Éclair"]


def test_organisations_are_listed_by_name_in_each_language(repo: Path, tmp_path: Path) -> None:
    write_tree(
        repo,
        {
            "organisations/kuntaliitto.yaml": (
                "id: kuntaliitto\nname: {fi: Suomen Kuntaliitto, sv: Finlands Kommunförbund}\nkind: association\n"
            ),
            "organisations/ita.yaml": (
                "id: ita\nname: {fi: Itä-Suomen aluehallintovirasto, sv: Regionförvaltningsverket i Östra Finland}\n"
                "kind: regional-agency\n"
            ),
            "organisations/lansi.yaml": (
                "id: lansi\nname: {fi: Länsi- ja Sisä-Suomen aluehallintovirasto, "
                "sv: Regionförvaltningsverket i Västra och Inre Finland}\nkind: regional-agency\n"
            ),
        },
    )
    out = tmp_path / "site"
    assert render(repo, out) == 0

    def listed(lang: str) -> list[str]:
        page = (out / lang / "organisations/index.html").read_text(encoding="utf-8")
        return re.findall(r'<li><a href="([a-z]+)\.html">', page)

    # Not by id: "Suomen Kuntaliitto" after Itä- and Länsi-; in Swedish, Östra after Västra.
    assert listed("fi") == ["ita", "lansi", "poliisihallitus", "sm", "kuntaliitto"]
    assert listed("sv") == ["kuntaliitto", "poliisihallitus", "lansi", "ita", "sm"]


PUBLICATION = (
    "publication:\n"
    "  publisher: {fi: Sisäministeriö, sv: Inrikesministeriet, en: Ministry of the Interior}\n"
    "  contact: kirjaamo@example.fi\n"
    "  accessibility:\n"
    "    conformance: partial\n"
    "    assessed: 2025-05-20\n"
    "    known_issues:\n"
    "      - {fi: Kaaviot ovat kuvia., sv: Diagrammen är bilder.}\n"
    "    feedback: https://example.fi/palaute\n"
)


def test_every_page_names_its_publisher_version_date_and_licence(repo: Path, tmp_path: Path) -> None:
    from tests.gitrepo import commit, init

    settings = (repo / "sisturva.yaml").read_text(encoding="utf-8")
    write_tree(repo, {"sisturva.yaml": settings + PUBLICATION})
    init(repo)
    commit(repo, "Strategy", date="2025-03-04T12:00:00+02:00")
    out = tmp_path / "site"
    assert render(repo, out) == 0
    pages = [p for p in out.rglob("*.html") if p.parent != out]
    assert len(pages) > 20
    for page in pages:
        html = page.read_text(encoding="utf-8")
        footer = html[html.index('<footer class="site">') :]
        assert "accessibility.html" in footer and "creativecommons.org/licenses/by/4.0/" in footer, page
        assert 'datetime="2025-03-04"' in footer, page
    fi = (out / "fi/index.html").read_text(encoding="utf-8")
    footer = fi[fi.index('<footer class="site">') :]
    assert "Sisäministeriö" in footer and 'href="mailto:kirjaamo@example.fi"' in footer
    assert "Ei vielä hyväksytty" in footer and "4.3.2025" in footer
    statement = {
        lang: (out / lang / "accessibility.html").read_text(encoding="utf-8") for lang in ("fi", "sv", "en")
    }
    assert "<h1>Saavutettavuusseloste</h1>" in statement["fi"] and "306/2019" in statement["fi"]
    assert "osittain" in statement["fi"] and "Kaaviot ovat kuvia." in statement["fi"]
    assert "20.5.2025" in statement["fi"] and 'href="https://example.fi/palaute"' in statement["fi"]
    assert 'href="https://www.saavutettavuusvaatimukset.fi/"' in statement["fi"]
    assert "<h1>Tillgänglighetsutlåtande</h1>" in statement["sv"] and "Inrikesministeriet" in statement["sv"]
    assert "<h1>Accessibility statement</h1>" in statement["en"]
    assert (
        '<span lang="fi">Kaaviot ovat kuvia.</span> <span class="fallback">(in Finnish)</span>'
        in statement["en"]
    )
    # The language chooser, read before a language is chosen, speaks all three.
    chooser = (out / "index.html").read_text(encoding="utf-8")
    for lang, words in (("fi", "Valitse kieli"), ("sv", "Välj språk"), ("en", "Choose a language")):
        assert f'<span lang="{lang}">{words}</span>' in chooser


def test_priorities_have_an_index_a_menu_item_a_breadcrumb_and_neighbours(repo: Path, tmp_path: Path) -> None:
    write_tree(repo, {"priorities/p2.yaml": PRIORITY_2.replace("id: p2", "id: p2\nnumber: 2")})
    write_tree(repo, {"priorities/p1.yaml": (repo / "priorities/p1.yaml").read_text() + "number: 1\n"})
    out = tmp_path / "site"
    assert render(repo, out) == 0
    for page in (out / "sv").rglob("*.html"):
        assert ">Prioriteringar</a></li>" in page.read_text(encoding="utf-8").split("</nav>")[1], page
    listing = (out / "fi/priorities/index.html").read_text(encoding="utf-8")
    assert listing.index('href="p1.html"') < listing.index('href="p2.html"')
    first = (out / "en/priorities/p1.html").read_text(encoding="utf-8")
    assert '<nav class="breadcrumb" aria-label="Breadcrumb">' in first
    assert '<a href="../priorities/index.html">Priorities</a>' in first
    assert 'rel="next">Next: 2. Young people&#39;s safety →</a>' in first and 'rel="prev"' not in first
    second = (out / "en/priorities/p2.html").read_text(encoding="utf-8")
    assert 'rel="prev">← Previous: 1. <span lang="fi">Turvallisuuden tunne</span>' in second


def test_organisation_budget_names_its_lines_with_total_and_source_and_flags_others(
    repo: Path, tmp_path: Path
) -> None:
    text = (repo / "commitments/poliisihallitus.yaml").read_text(encoding="utf-8")
    extra = "      - {year: 2022, budget_line: 26.99.99, euros: 5000}\n"
    budget = (repo / "budgets/poliisihallitus.yaml").read_text(encoding="utf-8")
    write_tree(
        repo,
        {
            "commitments/poliisihallitus.yaml": text + extra,
            "budgets/poliisihallitus.yaml": budget.replace(
                "    name: Poliisitoimen toimintamenot\n",
                "    name: Poliisitoimen toimintamenot\n    source: Valtion talousarvio 2022\n",
            ),
        },
    )
    out = tmp_path / "site"
    assert render(repo, out, "--allow-errors") == 0  # SIS301: the line is not in the plan
    page = main_text((out / "fi/organisations/poliisihallitus.html").read_text(encoding="utf-8"))
    assert "Poliisitoimen toimintamenot (26.10.01)" in page
    assert "Lähde: Valtion talousarvio 2022" in page
    assert re.search(
        r"<th scope=\"row\">Yhteensä</th><td>2022</td><td class=\"num\">800\xa0000\xa0000\xa0€", page
    )
    flagged = page[page.index("Sitoumukset, jotka kohdistuvat") :]
    assert (
        '<a href="#commitment-poha-viestinta">Turvallisuusviestintä</a>: 2022, 26.99.99, 5\xa0000\xa0€'
        in flagged
    )


def test_every_table_scrolls_in_a_named_region_and_verdicts_are_labels(tmp_path: Path) -> None:
    out = fixture_site(tmp_path)
    tables = 0
    for page in out.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        for found in re.finditer(r"<table>", html):
            tables += 1
            before = html[: found.start()].rstrip()
            region = before[before.rindex("<div") :]
            assert re.fullmatch(
                r'<div class="table-scroll" role="region" tabindex="0" aria-label="[^"]+">', region
            ), (
                page,
                region,
            )
        assert "<button" not in html
    assert tables > 20
    front = (out / "fi/index.html").read_text(encoding="utf-8")
    assert '<span class="badge badge-no-data">' in front


def test_data_page_describes_each_file_with_size_licence_and_date(tmp_path: Path) -> None:
    out = fixture_site(tmp_path, None, "--format", "all")
    page = (out / "fi/data.html").read_text(encoding="utf-8")
    files = sorted(p.name for p in (out / "data").iterdir())
    rows = re.findall(
        r'<tr><th scope="row"><a href="../data/([^"]+)">.*?<td class="num">([^<]+)</td></tr>', page
    )
    assert sorted(name for name, _ in rows) == files
    sizes = dict(rows)
    assert all(size.endswith(("B", "kB", "MB")) for size in sizes.values())
    assert "CC BY 4.0" in page


def test_suspect_commitments_are_counted_on_the_site(repo: Path, tmp_path: Path) -> None:
    assert main(["confirm", "--all", "-C", str(repo)]) == 0
    priority = (repo / "priorities/p1.yaml").read_text(encoding="utf-8")
    write_tree(repo, {"priorities/p1.yaml": priority.replace("value: 92}", "value: 93}")})
    out = tmp_path / "site"
    assert render(repo, out) == 0
    assert "1 epäiltävä sitoumus" in (out / "fi/priorities/p1.html").read_text(encoding="utf-8")
    assert "1 epäiltävä sitoumus" in (out / "fi/organisations/poliisihallitus.html").read_text(
        encoding="utf-8"
    )
    assert "1 epäiltävä sitoumus" in (out / "fi/index.html").read_text(encoding="utf-8")
    assert "epäiltävä" not in (out / "fi/organisations/sm.html").read_text(encoding="utf-8")


def test_a_new_commit_renders_every_footer_again(repo: Path, tmp_path: Path) -> None:
    from tests.gitrepo import commit, init

    init(repo)
    commit(repo, "One", date="2025-01-01T12:00:00+02:00")
    out = tmp_path / "site"
    assert render_cached(repo, out) == 0
    commit(repo, "Two", date="2025-02-02T12:00:00+02:00")
    assert render_cached(repo, out) == 0
    assert render(repo, tmp_path / "fresh") == 0
    assert snapshot(out) == snapshot(tmp_path / "fresh")
    assert "2.2.2025" in (out / "fi/organisations/sm.html").read_text(encoding="utf-8")
