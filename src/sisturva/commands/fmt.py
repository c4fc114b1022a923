"""`fmt`: every strategy file in its one canonical form, with comments kept and meaning unchanged."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from ..errors import UsageError
from ..sources import SourceFile, display_prefix, find_root, read_tree
from . import Outcome


def _selected(root: Path, paths: Sequence[str], absolute: bool) -> list[SourceFile]:
    """The files to format: all the repository's, or those under the paths given."""
    files = read_tree(root, absolute=absolute)
    if not paths:
        return files
    wanted: list[str] = []
    for given in paths:
        full = Path(given).absolute()
        try:
            rel = full.relative_to(root).as_posix()
        except ValueError:
            raise UsageError(
                f"{given}: not inside the strategy folder {root}; give a path inside it"
            ) from None
        if not full.exists():
            raise UsageError(f"{given}: no such file or folder")
        wanted.append("" if rel == "." else rel)
    return [
        f for f in files if any(not w or f.rel == w or f.rel.startswith(w.rstrip("/") + "/") for w in wanted)
    ]


def _meaning(data: Any) -> Any:
    """The reader's data with keyed lists in their natural order: what `fmt` may not change."""
    from ..authoring.roundtrip import KEYS, natural_order

    if isinstance(data, dict):
        out = {}
        for key, value in data.items():
            value = _meaning(value)
            keys = KEYS.get(key)
            if keys and isinstance(value, list):
                order = natural_order(value, keys)
                if order is not None:
                    value = [value[i] for i in order]
            out[key] = value
        return out
    if isinstance(data, list):
        return [_meaning(v) for v in data]
    return data


PARALLEL_BYTES = 2_000_000
"""Below this much YAML to check, forking a worker costs more than it saves (as for parsing)."""


def _check(files: Sequence[SourceFile], languages: Sequence[str], settings_line: str) -> list[bool]:
    from ..authoring.canonical import known_canonical

    return [f.raw is not None and known_canonical(f.rel, f.raw, languages, settings_line) for f in files]


def _known(files: Sequence[SourceFile], languages: Sequence[str], settings_line: str) -> list[bool]:
    """Whether each file is known to be canonical; a large repository is checked on every core."""
    from .. import forking

    size = sum(len(f.raw or b"") for f in files)
    workers = min(forking.cores(), 4) if forking.can_fork() and size >= PARALLEL_BYTES else 1
    if workers == 1:
        return _check(files, languages, settings_line)
    shares = [list(range(i, len(files), workers)) for i in range(workers)]

    def work(share: list[int]) -> Callable[[], object]:
        return lambda: _check([files[i] for i in share], languages, settings_line)

    pending = [(share, forking.fork(work(share))) for share in shares[1:]]
    out = [False] * len(files)
    for i, known in zip(
        shares[0], _check([files[i] for i in shares[0]], languages, settings_line), strict=True
    ):
        out[i] = known
    for share, collect in pending:
        found = collect()
        # A worker that failed leaves its files "not known": they are round-tripped instead.
        if isinstance(found, list) and len(found) == len(share):
            for i, known in zip(share, found, strict=True):
                out[i] = bool(known)
    return out


def run(
    directory: str | None, paths: Sequence[str], check: bool, show_diff: bool, use_cache: bool = True
) -> Outcome:
    """Format the files (or, with `check`/`show_diff`, say which would change); exit 1 when some would."""
    from .. import cache

    # Given files (as pre-commit gives them, from the top of the work tree) name their strategy.
    root = find_root(directory or (paths[0] if paths else None))
    absolute = bool(directory) and os.path.isabs(str(directory))
    store = cache.Store(cache.store_name("fmt", root), enabled=use_cache)
    # As for `validate`: a tree whose files' stamps (sisturva.yaml's among them) are those of a tree
    # found canonical before is answered without reading a file or loading the models.
    tree, trusted = (
        cache.stamp_key(root, absolute, ("fmt", cache.code_stamp(), tuple(paths)))
        if use_cache
        else ("", False)
    )
    if tree and store.get(tree) is True:
        return Outcome("", 0, "")

    from ..authoring.canonical import format_text, model_of
    from ..authoring.edit import languages_of
    from ..authoring.write import unified_diff, write_changes
    from ..documents import parse
    from ..reports.findings import finding_line

    prefix = display_prefix(root, absolute)
    languages = languages_of(root)
    try:
        settings_line = (root / "sisturva.yaml").read_text("utf-8").partition("\n")[0]
    except (OSError, UnicodeDecodeError):
        settings_line = ""
    stamp = f"{cache.code_stamp()}\0{','.join(languages)}\0{settings_line}\0"
    problems: list[str] = []
    refused: list[str] = []
    changes: dict[str, str] = {}
    selected = [s for s in _selected(root, paths, absolute) if model_of(s.rel) is not None]
    canonical = _known(selected, languages, settings_line)
    for source, known in zip(selected, canonical, strict=True):
        if source.raw is None:
            if source.problem is not None:
                problems.append(finding_line(source.problem))
            continue
        if known:
            continue
        key = stamp + cache.blob_id(source.raw)
        if store.get(key) is True:
            continue
        doc = parse(source.display, source.raw)
        if doc.data is None or doc.text is None:
            # A file that does not parse is left as it is: its own finding says what to fix.
            problems.extend(finding_line(f) for f in doc.findings)
            continue
        from ..authoring.roundtrip import RoundTripError

        try:
            new = format_text(source.rel, doc.text, languages, settings_line)
        except RoundTripError as error:
            problems.append(f"{source.display}:{error.line}:{error.column}: error: {error.message}")
            continue
        if new == doc.text:
            store.put(key, True)
            continue
        after = parse(source.display, new.encode())
        before_codes = sorted(f.code for f in doc.findings)
        after_codes = sorted(f.code for f in after.findings)
        if _meaning(after.data) != _meaning(doc.data) or before_codes != after_codes:
            refused.append(
                f"{source.display}: left as it is: formatting would change what it means; "
                "format it by hand (and please report the file)"
            )
            continue
        changes[source.rel] = new
    if tree and trusted and not (changes or problems or refused):
        store.put(tree, True)
    store.save()
    err = "".join(line + "\n" for line in [*problems, *refused])
    failed = 2 if refused else 1 if problems else 0
    if check or show_diff:
        if show_diff:
            out = "".join(
                unified_diff(source_bytes(root, rel), text.encode(), prefix + rel)
                for rel, text in changes.items()
            )
        else:
            out = "".join(f"would reformat {prefix}{rel}\n" for rel in changes)
        if changes:
            err += f"{len(changes)} file{'s' if len(changes) != 1 else ''} would be reformatted\n"
        return Outcome(out, max(failed, 1 if changes else 0), err)
    if not changes:
        return Outcome("", failed, err)
    result = write_changes(root, changes, absolute=absolute)
    if result.refused:
        lines = [finding_line(f) for f in result.findings]
        return Outcome("", 2, err + "\n".join(lines) + "\nnothing was reformatted\n")
    for rel in result.written:
        raw = changes[rel].encode()
        store.put(stamp + cache.blob_id(raw), True)
    store.save()
    out = "".join(f"reformatted {prefix}{rel}\n" for rel in result.written)
    return Outcome(out, failed, err)


def source_bytes(root: Path, rel: str) -> bytes | None:
    """A file's bytes as they are now (None when missing)."""
    try:
        return (root / rel).read_bytes()
    except OSError:
        return None
