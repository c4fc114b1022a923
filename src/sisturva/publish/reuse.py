"""Pages of the last render reused when nothing they read has changed, proven by keys kept in the cache."""

from __future__ import annotations

import dataclasses
import hashlib
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel

from ..cache import _load, _save, cache_dir, code_stamp, store_name


def fingerprint(value: object) -> str:
    """A text that differs whenever `value` differs, for records (pydantic models) and plain values.

    Records are written as JSON by pydantic's serializer (every field, decimals exactly), which is
    several times faster than their `repr`; dataclasses field by field (`repr=False` ones too); other
    values (numbers, text) by `repr`.
    """
    if isinstance(value, BaseModel):
        return f"{type(value).__name__}{value.model_dump_json()}"
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        inner = ",".join(fingerprint(getattr(value, f.name)) for f in dataclasses.fields(value))
        return f"{type(value).__name__}({inner})"
    if isinstance(value, tuple | list):
        return "[" + ",".join(fingerprint(item) for item in value) + "]"
    if isinstance(value, Mapping):
        return "{" + ",".join(f"{key!r}:{fingerprint(item)}" for key, item in value.items()) + "}"
    return repr(value)


def digest(*parts: str | bytes) -> str:
    """One key from several parts; a separator keeps `ab`+`c` apart from `a`+`bc`."""
    found = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8", "surrogatepass") if isinstance(part, str) else part
        found.update(b"%d:" % len(data))
        found.update(data)
    return found.hexdigest()


def library_versions() -> tuple[str, ...]:
    """The versions of the libraries that decide how a page is written."""
    from importlib.metadata import version

    return tuple(f"{name} {version(name)}" for name in ("jinja2", "markupsafe", "babel"))


def templates_digest(folder: Path) -> str:
    """Every file of the packaged templates, by name and content."""
    parts: list[str | bytes] = []
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            parts += [str(path.relative_to(folder)), path.read_bytes()]
    return digest(*parts)


def environment_digest(folder: Path, lang: str, shared: Sequence[str]) -> str:
    """What every page of a language reads besides records: the code, the libraries, the templates.

    `shared` holds the run's own settings a page shows (the languages, the downloads).
    """
    return digest(
        code_stamp(),
        sys.version,
        *library_versions(),
        templates_digest(folder),
        lang,
        *shared,
    )


@dataclass
class Memo:
    """Which page key gave which bytes last time, and the output folder those pages are in.

    A page is reused only when its key is the same and the file in the output folder still has the
    bytes the key gave (by digest), so a file changed or removed by hand is rendered again.
    """

    out: Path
    path: Path
    previous: Mapping[str, str]
    current: dict[str, str] = field(default_factory=dict)

    @classmethod
    def open(cls, root: Path, out: Path) -> Memo:
        """The memo of the repository at `root`; empty when missing, stale or unreadable."""
        path = cache_dir() / f"{store_name('pages', root)}.pickle"
        found = _load(path)
        previous = {k: v for k, v in found.items() if isinstance(k, str) and isinstance(v, str)}
        return cls(out.absolute(), path, previous)

    def reuse(self, key: str, rel: str) -> bytes | None:
        """The bytes of `rel` in the output folder when they are what `key` gave last time."""
        expected = self.previous.get(key)
        if expected is None:
            return None
        try:
            content = (self.out / rel).read_bytes()
        except OSError:
            return None
        if hashlib.sha256(content).hexdigest() != expected:
            return None
        self.current[key] = expected
        return content

    def remember(self, key: str, content: bytes) -> None:
        """Note the bytes `key` gave in this run."""
        self.current[key] = hashlib.sha256(content).hexdigest()

    def save(self) -> None:
        """Keep this run's keys only: pages of older runs are no longer in the output folder."""
        _save(self.path, self.current)


__all__ = ["Memo", "digest", "environment_digest", "fingerprint", "library_versions", "templates_digest"]
