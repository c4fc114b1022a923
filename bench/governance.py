"""Bench rows of governance: `releases` over a long history, and what suspect checks add to `validate`."""

from __future__ import annotations

import datetime
import shutil
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import generate

if TYPE_CHECKING:
    from collections.abc import Callable

    from run import Bench, Run

    Runner = Callable[..., Run]

RELEASES = 20
RELEASE_COMMITS = 2000

# Loads the national repository once and times the suspect check alone against the whole check: the
# difference between two cold `validate` runs is noisier than the 5 % it is compared with.
SUSPECT = """
import sys, time
from pathlib import Path
from sisturva.repository import load
from sisturva.suspect import check
loaded = load(sys.argv[1], False)
best = min(
    (lambda t0: (check(loaded.strategy), time.perf_counter() - t0)[1])(time.perf_counter())
    for _ in range(5)
)
found = check(loaded.strategy)
print(f"{best:.6f} {len(found)} {sum(1 for _, c in loaded.strategy.all_commitments() if c.confirmed)}")
"""


def make_releases(root: Path, scale: float) -> None:
    """A repository of `RELEASE_COMMITS` commits with an approved version every hundred commits."""
    generate.make_history(root, generate.generate(scale), RELEASE_COMMITS)
    log = subprocess.run(
        ["git", "-C", str(root), "rev-list", "--reverse", "HEAD"], capture_output=True, text=True, check=True
    ).stdout.split()
    step = len(log) // RELEASES
    day = datetime.date(2022, 1, 1)
    for number in range(1, RELEASES + 1):
        commit = log[min(len(log) - 1, number * step)]
        approved = day + datetime.timedelta(days=30 * number)
        text = f"Yhteistyöryhmän kokous {number}/{approved.year}\n\nApproved: {approved.isoformat()}\n"
        subprocess.run(
            ["git", "-C", str(root), "tag", "-a", f"strategy/{approved.year}.{number}", "-m", text, commit],
            check=True,
            env={"GIT_COMMITTER_NAME": "Sihteeristö", "GIT_COMMITTER_EMAIL": "sihteeristo@example.fi"},
        )


def measure_releases(b: Bench, scale: float, sisturva: str, run: Runner, best: Any) -> None:
    """`releases` with a cold cache and again with the comparisons cached (`run`, `best`: run.py's)."""
    root = b.work / "releases"
    print(f"generating {RELEASE_COMMITS} commits with {RELEASES} releases…", file=sys.stderr, flush=True)
    make_releases(root, scale)
    env = b.fresh_cache()
    first = run([sisturva, "releases"], cwd=root, env=env)
    if not first.worked:
        b.failed(f"releases ({RELEASES} releases, {RELEASE_COMMITS} commits), cold cache", first)
        return
    b.row(
        f"releases ({RELEASES} releases, {RELEASE_COMMITS} commits), cold cache",
        f"{first.seconds:.3f} s",
        first.seconds,
        note="reads only the files that differ between consecutive releases",
    )
    again = best(3, lambda: run([sisturva, "releases"], cwd=root, env=env))
    b.row(
        "  the same, comparisons cached",
        f"{again.seconds:.3f} s",
        again.seconds,
        "≤ 0.5 s",
        again.worked and again.seconds <= 0.5,
    )
    shutil.rmtree(root, ignore_errors=True)


def measure_suspect(b: Bench, national: Path, sisturva: str, cold_seconds: float, run: Runner) -> None:
    """Every commitment confirmed, then the suspect check timed alone against a cold `validate`."""
    copy = b.work / "national-confirmed"
    shutil.copytree(national, copy, symlinks=True)
    done = run([sisturva, "confirm", "--all", "-C", str(copy)], env=b.fresh_cache())
    if not done.worked:
        b.failed("suspect checks (every commitment confirmed)", done)
        return
    timed = run([sys.executable, "-c", SUSPECT, str(copy)])
    if not timed.worked:
        b.failed("suspect checks (every commitment confirmed)", timed)
        return
    seconds_text, _, rest = timed.out.strip().partition(" ")
    suspect, _, confirmed = rest.partition(" ")
    seconds = float(seconds_text)
    share = seconds / cold_seconds
    b.row(
        "suspect checks within cold validate",
        f"{seconds * 1000:.1f} ms",
        seconds,
        "≤ 5 % of cold validate",
        share <= 0.05,
        f"{share:.1%} of cold validate ({cold_seconds:.3f} s); {confirmed} commitments confirmed, {suspect} suspect",
    )
    shutil.rmtree(copy, ignore_errors=True)
