"""`write_changes`: validate new file contents against the whole strategy in memory, then write each atomically."""

from __future__ import annotations

import datetime
import difflib
import os
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from ..errors import SisturvaError
from ..findings import Finding
from ..sources import SourceFile, display_prefix, read_tree


class WriteError(SisturvaError):
    """The changes could not be written as asked (a bad path, a file that cannot be replaced)."""


@dataclass(frozen=True)
class WriteResult:
    """What `write_changes` did: the files written and unchanged, the diff, and why it refused if it did."""

    written: tuple[str, ...] = ()
    """Paths (relative to the strategy root) whose new bytes were put in place."""
    unchanged: tuple[str, ...] = ()
    """Paths whose content already was the new text: not written, their modification times kept."""
    diff: str = ""
    """A unified diff of every change, old to new (`a/PATH`, `b/PATH` as the user types the paths)."""
    findings: tuple[Finding, ...] = ()
    """Error-level findings the changes would introduce in the changed files; when any, nothing was written."""
    dry_run: bool = False
    changed: tuple[str, ...] = field(default=())
    """Paths whose content differs from the new text (written, or that would be under `dry_run`)."""

    @property
    def refused(self) -> bool:
        """Whether the changes were refused because they would make a changed file invalid."""
        return bool(self.findings)

    @property
    def code(self) -> int:
        """The exit code a command that made these changes ends with: 1 when refused, else 0."""
        return 1 if self.refused else 0


def _checked_rel(rel: str) -> str:
    """`rel` as a clean path inside the strategy root, or a WriteError saying why not."""
    pure = PurePosixPath(rel.replace(os.sep, "/"))
    if not rel or pure.is_absolute() or any(part in ("", ".", "..") for part in rel.split("/")):
        raise WriteError(f"{rel!r}: not a path inside the strategy folder; give it as folder/name.yaml")
    return str(pure)


def _same_as_before(findings: Sequence[Finding]) -> Counter[tuple[str, str, str, str | None]]:
    # Positions move when lines are added or removed above a finding, so a finding is the same one
    # when its file, code, message and record are.
    return Counter((f.path, f.code, f.message, f.id) for f in findings if f.severity == "error")


def _findings(files: list[SourceFile], root: Path) -> list[Finding]:
    """Every finding `validate` reports for `files`, through the same pipeline and the parse cache."""
    from .. import cache
    from ..checks import run_all
    from ..repository import added_order, bulk, parse_sources
    from ..strategy import build

    store = cache.Store(cache.store_name("parse", root))
    docs = parse_sources(files, store)
    with bulk():
        strategy = build(docs, history=added_order(root))
        found = run_all(strategy, datetime.date.today().year)
    store.save()
    return found


def introduced_errors(
    root: Path, changes: Mapping[str, bytes], absolute: bool = False
) -> tuple[list[Finding], dict[str, bytes | None]]:
    """Error-level findings that `changes` would add to the changed files, and each changed file's old bytes.

    The strategy is read as it is, with the changed files replaced in memory, and validated whole:
    a change can break a rule that spans files (a reference, a budget line) as well as its own file.
    """
    tree = read_tree(root, absolute=absolute)
    prefix = display_prefix(root, absolute)
    by_rel = {source.rel: source for source in tree}
    old: dict[str, bytes | None] = {rel: by_rel[rel].raw if rel in by_rel else None for rel in changes}
    after_files = [
        SourceFile(source.rel, source.display, changes[source.rel]) if source.rel in changes else source
        for source in tree
    ]
    after_files.extend(
        SourceFile(rel, prefix + rel, raw)
        for rel, raw in changes.items()
        if rel not in by_rel and _is_record_path(rel)
    )
    after_files.sort(key=lambda source: (_order(source.rel), source.rel))
    shown = {prefix + rel for rel in changes}
    after = [f for f in _findings(after_files, root) if f.severity == "error" and f.path in shown]
    if not after:
        # Nothing wrong with the changed files afterwards: the old tree need not be validated.
        return [], old
    known = _same_as_before(_findings(tree, root))
    introduced: list[Finding] = []
    for finding in after:
        key = (finding.path, finding.code, finding.message, finding.id)
        if known[key] > 0:
            known[key] -= 1
        else:
            introduced.append(finding)
    return sorted(introduced, key=Finding.sort_key), old


def _order(rel: str) -> int:
    # The order `read_tree` gives: the single files first, then the record folders as the layout lists them.
    from ..layout import FOLDER_NAMES, SINGLE_FILE_NAMES

    if rel in SINGLE_FILE_NAMES:
        return SINGLE_FILE_NAMES.index(rel)
    folder = rel.split("/", 1)[0]
    return len(SINGLE_FILE_NAMES) + (
        FOLDER_NAMES.index(folder) if folder in FOLDER_NAMES else len(FOLDER_NAMES)
    )


