"""The message catalogue of everything people read: gettext catalogues in Finnish, Swedish and English.

Messages are looked up by a symbolic key (`nav.home`, `report.align.title`), the msgid of a gettext
catalogue in the domain `sisturva`. Every language, English too, translates every key, so a word
can be changed in one language without touching the code or the others. The `.po` files in
`translations/LANG/LC_MESSAGES/` are the source; the build compiles them into `.mo` files, which
`gettext.GNUTranslations` reads at run time in a few milliseconds. A `.po` file newer than its
`.mo` (a source checkout after an edit) is compiled in memory with Babel instead, so a checkout
never shows stale words.

Code marks what extraction collects by the names of the calls: `t("key")` and `tf("key", …)` for a
message, `tn("key", count, …)` for one with plural forms, `mark("key")` for a key that code or a
template builds at run time (`"verdict." + verdict`). `pybabel extract` with `babel.cfg` and
`KEYWORDS`, and `extract()`, collect the same keys into `translations/sisturva.pot`.

Finding messages are in the catalogue too (`finding.SIS304.allocated`, see `findings.tf`): a
finding carries its key and values beside its English message, which stays the JSON contract,
so that reports write the message, its numbers and money in the reader's language.
"""

from __future__ import annotations

import functools
import gettext
import io
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import IO, Any

DOMAIN = "sisturva"
LANGS: tuple[str, ...] = ("fi", "sv", "en")
DEFAULT_LANG = "fi"
FOLDER = Path(__file__).resolve().parent / "translations"
"""Where the catalogues are: `sisturva.pot` and `LANG/LC_MESSAGES/sisturva.po` (and `.mo`)."""
KEYWORDS: Mapping[str, tuple[int, ...] | None] = {"t": None, "tf": None, "tn": (1, 1), "mark": None}
"""The calls extraction collects (Babel's keyword specifications): `tn`'s key is singular and plural."""
TEMPLATES = "templates"
"""The packaged templates' folder, relative to the project root (the mapping file names it too)."""


def mark(key: str) -> str:
    """`key` itself: marks a key built at run time so that extraction puts it into the catalogue."""
    return key


class _Missing(gettext.NullTranslations):
    """The last fallback of a catalogue: a key it lacks is a fault of the code or template asking."""

    def __init__(self, lang: str) -> None:
        super().__init__()
        self.lang = lang

    def gettext(self, message: str) -> str:
        raise KeyError(f"{message!r} is not in the {self.lang} catalogue")

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        return self.gettext(msgid1)


class Messages:
    """The catalogue of one language: a text by key, filled with values, in the plural form a count needs."""

    __slots__ = ("digest", "lang", "translations")

    def __init__(self, lang: str, data: bytes) -> None:
        import hashlib

        self.lang = lang
        self.translations = gettext.GNUTranslations(io.BytesIO(data))
        self.translations.add_fallback(_Missing(lang))
        self.digest = hashlib.sha256(data).hexdigest()
        """Of the compiled catalogue: compiled templates that folded its texts are kept under it."""

    def text(self, key: str) -> str:
        """The text of `key`; an unknown key raises KeyError (a fault of the code or template asking)."""
        return self.translations.gettext(key)

    def t(self, key: str, **values: object) -> str:
        """The text of `key` with its `{name}` fields filled in from `values`."""
        text = self.text(key)
        return text.format(**values) if values else text

    def of(self, prefix: str, value: str, **values: object) -> str:
        """The text of a key built from a prefix and a value (`"verdict."`, `"on-track"`), marked elsewhere."""
        return self.t(prefix + value, **values)

    def tn(self, key: str, count: int, **values: object) -> str:
        """The plural form of `key` that `count` takes in this language, `{n}` filled with the count.

        `values` may give `n` in another form (a formatted or emphasised number); `count` still
        chooses the form.
        """
        return self.translations.ngettext(key, key, count).format(**{"n": count, **values})


def _paths(lang: str, folder: Path) -> tuple[Path, Path]:
    base = folder / lang / "LC_MESSAGES" / DOMAIN
    return base.with_suffix(".po"), base.with_suffix(".mo")


def _compiled(lang: str, folder: Path) -> bytes:
    """The `.mo` of `lang`: as built, or compiled now from a `.po` edited since (or never built)."""
    po, mo = _paths(lang, folder)
    try:
        stale = po.stat().st_mtime_ns > mo.stat().st_mtime_ns
    except FileNotFoundError:
        stale = po.exists()  # no .mo beside the .po (a checkout not yet built); an install has no .po
    return compile_po(po.read_bytes(), lang) if stale else mo.read_bytes()


