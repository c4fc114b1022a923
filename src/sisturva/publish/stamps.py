"""What besides the code decides how a page is written: the versions of the libraries that write it."""

from __future__ import annotations


def library_versions() -> tuple[str, ...]:
    """The versions of the libraries that decide how a page is written."""
    from importlib.metadata import version

    return tuple(f"{name} {version(name)}" for name in ("jinja2", "markupsafe", "babel"))


__all__ = ["library_versions"]
