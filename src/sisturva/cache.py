"""Parse results cached by content hash outside the repository; a cache file is trusted only when its keyed digest is ours."""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import io
import os
import pickle
import stat
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, ClassVar

from . import __version__
from .layout import FOLDER_NAMES, SINGLE_FILE_NAMES
from .sources import SourceFile, display_prefix

FORMAT = 1
"""Bumped whenever the parser's output could change, so an old cache is never trusted."""
MAX_ENTRIES = 200_000
BACKGROUND_ENTRIES = 500
"""From this many entries a cache is written by a forked child while the command goes on."""
REWRITE_SHARE = 50
"""A cache file is rewritten once what it lacks is a 50th of it or more (see `worth_rewriting`)."""


def worth_rewriting(changed: int, total: int) -> bool:
    """Whether `changed` entries of a cache of `total` are worth writing the whole file again for.

    Rewriting a national-scale cache (≈15 MB) costs more than redoing the work of the few entries
    an edit changes, so until enough have changed they are redone instead; a small cache is
    rewritten for any change.
    """
    return changed > 0 and changed * REWRITE_SHARE >= total


def code_stamp() -> str:
    """Changes whenever the package's code changes, so results of older code are not reused."""
    package = Path(__file__).parent
    digest = hashlib.sha1(str(FORMAT).encode())
    # The message catalogue is code too: pages and document parts keep the words they were made with.
    for path in sorted([*package.rglob("*.py"), *package.glob("translations/*/LC_MESSAGES/*.[mp]o")]):
        info = path.stat()
        digest.update(f"{path.name}{info.st_mtime_ns}{info.st_size}".encode())
    return digest.hexdigest()


def blob_id(raw: bytes) -> str:
    """Git's blob id of `raw`: the same key whether a file comes from the work tree or git."""
    digest = hashlib.sha1(b"blob %d\0" % len(raw))
    digest.update(raw)
    return digest.hexdigest()


def cache_dir() -> Path:
    """The user's cache folder for sisturva (`XDG_CACHE_HOME` respected)."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "sisturva"


KEY_ENV = "SISTURVA_CACHE_KEY"
"""A secret given by the environment instead of the key file: for CI jobs that share a cache
deliberately, with the secret kept where only trusted jobs can read it."""
KEY_BYTES = 32
MIN_ENV_KEY = 16
"""A secret in `KEY_ENV` shorter than this is refused (no cache): it could be guessed."""
SEAL = b"sisturva-cache-2\n"
"""The start of every cache file, before its keyed digest."""
TAG_BYTES = 32


def key_path() -> Path:
    """Where the per-user cache key lives: the state folder (`XDG_STATE_HOME`), never the cache folder.

    A cache folder may be shared or restored from elsewhere (a CI cache written by another job);
    the key must not travel with it, or whoever wrote the cache could also vouch for it.
    """
    base = os.environ.get("XDG_STATE_HOME") or os.path.join(os.path.expanduser("~"), ".local", "state")
    return Path(base) / "sisturva" / "cache.key"


_keys: dict[tuple[str, str, str], bytes | None] = {}


def cache_key() -> bytes | None:
    """The secret that authenticates cache files; None when there is none, and then nothing is cached.

    `SISTURVA_CACHE_KEY` when set, else the key file (made on first use). Looked up once a process.
    """
    given = os.environ.get(KEY_ENV, "")
    where = ("", "") if given else (str(key_path()), str(cache_dir()))
    memo = (given, *where)
    if memo not in _keys:
        if given:
            _keys[memo] = (
                hashlib.sha256(b"sisturva cache key\0" + given.encode("utf-8", "surrogateescape")).digest()
                if len(given) >= MIN_ENV_KEY
                else None
            )
        else:
            _keys[memo] = _file_key(Path(where[0]), Path(where[1]))
    return _keys[memo]


def _file_key(path: Path, cache: Path) -> bytes | None:
    folder, shared = os.path.abspath(path.parent), os.path.abspath(cache)
    with contextlib.suppress(ValueError):  # on different drives: not inside
        if os.path.commonpath([folder, shared]) == shared:
            return None  # a key inside the cache folder would travel with a restored cache
    found = _read_key(path)
    if found is not None or os.path.lexists(path):
        return found
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        # Written whole under a temporary name (mkstemp: O_EXCL, mode 0600), then linked into
        # place, which fails when another process was first: every process ends up with one key.
        fd, temp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(os.urandom(KEY_BYTES))
            with contextlib.suppress(FileExistsError):
                os.link(temp, path)
        finally:
            os.unlink(temp)
    except OSError:
        return None  # no state folder to be had: no cache, only less speed
    return _read_key(path)


def _read_key(path: Path) -> bytes | None:
    """The key in `path` when it is a whole key in a regular file of ours that no one else may read."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            return None
        if os.name == "posix" and (info.st_uid != os.geteuid() or info.st_mode & 0o077):
            return None  # another user's, or readable by others: they could forge our cache
        data = os.read(fd, KEY_BYTES + 1)
    except OSError:
        return None
    finally:
        os.close(fd)
    return data if len(data) == KEY_BYTES else None


