"""The strategy document as a print-ready, tagged PDF: the Markdown document set in HTML and printed by Chromium."""

from __future__ import annotations

import datetime
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ..errors import SisturvaError
from ..standing import Standing

CHROMIUM = "chromium"
"""Debian's Chromium, found on PATH; `SISTURVA_CHROMIUM` names another binary."""
CHROMIUM_ENV = "SISTURVA_CHROMIUM"
TIMEOUT_SECONDS = 120
"""How long one document may take to print; a national-scale document takes a few seconds."""
INSTALL = "install Chromium (Debian: apt-get install chromium) or leave pdf out of --format"
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--disable-crash-reporter",
    "--disable-dev-shm-usage",
    # No name resolves: the page is one local file and must fetch nothing.
    "--host-resolver-rules=MAP * ~NOTFOUND",
    "--no-pdf-header-footer",
    "--generate-pdf-document-outline",
)


class PdfError(SisturvaError):
    """The PDF could not be made (no Chromium, or Chromium failed): exit 2."""


@dataclass(frozen=True)
class Page:
    """What a printed page says in its margins besides the text: title, version, date, page numbers."""

    lang: str
    title: str
    version: str
    as_of: str
    page: str
    """The page number as a CSS `content` value: `"Sivu " counter(page) " / " counter(pages)`."""


def chromium() -> str:
    """The Chromium binary to print with, or a one-line error naming what to install."""
    given = os.environ.get(CHROMIUM_ENV, "").strip()
    found = shutil.which(given or CHROMIUM)
    if found is None:
        named = f"{CHROMIUM_ENV}={given}" if given else "chromium"
        raise PdfError(f"render --format pdf: {named} was not found; {INSTALL}")
    return found


def css_string(text: str) -> str:
    """`text` as a CSS string literal, safe inside a `<style>` element."""
    escaped = "".join(
        "\\" + char if char in '"\\' else f"\\{ord(char):x} " if char in "<>&\n\r\f" else char
        for char in text
    )
    return f'"{escaped}"'


def page_numbers(pattern: str) -> str:
    """A translated `Sivu {page} / {pages}` as a CSS `content` value with the page counters."""
    pieces = re.split(r"\{(page|pages)\}", pattern)
    parts = [
        f"counter({piece})" if index % 2 else css_string(piece) for index, piece in enumerate(pieces) if piece
    ]
    return " ".join(parts) or "counter(page)"


def version_text(standing: Standing, lang: str) -> str:
    """Which version the document is, in the words of its title block: approved, changed since, or not yet."""
    from .. import locale
    from .messages import t, tn

    release = standing.release
    if release is None:
        return t("doc.version.none", lang)
    if standing.approved:
        return t(
            "doc.version.approved", lang, version=release.version, date=locale.format_date(release.date, lang)
        )
    return tn("doc.version.since", lang, standing.since, version=release.version)


def page_of(title: str, standing: Standing, lang: str, today: datetime.date | None = None) -> Page:
    """The margins of the printed document in `lang`; the date is that of the data (the commit), else today."""
    from .. import locale
    from .messages import t

    when = standing.date or today or datetime.date.today()
    return Page(
        lang=lang,
        title=title,
        version=version_text(standing, lang),
        as_of=t("doc.version.as_of", lang, date=locale.format_date(when, lang)),
        page=page_numbers(t("pdf.page", lang)),
    )


def body_html(markdown: str) -> str:
    """The Markdown document as HTML; raw HTML in it stays text (record texts are never markup)."""
    from markdown_it import MarkdownIt

    return str(MarkdownIt("commonmark", {"html": False}).enable("table").render(markdown))


def html(markdown: str, page: Page, style: str) -> str:
    """The whole document as one self-contained HTML page for print (`templates/document.html`)."""
    import jinja2
    from markupsafe import Markup

    from .templates import PACKAGED_TEMPLATES

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(PACKAGED_TEMPLATES)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
    # The style sheet and the margin texts go into a <style> element, where HTML escapes are not
    # decoded: the margin texts are CSS strings already, and the sheet is the packaged one.
    margins = {
        "title": Markup(css_string(page.title)),
        "footer": Markup(css_string(f"{page.version} · {page.as_of}")),
        "page": Markup(page.page),
    }
    return env.get_template("document.html").render(
        lang=page.lang,
        title=page.title,
        version=page.version,
        as_of=page.as_of,
        margins=margins,
        style=Markup(style.replace("</", "<\\/")),
        body=Markup(body_html(markdown)),
    )


def style_sheet() -> str:
    """The site's style sheet, whose type and print rules the document shares."""
    from .templates import PACKAGED_TEMPLATES

    return (PACKAGED_TEMPLATES / "style.css").read_text(encoding="utf-8")


def layout_digest() -> str:
    """A digest of the document's template and style sheet: a kept PDF is reused only with the same layout."""
    import hashlib

    from .templates import PACKAGED_TEMPLATES

    digest = hashlib.sha256()
    for name in ("document.html", "style.css"):
        digest.update((PACKAGED_TEMPLATES / name).read_bytes())
    return digest.hexdigest()[:16]


def _last_words(stderr: bytes) -> str:
    """The last line of Chromium's output that says something (D-Bus noise left out)."""
    lines = [
        line.strip()
        for line in stderr.decode("utf-8", "replace").splitlines()
        if line.strip() and "dbus" not in line.lower()
    ]
    return lines[-1][:200] if lines else "no output"


def print_pdf(
    page_html: str, name: str, binary: str | None = None, timeout: float = TIMEOUT_SECONDS
) -> bytes:
    """The PDF Chromium prints of `page_html`, made in a temporary folder that is removed after.

    `name` is the file being made, for the error message.
    """
    binary = binary or chromium()
    with tempfile.TemporaryDirectory(prefix="sisturva-pdf-") as temp:
        folder = Path(temp)
        source = folder / "document.html"
        source.write_text(page_html, encoding="utf-8")
        out = folder / "document.pdf"
        command = [
            binary,
            *FLAGS,
            f"--user-data-dir={folder / 'profile'}",
            f"--print-to-pdf={out}",
            source.as_uri(),
        ]
        # Chromium writes its caches and crash folders under HOME: keep them in the temporary folder.
        env = {**os.environ, "HOME": str(folder), "XDG_CONFIG_HOME": str(folder / "config")}
        try:
            done = subprocess.run(
                command, capture_output=True, timeout=timeout, env=env, cwd=folder, check=False
            )
        except subprocess.TimeoutExpired:
            raise PdfError(
                f"{name}: Chromium did not finish within {timeout:g} s; nothing was written"
            ) from None
        except OSError as error:
            raise PdfError(f"{name}: Chromium could not be started ({error.strerror}); {INSTALL}") from None
        made = out.read_bytes() if out.is_file() else b""
        if done.returncode != 0 or not made.startswith(b"%PDF-"):
            raise PdfError(
                f"{name}: Chromium failed (exit {done.returncode}): {_last_words(done.stderr)}; nothing was written"
            )
        return made


def document_pdf(markdown: str, page: Page, name: str, binary: str | None = None) -> bytes:
    """The strategy document `markdown` as a tagged PDF with `page`'s margins."""
    return print_pdf(html(markdown, page, style_sheet()), name, binary)


__all__ = [
    "CHROMIUM_ENV",
    "Page",
    "PdfError",
    "body_html",
    "chromium",
    "css_string",
    "document_pdf",
    "html",
    "layout_digest",
    "page_numbers",
    "page_of",
    "print_pdf",
    "version_text",
]
