"""Who owns which file of a strategy, as CODEOWNERS rules for GitHub and GitLab, from the organisations' `owners`."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from .layout import SINGLE_FILE_NAMES
from .review import (
    OWN_FOLDERS,
    SHARED_FOLDERS,
    chair_of,
    own_file,
    owners_of,
    parent_of,
    secretariat_of,
    templates_folder,
)

Forge = Literal["github", "gitlab"]
FORGES: tuple[Forge, ...] = ("github", "gitlab")

_GITHUB = re.compile(
    r"@(?=[A-Za-z0-9-]{1,39}(?:/|$))[A-Za-z0-9](?:-?[A-Za-z0-9])*(?:/[A-Za-z0-9][A-Za-z0-9_-]*)?"
)
"""A GitHub user or organisation (letters, digits and single hyphens inside, at most 39 characters), and a team."""
_GITLAB_NAME = r"[A-Za-z0-9_](?:[A-Za-z0-9_.-]{0,253}[A-Za-z0-9_-])?"
"""A GitLab user, group or subgroup: letters, digits, `_`, `-` and `.`, not starting with `-` or `.` nor ending in `.`."""
_GITLAB = re.compile(rf"@{_GITLAB_NAME}(?:/{_GITLAB_NAME})*")
_EMAIL = re.compile(
    r"[A-Za-z0-9._%+-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+"
)
OWNER_PATTERN = rf"^(?:@{_GITLAB_NAME}(?:/{_GITLAB_NAME})*|{_EMAIL.pattern})$"
"""What either forge accepts, as the JSON Schema tells editors (GitHub's length limit aside)."""
ACCEPTED = (
    "write a GitHub user @name (letters, digits and single hyphens, at most 39 characters) or "
    "team @organisation/team, a GitLab user or group @name or @group/subgroup (dots and "
    "underscores allowed), or an email address"
)
"""What an owner may be, as messages say it."""
_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
"""A record id: only files named so get a rule, so a file name never becomes a pattern (`*.yaml`)."""


def accepted(owner: str, forge: Forge | None = None) -> bool:
    """Whether `forge` (None: either of them) takes `owner` as a code owner: a handle or an email address."""
    if _EMAIL.fullmatch(owner):
        return True
    github = _GITHUB.fullmatch(owner) is not None
    # GitLab refuses names ending in `.git` or `.atom`: they would read as a repository's address.
    gitlab = _GITLAB.fullmatch(owner) is not None and not any(
        name.endswith((".git", ".atom")) for name in owner[1:].split("/")
    )
    return github if forge == "github" else gitlab if forge == "gitlab" else github or gitlab


Section = Literal["Strategy", "Priorities", "Organisations"]
SECTIONS: tuple[Section, ...] = ("Strategy", "Priorities", "Organisations")
"""Groups of rules in file order; no path is in two, so GitLab's sections mean what GitHub's order does."""


@dataclass(frozen=True)
class Rule:
    """One CODEOWNERS line: a path of the strategy and whose owners review it."""

    section: Section
    path: str
    """Relative to the strategy folder; a folder ends with `/`."""
    organisations: tuple[str, ...]
    """Whose owners they are, strongest first (the organisation, then its parent; the secretariat, then the chair)."""
    owners: tuple[str, ...]


@dataclass(frozen=True)
class Refused:
    """An owner a forge does not accept, left out of the rules: `owners[index]` of an organisation's record."""

    organisation: str
    index: int
    owner: str


@dataclass(frozen=True)
class Ownership:
    """The rules of a strategy and what was left out of them."""

    rules: tuple[Rule, ...]
    refused: tuple[Refused, ...]
    unowned: tuple[str, ...]
    """Organisations named as reviewers whose record lists no owners (or that have no record)."""


def ownership(files: Mapping[str, Any], forge: Forge | None = None) -> Ownership:
    """The CODEOWNERS rules of a strategy from its parsed files (repository path → data).

    The rules are `review.py`'s, applied to every file the strategy has or may have: an
    organisation's own files are reviewed by its owners and its parent's; the root files, the
    shared folders and the templates by the secretariat's; a priority's file by the secretariat's
    and its group's chair's. Data that does not validate still names its owners, as in a review.
    Owners `forge` does not accept (None: neither forge) are left out and listed as refused.
    """
    refused: dict[tuple[str, int], Refused] = {}
    unowned: set[str] = set()

    def owners(organisations: Iterable[str | None]) -> tuple[tuple[str, ...], tuple[str, ...]]:
        named = tuple(dict.fromkeys(o for o in organisations if o))
        found: list[str] = []
        for org in named:
            listed = owners_of(_mapping(files.get(f"organisations/{org}.yaml")))
            if not listed:
                unowned.add(org)
            for index, owner in enumerate(listed):
                if accepted(owner, forge):
                    found.append(owner)
                else:
                    refused[(org, index)] = Refused(org, index, owner)
        return named, tuple(dict.fromkeys(found))

    rules: list[Rule] = []

    def add(section: Section, path: str, organisations: Iterable[str | None]) -> None:
        named, found = owners(organisations)
        if found:
            rules.append(Rule(section, path, named, found))

    secretariat = secretariat_of(files.get("strategy.yaml"))
    templates = templates_folder(_mapping(files.get("sisturva.yaml")))
    shared = [*SINGLE_FILE_NAMES, *(f"{folder}/" for folder in SHARED_FOLDERS if folder != "priorities")]
    for path in sorted({*shared, templates}, key=lambda p: (p.endswith("/"), p)):
        add("Strategy", path, [secretariat])
    add("Priorities", "priorities/", [secretariat])
    for rel in sorted(files):
        folder, _, name = rel.partition("/")
        stem = name.removesuffix(".yaml")
        if folder == "priorities" and name.endswith(".yaml") and _ID.fullmatch(stem):
            add("Priorities", rel, [secretariat, chair_of(files[rel])])

    # Every organisation with a record gets its three files, so that a file it adds later is owned
    # from the start; a file of its own without a record gets one too.
    organisations = {org for rel in files if (org := own_file(rel)) and _ID.fullmatch(org)}
    for org in sorted(organisations):
        for folder, key in OWN_FOLDERS.items():
            rel = f"{folder}/{org}.yaml"
            inside = _mapping(files.get(rel)).get(key)
            # A file whose id disagrees with its name is reviewed by both organisations.
            named = [org, inside if isinstance(inside, str) and _ID.fullmatch(inside) else None]
            add(
                "Organisations",
                rel,
                [*named, *(parent_of(files.get(f"organisations/{o}.yaml"), o) for o in named if o)],
            )
    return Ownership(
        tuple(rules),
        tuple(refused[k] for k in sorted(refused)),
        tuple(sorted(unowned)),
    )


def _mapping(data: object) -> Mapping[str, Any]:
    return data if isinstance(data, dict) else {}


# -- the files ------------------------------------------------------------------------------------

Format = Literal["codeowners", "gitlab", "json"]
DEFAULT_OUT: Mapping[str, str] = {"codeowners": ".github/CODEOWNERS", "gitlab": ".gitlab/CODEOWNERS"}
"""Where each forge reads the file, relative to the work tree's top."""
_UNSAFE_PATH = re.compile(r"[\x00-\x20\x7f*?\[\]!#\\]")


def pattern(prefix: str, path: str) -> str | None:
    """The rule's path as CODEOWNERS writes it, anchored at the top (`/strategy/sisturva.yaml`).

    Spaces are escaped as both forges read them; None when the path holds a character that either
    reads as a pattern or a comment (`*`, `?`, `[`, `!`, `#`, a backslash, a control).
    """
    full = "/" + prefix + path
    if _UNSAFE_PATH.search(full.replace(" ", "")):
        return None
    return full.replace(" ", "\\ ")


def codeowners(found: Ownership, prefix: str, fmt: Format, regenerate: str) -> str:
    """The CODEOWNERS file: a header saying how it was made, then the rules, general before specific."""
    lines = [
        "# Generated by `sisturva owners` from the `owners` of organisations/*.yaml: do not edit by hand.",
        f"# Regenerate from the top of the work tree with `{regenerate}`.",
    ]
    if fmt == "codeowners":
        lines.append("# A later rule wins over an earlier one: the general rules come first.")
    rows = [(rule.section, p, rule.owners) for rule in found.rules if (p := pattern(prefix, rule.path))]
    width = max((len(p) for _, p, _ in rows), default=0)
    for section in SECTIONS:
        mine = [(p, owners) for s, p, owners in rows if s == section]
        if not mine:
            continue
        lines.append("")
        # GitLab reads `[Section]` as a section heading; GitHub would read it as a path.
        lines.append(f"[{section}]" if fmt == "gitlab" else f"# {section}")
        lines.extend(f"{p.ljust(width)} {' '.join(owners)}" for p, owners in mine)
    return "\n".join(lines) + "\n"


def as_data(found: Ownership, prefix: str) -> dict[str, Any]:
    """The same rules as data: `rules` with `section`, `path`, `organisations` and `owners`."""
    return {
        "prefix": prefix,
        "rules": [
            {
                "section": rule.section,
                "path": p,
                "organisations": list(rule.organisations),
                "owners": list(rule.owners),
            }
            for rule in found.rules
            if (p := pattern(prefix, rule.path))
        ],
        "unowned": list(found.unowned),
    }
