"""The static site: one folder per language, rendered from the strategy aggregate with Jinja.

The work is split by role: `pages` (which pages exist and what each shows), `jinja_env` (the
templates' environment and helpers), `writing` (rendering and reusing pages) and `history` (the
change log's history from git). This module is the entry point the `render` command uses.
"""

from __future__ import annotations

from .history import Change, History, history, recent_changes, versions
from .jinja_env import FALLBACK, LANGUAGE_NAMES, Helpers, collation_key, environment, helpers, language
from .pages import Alignment, Extras, Index, Monitoring, alignment, index, monitoring
from .templates import PACKAGED_TEMPLATES
from .writing import (
    MAX_WORKERS,
    PARALLEL_PAGES,
    STATIC_FILES,
    _render_jobs,
    common,
    in_background,
    render,
    render_data_pages,
)

__all__ = [
    "FALLBACK",
    "LANGUAGE_NAMES",
    "MAX_WORKERS",
    "PACKAGED_TEMPLATES",
    "PARALLEL_PAGES",
    "STATIC_FILES",
    "Alignment",
    "Change",
    "Extras",
    "Helpers",
    "History",
    "Index",
    "Monitoring",
    "_render_jobs",
    "alignment",
    "collation_key",
    "common",
    "environment",
    "helpers",
    "history",
    "in_background",
    "index",
    "language",
    "monitoring",
    "recent_changes",
    "render",
    "render_data_pages",
    "versions",
]
