"""Sources: the only code that reads the file system; yields each record file's path and bytes."""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

from .errors import NotARepository
from .findings import Finding, make, tf
from .layout import FOLDER_NAMES, MAX_BYTES, SINGLE_FILE_NAMES, is_quiet, unread

SETTINGS_FILE = "sisturva.yaml"


@dataclass(frozen=True, slots=True)
class SourceFile:
    """One file of a strategy repository, as bytes, or the reason it was not read."""

    rel: str
    """Path inside the repository, with forward slashes."""
    display: str
    """Path as the user would type it from the current directory."""
    raw: bytes | None
    """The file's bytes; None when it was not read."""
    problem: Finding | None = None
    """Why it was not read."""


def find_root(start: str | os.PathLike[str] | None = None) -> Path:
    """The folder holding `sisturva.yaml`, walking up from `start` as tools find `pyproject.toml`."""
    here = Path(start or ".").absolute()
    if here.is_file():
        here = here.parent
    if not here.exists():
        raise NotARepository(f"{start}: no such folder; name the strategy folder with -C DIR")
    for folder in (here, *here.parents):
        if (folder / SETTINGS_FILE).is_file() or (folder / SETTINGS_FILE).is_symlink():
            return folder
    raise NotARepository(
        f"{start or '.'}: not a strategy repository (no {SETTINGS_FILE} here or above); "
        "run it inside one or name it with -C DIR"
    )


def display_prefix(root: Path, absolute: bool = False) -> str:
    """How the root is reached from the current directory (or absolute, as typed), for messages."""
    if absolute:
        return str(root).replace(os.sep, "/") + "/"
    rel = os.path.relpath(root, Path.cwd())
    return "" if rel == "." else rel.replace(os.sep, "/") + "/"


def _read(path: Path, rel: str, display: str, max_bytes: int) -> SourceFile:
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(path, flags)
    except OSError as error:
        if os.path.islink(path):
            return _symlink(rel, display)
        return SourceFile(
            rel,
            display,
            None,
            make("SIS016", tf("finding.SIS016.file", reason=str(error.strerror)), display, 1, 1),
        )
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            return SourceFile(rel, display, None, make("SIS016", tf("finding.SIS016.special"), display, 1, 1))
        if info.st_size > max_bytes:
            # Refuse before reading: the limit exists so a huge file costs nothing.
            from .documents import too_large

            return SourceFile(
                rel, display, None, make("SIS007", too_large(max_bytes, info.st_size), display, 1, 1)
            )
        with os.fdopen(fd, "rb", closefd=False) as handle:
            raw = handle.read(max_bytes + 1)
        return SourceFile(rel, display, raw)
    finally:
        os.close(fd)


def _symlink(rel: str, display: str) -> SourceFile:
    return SourceFile(rel, display, None, make("SIS013", tf("finding.SIS013"), display, 1, 1))


def read_tree(root: Path, max_bytes: int = MAX_BYTES, absolute: bool = False) -> list[SourceFile]:
    """Every file of the work tree's record folders under `root`, read or with the reason why not, in a stable order.

    A file in a record folder is read (a record), skipped (git's own files, `layout.QUIET_NAMES`)
    or reported with SIS015 — so nothing placed there goes unseen, wherever it hides.
    """
    prefix = display_prefix(root, absolute)
    files: list[SourceFile] = []
    for name in SINGLE_FILE_NAMES:
        path = root / name
        if path.is_symlink():
            files.append(_symlink(name, prefix + name))
        elif path.exists():
            files.append(_read(path, name, prefix + name, max_bytes))
    for folder in FOLDER_NAMES:
        base = root / folder
        if base.is_symlink():
            files.append(_symlink(folder, prefix + folder))
            continue
        if not base.is_dir():
            continue
        # By path, as git lists a tree, so both readers give the same order.
        files.extend(sorted(_read_folder(base, folder, prefix, max_bytes), key=lambda source: source.rel))
    return files


def _read_folder(base: Path, folder: str, prefix: str, max_bytes: int) -> list[SourceFile]:
    """What the record folder `folder` at `base` holds, subfolders included, in no particular order."""
    out: list[SourceFile] = []
    # A list of folders still to list rather than recursion: a path nested thousands of folders
    # deep must not exhaust the interpreter's stack.
    pending: list[tuple[Path, str]] = [(base, "")]
    while pending:
        path, inner = pending.pop()
        here = f"{folder}/{inner}" if inner else folder
        try:
            with os.scandir(path) as listing:
                entries = list(listing)
        except OSError as error:
            problem = make(
                "SIS016", tf("finding.SIS016.folder", reason=str(error.strerror)), prefix + here, 1, 1
            )
            out.append(SourceFile(here, prefix + here, None, problem))
            continue
        for entry in entries:
            rest = f"{inner}/{entry.name}" if inner else entry.name
            rel = f"{folder}/{rest}"
            display = prefix + rel
            if entry.is_symlink():
                if not is_quiet(rest):
                    out.append(_symlink(rel, display))
            elif entry.is_dir(follow_symlinks=False):
                if entry.name == ".git":
                    continue  # a nested clone's history, which git never lists either
                # Each file of a subfolder is reported on its own, as git lists it.
                pending.append((Path(entry.path), rest))
            elif is_quiet(rest):
                continue
            else:
                message = unread(folder, rest)
                if message is None:
                    out.append(_read(Path(entry.path), rel, display, max_bytes))
                else:
                    out.append(SourceFile(rel, display, None, make("SIS015", message, display, 1, 1)))
    return out
