"""`render`: the published strategy (static site, Markdown document, open data) written atomically."""

from __future__ import annotations

import datetime
import functools
import os
import pickle
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..atomic import OutputError, explain, publish
from ..errors import UsageError
from ..findings import exit_code
from ..models import LANGUAGES
from ..strategy import Strategy
from . import Outcome

if TYPE_CHECKING:
    import jinja2

    from ..publish.markdown import Verdicts
    from ..publish.reuse import Digests, Kept, Memo
    from ..repository import Loaded
    from ..standing import Standing
    from ..status import Status

FORMATS = ("site", "markdown", "data", "pdf", "all")
ALL = {"site", "markdown", "data"}
"""What `all` renders: the PDF is asked for by name, as it needs Chromium installed."""
MARKER = ".sisturva-render"
"""A file in every rendered folder: only such a folder (or an empty one) is ever replaced."""


def languages(given: str | None, declared: list[str]) -> list[str]:
    """The languages to render, in the repository's order (Finnish first)."""
    if not given:
        return list(declared)
    wanted = [part.strip() for part in given.split(",") if part.strip()]
    unknown = [lang for lang in wanted if lang not in LANGUAGES]
    if unknown:
        raise UsageError(f"--lang: unknown language {', '.join(unknown)}; choose from fi, sv, en")
    missing = [lang for lang in wanted if lang not in declared]
    if missing:
        raise UsageError(
            f"--lang: {', '.join(missing)} is not among the repository's languages "
            f"({', '.join(declared)}); add it to sisturva.yaml first"
        )
    return [lang for lang in declared if lang in wanted]


def formats(given: str) -> set[str]:
    """The parts to render from `site,markdown,data,pdf` or `all` (all but the PDF)."""
    parts = {part.strip() for part in given.split(",") if part.strip()}
    unknown = parts - set(FORMATS)
    if unknown or not parts:
        named = ", ".join(sorted(unknown)) or "(none)"
        raise UsageError(f"--format: unknown format {named}; choose from {', '.join(FORMATS)}")
    return (ALL | parts) - {"all"} if "all" in parts else parts


def _check_out(out: Path, root: Path) -> None:
    """Refuse an output folder whose replacement would lose files that sisturva did not make."""
    try:
        _check_out_folder(out, root)
    except OSError as error:
        raise OutputError(f"--out {out}: cannot read it: {explain(error)}") from None


def _check_out_folder(out: Path, root: Path) -> None:
    if out.is_symlink():
        raise UsageError(f"--out {out}: is a symbolic link; give the folder it points to")
    target = out.absolute().resolve()
    cwd = Path.cwd().resolve()
    for precious in (root.resolve(), cwd):
        if target == precious or target in precious.parents:
            raise UsageError(f"--out {out}: would replace {precious}; give a folder of its own, e.g. _site")
    if target.is_dir() and any(target.iterdir()) and not (target / MARKER).is_file():
        raise UsageError(
            f"--out {out}: the folder holds files not made by `sisturva render`; give an empty or new folder"
        )
    if target.exists() and not target.is_dir():
        raise UsageError(f"--out {out}: exists and is not a folder")


PARALLEL_COMMITMENTS = 2000
"""From this many commitments on, the documents and the open data are made in a process of their own."""


def _document(
    strategy: Strategy,
    lang: str,
    verdicts: Verdicts,
    digests: Digests | None,
    root: Path,
    unapproved: int,
    standing: Standing,
) -> bytes:
    from ..publish.markdown import document

    if digests is None:
        return document(strategy, lang, verdicts, None, unapproved, standing).encode("utf-8")
    from ..publish.reuse import Parts

    parts = Parts.open(root, f"document-{lang}", digests)
    text = document(strategy, lang, verdicts, parts, unapproved, standing)
    parts.save(root, f"document-{lang}")
    return text.encode("utf-8")


def _data(
    strategy: Strategy,
    digests: Digests | None,
    root: Path,
    unapproved: int,
    standing: Standing,
    picture: Status | None,
) -> dict[str, bytes]:
    from ..publish.opendata import open_data

    if digests is None:
        return open_data(strategy, None, unapproved, standing, picture=picture)
    from ..publish.reuse import Parts

    parts = Parts.open(root, "data", digests)
    data = open_data(strategy, parts, unapproved, standing, picture=picture)
    parts.save(root, "data")
    return data


