"""Writing the site: every page of every language rendered (in worker processes when many), or reused."""

from __future__ import annotations

import contextlib
import functools
import gc
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import jinja2

from .. import forking
from ..catalogue import mark
from ..errors import TemplateError
from ..strategy import Strategy
from . import templates
from .jinja_env import LANGUAGE_NAMES, language
from .pages import Alignment, Extras, Monitoring, Page, index, pages
from .reuse import Kept, Rows, templates_digest

STATIC_FILES = ("style.css",)

PARALLEL_PAGES = 400
"""Below this many pages, forking a worker costs more than it saves."""
MAX_WORKERS = 4

_Job = tuple[str, Page]


def _workers(jobs: int) -> int:
    if not forking.can_fork() or jobs < PARALLEL_PAGES:
        return 1
    cores = forking.cores()
    return max(1, min(cores, MAX_WORKERS))


def common(strategy: Strategy, langs: Sequence[str], extras: Extras) -> dict[str, Any]:
    """What every page of a render is given: the strategy, its reverse references, the monitoring picture."""
    return {
        "s": strategy,
        "doc": strategy.strategy,
        "idx": index(strategy),
        "langs": list(langs),
        "language_names": LANGUAGE_NAMES,
        "extras": extras,
        "mon": Monitoring.of(extras.status),
        "unapproved": extras.unapproved,
    }


def render_data_pages(
    strategy: Strategy,
    langs: Sequence[str],
    env: jinja2.Environment,
    common: Mapping[str, Any],
    names: Sequence[str] | Mapping[str, bytes],
) -> dict[str, bytes]:
    """The open data page of each language, listing the files in `data/` (known once they are made).

    `common`: what `render` gave every page. With the files' contents, each is listed with what it
    is, its size and its rows; with their names alone, by name and format.
    """
    from .pages import data_files

    files = {lang: data_files(names, lang) for lang in langs}
    page = Page("data.html", "data.html", {"files_by_lang": files, "files": list(names)})

    def made() -> dict[str, bytes]:
        prepared = {lang: language(env, strategy, common, lang) for lang in langs}
        return _render_jobs(prepared, [(lang, page) for lang in langs])

    return templates.isolated(made) if env.sandboxed else made()


def _reuse(
    jobs: Sequence[_Job], extras: Extras, kept: Kept
) -> tuple[dict[str, bytes], dict[str, str], dict[str, str]]:
    """The pages of the last render whose inputs are unchanged, every record page's key, the prefixes.

    A language's prefix covers what every page of the language reads: the code, the libraries, the
    packaged templates, the language, the run's languages and downloads, whether the data is
    published with errors, the version rendered (the footer's), and every record but
    commitments and budgets (all of which any page may show: names, titles, links). A page's key
    adds what the page itself reads (`Page.reads`). Pages without `reads` (the front page, the
    lists) show figures of the whole strategy and are always rendered.
    """
    from .reuse import digest, environment_digest, fingerprint

    memo, digests = kept.memo, kept.digests
    # The run's languages (in order: the language links of every page) and its downloads.
    langs = list(dict.fromkeys(lang for lang, _ in jobs))
    shared = [
        ",".join(langs),
        fingerprint(dict(extras.documents)).decode(),
        str(extras.data),
        f"unapproved {extras.unapproved}",  # the notice on every page of data published with errors
        extras.standing.key(),  # the version and the "data as of" date in every page's footer
    ]
    packaged = templates_digest(templates.PACKAGED_TEMPLATES)
    prefixes = {lang: digest(environment_digest(packaged, lang, shared), digests.records) for lang in langs}
    reads: dict[str, str] = {}
    keys: dict[str, str] = {}
    reused: dict[str, bytes] = {}
    for lang, page in jobs:
        if page.reads is None:
            continue
        own = reads.get(page.here)
        if own is None:
            own = reads[page.here] = digest(fingerprint(digests.compact(page.reads)))
        rel = f"{lang}/{page.here}"
        keys[rel] = key = digest(prefixes[lang], page.template, page.here, own)
        found = memo.reuse(key, rel)
        if found is not None:
            reused[rel] = found
    return reused, keys, prefixes


def render(
    strategy: Strategy,
    langs: Sequence[str],
    env: jinja2.Environment,
    extras: Extras,
    common: Mapping[str, Any],
    kept: Kept | None = None,
) -> dict[str, bytes]:
    """Every file of the site by its path: pages per language, the language chooser, the stylesheet.

    `common`: what every page is given (`common(strategy, langs, extras)`). With `kept` (what the last
    render left), record pages whose inputs did not change since then are taken from the output
    folder rather than rendered, and so are the rows of commitment tables. A repository's own
    templates may read anything, so with them every page sees the whole strategy and is rendered
    each time, in one worker process under the limits of `templates.isolated`.
    """
    if env.sandboxed:
        return templates.isolated(functools.partial(_render_site, strategy, langs, env, extras, common, kept))
    return _render_site(strategy, langs, env, extras, common, kept)


