"""`schema`: JSON Schema for every file kind, and the reference page of files and codes, generated from the models."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from ..errors import UsageError
from ..kinds import schema_named
from . import Outcome

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def schemas() -> dict[str, dict[str, Any]]:
    """Schema name → JSON Schema document."""
    from ..models import SCHEMA_NAMES

    result: dict[str, dict[str, Any]] = {}
    for name, model in SCHEMA_NAMES.items():
        # Descriptions and examples stay in: editors show them on hover.
        schema = model.model_json_schema(mode="validation")
        schema = {"$schema": SCHEMA_DIALECT, "$id": f"{name}.schema.json", **schema}
        result[name] = schema
    return result


def write_text(target: Path, text: str) -> None:
    """Write `text` to `target` beside it and rename, so a reader never sees half a file."""
    fd, temp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def _reference(path: str) -> str:
    from ..reference import write

    return f"wrote {write(path)}\n"


def run(out: str | None, name: str | None, reference: str | None = None) -> Outcome:
    """Write every schema into `out`, or print one (or all, as one JSON object); write the reference page to `reference`.

    With `reference` and no `out`, only the reference page is written.
    """
    docs = schemas()
    if name is not None:
        name = schema_named(name) or name  # `budgets`, `commitment`: a kind in either number
    if name is not None and name not in docs:
        raise UsageError(f"unknown schema '{name}'; choose one of: {', '.join(docs)}")
    if out is None:
        if reference is not None:
            return Outcome(_reference(reference), 0)
        body = docs[name] if name else docs
        return Outcome(json.dumps(body, ensure_ascii=False, indent=2) + "\n", 0)
    folder = Path(out)
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"{out}: exists and is not a folder; give a folder for the schemas")
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for key, schema in docs.items():
        if name and key != name:
            continue
        target = folder / f"{key}.schema.json"
        write_text(target, json.dumps(schema, ensure_ascii=False, indent=2) + "\n")
        written.append(f"wrote {target}\n")
    if reference is not None:
        written.append(_reference(reference))
    return Outcome("".join(written), 0)