def _published(
    strategy: Strategy,
    documents: Mapping[str, str],
    verdicts: Verdicts | None,
    data: bool,
    digests: Digests | None,
    root: Path,
    unapproved: int,
    standing: Standing,
    status: Status | None = None,
) -> bytes:
    """What is made beside the site, pickled: the documents and, with `data`, the open data files.

    `documents` names each language's document file; data files are named under `data/`.
    `unapproved`: the number of errors published with `--allow-errors` (0: none). `standing`:
    the version rendered, which every part names. `status`: the monitoring picture, when drawn.
    """
    made: dict[str, bytes] = {}
    if documents:
        assert verdicts is not None
        for code, name in documents.items():
            made[name] = _document(strategy, code, verdicts, digests, root, unapproved, standing)
    if data:
        found = _data(strategy, digests, root, unapproved, standing, status)
        made.update((f"data/{name}", content) for name, content in found.items())
    return pickle.dumps(made, protocol=pickle.HIGHEST_PROTOCOL)


def _pdfs(
    strategy: Strategy,
    langs: list[str],
    files: Mapping[str, bytes],
    picture: Callable[[], Any],
    memo: Memo | None,
    whole: str,
    unapproved: int,
    when: str,
    standing: Standing,
) -> dict[str, bytes]:
    """Each language's document as a PDF, printed by Chromium; kept from the last render when nothing changed."""
    from ..publish import pdf
    from ..publish.markdown import verdicts
    from ..publish.messages import localized, t

    made: dict[str, bytes] = {}
    known: Verdicts | None = None
    # The layout is part of the key, and so is the day when the strategy is not in git: its date is today's.
    look = pdf.layout_digest()
    day = "" if standing.date else f":day {datetime.date.today()}"
    for code in langs:
        name = f"strategy.{code}.pdf"
        key = f"{whole}:pdf:{code}:unapproved {unapproved}:{when}:{look}{day}"
        if memo is not None:
            found = memo.reuse(key, name)
            if found is not None:
                made[name] = found
                continue
        text = files.get(f"strategy.{code}.md")
        if text is None:
            known = known or verdicts(strategy, picture())
            text = _document(strategy, code, known, None, Path(), unapproved, standing)
        doc = strategy.strategy
        title = (
            localized(doc.name, code, strategy.settings.languages[0])[0] if doc else t("doc.priorities", code)
        )
        made[name] = pdf.document_pdf(text.decode("utf-8"), pdf.page_of(title, standing, code), name)
        if memo is not None:
            memo.remember(key, made[name])
    return made


def _digests(loaded: Loaded, memo: Memo | None, known: Digests | None) -> Digests | None:
    """The strategy's record digests, worked out once (and only when parts of the last render are kept)."""
    if memo is None or known is not None:
        return known
    from ..publish.reuse import Digests

    return Digests.of(loaded.strategy, loaded.files, loaded.root)


def run(
    path: str | None,
    out: str,
    lang: str | None,
    fmt: str,
    use_cache: bool = True,
    allow_errors: bool = False,
) -> Outcome:
    """Render the strategy at `path` into `out`; with `allow_errors`, also data with errors, marked unapproved."""
    from ..repository import frozen, load

    parts = formats(fmt)
    if "pdf" in parts:
        from ..publish.pdf import chromium

        chromium()  # refused (exit 2) before any work when Chromium is not installed
    loaded = load(path, use_cache)
    with frozen():
        return _render(loaded, out, lang, parts, use_cache, allow_errors)


