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
    """A git repository of two linked Doorstop documents, `items` items in all; returns the root.

    One item in twenty is a goal (SYS); the rest are commitments (REQ) linking to one to three
    goals, as commitments serve goals in a strategy.
    """
    rng = random.Random(seed)
    goals = max(1, items // 20)
    documents = (("SYS", goals, None), ("REQ", items - goals, "SYS"))
    for prefix, count, parent in documents:
        folder = root / prefix.lower()
        folder.mkdir(parents=True, exist_ok=True)
        settings = f"settings:\n  digits: 4\n  prefix: {prefix}\n  sep: ''\n"
        if parent:
            settings += f"  parent: {parent}\n"
        (folder / ".doorstop.yml").write_text(settings, encoding="utf-8")
        for n in range(1, count + 1):
            links = ""
            if parent:
                targets = sorted(rng.sample(range(1, goals + 1), min(goals, rng.randint(1, 3))))
                links = "".join(f"\n- {parent}{t:04d}: null" for t in targets)
            (folder / f"{prefix}{n:04d}.yml").write_text(
                "active: true\nderived: false\nheader: ''\n"
                f"level: 1.{n}\nlinks:{links or ' []'}\nnormative: true\nref: ''\nreviewed: null\n"
                f"text: |\n  {_sentence(rng)}\n  {_sentence(rng)}\n",
                encoding="utf-8",
            )
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    return root
