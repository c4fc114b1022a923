"""Sources from git: a revision's record files read straight from git objects, never checked out."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from .diff import Revision
from .errors import RevisionError, UsageError
from .findings import Said, make, tf
from .layout import FOLDER_NAMES, MAX_BYTES, SINGLE_FILE_NAMES, is_quiet, unread
from .safetext import terminal
from .sources import SourceFile, display_prefix, find_root

WORKTREE = "(working tree)"
"""How the work tree is named as a revision in reports."""
INDEX = "(index)"
"""How the index (`--staged`) is named as a revision in reports."""
EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"
"""Git's empty tree: the base of a root commit."""
UNSHALLOW = "fetch the full history (actions/checkout: `fetch-depth: 0`; locally: `git fetch --unshallow`)"

_CHUNK = 1 << 16
# Variables that would send git elsewhere or run programs of the caller's choosing; the repository's
# own configuration is kept (it is the user's), but nothing may prompt or open a pager.
_DROP = ("GIT_EXTERNAL_DIFF", "GIT_PAGER", "PAGER", "GIT_TRACE", "GIT_TRACE2", "GIT_ASKPASS", "SSH_ASKPASS")


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _DROP}
    env.update(
        {
            "LC_ALL": "C",
            "LANGUAGE": "",
            "GIT_TERMINAL_PROMPT": "0",
            "GIT_OPTIONAL_LOCKS": "0",
            "GIT_NO_REPLACE_OBJECTS": "1",
            "GIT_NO_LAZY_FETCH": "1",
        }
    )
    return env


def shown(text: str) -> str:
    """A revision or path as given, quoted for a message: controls shown as escapes, at most 80 characters."""
    return "'" + terminal(text, 80) + "'"


@dataclass(frozen=True)
class Entry:
    """One file of a tree: mode, blob id and path inside the strategy repository."""

    mode: str
    oid: str
    rel: str


@dataclass(frozen=True)
class Change:
    """A record file that differs between two trees."""

    rel: str
    old: Entry | None
    new: Entry | None