def _render(
    loaded: Loaded, out: str, lang: str | None, parts: set[str], use_cache: bool, allow_errors: bool
) -> Outcome:
    from ..reports.findings import text

    strategy = loaded.strategy
    langs = languages(lang, list(strategy.settings.languages))
    out_path = Path(out)
    _check_out(out_path, loaded.root)
    errors = [f for f in strategy.findings if f.severity == "error"]
    report = ""
    if errors and not allow_errors:
        report = text(list(strategy.findings), {"summary": "nothing rendered: fix these first"}, False)
        return Outcome("", exit_code(errors), report)
    if errors:
        held = "rendered anyway (--allow-errors): every page, document and data file is marked unapproved"
        report = text(list(strategy.findings), {"summary": held}, False)
    # Every part of the output says whether it was published with errors, so every key that lets a
    # part of an earlier render be reused names the count too: a marked page is never reused for a
    # clean render, nor the other way round.
    unapproved = len(errors)

    from ..publish import site
    from ..standing import standing as standing_of

    # The version rendered (approved or not, and the changes since), named by every page, document
    # and data file; so it is part of every key by which a part of an earlier render is reused, and
    # so is the reference year, which decides whether an indicator's latest value is stale.
    standing = standing_of(loaded.root, strategy.settings.release_prefix)
    when = f"{standing.key()}:year {datetime.date.today().year}"

    memo: Memo | None = None
    whole = ""
    if use_cache:
        from ..publish.reuse import Memo, whole_key

        memo = Memo.open(loaded.root, out_path)
        whole = whole_key(loaded.files)
    # The monitoring picture, drawn once for the site and the document (their verdicts are the same).
    picture = functools.cache(lambda: site.monitoring(strategy))
    documents: dict[str, str] = {}
    to_write: dict[str, str] = {}  # the documents made in this run, by language
    files: dict[str, bytes] = {}
    keys: dict[str, str] = {}
    digests: Digests | None = None
    if "markdown" in parts:
        for code in langs:
            name = f"strategy.{code}.md"
            documents[code] = name
            if memo is not None:
                keys[name] = f"{whole}:markdown:{code}:unapproved {unapproved}:{when}"
                found = memo.reuse(keys[name], name)
                if found is not None:
                    files[name] = found
                    continue
            to_write[code] = name
    # What the site's footer offers for download: each language's document, and its PDF as `LANG.pdf`.
    listed = dict(documents)
    if "pdf" in parts:
        listed.update((f"{code}.pdf", f"strategy.{code}.pdf") for code in langs)
    data: dict[str, bytes] | None = None
    if "data" in parts and memo is not None:
        keys["data/"] = f"{whole}:data:unapproved {unapproved}:{when}"
        data = memo.reuse_all(keys["data/"], "data/")
    make_data = "data" in parts and data is None
    # The documents and the open data are made beside the site, in a process of its own when large
    # (one process: a fork of a large process costs its memory pages as they are touched). Made from
    # nothing but the strategy, they are taken from the last render when no file changed.
    pending: Callable[[], bytes] | None = None
    if to_write or make_data:
        from ..publish.markdown import verdicts

        known = verdicts(strategy, picture()) if to_write else None
        digests = _digests(loaded, memo, digests)
        work = functools.partial(
            _published,
            strategy,
            to_write,
            known,
            make_data,
            digests,
            loaded.root,
            unapproved,
            standing,
            picture() if make_data else None,  # the verdicts of the open data are the site's
        )
        pending = site.in_background(work, len(strategy.commitment_owner) >= PARALLEL_COMMITMENTS)
    page_env: tuple[jinja2.Environment, dict[str, Any]] | None = None
    site_files: dict[str, bytes] = {}
    if "site" in parts:
        from ..publish.templates import overrides

        # Refused (exit 2) when the setting or the folder leads outside the repository.
        own = overrides(loaded.root, strategy.settings.templates)
        folder = own.folder if own is not None else None
        changes = site.recent_changes(loaded.root)
        versions = site.versions(loaded.root, strategy.settings.release_prefix)
        reused = None
        if memo is not None:
            from ..publish.reuse import site_key

            keys["site"] = site_key(
                whole, folder, langs, listed, "data" in parts, changes, (versions, when), unapproved
            )
            reused = memo.reuse_all(keys["site"], "")
            if reused is not None:
                memo.keep_previous()
        if reused is not None:
            files.update(reused)
        else:
            env = site.environment(own, keep_compiled=use_cache)
            extras = site.Extras(
                status=picture(),
                alignment=site.Alignment(strategy),
                changes=changes,
                versions=versions,
                standing=standing,
                documents=listed,
                data="data" in parts,
                unapproved=unapproved,
                history=site.history(loaded.root, strategy.settings.release_prefix, standing, use_cache),
            )
            common = site.common(strategy, langs, extras)
            kept: Kept | None = None
            if memo is not None:
                from ..publish.reuse import Kept, Rows

                digests = _digests(loaded, memo, digests)
                assert digests is not None
                kept = Kept(memo, digests, Rows.open(loaded.root, digests))
            site_files = site.render(strategy, langs, env, extras, common, kept)
            page_env = env, common
    if pending is not None:
        made: dict[str, bytes] = pickle.loads(pending())
        for name in to_write.values():
            files[name] = made[name]
            if memo is not None:
                memo.remember(keys[name], files[name])
        if make_data:
            data = {rel[len("data/") :]: content for rel, content in made.items() if rel.startswith("data/")}
            if memo is not None:
                memo.remember_all(keys["data/"], data, "data/")
    if data is not None:
        files.update((f"data/{k}", v) for k, v in data.items())
        if page_env is not None:
            site_files.update(site.render_data_pages(strategy, langs, *page_env, data))
    if page_env is not None:
        files.update(site_files)
        if memo is not None:
            memo.remember_all(keys["site"], site_files)
    if "pdf" in parts:
        files.update(_pdfs(strategy, langs, files, picture, memo, whole, unapproved, when, standing))
    files[MARKER] = b"This folder is written by `sisturva render` and replaced as a whole on each run.\n"

    done = publish(out_path, files, memo.unchanged(files) if memo is not None else ())
    if memo is not None:
        memo.save()  # only once the pages it names are in place
    shown = os.path.relpath(out_path) if not out_path.is_absolute() else str(out_path)
    summary = (
        f"rendered {len(files)} files into {shown} in {', '.join(langs)}: "
        f"{done.written} written, {done.kept} unchanged, {done.removed} removed\n"
    )
    return Outcome("", 0, report + summary)
