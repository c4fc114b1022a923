"""Test helpers: real git repositories in temp folders, isolated from the user's git configuration."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

ENV = {
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_AUTHOR_NAME": "Testi Tekijä",
    "GIT_AUTHOR_EMAIL": "tekija@example.org",
    "GIT_COMMITTER_NAME": "Testi Tekijä",
    "GIT_COMMITTER_EMAIL": "tekija@example.org",
}


def git(repo: Path, *args: str, date: str | None = None) -> str:
    """Run git in `repo` with a private configuration and return its output."""
    env = {**os.environ, **ENV, "GIT_CONFIG_GLOBAL": str(repo.parent / ".gitconfig-test")}
    if date:
        env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = date
    done = subprocess.run(["git", *args], cwd=repo, env=env, capture_output=True, text=True, check=True)
    return done.stdout


def init(repo: Path) -> Path:
    """An empty repository on branch main with a local identity."""
    repo.mkdir(parents=True, exist_ok=True)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "config", "user.name", "Testi Tekijä")
    git(repo, "config", "user.email", "tekija@example.org")
    git(repo, "config", "commit.gpgsign", "false")
    return repo


def write(root: Path, files: dict[str, str | bytes | None]) -> None:
    """Write (or, for None, delete) files under `root`."""
    for rel, content in files.items():
        path = root / rel
        if content is None:
            path.unlink(missing_ok=True)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")


def commit(repo: Path, message: str, date: str | None = "2024-01-01T12:00:00+02:00") -> str:
    """Stage everything and commit it; returns the commit id."""
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "--allow-empty", "-m", message, date=date)
    return git(repo, "rev-parse", "HEAD").strip()


def replace_tree(root: Path, source: Path) -> None:
    """Make the files under `root` (besides .git) exactly those of `source`."""
    for child in root.iterdir():
        if child.name == ".git":
            continue
        if child.is_dir():
            shutil.rmtree(child)
        else:
            child.unlink()
    # Plain copies: kept modification times could hide a same-size change from git's stat cache.
    shutil.copytree(source, root, dirs_exist_ok=True, copy_function=shutil.copy)
