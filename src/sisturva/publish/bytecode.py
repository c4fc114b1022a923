"""Compiled templates kept between runs in the user's cache folder; a stale, foreign or bad file is ignored."""

from __future__ import annotations

import contextlib
import hashlib
import marshal
import os
import sys
import tempfile
from pathlib import Path
from types import CodeType

import jinja2
from jinja2.bccache import Bucket, BytecodeCache

from ..cache import cache_dir, code_stamp

FOLDER = "templates"
MAGIC = b"sisturva-jinja-2\n"
MAX_FILES = 400
"""Beyond this many compiled templates, the oldest are removed when a new one is written."""


def salt(env: jinja2.Environment, lang: str, default: str) -> str:
    """What besides a template's own source decides its compiled code in an environment.

    Jinja folds filters with constant arguments as it compiles (`"nav.home"|t` becomes the text), so
    the code depends on the language, the message catalogue (its digest), the record
    language shown by default, Babel's formats and the environment's class: a sandbox compiles its
    operators differently, so a sandboxed template never runs code compiled for the plain one.
    """
    from .. import catalogue
    from .stamps import library_versions

    digest = hashlib.sha256()
    for part in (
        code_stamp(),
        *library_versions(),
        sys.version,
        f"{type(env).__module__}.{type(env).__qualname__}",
        lang,
        default,
        catalogue.digest(),
    ):
        digest.update(part.encode("utf-8") + b"\0")
    return digest.hexdigest()


class CompiledTemplates(BytecodeCache):
    """Jinja's bytecode of one environment's templates, one file per template and source.

    The file name covers the environment's `salt`, the template's name and path and its whole source,
    so an entry is only ever found for exactly the code it was compiled from. The content carries a
    digest of the bytecode, so a truncated or damaged file is recompiled rather than loaded; a file
    written by another user is not loaded at all (loading bytecode runs it).
    """

    def __init__(self, salt: str, folder: Path | None = None) -> None:
        self.salt = salt
        self.folder = folder if folder is not None else cache_dir() / FOLDER

    def get_bucket(
        self, environment: jinja2.Environment, name: str, filename: str | None, source: str
    ) -> Bucket:
        """The bucket of `name` compiled from `source`, with its code when the cache has it."""
        digest = hashlib.sha256()
        for part in (self.salt, name, filename or "", source):
            digest.update(part.encode("utf-8", "surrogatepass") + b"\0")
        bucket = Bucket(environment, digest.hexdigest(), "")
        self.load_bytecode(bucket)
        return bucket

    def _path(self, bucket: Bucket) -> Path:
        return self.folder / f"{bucket.key}.jinja"

    def load_bytecode(self, bucket: Bucket) -> None:
        """Fill `bucket` from its file when the file is ours: whole, and sealed with our cache key.

        Loading bytecode runs it, so a file is loaded only when its keyed digest (see
        `cache.tag`) proves this user's sisturva wrote it; a file planted in a shared or restored
        cache folder is compiled again instead.
        """
        from ..cache import TAG_BYTES, authentic, cache_key

        path = self._path(bucket)
        try:
            with open(path, "rb") as handle:
                info = os.fstat(handle.fileno())
                if hasattr(os, "geteuid") and info.st_uid != os.geteuid():
                    return  # written by another user: not ours to run
                content = handle.read()
        except OSError:
            return
        head = len(MAGIC) + TAG_BYTES
        if len(content) < head or not content.startswith(MAGIC):
            return
        key = cache_key()
        payload = content[head:]
        if key is None or not authentic(key, path.name, payload, content[len(MAGIC) : head]):
            return
        try:
            code = marshal.loads(payload)
        except Exception:  # a file another Python wrote: recompile
            return
        if isinstance(code, CodeType):
            bucket.code = code

    def dump_bytecode(self, bucket: Bucket) -> None:
        """Write `bucket`'s code atomically, sealed with our cache key; a read-only or full cache folder only costs speed."""
        from ..cache import cache_key, tag

        key = cache_key()
        if bucket.code is None or key is None:
            return
        payload = marshal.dumps(bucket.code)
        path = self._path(bucket)
        temp = ""
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            fd, temp = tempfile.mkstemp(dir=self.folder, prefix=".tmp-")
            with os.fdopen(fd, "wb") as handle:
                handle.write(MAGIC + tag(key, path.name, payload) + payload)
            os.replace(temp, path)
            temp = ""
            self._prune()
        except OSError:
            pass
        finally:
            if temp:
                with contextlib.suppress(OSError):
                    os.unlink(temp)

    def _prune(self) -> None:
        entries = [entry for entry in os.scandir(self.folder) if entry.name.endswith(".jinja")]
        if len(entries) <= MAX_FILES:
            return
        entries.sort(key=lambda entry: entry.stat().st_mtime_ns)
        for entry in entries[: len(entries) - MAX_FILES]:
            with contextlib.suppress(OSError):
                os.unlink(entry.path)

    def clear(self) -> None:
        """Remove every compiled template."""
        with contextlib.suppress(OSError):
            for entry in os.scandir(self.folder):
                if entry.name.endswith(".jinja"):
                    with contextlib.suppress(OSError):
                        os.unlink(entry.path)


__all__ = ["CompiledTemplates", "salt"]
