"""`make bench`: time sisturva on a generated national-scale repository next to its floor and its peers."""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
import venv
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402 - the benchmark's own modules, beside this file
import governance  # noqa: E402
import peers  # noqa: E402
import spreadsheet  # noqa: E402

PROJECT = HERE.parent
BIN = Path(sys.executable).parent
SISTURVA = str(BIN / "sisturva")
PEERS_VENV = HERE / ".venv-peers"
PEER_PACKAGES = ("check-jsonschema", "strictdoc", "doorstop")
PEER_ITEMS = 2000
HISTORY = 200
ROUNDS = 5
"""Runs of the main measures; the fastest counts (the least disturbed by other work)."""

# Which exported schema checks which files.
SCHEMA_OF = {
    "sisturva.yaml": "settings",
    "strategy.yaml": "strategy",
    "organisations": "organisation",
    "phenomena": "phenomenon",
    "indicators": "indicator",
    "priorities": "priority",
    "commitments": "commitments",
    "budgets": "budget",
}

FLOOR = """
import os, sys, yaml
root = sys.argv[1]
names = [n for n in sorted(os.listdir(root)) if n.endswith('.yaml')]
paths = [os.path.join(root, n) for n in names]
for folder in sorted(os.listdir(root)):
    full = os.path.join(root, folder)
    if not folder.startswith('.') and os.path.isdir(full):
        paths += [os.path.join(full, n) for n in sorted(os.listdir(full)) if n.endswith('.yaml')]
for path in paths:
    with open(path, 'rb') as handle:
        yaml.load(handle.read(), Loader=yaml.CSafeLoader)
"""

# The same parse dealt out to two processes, one a core: the least that reading every file can cost
# on this machine, which the cold validate (parsing in a worker beside itself) is held against too.
FLOOR_TWO = FLOOR.replace(
    "for path in paths:", "share = int(os.fork() != 0)\nfor path in paths[share::2]:"
) + ("if share:\n    os.wait()\n")

# The round-trip reader that keeps comments, over the same files: what reading every file with the
# writer's library would cost.
RUAMEL = """
import os, sys
from ruamel.yaml import YAML
root = sys.argv[1]
yaml = YAML(typ='rt')
paths = [os.path.join(root, n) for n in sorted(os.listdir(root)) if n.endswith('.yaml')]
for folder in sorted(os.listdir(root)):
    full = os.path.join(root, folder)
    if not folder.startswith('.') and os.path.isdir(full):
        paths += [os.path.join(full, n) for n in sorted(os.listdir(full)) if n.endswith('.yaml')]
for path in paths:
    with open(path, 'rb') as handle:
        yaml.load(handle.read())
"""
SET_COMMITMENTS = 1000

# What a diff that reports findings needs before it reads anything: the models (pydantic) and the
# checks built on them.
MODELS = "import sisturva.strategy, sisturva.checks"


@dataclass(frozen=True)
class Run:
    """One finished child process."""

    seconds: float
    code: int
    rss_mb: float
    out: str
    err: str
    cpu: float = 0.0
    """User + system seconds of the process and the children it waited for."""

    @property
    def worked(self) -> bool:
        """Exit 0 (clean) or 1 (findings), and no traceback."""
        return self.code in (0, 1) and "Traceback (most recent call last)" not in self.err

    def why(self) -> str:
        """The first line of what it said when it failed."""
        lines = (self.err.strip() or self.out.strip() or "no output").splitlines()
        return f"exit {self.code}: {lines[-1][:100]}"