@functools.cache
def messages(lang: str | None) -> Messages:
    """The catalogue of `lang` (Finnish for an unknown language), loaded once per process."""
    code = lang if lang in LANGS else DEFAULT_LANG
    return Messages(code, _compiled(code, FOLDER))


def digest() -> str:
    """Of every language's compiled catalogue: changes whenever any text does."""
    import hashlib

    return hashlib.sha256("".join(messages(lang).digest for lang in LANGS).encode()).hexdigest()


# -- building and checking the catalogue (Babel; never at run time of a built install) ---------------


def compile_po(source: bytes, lang: str) -> bytes:
    """A `.po` file's bytes compiled into `.mo` bytes; fuzzy entries are left out, as msgfmt does."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    catalog = read_po(io.BytesIO(source), locale=lang, domain=DOMAIN)
    out = io.BytesIO()
    write_mo(out, catalog, use_fuzzy=False)
    return out.getvalue()


def compile_all(folder: Path = FOLDER) -> list[Path]:
    """Write each language's `.mo` beside its `.po` (the build runs this); returns the files written."""
    written: list[Path] = []
    for lang in LANGS:
        po, mo = _paths(lang, folder)
        data = compile_po(po.read_bytes(), lang)
        if not mo.exists() or mo.read_bytes() != data:
            partial = mo.with_name(mo.name + ".tmp")
            partial.write_bytes(data)
            partial.replace(mo)
        written.append(mo)
    return written


_TEMPLATE_CALL = (
    # `"key"|t`, `"key"|tn(count)`, `t("key")`, `h.tf("key", …)`, `h.tn("key", count, …)`
    r"""(?:(?P<q1>["'])(?P<k1>[a-z0-9_.-]+)(?P=q1)\s*\|\s*(?P<f1>tn|t)\b)"""
    r"""|(?:\b(?P<f2>tn|tf|t)\(\s*(?P<q2>["'])(?P<k2>[a-z0-9_.-]+)(?P=q2))"""
)


def extract_python(
    fileobj: IO[bytes], keywords: Iterable[str], comment_tags: Iterable[str], options: Mapping[str, Any]
) -> Iterator[tuple[int, str, str | tuple[str, str], list[str]]]:
    """Babel extraction method for the code: calls of the `keywords` whose first argument is a literal key.

    Read from the syntax tree rather than the tokens, so calls inside f-strings count too (Python
    before 3.12 reads an f-string as one token); a key built at run time is not a literal and is
    left to `mark`.
    """
    import ast

    names = set(keywords)
    found: list[tuple[int, str, str]] = []
    for node in ast.walk(ast.parse(fileobj.read())):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        func = node.func
        name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
        first = node.args[0]
        if name in names and isinstance(first, ast.Constant) and isinstance(first.value, str):
            found.append((node.lineno, name, first.value))
    for line, name, key in sorted(found):
        yield line, name, (key, key) if name == "tn" else key, []


def extract_templates(
    fileobj: IO[bytes], keywords: Iterable[str], comment_tags: Iterable[str], options: Mapping[str, Any]
) -> Iterator[tuple[int, str, str | tuple[str, str], list[str]]]:
    """Babel extraction method for the Jinja templates: the keys of `|t`, `|tn`, `t(…)`, `tf(…)`, `tn(…)`."""
    import re

    text = fileobj.read().decode("utf-8")
    for found in re.finditer(_TEMPLATE_CALL, text):
        name = found.group("f1") or found.group("f2")
        key = found.group("k1") or found.group("k2")
        line = text.count("\n", 0, found.start()) + 1
        yield line, name, (key, key) if name == "tn" else key, []


def extract(root: Path) -> Any:
    """The catalogue template (a Babel `Catalog`) extracted from the code and templates under `root`.

    The same messages as `pybabel extract -F babel.cfg --no-default-keywords -k t -k tf -k tn:1,1
    -k mark .` run at the project root.
    """
    from babel.messages.catalog import Catalog
    from babel.messages.extract import extract_from_dir

    catalog = Catalog(project="sisturva", domain=DOMAIN)
    methods = [
        ("src/sisturva/**.py", f"{__name__}:extract_python"),
        (f"{TEMPLATES}/**.html", f"{__name__}:extract_templates"),
    ]
    for path, line, key, comments, context in extract_from_dir(
        root, methods, keywords=dict(KEYWORDS), comment_tags=("NOTE:",), strip_comment_tags=True
    ):
        catalog.add(key, None, [(path, line)], auto_comments=comments, context=context)
    return catalog


__all__ = [
    "DOMAIN",
    "FOLDER",
    "KEYWORDS",
    "LANGS",
    "Messages",
    "compile_all",
    "compile_po",
    "digest",
    "extract",
    "extract_python",
    "extract_templates",
    "mark",
    "messages",
]