def tag(key: bytes, name: str, payload: bytes) -> bytes:
    """The keyed digest (HMAC-SHA256) of a cache file's `payload` stored under the file name `name`.

    The name is covered so a file cannot be passed off under another name (another repository's
    or output folder's cache). HMAC-SHA256 rather than keyed BLAKE2: with the processor's SHA
    instructions it is the faster of the two, ≈10 ms for a national-scale parse cache.
    """
    mac = hmac.new(key, name.encode("utf-8", "surrogateescape") + b"\0", "sha256")
    mac.update(payload)
    return mac.digest()


def authentic(key: bytes, name: str, payload: bytes, found: bytes) -> bool:
    """Whether `found` is the keyed digest of `payload` under `name` (compared in constant time)."""
    return hmac.compare_digest(found, tag(key, name, payload))


class _SafeUnpickler(pickle.Unpickler):
    # Only the value types the parser produces may come back: a foreign cache file cannot
    # make us build arbitrary objects (no os.system, no classes of ours).
    ALLOWED: ClassVar[frozenset[tuple[str, str]]] = frozenset({("datetime", "date"), ("decimal", "Decimal")})

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) in self.ALLOWED:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"{module}.{name} is not allowed in the cache")


UNUSED_DAYS = 30
"""A cache file not read or written for this many days is removed (by the next command that writes one)."""


def load_entries(path: Path) -> dict[Any, Any]:
    """The entries of a cache file; empty when it is missing, damaged, forged, another user's or another version's.

    Only a file that carries the keyed digest of its content made with our key (`cache_key`) is
    unpickled: a cache written by anyone else, however well formed, is worked out again. A file
    read is marked as used (its modification time set to now), so `prune` keeps it.
    """
    try:
        with open(path, "rb") as handle:
            info = os.fstat(handle.fileno())
            if hasattr(os, "geteuid") and info.st_uid != os.geteuid():
                return {}  # written by another user: not ours to trust
            head = handle.read(len(SEAL) + TAG_BYTES)
            key = cache_key() if head.startswith(SEAL) and len(head) == len(SEAL) + TAG_BYTES else None
            if key is None:
                return {}
            payload = handle.read()
            if not authentic(key, path.name, payload, head[len(SEAL) :]):
                return {}
            content = _SafeUnpickler(io.BytesIO(payload)).load()
            if time.time() - info.st_mtime > 86_400:  # marked at most once a day
                with contextlib.suppress(OSError):
                    os.utime(path)
    except Exception:  # missing, corrupt or foreign: start empty
        return {}
    if not isinstance(content, dict) or content.get("format") != code_stamp():
        return {}
    entries = content.get("entries")
    return entries if isinstance(entries, dict) else {}


def save_entries(path: Path, entries: Mapping[Any, Any]) -> None:
    """Write a cache file whole or not at all (a temporary file renamed into place), sealed with our key.

    Without a key (no state folder to keep it in) nothing is written: a file no one can vouch for
    would never be read.
    """
    key = cache_key()
    if key is None:
        return
    temp = ""
    try:
        payload = pickle.dumps({"format": code_stamp(), "entries": entries}, protocol=pickle.HIGHEST_PROTOCOL)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        with os.fdopen(fd, "wb") as handle:
            handle.write(SEAL + tag(key, path.name, payload))
            handle.write(payload)
        os.replace(temp, path)
    except OSError:
        # A read-only or full cache folder only costs speed.
        if temp:
            with contextlib.suppress(OSError):
                os.unlink(temp)
    prune(path.parent)


_pruned: set[Path] = set()


def prune(folder: Path, days: int = UNUSED_DAYS) -> None:
    """Remove the cache files (`*.pickle`) of `folder` unused for `days`; once a process.

    Cache files are named by repository and output folder, so the caches of checkouts and folders
    that are gone (a CI runner's per-job paths, say) would otherwise pile up. Compiled templates
    keep a count of their own (`publish.bytecode`).
    """
    if folder in _pruned:
        return
    _pruned.add(folder)
    before = time.time() - days * 86_400
    mine = os.geteuid() if hasattr(os, "geteuid") else None
    with contextlib.suppress(OSError), os.scandir(folder) as entries:
        for entry in entries:
            if not entry.name.endswith(".pickle"):
                continue
            with contextlib.suppress(OSError):
                info = entry.stat(follow_symlinks=False)
                if stat.S_ISREG(info.st_mode) and info.st_mtime < before and mine in (None, info.st_uid):
                    os.unlink(entry.path)