class Git:
    """A strategy repository inside a git work tree; every call passes arguments as a list."""

    def __init__(self, start: str | os.PathLike[str] | None = None) -> None:
        self.root: Path = find_root(start)
        self.display = display_prefix(self.root, bool(start) and os.path.isabs(str(start)))
        out = self._run(["rev-parse", "--is-inside-work-tree", "--show-toplevel"], cwd=self.root, check=False)
        lines = out.stdout.decode("utf-8", "replace").splitlines()
        if b"dubious ownership" in out.stderr:
            raise RevisionError(
                f"git refuses {terminal(self.display or './')} (owned by another user); trust it with "
                f"`git config --global --add safe.directory {self.root}`"
            )
        if out.returncode != 0 or len(lines) < 2 or lines[0] != "true":
            raise RevisionError(
                f"{terminal(self.display or './')}: not inside a git work tree; run `git init` and commit, "
                "or give the path of a clone"
            )
        self.top = Path(lines[1]).resolve()
        rel = os.path.relpath(self.root.resolve(), self.top).replace(os.sep, "/")
        self.prefix = "" if rel == "." else rel + "/"
        """The strategy repository's folder inside the git work tree, e.g. `strategy/`."""

    # -- running git ------------------------------------------------------------------------------

    def _run(
        self, args: Sequence[str], cwd: Path | None = None, check: bool = True, stdin: bytes | None = None
    ) -> subprocess.CompletedProcess[bytes]:
        try:
            result = subprocess.run(
                ["git", "--no-pager", "-c", "core.quotePath=false", *args],
                cwd=cwd or self.top,
                env=_env(),
                input=stdin,
                capture_output=True,
                check=False,
            )
        except FileNotFoundError as error:
            raise RevisionError("git is not installed or not on PATH; install git") from error
        if check and result.returncode != 0:
            message = result.stderr.decode("utf-8", "replace").strip().splitlines()
            detail = message[-1] if message else f"exit {result.returncode}"
            raise RevisionError(f"git {args[0]} failed: {terminal(detail)}")
        return result

    def git(self, *args: str) -> bytes:
        """Run a git command in the work tree's top folder and return its output."""
        return self._run(args).stdout

    # -- revisions --------------------------------------------------------------------------------

    def is_shallow(self) -> bool:
        """Whether this clone lacks part of its history."""
        return self._run(["rev-parse", "--is-shallow-repository"], check=False).stdout.strip() == b"true"

    def _has_commits(self) -> bool:
        return self._run(["rev-parse", "--verify", "--quiet", "HEAD^{commit}"], check=False).returncode == 0

    def commit(self, spec: str) -> str:
        """The commit id `spec` names; hostile input is refused before git sees it as an option."""
        if not spec or spec.startswith("-") or "\0" in spec or len(spec) > 1000:
            raise UsageError(
                f"revision {shown(spec)} is not accepted (it must not be empty or start with '-'); "
                "give a branch, tag or commit id"
            )
        if not self._has_commits():
            raise RevisionError(
                "the repository has no commits yet; commit the strategy first (git add . && git commit)"
            )
        # Not --quiet: it would hide git's warning that a name is both a branch and a tag.
        args = [
            "-c",
            "core.warnAmbiguousRefs=true",
            "rev-parse",
            "--verify",
            "--end-of-options",
            spec + "^{commit}",
        ]
        out = self._run(args, check=False)
        lines = out.stdout.decode("ascii", "replace").split()
        errors = out.stderr.decode("utf-8", "replace")
        if out.returncode == 0 and len(lines) == 1 and "ambiguous" not in errors:
            return lines[0]
        if "ambiguous" in errors:
            raise RevisionError(
                f"revision {shown(spec)} is ambiguous; give a longer commit id or a full name "
                "such as refs/heads/NAME or refs/tags/NAME"
            )
        if self.is_shallow():
            raise RevisionError(f"revision {shown(spec)} is not in this shallow clone; {UNSHALLOW}")
        raise RevisionError(
            f"unknown revision {shown(spec)}; give a branch, tag or commit id that exists (see `git log`)"
        )

    def merge_base(self, base: str, head: str, spec: str) -> str:
        """The merge base of two commit ids, for `BASE...HEAD`."""
        out = self._run(["merge-base", base, head], check=False)
        if out.returncode == 0 and out.stdout.strip():
            return out.stdout.decode("ascii").strip()
        if self.is_shallow():
            raise RevisionError(f"{shown(spec)}: the merge base is not in this shallow clone; {UNSHALLOW}")
        raise RevisionError(
            f"{shown(spec)}: the two revisions share no history; compare them with BASE..HEAD"
        )

    def pair(self, base: str | None, head: str | None) -> tuple[Revision, Revision]:
        """The two sides of `diff [BASE] [HEAD]`; `A...B` (merge base) and `A..B` are split here."""
        if base is not None and head is None:
            for sep in ("...", ".."):
                left, found, right = base.partition(sep)
                if found and (left or right):
                    left_id = self.commit(left or "HEAD")
                    right_id = self.commit(right or "HEAD")
                    if sep == "...":
                        left_id = self.merge_base(left_id, right_id, base)
                    return Revision(left or "HEAD", left_id), Revision(right or "HEAD", right_id)
        base_spec = "HEAD" if base is None else base
        base_rev = Revision(base_spec, self.commit(base_spec))
        if head is None:
            return base_rev, Revision(WORKTREE, None)
        return base_rev, Revision(head, self.commit(head))

    def tree_id(self, rev: Revision) -> str | None:
        """The id of the strategy folder's tree in a commit (a cache key for whole-side results)."""
        if rev.commit is None:
            return None
        name = f"{rev.commit}:{self.prefix[:-1]}" if self.prefix else f"{rev.commit}^{{tree}}"
        out = self._run(["rev-parse", "--verify", "--quiet", "--end-of-options", name], check=False)
        return out.stdout.decode("ascii").strip() if out.returncode == 0 else EMPTY_TREE

    # -- trees ------------------------------------------------------------------------------------

    def _pathspec(self) -> list[str]:
        return ["--", self.prefix] if self.prefix else []

    def _entries(self, raw: bytes, with_stage: bool = False) -> dict[str, Entry]:
        """Record-file entries of `ls-tree -r -z` (or `ls-files -s -z`) output, by relative path."""
        result: dict[str, Entry] = {}
        for item in raw.split(b"\0"):
            if not item:
                continue
            meta, _, name = item.partition(b"\t")
            fields = meta.split()
            if len(fields) < 3:
                continue
            path = name.decode("utf-8", "surrogateescape")
            if not path.startswith(self.prefix):
                continue
            mode = fields[0].decode()
            oid = fields[1 if with_stage else 2].decode()
            if with_stage and fields[2] not in (b"0", b"2"):
                continue
            rel = path[len(self.prefix) :]
            result[rel] = Entry(mode, oid, rel)
        return result

    def tree(self, rev: Revision) -> dict[str, Entry]:
        """Every file under the strategy folder of a commit or of the index, by relative path."""
        if rev.commit is None:
            return self._entries(self.git("ls-files", "-s", "-z", *self._pathspec()), with_stage=True)
        return self._entries(self.git("ls-tree", "-r", "-z", "--full-tree", rev.commit, *self._pathspec()))

    def changed(self, base: Revision, head: Revision) -> list[Change]:
        """Files under the strategy folder that differ, from git's tree diff (cost grows with the change)."""
        assert base.commit is not None
        if head.commit is not None:
            raw = self.git(
                "diff-tree",
                "-r",
                "-z",
                "--raw",
                "--no-renames",
                "--no-abbrev",
                base.commit,
                head.commit,
                *self._pathspec(),
            )
        elif head.spec == INDEX:
            raw = self.git(
                "diff-index",
                "--cached",
                "-z",
                "--raw",
                "--no-renames",
                "--no-abbrev",
                base.commit,
                *self._pathspec(),
            )
        else:
            raw = self.git(
                "diff-index", "-z", "--raw", "--no-renames", "--no-abbrev", base.commit, *self._pathspec()
            )
        changes = self._raw_changes(raw)
        if head.commit is None and head.spec == WORKTREE:
            # diff-index compares the index's stat data, never writing the index (a check writes
            # nothing): a file merely touched or copied shows as changed until its content is compared.
            changes = [c for c in changes if not self._same_on_disk(c)]
            untracked = self.git("ls-files", "-z", "--others", "--exclude-standard", *self._pathspec())
            for item in untracked.split(b"\0"):
                path = item.decode("utf-8", "surrogateescape")
                if path.startswith(self.prefix) and path:
                    rel = path[len(self.prefix) :]
                    changes.append(Change(rel, None, Entry("100644", "", rel)))
        return sorted(changes, key=lambda c: c.rel)

    def _same_on_disk(self, change: Change) -> bool:
        """Whether a work-tree file that git could not vouch for still holds its committed blob."""
        old, new = change.old, change.new
        if old is None or new is None or new.oid or old.mode != new.mode:
            return False
        from .cache import blob_id

        path = self.root / change.rel
        try:
            if path.is_symlink() or path.stat().st_size > MAX_BYTES:
                return False
            return blob_id(path.read_bytes()) == old.oid
        except OSError:
            return False

    def _raw_changes(self, raw: bytes) -> list[Change]:
        parts = raw.split(b"\0")
        changes: list[Change] = []
        i = 0
        while i + 1 < len(parts):
            meta, path_b = parts[i], parts[i + 1]
            i += 2
            if not meta.startswith(b":"):
                continue
            old_mode, new_mode, old_oid, new_oid, _status = meta[1:].decode().split()
            path = path_b.decode("utf-8", "surrogateescape")
            rel = path[len(self.prefix) :] if path.startswith(self.prefix) else path
            zero = set("0")
            old = None if set(old_oid) == zero else Entry(old_mode, old_oid, rel)
            # A work-tree file git has not hashed shows as zeros: it is read from disk instead.
            new = (
                None
                if new_mode == "000000"
                else Entry(new_mode, "" if set(new_oid) == zero else new_oid, rel)
            )
            changes.append(Change(rel, old, new))
        return changes

    def grep(self, commit: str | None, texts: Iterable[str], folder: str) -> list[str]:
        """Files under `folder` that contain any of `texts` (fixed strings), at `commit` or (None) in the work tree."""
        rev = [commit] if commit else []
        patterns = [arg for text in sorted(set(texts)) for arg in ("-e", text)]
        if not patterns:
            return []
        out = self._run(["grep", "-l", "-z", "-F", *patterns, *rev, "--", self.prefix + folder], check=False)
        found: list[str] = []
        for item in out.stdout.split(b"\0"):
            path = item.decode("utf-8", "surrogateescape")
            path = path.partition(":")[2] if commit else path
            if path.startswith(self.prefix):
                found.append(path[len(self.prefix) :])
        return found

    def is_ancestor(self, older: str, newer: str) -> bool:
        """Whether commit `older` is `newer` or in its history."""
        return self._run(["merge-base", "--is-ancestor", older, newer], check=False).returncode == 0

    def parent(self, commit: str) -> str | None:
        """The first parent of a commit, or None for a root commit (or one cut off by a shallow clone)."""
        out = self._run(["rev-parse", "--verify", "--quiet", "--end-of-options", commit + "^1"], check=False)
        return out.stdout.decode("ascii").strip() or None if out.returncode == 0 else None

    def blob_at(self, commit: str, rel: str) -> bytes | None:
        """One file's bytes at a commit (None when absent or too large)."""
        entries = self._entries(self.git("ls-tree", "-z", "--full-tree", commit, "--", self.prefix + rel))
        entry = entries.get(rel)
        return self.blobs([entry.oid]).get(entry.oid) if entry else None

    # -- blobs ------------------------------------------------------------------------------------

    def blobs(self, oids: Iterable[str], max_bytes: int = MAX_BYTES) -> dict[str, bytes | None]:
        """Many blobs through one `cat-file --batch`; over `max_bytes` is skipped unread (None), missing left out."""
        wanted = sorted({oid for oid in oids if oid})
        if not wanted:
            return {}
        try:
            proc = subprocess.Popen(
                ["git", "--no-pager", "cat-file", "--batch"],
                cwd=self.top,
                env=_env(),
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
            )
        except FileNotFoundError as error:
            raise RevisionError("git is not installed or not on PATH; install git") from error
        assert proc.stdin is not None and proc.stdout is not None
        # Write the ids from a thread while reading: git's output would fill the pipe otherwise.
        import threading

        def feed() -> None:
            assert proc.stdin is not None
            try:
                proc.stdin.write("".join(oid + "\n" for oid in wanted).encode())
                proc.stdin.close()
            except BrokenPipeError:  # pragma: no cover - git died; reported below
                pass

        writer = threading.Thread(target=feed, daemon=True)
        writer.start()
        result: dict[str, bytes | None] = {}
        out = proc.stdout
        try:
            for oid in wanted:
                header = out.readline().split()
                if not header:
                    raise RevisionError("git cat-file stopped early; check the repository with `git fsck`")
                if len(header) != 3:
                    continue  # missing (e.g. a partial clone): left out of the result
                size = int(header[2])
                if size > max_bytes:
                    left = size + 1
                    while left:
                        left -= len(out.read(min(left, _CHUNK)) or b"\0" * left)
                    result[oid] = None
                else:
                    result[oid] = out.read(size)
                    out.read(1)
        finally:
            writer.join()
            out.close()
            proc.wait()
        return result

    # -- source files -----------------------------------------------------------------------------

    def sources(self, entries: Mapping[str, Entry], rev: Revision) -> list[SourceFile]:
        """`SourceFile`s of tree entries, read from git objects (or the disk for the work tree)."""
        picked = select(entries)
        blobs = self.blobs(e.oid for e, _ in picked if e.oid and e.mode.startswith("100"))
        files: list[SourceFile] = []
        for entry, problem in picked:
            display = self.display + entry.rel
            if problem:
                files.append(SourceFile(entry.rel, display, None, make(*problem, display)))
                continue
            if entry.mode == "120000":
                files.append(
                    SourceFile(entry.rel, display, None, make("SIS013", tf("finding.SIS013"), display, 1, 1))
                )
            elif not entry.mode.startswith("100"):
                files.append(
                    SourceFile(
                        entry.rel, display, None, make("SIS016", tf("finding.SIS016.special"), display)
                    )
                )
            elif not entry.oid:
                files.append(self._from_disk(entry.rel))
            elif entry.oid not in blobs:
                files.append(
                    SourceFile(
                        entry.rel, display, None, make("SIS016", tf("finding.SIS016.shallow"), display)
                    )
                )
            else:
                raw = blobs[entry.oid]
                if raw is None:
                    from .documents import too_large

                    said = too_large(MAX_BYTES)
                    files.append(SourceFile(entry.rel, display, None, make("SIS007", said, display, 1, 1)))
                else:
                    files.append(SourceFile(entry.rel, display, raw))
        return files

    def _from_disk(self, rel: str) -> SourceFile:
        from .sources import _read, _symlink

        path = self.root / rel
        display = self.display + rel
        if path.is_symlink():
            return _symlink(rel, display)
        return _read(path, rel, display, MAX_BYTES)

    def worktree_sources(self) -> list[SourceFile]:
        """Every record file of the work tree (through `sources.read_tree`)."""
        from .sources import read_tree

        return read_tree(self.root, absolute=self.display.startswith("/"))


def select(entries: Mapping[str, Entry]) -> list[tuple[Entry, tuple[str, str | Said] | None]]:
    """The entries the layout reads, in `read_tree`'s order, each with a (code, message) problem or None.

    The rule is `read_tree`'s (`layout.unread`): every file of a record folder, subfolders
    included, is read, skipped as one of git's own files, or reported; a symbolic link is left to
    `sources`, which reports it as the work-tree reader does.
    """
    picked: list[tuple[Entry, tuple[str, str | Said] | None]] = []
    by_folder: dict[str, list[tuple[Entry, tuple[str, str | Said] | None]]] = {}
    for rel, entry in entries.items():
        if rel in SINGLE_FILE_NAMES:
            continue
        folder, _, rest = rel.partition("/")
        if folder not in FOLDER_NAMES or not rest or is_quiet(rest):
            continue
        message = None if entry.mode == "120000" else unread(folder, rest)
        by_folder.setdefault(folder, []).append((entry, ("SIS015", message) if message else None))
    for name in SINGLE_FILE_NAMES:
        if name in entries:
            picked.append((entries[name], None))
    for folder in FOLDER_NAMES:
        picked.extend(sorted(by_folder.get(folder, []), key=lambda item: item[0].rel))
    return picked