def run(cmd: list[str], cwd: Path | None = None, env: dict[str, str] | None = None) -> Run:
    """Run `cmd` and measure its wall time and peak memory (max RSS, via wait4)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        try:
            proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=out, stderr=err, stdin=subprocess.DEVNULL)
        except OSError as error:
            return Run(0.0, 127, 0.0, "", str(error))
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return Run(
            seconds,
            proc.returncode,
            usage.ru_maxrss / 1024,
            out.read().decode("utf-8", "replace"),
            err.read().decode("utf-8", "replace"),
            usage.ru_utime + usage.ru_stime,
        )


def best(times: int, once: Callable[[], Run]) -> Run:
    """The fastest of `times` runs (the one least disturbed by the rest of the machine)."""
    runs = [once() for _ in range(times)]
    return min(runs, key=lambda r: r.seconds)


class Bench:
    """Collects the rows of the table."""

    def __init__(self, work: Path) -> None:
        self.work = work
        self.rows: list[tuple[str, str, str, str, str, str]] = []
        self.floor = 0.0
        self.caches = 0

    def fresh_cache(self) -> dict[str, str]:
        """An environment whose cache folder is new and empty."""
        self.caches += 1
        folder = self.work / "caches" / str(self.caches)
        folder.mkdir(parents=True)
        return {**os.environ, "XDG_CACHE_HOME": str(folder), "NO_COLOR": "1"}

    def row(
        self,
        name: str,
        value: str,
        seconds: float | None = None,
        target: str = "",
        ok: bool | None = None,
        note: str = "",
    ) -> None:
        """Add a row; `seconds` also gives its ratio to the floor."""
        ratio = f"{seconds / self.floor:.3f}×" if seconds is not None and self.floor else ""
        status = "" if ok is None else ("ok" if ok else "MISS")
        self.rows.append((name, value, ratio, target, status, note))
        print(f"  {name}: {value} {ratio} {status} {note}".rstrip(), file=sys.stderr, flush=True)

    def failed(self, name: str, result: Run) -> None:
        """A row for a command that did not work."""
        self.rows.append((name, "n/a", "", "", "ERR", result.why()))
        print(f"  {name}: {result.why()}", file=sys.stderr, flush=True)

    def table(self) -> str:
        """The rows as one aligned text table."""
        head = ("measure", "value", "× floor", "target", "", "note")
        widths = [max(len(r[i]) for r in [head, *self.rows]) for i in range(6)]
        lines = []
        for index, row in enumerate([head, *self.rows]):
            cells = [row[i].ljust(widths[i]) if i != 1 else row[i].rjust(widths[i]) for i in range(6)]
            lines.append("  ".join(cells).rstrip())
            if index == 0:
                lines.append("  ".join("-" * w for w in widths))
        return "\n".join(lines)


def has_command(name: str) -> bool:
    """Whether this sisturva has the command `name` (its --help exits 0)."""
    return run([SISTURVA, name, "--help"]).code == 0


def peer_env() -> tuple[Path | None, str]:
    """The benchmark's own environment for the peer tools, created on first use."""
    python = PEERS_VENV / "bin" / "python"
    try:
        if not python.exists():
            print("creating bench/.venv-peers (check-jsonschema, strictdoc, doorstop)…", file=sys.stderr)
            venv.create(PEERS_VENV, with_pip=True)
        missing = [p for p in PEER_PACKAGES if not (PEERS_VENV / "bin" / p).exists()]
        for package in missing:
            subprocess.run(
                [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", package],
                check=False,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
    except (OSError, subprocess.SubprocessError) as error:
        return None, f"cannot create {PEERS_VENV.name}: {error}"
    return PEERS_VENV / "bin", ""


def yaml_files(root: Path) -> dict[str, list[str]]:
    """The record files of a repository by the schema that checks them."""
    groups: dict[str, list[str]] = {}
    for where, schema in SCHEMA_OF.items():
        path = root / where
        found = [str(path)] if path.is_file() else sorted(str(p) for p in path.glob("*.yaml"))
        if found:
            groups.setdefault(schema, []).extend(found)
    return groups


def measure_core(b: Bench, national: Path) -> Run:
    """Floor, validate cold and warm, check-jsonschema, --help, the example, memory."""
    # Floor and cold runs take turns, so both see the same load from the rest of the machine.
    floors: list[Run] = []
    twos: list[Run] = []
    colds: list[Run] = []
    for _ in range(ROUNDS):
        floors.append(run([sys.executable, "-c", FLOOR, str(national)]))
        twos.append(run([sys.executable, "-c", FLOOR_TWO, str(national)]))
        colds.append(run([SISTURVA, "validate", "-C", str(national)], env=b.fresh_cache()))
    floor = min(floors, key=lambda r: r.seconds)
    two = min(twos, key=lambda r: r.seconds)
    cold = min(colds, key=lambda r: r.seconds)
    if floor.code != 0:
        b.failed("floor: PyYAML CSafeLoader, read + parse", floor)
        sys.exit(2)
    b.floor = floor.seconds
    b.row(
        "floor: PyYAML CSafeLoader, read + parse (one process)",
        f"{floor.seconds:.3f} s",
        floor.seconds,
        note=f"{floor.cpu:.2f} s CPU",
    )
    b.row(
        "floor on 2 cores: the same parse in two processes",
        f"{two.seconds:.3f} s",
        two.seconds,
        note="the least a check that reads every file can take on this machine",
    )
    if cold.code != 0:
        b.failed("validate, cold cache", cold)
    else:
        b.row(
            "validate, cold cache",
            f"{cold.seconds:.3f} s",
            cold.seconds,
            "≤ 0.5× floor",
            cold.seconds <= 0.5 * b.floor,
            f"{cold.cpu:.2f} s CPU in 2 processes (parse worker); {cold.seconds / two.seconds:.2f}× the 2-core floor",
        )
    env = b.fresh_cache()
    run([SISTURVA, "validate", "-C", str(national)], env=env)
    warm = best(ROUNDS, lambda: run([SISTURVA, "validate", "-C", str(national)], env=env))
    b.row(
        "validate, warm cache (nothing changed)",
        f"{warm.seconds:.3f} s",
        warm.seconds,
        "≤ 0.05× floor",
        warm.code == 0 and warm.seconds <= 0.05 * b.floor,
        "" if warm.code == 0 else warm.why(),
    )
    b.row(
        "validate, peak memory (max RSS, cold)",
        f"{cold.rss_mb:.0f} MB",
        None,
        "≤ 500 MB",
        cold.rss_mb <= 500,
        "largest of validate and its forked parse worker (wait4 ru_maxrss)",
    )
    helps = best(5, lambda: run([SISTURVA, "--help"]))
    b.row("sisturva --help", f"{helps.seconds:.3f} s", helps.seconds, "≤ 0.2 s", helps.seconds <= 0.2)
    example = PROJECT / "strategy"
    shown = best(3, lambda: run([SISTURVA, "validate", "-C", str(example)], env=b.fresh_cache()))
    b.row(
        "validate of the example strategy/ (cold cache)",
        f"{shown.seconds:.3f} s",
        shown.seconds,
        "≤ 0.6 s",
        shown.seconds <= 0.6,
        f"exit {shown.code}" if shown.code else "",
    )
    return cold


def measure_jsonschema(b: Bench, national: Path, peer_bin: Path | None, why: str, cold: Run) -> None:
    """check-jsonschema with the exported schemas over the same files (one process per schema)."""
    name = "check-jsonschema, exported schemas, same files"
    tool = peer_bin / "check-jsonschema" if peer_bin else None
    if tool is None or not tool.exists():
        b.row(name, "n/a", note=why or "check-jsonschema could not be installed")
        return
    schemas = b.work / "schemas"
    exported = run([SISTURVA, "schema", "--out", str(schemas)])
    if exported.code != 0:
        b.failed(name, exported)
        return
    total, failures = 0.0, []
    for schema, paths in yaml_files(national).items():
        result = run([str(tool), "--schemafile", str(schemas / f"{schema}.schema.json"), *paths])
        total += result.seconds
        if result.code != 0:
            failures.append(f"{schema}: {result.why()}")
    b.row(name, f"{total:.3f} s", total, note="; ".join(failures)[:120] or "all files accepted")
    if cold.code == 0:
        factor = total / cold.seconds
        b.row(
            "  check-jsonschema ÷ validate cold",
            f"{factor:.1f}×",
            target="≥ 5×",
            ok=factor >= 5,
        )


def measure_history(b: Bench, national: Path, tracked: str, scale: float) -> None:
    """Diff (and its growth with repository size), log ID, align."""
    if has_command("diff"):
        git = best(5, lambda: run(["git", "diff", "--name-status", "HEAD~1", "HEAD"], cwd=national))
        ours = best(3, lambda: run([SISTURVA, "diff", "HEAD~1", "HEAD"], cwd=national, env=b.fresh_cache()))
        # The floor of any diff that reports findings: Python started with the models it validates with.
        models = best(5, lambda: run([sys.executable, "-c", MODELS], cwd=national))
        b.row("git diff --name-status HEAD~1 HEAD (5 files)", f"{git.seconds:.3f} s", git.seconds)
        b.row(
            "python with the models diff needs (import only)",
            f"{models.seconds:.3f} s",
            models.seconds,
            note=MODELS,
        )
        if not ours.worked:
            b.failed("diff HEAD~1 HEAD (5 files)", ours)
        else:
            factor = ours.seconds / models.seconds
            b.row(
                "diff HEAD~1 HEAD (5 files)",
                f"{ours.seconds:.3f} s",
                ours.seconds,
                "≤ 2× python + models",
                factor <= 2,
                f"{factor:.2f}× python + models; {ours.seconds / git.seconds:.0f}× git diff, cold cache",
            )
            env = b.fresh_cache()
            run([SISTURVA, "diff", "HEAD~1", "HEAD"], cwd=national, env=env)
            again = best(3, lambda: run([SISTURVA, "diff", "HEAD~1", "HEAD"], cwd=national, env=env))
            b.row(
                "  the same diff, warm parse cache",
                f"{again.seconds:.3f} s",
                again.seconds,
                note=f"{again.seconds / git.seconds:.0f}× git diff --name-status",
            )
            big = b.work / "national-x4"
            print(f"generating a repository {scale * 4}× larger…", file=sys.stderr, flush=True)
            generate.make_history(big, generate.generate(scale * 4), 3)
            larger = best(3, lambda: run([SISTURVA, "diff", "HEAD~1", "HEAD"], cwd=big, env=b.fresh_cache()))
            if not larger.worked:
                b.failed("diff HEAD~1 HEAD on a 4× repository", larger)
            else:
                growth = larger.seconds / ours.seconds
                b.row(
                    "diff HEAD~1 HEAD on a 4× repository",
                    f"{larger.seconds:.3f} s",
                    larger.seconds,
                    "≤ 1.2× the 1× diff",
                    growth <= 1.2,
                    f"{growth:.2f}× the 1× diff",
                )
            shutil.rmtree(big, ignore_errors=True)
    else:
        b.row("diff", "n/a", note="no `sisturva diff` command yet")
    if has_command("log"):
        log = best(3, lambda: run([SISTURVA, "log", tracked], cwd=national, env=b.fresh_cache()))
        if not log.worked:
            b.failed(f"log {tracked} (changed in 20 of {HISTORY} commits)", log)
        else:
            b.row(
                f"log {tracked} (changed in 20 of {HISTORY} commits)",
                f"{log.seconds:.3f} s",
                log.seconds,
                "≤ 0.5 s",
                log.seconds <= 0.5,
            )
    else:
        b.row("log ID", "n/a", note="no `sisturva log` command yet")
    if has_command("align"):
        validate = best(3, lambda: run([SISTURVA, "validate"], cwd=national, env=b.fresh_cache()))
        align = best(3, lambda: run([SISTURVA, "align"], cwd=national, env=b.fresh_cache()))
        if not align.worked:
            b.failed("align", align)
        else:
            factor = align.seconds / validate.seconds
            b.row(
                "align (cold cache)",
                f"{align.seconds:.3f} s",
                align.seconds,
                "≤ 1.2× validate",
                factor <= 1.2,
                f"{factor:.2f}× validate, cold ({validate.seconds:.3f} s)",
            )
    else:
        b.row("align", "n/a", note="no `sisturva align` command yet")


def big_commitments(count: int) -> str:
    """One organisation's commitments file with `count` commitments, as a person writes them."""
    lines = [
        "# yaml-language-server: $schema=../../schemas/commitments.schema.json",
        "organisation: poliisihallitus",
        "commitments:",
    ]
    for n in range(1, count + 1):
        lines += [
            f"  # Toimenpide {n}",
            f"  - id: poha-bench-{n:04d}",
            f"    action: {{fi: Toimenpide {n}, sv: Åtgärd {n}, en: Action {n}}}",
            "    goals: [p1-g1]",
            "    period: {start: 2022, end: 2025}",
            "    status: planned",
            "",
        ]
    return "\n".join(lines)


def measure_authoring(b: Bench, national: Path) -> None:
    """Time `fmt --check` of a canonical national repository (cold, warm, beside ruamel) and `set`."""
    if not has_command("fmt"):
        b.row("fmt --check", "n/a", note="no `sisturva fmt` command yet")
        return
    canonical = b.work / "national-fmt"
    shutil.copytree(national, canonical, ignore=shutil.ignore_patterns(".git"))
    first = run([SISTURVA, "fmt", "-C", str(canonical)], env=b.fresh_cache())
    if first.code not in (0, 1):
        b.failed("fmt, every file of the national repository", first)
        return
    b.row(
        "fmt, every file rewritten once (round trip)",
        f"{first.seconds:.3f} s",
        first.seconds,
        note="makes the copy canonical for the rows below",
    )
    rt = run([sys.executable, "-c", RUAMEL, str(canonical)])
    b.row(
        "ruamel.yaml round-trip load, same files (one process)",
        f"{rt.seconds:.3f} s" if rt.code == 0 else "n/a",
        rt.seconds if rt.code == 0 else None,
        note="" if rt.code == 0 else rt.why(),
    )
    validates = [run([SISTURVA, "validate", "-C", str(canonical)], env=b.fresh_cache()) for _ in range(3)]
    checks = [run([SISTURVA, "fmt", "-C", str(canonical), "--check"], env=b.fresh_cache()) for _ in range(3)]
    check = min(checks, key=lambda r: r.seconds)
    base = min(validates, key=lambda r: r.seconds)
    if check.code != 0:
        b.failed("fmt --check, canonical (cold cache)", check)
    else:
        factor = check.seconds / base.seconds
        b.row(
            "fmt --check, canonical (cold cache)",
            f"{check.seconds:.3f} s",
            check.seconds,
            "≤ 1.2× validate cold",
            factor <= 1.2,
            f"{factor:.2f}× validate cold ({base.seconds:.3f} s); {check.cpu:.2f} s CPU",
        )
    env = b.fresh_cache()
    run([SISTURVA, "validate", "-C", str(canonical)], env=env)
    run([SISTURVA, "fmt", "-C", str(canonical), "--check"], env=env)
    warm_validate = best(3, lambda: run([SISTURVA, "validate", "-C", str(canonical)], env=env))
    warm = best(3, lambda: run([SISTURVA, "fmt", "-C", str(canonical), "--check"], env=env))
    factor = warm.seconds / warm_validate.seconds
    b.row(
        "fmt --check, canonical (warm cache)",
        f"{warm.seconds:.3f} s",
        warm.seconds,
        "≤ 1.2× validate warm",
        warm.code == 0 and factor <= 1.2,
        f"{factor:.2f}× validate warm ({warm_validate.seconds:.3f} s)",
    )
    shutil.rmtree(canonical, ignore_errors=True)
    # set: one value in a 1,000-commitment file of the example strategy, each run with an empty cache.
    small = b.work / "set-repo"
    shutil.copytree(PROJECT / "strategy", small)
    (small / "commitments" / "poliisihallitus.yaml").write_text(big_commitments(SET_COMMITMENTS), "utf-8")
    sets = []
    for value in ("in-progress", "planned", "in-progress"):
        cmd = [SISTURVA, "set", "-C", str(small), "commitment", "poha-bench-0500", "status", value]
        sets.append(run(cmd, env=b.fresh_cache()))
    done = min(sets, key=lambda r: r.seconds)
    if any(r.code != 0 for r in sets):
        b.failed(
            f"set, one value in a {SET_COMMITMENTS:,}-commitment file (cold)", next(r for r in sets if r.code)
        )
    else:
        b.row(
            f"set, one value in a {SET_COMMITMENTS:,}-commitment file (cold)",
            f"{done.seconds:.3f} s",
            done.seconds,
            "≤ 0.5 s",
            done.seconds <= 0.5,
            "the example strategy with one organisation's file grown",
        )
    shutil.rmtree(small, ignore_errors=True)


def peer_render(b: Bench, peer_bin: Path | None, why: str) -> dict[str, float]:
    """Per-item seconds of StrictDoc's HTML export and Doorstop's publish of PEER_ITEMS items."""
    results: dict[str, float] = {}
    for tool in ("strictdoc", "doorstop"):
        name = f"{tool}: {PEER_ITEMS:,} items to HTML"
        exe = peer_bin / tool if peer_bin else None
        if exe is None or not exe.exists():
            b.row(name, "n/a", note=why or f"{tool} could not be installed")
            continue
        base = b.work / "peers" / tool
        out = b.work / "peers" / f"{tool}-out"
        tmp = b.work / "peers" / f"{tool}-tmp"
        tmp.mkdir(parents=True)
        env = {**os.environ, "TMPDIR": str(tmp)}  # StrictDoc keeps a cache there: start it empty
        if tool == "strictdoc":
            peers.strictdoc_input(base, PEER_ITEMS)
            result = run([str(exe), "export", ".", "--output-dir", str(out)], cwd=base, env=env)
        else:
            peers.doorstop_input(base, PEER_ITEMS)
            result = run([str(exe), "publish", "all", str(out)], cwd=base, env=env)
        if result.code != 0:
            b.row(name, "n/a", note=result.why())
            continue
        per_item = result.seconds / PEER_ITEMS
        results[tool] = per_item
        b.row(name, f"{result.seconds:.2f} s", note=f"{per_item * 1000:.2f} ms per item")
    return results


def measure_render(b: Bench, national: Path, ds: generate.Dataset, peer: dict[str, float]) -> None:
    """Render --out of the national repository, then again after editing 5 records (fastest of 3 each).

    Each first render starts with an empty cache and output folder; each second render follows
    an edit of its own to 5 commitments.
    """
    if not has_command("render"):
        b.row("render", "n/a", note="no `sisturva render` command yet")
        return
    firsts: list[Run] = []
    for attempt in range(3):
        out = b.work / f"site-{attempt}"
        env = b.fresh_cache()
        firsts.append(run([SISTURVA, "render", "--out", str(out)], cwd=national, env=env))
        if not firsts[-1].worked:
            b.failed("render --out (all languages)", firsts[-1])
            return
    first = min(firsts, key=lambda r: r.seconds)
    pages = sum(1 for _ in out.rglob("*.html"))
    if not pages:
        b.row("render --out (all languages)", "n/a", note="no HTML pages written")
        return
    items = sum(n for kind, n in ds.count().items() if kind != "priorities") + len(ds.priorities)
    per_item = first.seconds / max(items, 1)
    b.row(
        "render --out (all languages), first",
        f"{first.seconds:.3f} s",
        first.seconds,
        note=f"{pages:,} pages, {pages / first.seconds:,.0f} pages/s, {items:,} records: "
        f"{per_item * 1000:.3f} ms per record",
    )
    if peer:
        fastest = min(peer.values())
        factor = fastest / per_item
        b.row(
            "  per record vs the faster peer",
            f"{factor:.0f}×",
            note=f"{min(peer, key=lambda k: peer[k])}: {fastest * 1000:.2f} ms per item",
        )
    seconds: list[Run] = []
    loads: list[Run] = []
    for step in (10_001, 10_002, 10_003):
        changed = generate.change(ds, step)
        generate.write(national, {rel: generate.dump(ds.commitments[rel[12:-5]]) for rel in changed})
        seconds.append(run([SISTURVA, "render", "--out", str(out)], cwd=national, env=env))
        if not seconds[-1].worked:
            b.failed("render after editing 5 records", seconds[-1])
            return
        # What any render of the edited tree starts with: the strategy loaded and validated.
        loads.append(run([SISTURVA, "validate"], cwd=national, env=env))
    second = min(seconds, key=lambda r: r.seconds)
    load = min(loads, key=lambda r: r.seconds)
    # What the second render spends beyond loading and validating the edited tree, which it must do.
    beyond = (second.seconds - load.seconds) / first.seconds
    b.row(
        "render after editing 5 records",
        f"{second.seconds:.3f} s",
        second.seconds,
        "≤ 10% of the first beyond validate",
        beyond <= 0.10,
        f"{second.seconds / first.seconds:.0%} of the first; {beyond:.0%} beyond validate",
    )
    b.row(
        "  validate after the same edits (warm parse cache)",
        f"{load.seconds:.3f} s",
        load.seconds,
        note=f"{load.seconds / first.seconds:.0%} of the first render: loading what a render publishes",
    )


def main(argv: list[str] | None = None) -> int:
    """Generate, measure, print the table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=float, default=1, help="repository size (1 ≈ 400 organisations)")
    parser.add_argument(
        "--skip-peers", action="store_true", help="leave out check-jsonschema, StrictDoc, Doorstop"
    )
    parser.add_argument("--keep", action="store_true", help="keep the generated data (path printed)")
    args = parser.parse_args(argv)

    work = Path(tempfile.mkdtemp(prefix="sisturva-bench-"))
    try:
        b = Bench(work)
        start_load = os.getloadavg()[0]
        national = work / "national"
        print(f"generating the national-scale repository (scale {args.scale})…", file=sys.stderr, flush=True)
        ds = generate.generate(args.scale)
        generate.make_history(national, ds, HISTORY)
        counts = ds.count()
        files = sum(len(v) for v in yaml_files(national).values())
        size = sum(Path(p).stat().st_size for v in yaml_files(national).values() for p in v)
        peer_bin, why = (None, "skipped (--skip-peers)") if args.skip_peers else peer_env()

        cold = measure_core(b, national)
        if args.skip_peers:
            b.row("check-jsonschema, exported schemas, same files", "n/a", note=why)
        else:
            measure_jsonschema(b, national, peer_bin, why, cold)
        measure_history(b, national, ds.tracked, args.scale)
        governance.measure_releases(b, args.scale, SISTURVA, run, best)
        governance.measure_suspect(b, national, SISTURVA, cold.seconds, run)
        spreadsheet.measure_spreadsheets(b, national, SISTURVA, run, best, cold.seconds)
        measure_authoring(b, national)
        peer = {} if args.skip_peers else peer_render(b, peer_bin, why)
        if args.skip_peers:
            b.row("strictdoc / doorstop", "n/a", note=why)
        measure_render(b, national, ds, peer)

        load = " → ".join(f"{x:.1f}" for x in (start_load, os.getloadavg()[0]))
        print()
        print(
            f"sisturva bench: {files:,} files, {size / 1e6:.1f} MB: {counts['organisations']:,} organisations, "
            f"{counts['commitments']:,} commitments, {counts['budgets']:,} budget plans × 5 years, "
            f"{counts['indicators']:,} indicators, {counts['goals']} goals in {counts['priorities']} "
            f"priorities, {HISTORY} commits; {os.cpu_count()} cores, load {load}; fastest of {ROUNDS} runs "
            "(3 for history and render, 1 for peers)"
        )
        print()
        print(b.table())
        misses = sum(1 for r in b.rows if r[4] == "MISS")
        print()
        print(f"{misses} target(s) missed" if misses else "all targets met")
    finally:
        if args.keep:
            print(f"data kept in {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
