"""The repository layout's names and which files of a record folder are read, kept free of heavy imports."""

from __future__ import annotations

from .findings import Said, tf

SINGLE_FILE_NAMES: tuple[str, ...] = ("sisturva.yaml", "strategy.yaml")
"""Files at the repository root."""
FOLDER_NAMES: tuple[str, ...] = (
    "organisations",
    "phenomena",
    "indicators",
    "priorities",
    "commitments",
    "budgets",
)
"""Folders holding one record (or one organisation's records) per file."""
MAX_BYTES = 1_000_000
"""Files above this size are refused unread: no strategy record needs a megabyte."""
QUIET_NAMES: frozenset[str] = frozenset({".git", ".gitattributes", ".gitignore", ".gitkeep", ".keep"})
"""Git's own files, allowed anywhere in a record folder without a word: they keep an empty folder in
git, say how git treats its files or mark a nested clone, and are never records. A folder of such a
name is read like any other (only a nested clone's `.git` folder is skipped: git never lists it).
Every other name that starts with a dot is reported like any stray file, so nothing placed in a
record folder hides from validation behind its name."""


def unread(folder: str, rest: str) -> Said | None:
    """Why the file `rest` (a path inside the record folder `folder`) is not read: a SIS015 message.

    None when it is read as a record: a `.yaml` file directly in the folder whose name does not
    start with a dot. Both the work-tree reader and the git reader ask here, so `validate` and
    `diff` report the same files. The caller skips `QUIET_NAMES` before asking.
    """
    name = rest.rsplit("/", 1)[-1]
    if "/" in rest:
        return tf("finding.SIS015.subfolder", folder=folder)
    if name.startswith("."):
        return tf("finding.SIS015.dot")
    if name.endswith(".yml"):
        return tf("finding.SIS015.yml")
    if not name.endswith(".yaml"):
        return tf("finding.SIS015.not-yaml", folder=folder)
    return None


def is_quiet(rest: str) -> bool:
    """Whether a file inside a record folder is one of git's own files (`QUIET_NAMES`), skipped unreported."""
    return rest.rsplit("/", 1)[-1] in QUIET_NAMES