def _is_record_path(rel: str) -> bool:
    """Whether `validate` reads a file at `rel`; other files (schemas, CI settings) are written unchecked."""
    from ..layout import FOLDER_NAMES, SINGLE_FILE_NAMES

    if rel in SINGLE_FILE_NAMES:
        return True
    folder, _, rest = rel.partition("/")
    return folder in FOLDER_NAMES and bool(rest)


def unified_diff(old: bytes | None, new: bytes, shown: str) -> str:
    """A unified diff of one file as git prints it (`/dev/null` for a new file)."""
    before = (old or b"").decode("utf-8", "replace").splitlines(keepends=True)
    after = new.decode("utf-8", "replace").splitlines(keepends=True)
    path = shown.lstrip("/")  # an absolute path as git shows one: `a/tmp/x`, not `a//tmp/x`
    lines = list(
        difflib.unified_diff(before, after, "/dev/null" if old is None else f"a/{path}", f"b/{path}")
    )
    # A last line without a newline would run into the next header.
    return "".join(
        line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines
    )


def write_changes(
    root: Path, changes: Mapping[str, str], dry_run: bool = False, absolute: bool = False
) -> WriteResult:
    """Put each file's new full text in place, unless that would give a changed file a new error.

    `changes` maps a path relative to the strategy root (`commitments/sm.yaml`) to the file's new
    text. The strategy as it would be is validated in memory through the same pipeline as
    `validate`; when a changed file would have an error-level finding it does not have now, nothing
    is written and the result carries those findings (the command exits 1). Otherwise each changed
    file is replaced atomically (`atomic.write_file`: a temporary file in the same folder, synced
    and renamed, its permissions kept); a file whose content is already the new text is not
    written, so its modification time stays. With `dry_run` nothing is written and the result's
    diff says what would change. Paths outside the strategy folder are a WriteError (exit 2).
    """
    from ..atomic import explain, write_file

    root = Path(root)
    encoded = {_checked_rel(rel): text.encode("utf-8") for rel, text in changes.items()}
    prefix = display_prefix(root, absolute)
    for rel in encoded:
        target = root / rel
        if target.is_symlink() or any(p.is_symlink() for p in target.parents if root in p.parents):
            raise WriteError(
                f"{prefix}{rel}: it, or a folder on its way, is a symbolic link; "
                "replace the link with the file itself"
            )
    records = {rel: raw for rel, raw in encoded.items() if _is_record_path(rel)}
    introduced, old = introduced_errors(root, records, absolute) if records else ([], {})
    for rel in encoded:
        if rel not in old:
            try:
                old[rel] = (root / rel).read_bytes()
            except FileNotFoundError:
                old[rel] = None
            except OSError as error:
                raise WriteError(f"{prefix}{rel}: cannot read it: {error.strerror}") from None
    changed = tuple(rel for rel, raw in encoded.items() if old[rel] != raw)
    unchanged = tuple(rel for rel in encoded if rel not in changed)
    diff = "".join(unified_diff(old[rel], encoded[rel], prefix + rel) for rel in changed)
    if introduced:
        return WriteResult((), unchanged, diff, tuple(introduced), dry_run, changed)
    if dry_run:
        return WriteResult((), unchanged, diff, (), True, changed)
    for folder in {(root / rel).parent for rel in changed}:
        _remove_leftovers(folder, {Path(rel).name for rel in changed if (root / rel).parent == folder})
    written: list[str] = []
    try:
        for rel in changed:
            target = root / rel
            if not target.parent.is_dir():
                try:
                    target.parent.mkdir(parents=True, exist_ok=True)
                except OSError as error:
                    raise WriteError(f"cannot create the folder of {prefix}{rel}: {explain(error)}") from None
            if write_file(target, encoded[rel]):
                written.append(rel)
    except SisturvaError:
        _undo(root, written, old)
        raise
    return WriteResult(
        tuple(written), unchanged + tuple(r for r in changed if r not in written), diff, (), False, changed
    )


def _remove_leftovers(folder: Path, names: set[str]) -> None:
    """Remove the temporary files a killed write of these files left beside them (`.NAME.XXXXXXXX.tmp`)."""
    import contextlib
    import re

    patterns = [re.compile(rf"\.{re.escape(name)}\.[a-z0-9_]{{8}}\.tmp") for name in names]
    with contextlib.suppress(OSError):
        for entry in os.scandir(folder):
            if any(p.fullmatch(entry.name) for p in patterns) and entry.is_file(follow_symlinks=False):
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)


def _undo(root: Path, written: Sequence[str], old: Mapping[str, bytes | None]) -> None:
    """Put back the files written before a later one failed, so a failed command changes nothing."""
    import contextlib

    from ..atomic import write_file

    for rel in written:
        with contextlib.suppress(OSError, SisturvaError):
            before = old.get(rel)
            if before is None:
                (root / rel).unlink()
            else:
                write_file(root / rel, before)


__all__ = ["WriteError", "WriteResult", "introduced_errors", "unified_diff", "write_changes"]
