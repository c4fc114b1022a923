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


VIEWPORTS = ({"width": 390, "height": 844}, {"width": 1280, "height": 900})
"""A phone and a desktop: every page is checked at both."""

# Every table wider than the space it has must be inside a region that scrolls sideways and shows
# that it does (a shadow at the edge: a background image of the region); a table clipped or
# running off the page without one hides columns from the reader.
HIDDEN_COLUMNS = """() => {
  const found = [];
  const page = document.documentElement.clientWidth;
  for (const table of document.querySelectorAll('main table')) {
    const region = table.closest('.table-scroll');
    const box = table.getBoundingClientRect();
    const room = region ? region.clientWidth : table.parentElement.clientWidth;
    if (table.scrollWidth <= room + 1 && box.right <= page + 1) continue;
    if (!region) { found.push('no scroll region: ' + (table.caption ? table.caption.innerText : '?')); continue; }
    const style = getComputedStyle(region);
    if (!['auto', 'scroll'].includes(style.overflowX)) found.push('region does not scroll: ' + region.ariaLabel);
    if (style.backgroundImage === 'none') found.push('no scroll cue: ' + region.ariaLabel);
    if (region.getBoundingClientRect().right > page + 1) found.push('region wider than the page: ' + region.ariaLabel);
  }
  return found;
}"""

DUPLICATE_IDS = """() => {
  const seen = new Map();
  for (const el of document.querySelectorAll('[id]')) seen.set(el.id, (seen.get(el.id) || 0) + 1);
  return [...seen].filter(([, n]) => n > 1).map(([id]) => id);
}"""


def test_every_page_is_accessible_and_its_links_resolve(site: Path, server: str, browser: object) -> None:
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    problems: list[str] = []
    blocked: list[str] = []
    pages = _pages(site)
    assert len(pages) > 20
    for viewport in VIEWPORTS:
        width = viewport["width"]
        context = browser.new_context(viewport=viewport)  # type: ignore[attr-defined]
        page = context.new_page()
        page.on(
            "console",
            lambda msg: blocked.append(msg.text) if "Content Security Policy" in msg.text else None,
        )
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
                problems.append(f"{rel} at {width} px: {violation['id']}: {violation['help']} at {targets}")
            problems += [f"{rel} at {width} px: {found}" for found in page.evaluate(HIDDEN_COLUMNS)]
            problems += [f"{rel}: id {found} used twice" for found in page.evaluate(DUPLICATE_IDS)]
            if width != VIEWPORTS[-1]["width"]:
                continue
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


@pytest.fixture(scope="module")
def monitoring() -> dict[str, object]:
    """What `sisturva status --format json` says of the example strategy."""
    import contextlib
    import io
    import json

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["status", "-C", str(EXAMPLE), "--format", "json"]) == 0
    found: dict[str, object] = json.loads(out.getvalue())
    return found


def test_front_page_counts_equal_those_of_status(
    site: Path, server: str, browser: object, monitoring: dict[str, object]
) -> None:
    counts = monitoring["counts"]
    assert isinstance(counts, dict) and sum(counts.values()) > 0
    context = browser.new_context(viewport=VIEWPORTS[0])  # type: ignore[attr-defined]
    page = context.new_page()
    for lang in ("fi", "sv", "en"):
        page.goto(f"{server}{lang}/index.html")
        summary = page.locator("section.summary")
        assert summary.is_visible()
        shown = {
            item.get_attribute("data-verdict"): int(item.locator(".count").inner_text())
            for item in summary.locator("li[data-verdict]").all()
        }
        assert shown == counts, lang
        # In ten seconds: the summary and the first priority within the first two screens of a phone.
        first = page.locator("ol.priorities > li").first
        assert first.bounding_box()["y"] < 2 * VIEWPORTS[0]["height"], lang
        assert summary.bounding_box()["y"] < first.bounding_box()["y"]
    context.close()


def test_a_stale_indicator_gives_no_green_verdict_on_the_site(
    site: Path, server: str, browser: object, monitoring: dict[str, object]
) -> None:
    priorities = monitoring["priorities"]
    assert isinstance(priorities, list)
    stale = [(p["id"], g["id"]) for p in priorities for g in p["goals"] if g["stale"]]
    assert stale, "the example has a stale indicator (palokuolemat)"
    context = browser.new_context()  # type: ignore[attr-defined]
    page = context.new_page()
    for lang in ("fi", "sv", "en"):
        page.goto(f"{server}{lang}/index.html")
        for priority, goal in stale:
            link = page.locator(f'a[href="priorities/{priority}.html#goal-{goal}"]')
            badge = link.locator("xpath=following-sibling::span[contains(@class, 'badge')]")
            assert badge.get_attribute("class") == "badge badge-no-data", (lang, goal)
        page.goto(f"{server}{lang}/priorities/{stale[0][0]}.html")
        verdict = page.locator(f"#goal-{stale[0][1]} .badge").first
        assert verdict.get_attribute("class") == "badge badge-no-data"
        assert page.locator(f"#goal-{stale[0][1]} .stale").is_visible()
    page.goto(f"{server}fi/priorities/p5.html")
    assert "Ei ajantasaista tietoa" in page.locator("#goal-p5-g3").inner_text()
    assert "vuodelta 2019" in page.locator("#goal-p5-g3").inner_text()
    context.close()


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
