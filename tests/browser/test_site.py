"""The rendered example site in a real browser: accessibility (axe-core, WCAG 2.1 AA), links, content."""

from __future__ import annotations

import functools
import http.server
import re
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote, urljoin, urlsplit

import pytest

from sisturva.cli import main
from sisturva.models import LocalizedText
from sisturva.repository import load
from tests.conftest import PROJECT

if TYPE_CHECKING:
    from playwright.sync_api import Dialog

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
EXAMPLE = PROJECT / "strategy"

playwright_api = pytest.importorskip("playwright.sync_api", reason="install the test extras")


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site") / "out"
    assert main(["render", "-C", str(EXAMPLE), "--out", str(out), "--no-cache"]) == 0
    return out


@pytest.fixture(scope="module")
def server(site: Path) -> Iterator[str]:
    handler = functools.partial(_Quiet, directory=str(site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    assert Path(CHROMIUM).exists(), (
        "Debian's chromium is missing: `make test` installs it (apt-get install chromium)"
    )
    with playwright_api.sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield instance
        instance.close()


def _pages(site: Path) -> list[str]:
    return sorted(str(p.relative_to(site)) for p in site.rglob("*.html"))


def _ids(path: Path) -> set[str]:
    return set(re.findall(r'\sid="([^"]+)"', path.read_text(encoding="utf-8")))


def test_every_page_is_accessible_and_its_links_resolve(site: Path, server: str, browser: object) -> None:
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    context = browser.new_context()  # type: ignore[attr-defined]
    page = context.new_page()
    blocked: list[str] = []
    page.on(
        "console", lambda msg: blocked.append(msg.text) if "Content Security Policy" in msg.text else None
    )
    problems: list[str] = []
    pages = _pages(site)
    assert len(pages) > 20
    for rel in pages:
        response = page.goto(server + rel)
        assert response is not None and response.ok, rel
        # The stylesheet applied under the page's own Content-Security-Policy.
        position = page.evaluate("getComputedStyle(document.querySelector('body')).lineHeight")
        assert position != "normal", f"{rel}: the stylesheet did not load"
        results = axe.run(
            page, options={"runOnly": {"type": "tag", "values": WCAG_AA}, "resultTypes": ["violations"]}
        )
        for violation in results.response["violations"]:
            targets = [" ".join(node["target"]) for node in violation["nodes"]][:3]
            problems.append(f"{rel}: {violation['id']}: {violation['help']} at {targets}")
        for href in page.eval_on_selector_all(
            "a[href], link[href]", "els => els.map(e => e.getAttribute('href'))"
        ):
            url = urlsplit(urljoin(server + rel, href))
            if f"{url.scheme}://{url.netloc}/" != server:
                continue
            target = site / unquote(url.path.lstrip("/"))
            if target.is_dir():
                target = target / "index.html"
            if not target.is_file():
                problems.append(f"{rel}: broken link {href}")
            elif url.fragment and target.suffix == ".html" and url.fragment not in _ids(target):
                problems.append(f"{rel}: link {href} names a missing anchor")
    context.close()
    assert not blocked, blocked[:5]
    assert not problems, "\n".join(problems[:40])


def _text(value: object, lang: str) -> str:
    if isinstance(value, LocalizedText):
        return getattr(value, lang) or value.fi or value.sv or value.en or ""
    return str(value)


def test_priority_titles_are_visible_in_every_language(site: Path, server: str, browser: object) -> None:
    strategy = load(str(EXAMPLE), use_cache=False).strategy
    assert strategy.priorities
    context = browser.new_context()  # type: ignore[attr-defined]
    page = context.new_page()
    for lang in strategy.settings.languages:
        page.goto(f"{server}{lang}/index.html")
        assert page.locator("html").get_attribute("lang") == lang
        for priority in strategy.priorities.values():
            title = _text(priority.title, lang)
            link = page.get_by_role("link", name=title, exact=False).first
            assert link.is_visible(), f"{lang}: priority '{title}' not visible on the front page"
            link.click()
            assert page.get_by_role("heading", level=1).inner_text().strip() == title
            page.go_back()
    context.close()


def test_language_switcher_and_skip_link(site: Path, server: str, browser: object) -> None:
    context = browser.new_context()  # type: ignore[attr-defined]
    page = context.new_page()
    page.goto(f"{server}fi/index.html")
    page.keyboard.press("Tab")
    skip = page.locator("a.skip")
    assert skip.evaluate("el => el === document.activeElement")
    assert skip.is_visible()
    page.keyboard.press("Enter")
    assert page.url.endswith("#main")
    page.get_by_role("navigation", name="Kieli").get_by_role("link", name="Svenska").click()
    assert page.url.endswith("/sv/index.html")
    assert page.locator("html").get_attribute("lang") == "sv"
    context.close()


def test_print_shows_the_content_without_navigation(site: Path, server: str, browser: object) -> None:
    context = browser.new_context()  # type: ignore[attr-defined]
    page = context.new_page()
    page.goto(f"{server}fi/index.html")
    assert page.locator("nav.main").is_visible()
    page.emulate_media(media="print")
    assert not page.locator("nav.main").is_visible()
    assert not page.locator("a.skip").is_visible()
    assert page.locator("main h1").is_visible()
    context.close()


def test_narrow_screen_has_no_horizontal_scroll(site: Path, server: str, browser: object) -> None:
    context = browser.new_context(viewport={"width": 360, "height": 740})  # type: ignore[attr-defined]
    page = context.new_page()
    for rel in (
        "fi/index.html",
        "fi/priorities/p1.html",
        "sv/organisations/index.html",
        "en/indicators/index.html",
    ):
        page.goto(server + rel)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{rel}: {overflow}px wider than the screen"
    context.close()


def test_hostile_record_text_stays_text_in_the_browser(tmp_path: Path, browser: object) -> None:
    from axe_playwright_python.sync_playwright import Axe

    from tests.conftest import MINIMAL, write_tree
    from tests.test_render import HOSTILE_PRIORITY, LONG_WORD

    repo = write_tree(tmp_path / "repo", {**MINIMAL, "priorities/p1.yaml": HOSTILE_PRIORITY})
    out = tmp_path / "out"
    assert main(["render", "-C", str(repo), "--out", str(out), "--no-cache", "--format", "site"]) == 0
    handler = functools.partial(_Quiet, directory=str(out))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        context = browser.new_context(viewport={"width": 360, "height": 740})  # type: ignore[attr-defined]
        page = context.new_page()
        dialogs: list[str] = []

        def seen(dialog: Dialog) -> None:
            dialogs.append(dialog.message)
            dialog.dismiss()

        page.on("dialog", seen)
        for lang in ("fi", "sv"):
            page.goto(f"http://127.0.0.1:{httpd.server_address[1]}/{lang}/priorities/p1.html")
            assert "<script>alert(1)</script>" in page.get_by_role("heading", level=1).inner_text()
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 0, f"{lang}: the long word makes the page {overflow}px too wide"
            results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_AA}})
            assert results.response["violations"] == []
            if lang == "fi":
                assert LONG_WORD in page.content()
        assert page.locator("script").count() == 0
        assert dialogs == []
        context.close()
    finally:
        httpd.shutdown()
        httpd.server_close()
