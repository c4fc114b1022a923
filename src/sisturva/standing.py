"""Where a rendered strategy stands: its commit and date, the last approval it contains, the changes since."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .releases import Release


@dataclass(frozen=True)
class Standing:
    """Which version a rendered strategy is: its commit, the last approval it contains, what changed since."""

    commit: str | None
    """The commit rendered (HEAD); None outside a git work tree or before the first commit."""
    date: datetime.date | None
    """The commit's date: the "data as of" date of what is published."""
    release: Release | None
    """The newest release whose commit the rendered one contains."""
    since: int
    """Commits that changed the strategy folder after that release (all of them when none)."""
    dirty: bool
    """The work tree has changes in the strategy folder that are not committed."""

    @property
    def approved(self) -> bool:
        """Whether what is rendered is exactly an approved version."""
        return self.release is not None and self.since == 0 and not self.dirty

    def key(self) -> str:
        """Everything here, for the keys of kept render parts."""
        version = self.release.tag if self.release else "-"
        return f"standing {self.commit} {self.date} {version} {self.since} {self.dirty}"


UNKNOWN = Standing(None, None, None, 0, False)
"""The standing of a strategy that is not in git (or has no commit yet)."""


def standing(root: Path, tag_prefix: str) -> Standing:
    """Where the strategy at `root` stands against its approvals, read with git plumbing."""
    from .errors import SisturvaError
    from .gitsource import Git
    from .releases import releases

    try:
        git = Git(root)
        head = git.git("rev-parse", "--verify", "--quiet", "HEAD^{commit}").decode().strip()
        when = git.git("show", "-s", "--format=%cs", head).decode().strip()
        spec = ["--", git.prefix or "."]
        found = None
        for release in releases(git, tag_prefix):
            if git.is_ancestor(release.commit, head):
                found = release
                break
        span = f"{found.commit}..{head}" if found else head
        since = int(git.git("rev-list", "--count", span, *spec).decode().strip() or 0)
        dirty = bool(git.git("status", "--porcelain", "--untracked-files=normal", *spec).strip())
    except (SisturvaError, ValueError):  # not in git, no commit yet, git missing: nothing to say
        return UNKNOWN
    return Standing(head, datetime.date.fromisoformat(when), found, since, dirty)
