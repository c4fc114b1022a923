"""`schema`: JSON Schema for every file kind, generated from the models."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from ..errors import UsageError
from . import Outcome

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def schemas() -> dict[str, dict[str, Any]]:
    """Schema name → JSON Schema document."""
    from ..models import SCHEMA_NAMES

    result: dict[str, dict[str, Any]] = {}
    for name, model in SCHEMA_NAMES.items():
        schema = model.model_json_schema(mode="validation")
        schema = {"$schema": SCHEMA_DIALECT, "$id": f"{name}.schema.json", **schema}
        result[name] = schema
    return result


def run(out: str | None, name: str | None) -> Outcome:
    """Write every schema into `out`, or print one (or all, as one JSON object)."""
    docs = schemas()
    if name is not None and name not in docs:
        raise UsageError(f"unknown schema '{name}'; choose one of: {', '.join(docs)}")
    if out is None:
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
        # Write beside the target and rename, so a reader never sees half a schema.
        fd, temp = tempfile.mkstemp(dir=folder, prefix=".tmp-")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(json.dumps(schema, ensure_ascii=False, indent=2) + "\n")
        os.replace(temp, target)
        written.append(str(target))
    return Outcome("".join(f"wrote {w}\n" for w in written), 0)
