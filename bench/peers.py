"""Inputs for the peer tools (StrictDoc, Doorstop): the same number of generated requirement items."""

from __future__ import annotations

import random
import subprocess
from pathlib import Path

WORDS = [
    "the",
    "system",
    "shall",
    "record",
    "each",
    "commitment",
    "with",
    "its",
    "goals",
    "budget",
    "line",
    "year",
    "and",
    "responsible",
    "organisation",
    "so",
    "that",
    "the",
    "cooperation",
    "group",
    "can",
    "follow",
    "progress",
    "and",
    "resources",
    "over",
    "time",
]


def _sentence(rng: random.Random) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(12, 30))).capitalize() + "."


def strictdoc_input(root: Path, items: int, seed: int = 5) -> Path:
    """One StrictDoc document of `items` requirements under `root`; returns the input folder."""
    rng = random.Random(seed)
    root.mkdir(parents=True, exist_ok=True)
    parts = ["[DOCUMENT]\nTITLE: Benchmark requirements\n"]
    for n in range(1, items + 1):
        parts.append(
            f"\n[REQUIREMENT]\nUID: REQ-{n:04d}\nTITLE: Requirement {n}\n"
            f"STATEMENT: >>>\n{_sentence(rng)}\n{_sentence(rng)}\n<<<\n"
        )
    (root / "requirements.sdoc").write_text("".join(parts), encoding="utf-8")
    return root


def doorstop_input(root: Path, items: int, seed: int = 5) -> Path:
    """A git repository holding one Doorstop document of `items` items; returns the root."""
    rng = random.Random(seed)
    folder = root / "reqs"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / ".doorstop.yml").write_text(
        "settings:\n  digits: 4\n  prefix: REQ\n  sep: ''\n", encoding="utf-8"
    )
    for n in range(1, items + 1):
        (folder / f"REQ{n:04d}.yml").write_text(
            "active: true\nderived: false\nheader: ''\n"
            f"level: 1.{n}\nlinks: []\nnormative: true\nref: ''\nreviewed: null\n"
            f"text: |\n  {_sentence(rng)}\n  {_sentence(rng)}\n",
            encoding="utf-8",
        )
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    return root