def _render_site(
    strategy: Strategy,
    langs: Sequence[str],
    env: jinja2.Environment,
    extras: Extras,
    common: Mapping[str, Any],
    kept: Kept | None,
) -> dict[str, bytes]:
    from .site_strings import translate as site_text

    narrow = not env.sandboxed
    listed = list(pages(strategy, common, narrow))
    every: list[_Job] = [(lang, page) for lang in langs for page in listed]
    reused: dict[str, bytes] = {}
    keys: dict[str, str] = {}
    prefixes: dict[str, str] = {}
    rows: Rows | None = None
    if kept is not None and narrow:
        reused, keys, prefixes = _reuse(every, extras, kept)
        rows = kept.rows
    jobs = [(lang, page) for lang, page in every if f"{lang}/{page.here}" not in reused]
    if isinstance(extras.alignment, Alignment):
        extras.alignment.prefetch(
            {page.values["org"].id for _, page in jobs if page.template == "organisation.html"}
        )
    # The worker of a repository's own templates forks no more processes: its limits and its CPU
    # timer would not carry over to them.
    workers = 1 if env.sandboxed else _workers(len(jobs))
    # Each language's templates are compiled once, here, before any worker starts (Jinja folds
    # `"key"|t` into the language's text as it compiles, so compiled code differs by language).
    prepared = {
        lang: language(env, strategy, common, lang, rows.keeper(prefixes[lang]) if rows else None)
        for lang in langs
    }
    with templates.blame():
        for lang, (lang_env, _) in prepared.items():
            for name in sorted({page.template for job_lang, page in jobs if job_lang == lang}):
                lang_env.get_template(name)
    was_enabled = gc.isenabled()
    gc.disable()  # templates build many short-lived acyclic objects; collecting them costs ~10 %
    try:
        # Pages are dealt out round-robin so every process gets a like mix of small and large ones.
        pending = [_fork_render(prepared, jobs[w::workers], rows) for w in range(1, workers)]
        try:
            files = _render_jobs(prepared, jobs[::workers])
        except BaseException:
            for collect in pending:  # reap the children before giving up: no process is left behind
                with contextlib.suppress(TemplateError):
                    collect()
            raise
        for share, collect in zip(range(1, workers), pending, strict=True):
            result = collect()
            files.update(result if result is not None else _render_jobs(prepared, jobs[share::workers]))
        with templates.blame():
            chooser_env, chooser_base = language(env, strategy, common, strategy.settings.languages[0])
            # The chooser is read before a language is chosen: its notice is in every language.
            notices = (
                {lang: site_text("unapproved.notice", lang) for lang in langs} if extras.unapproved else {}
            )
            chooser = chooser_env.get_template("languages.html").render(
                {**chooser_base, "notices": notices, "headings": chooser_headings(strategy, langs)}
            )
    finally:
        if was_enabled:
            gc.enable()
    files.update(reused)
    if kept is not None:
        for rel, key in keys.items():
            if rel not in reused:
                kept.memo.remember(key, files[rel])
    if rows is not None:
        rows.save()
    ordered = {f"{lang}/{page.here}": files[f"{lang}/{page.here}"] for lang, page in every}
    ordered["index.html"] = chooser.encode("utf-8")
    for name in STATIC_FILES:
        ordered[name] = templates.static(env, name)
    return ordered


_Prepared = Mapping[str, tuple[jinja2.Environment, dict[str, Any]]]


def chooser_headings(strategy: Strategy, langs: Sequence[str]) -> dict[str, tuple[str, str, str]]:
    """The language chooser's heading in each language: (language of the name, the name, "choose")."""
    from .messages import localized
    from .site_strings import translate

    doc = strategy.strategy
    default = strategy.settings.languages[0]
    found: dict[str, tuple[str, str, str]] = {}
    for lang in langs:
        name, shown = localized(doc.name, lang, default) if doc is not None else ("sisturva", lang)
        found[lang] = (shown, name, translate(mark("languages.choose"), lang))
    return found


def _render_jobs(prepared: _Prepared, jobs: Sequence[_Job]) -> dict[str, bytes]:
    """Render the (language, page) jobs; a template's fault becomes a `TemplateError`."""
    files: dict[str, bytes] = {}
    with templates.blame():
        for lang, page in jobs:
            lang_env, base = prepared[lang]
            template = lang_env.get_template(page.template)
            up = "../" * page.here.count("/")
            context = {**base, **page.values, "here": page.here, "up": up}
            for name in page.hidden:
                del context[name]
            html = template.render(context)
            files[f"{lang}/{page.here}"] = html.encode("utf-8")
    return files


def _fork_render(
    prepared: _Prepared, jobs: Sequence[_Job], rows: Rows | None
) -> Callable[[], dict[str, bytes] | None]:
    """Render `jobs` in a forked child; the returned function collects its pages (None: render here).

    The table rows the child showed come back with its pages, into `rows`.
    """

    def work() -> object:
        try:
            return _render_jobs(prepared, jobs), rows.made if rows is not None else {}
        except TemplateError as error:
            return str(error)

    collect = forking.fork(work)

    def pages() -> dict[str, bytes] | None:
        result = collect()
        if isinstance(result, str):
            raise TemplateError(result)
        if not isinstance(result, tuple):
            return None
        files, made = result
        if rows is not None:
            rows.absorb(made)
        return files if isinstance(files, dict) else None

    return pages


def in_background(work: Callable[[], bytes], big: bool) -> Callable[[], bytes]:
    """Start `work` (a document or data bundle) in a forked process when `big`; call the result to get it."""
    return forking.in_background(work, big, bytes)


__all__ = [
    "MAX_WORKERS",
    "PARALLEL_PAGES",
    "STATIC_FILES",
    "common",
    "in_background",
    "render",
    "render_data_pages",
]