class Store:
    """One cache file of entries keyed by content hash."""

    def __init__(self, name: str, enabled: bool = True) -> None:
        self.path = cache_dir() / f"{name}.pickle"
        self.enabled = enabled
        self._entries: dict[str, Any] | None = None
        self._changed = 0

    @property
    def entries(self) -> dict[str, Any]:
        """Loaded on first use, so a command that needs no cache never reads it."""
        if self._entries is None:
            self._entries = load_entries(self.path) if self.enabled else {}
        return self._entries

    def get(self, key: str) -> Any:
        """The cached value, or None."""
        return self.entries.get(key) if self.enabled else None

    def put(self, key: str, value: Any) -> None:
        """Remember a value; written by `save`."""
        if self.enabled:
            self.entries[key] = value
            self._changed += 1

    def _worth_saving(self) -> bool:
        return (
            self.enabled and self._entries is not None and worth_rewriting(self._changed, len(self._entries))
        )

    def save(self, keep: set[str] | None = None) -> None:
        """Write the entries, dropping the oldest beyond the size cap (only when `worth_rewriting`)."""
        if not self._worth_saving():
            return
        assert self._entries is not None
        entries = self._entries
        if len(entries) > MAX_ENTRIES:
            keys = list(entries)
            drop = [k for k in keys[: len(keys) - MAX_ENTRIES] if not keep or k not in keep]
            for key in drop:
                del entries[key]
        save_entries(self.path, entries)
        self._changed = 0

    def save_beside(self) -> Callable[[], None]:
        """Start `save` in a forked child, so a large cache is written while the caller works on.

        Returns the function that waits for the write to finish. Small caches, other systems and
        threaded callers write here and now.
        """
        if not self._worth_saving():
            return _nothing
        assert self._entries is not None
        if (
            len(self._entries) < BACKGROUND_ENTRIES
            or not sys.platform.startswith("linux")
            or threading.active_count() > 1
        ):
            self.save()
            return _nothing
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child's coverage is not collected
            status = 1
            try:
                self.save()
                status = 0
            finally:
                os._exit(status)
        self._changed = 0

        def wait() -> None:
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, 0)

        return wait


def _nothing() -> None:
    return None


def store_name(kind: str, root: Path) -> str:
    """A cache file name per kind and repository, so two repositories do not evict each other."""
    return f"{kind}-{hashlib.sha1(str(root).encode()).hexdigest()[:16]}"


RACY_NS = 3_000_000_000
"""Entries changed this recently (ns) are not trusted by their stamps alone; their bytes are read."""


def content_key(files: list[SourceFile], options: tuple[object, ...]) -> str:
    """A whole result's key: the files' names and bytes, the options and the code."""
    digest = hashlib.sha1(f"{__version__}\0{FORMAT}\0{options!r}".encode())
    for source in files:
        digest.update(source.display.encode() + b"\0")
        if source.raw is not None:
            digest.update(blob_id(source.raw).encode())
        elif source.problem is not None:
            digest.update(source.problem.code.encode())
    return digest.hexdigest()


def stamp_key(root: Path, absolute: bool, options: tuple[object, ...]) -> tuple[str, bool]:
    """A key from the names and file-system stamps of the layout's entries, without opening a file.

    Also whether it can be trusted: an entry changed in the last seconds might change again within
    the clock's resolution, unseen (git's "racy" files), so its bytes must be read.
    """
    prefix = display_prefix(root, absolute)
    digest = hashlib.sha1(f"{__version__}\0{FORMAT}\0{options!r}\0{root}\0{prefix}".encode())
    recent = time.time_ns() - RACY_NS
    trusted = True

    def stamp(name: str, info: os.stat_result) -> None:
        nonlocal trusted
        digest.update(
            f"{name}\0{info.st_mode}\0{info.st_ino}\0{info.st_size}\0{info.st_mtime_ns}\0{info.st_ctime_ns}\n".encode()
        )
        if info.st_mtime_ns >= recent or info.st_ctime_ns >= recent:
            trusted = False

    for name in (*SINGLE_FILE_NAMES, *FOLDER_NAMES):
        try:
            info = os.lstat(root / name)
        except OSError:
            digest.update(f"{name}\0-\n".encode())
            continue
        stamp(name, info)
        # Subfolders too, however deep: a file added to one is reported (`sources.read_tree`).
        pending = [name] if stat.S_ISDIR(info.st_mode) and name in FOLDER_NAMES else []
        while pending:
            folder = pending.pop()
            try:
                entries = sorted(os.scandir(root / folder), key=lambda entry: entry.name)
                for entry in entries:
                    rel = f"{folder}/{entry.name}"
                    found = entry.stat(follow_symlinks=False)
                    stamp(rel, found)
                    if stat.S_ISDIR(found.st_mode) and entry.name != ".git":
                        pending.append(rel)
            except OSError:
                return "", False
    return "stat:" + digest.hexdigest(), trusted
