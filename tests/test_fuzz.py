"""Fuzzing the YAML reader: mutated strategy files give findings at path:line:column, never a traceback."""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sisturva.cli import main

from .conftest import PROJECT, snapshot

EXAMPLE = PROJECT / "strategy"
EXAMPLE_FILES = sorted(str(p.relative_to(EXAMPLE)) for p in EXAMPLE.rglob("*.yaml"))
SUITE = Path(os.environ.get("SISTURVA_YAML_SUITE", PROJECT.parent / "shared" / "corpus" / "yaml-test-suite"))
SUITE_CASES = sorted(SUITE.rglob("in.yaml")) if SUITE.is_dir() else []
SISTURVA = PROJECT / ".venv" / "bin" / "sisturva"

# Bounded and derandomized: the same examples on every run, so CI is stable; well under a minute.
FUZZ = settings(
    max_examples=120,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

SYNTAX = [
    b": ", b":", b"- ", b"-", b"? ", b"[", b"]", b"{", b"}", b",", b"&a ", b"*a", b"*", b"&",
    b"!!python/object/apply:os.system ['true'] ", b"!foo ", b"!<tag:x> ", b"%YAML 1.1\n",
    b"%TAG ! tag:x:\n", b"---\n", b"...\n", b"|", b">-", b"#", b'"', b"'", b"\\", b"\t", b"\n",
    b"\r", b"\r\n", b"<<: *a\n", b"\x00", b"\xef\xbb\xbf", b"\xc2\x85", b"\xe2\x80\xa8", b"\xff",
    b"\xc3", b"\x1b[31m", b"~", b"null", b"0x1F", b"1_000", b"1e400", b"2024-02-30", b"-.inf",
    b"\n  - ", b"\n    ", b"@", b"`", b"%",
]  # fmt: skip
"""Pieces of YAML syntax (and bytes that are not), inserted where the fuzzer chooses."""
ALIASES = [
    b"a: &x [1, 2]\nb: *x\n",
    b"a: &a [&b [x, x], *b]\nc: &c [*a, *a, *a]\nd: [*c, *c, *c, *c]\n",
    b"<<: &m {id: x}\nk: *m\n",
    b"x: *undefined\n",
]
ENCODINGS = ["utf-16", "utf-16-le", "utf-32", "latin-1", "cp1252", "utf-8-sig"]


class Op(NamedTuple):
    """One change to a file's bytes; positions are taken modulo the file's length."""

    kind: str
    at: int = 0
    piece: bytes = b""
    times: int = 1
    encoding: str = "utf-8"


position = st.integers(min_value=0, max_value=1 << 20)
operation = st.one_of(
    st.builds(Op, st.just("flip"), position, times=st.integers(min_value=1, max_value=255)),
    st.builds(Op, st.just("insert"), position, st.sampled_from(SYNTAX)),
    st.builds(Op, st.just("truncate"), position),
    st.builds(Op, st.just("duplicate-line"), position, times=st.integers(min_value=1, max_value=30)),
    st.builds(Op, st.just("tab"), position),
    st.builds(Op, st.just("nest"), position, st.sampled_from([b"[", b"{a: ", b"- "]), st.integers(1, 3000)),
    st.builds(Op, st.just("alias"), piece=st.sampled_from(ALIASES)),
    st.builds(Op, st.just("encode"), encoding=st.sampled_from(ENCODINGS)),
    st.builds(Op, st.just("grow"), times=st.integers(min_value=1000, max_value=1_100_000)),
)


def mutate(raw: bytes, op: Op) -> bytes:
    """`raw` changed by one operation."""
    at = op.at % (len(raw) + 1)
    if op.kind == "flip" and raw:
        at %= len(raw)
        return raw[:at] + bytes([raw[at] ^ op.times]) + raw[at + 1 :]
    if op.kind == "insert":
        return raw[:at] + op.piece + raw[at:]
    if op.kind == "truncate":
        return raw[:at]
    lines = raw.splitlines(keepends=True) or [b""]
    line = at % len(lines)
    if op.kind == "duplicate-line":
        return b"".join(lines[: line + 1] + [lines[line]] * op.times + lines[line + 1 :])
    if op.kind == "tab":
        stripped = lines[line].lstrip(b" ")
        lines[line] = b"\t" * max(1, len(lines[line]) - len(stripped)) + stripped
        return b"".join(lines)
    if op.kind == "nest":
        return raw[:at] + op.piece * op.times + raw[at:]
    if op.kind == "alias":
        return op.piece + raw
    if op.kind == "encode":
        return raw.decode("utf-8", "replace").encode(op.encoding, "replace")
    if op.kind == "grow":  # past the size limit, or just under it
        return raw + b"# " + b"x" * op.times + b"\n"
    return raw


PLACES = ["same", "yml", "dotted", "nested"]
"""Where a mutated file is written: in its own place, or as a file the layout does not read."""


def placed(rel: str, place: str) -> str:
    """The path a mutated copy of `rel` is written to."""
    folder, _, name = rel.rpartition("/")
    if not folder or place == "same":
        return rel
    if place == "yml":
        return f"{folder}/{name[: -len('.yaml')]}.yml"
    if place == "dotted":
        return f"{folder}/..{name}"
    return f"{folder}/sub/{name}"


@pytest.fixture(scope="module")
def example_repo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A copy of the example strategy, restored by each fuzz example after its run."""
    root = tmp_path_factory.mktemp("fuzz") / "strategy"
    shutil.copytree(EXAMPLE, root)
    yield root


def _validate(root: Path) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["validate", str(root), "--format", "json"])
    return code, out.getvalue(), err.getvalue()


def _check(code: int, out: str, err: str) -> None:
    """What the user sees: a known exit code, no traceback, JSON whose every finding has a position."""
    assert code in (0, 1, 2), (code, err)
    assert "Traceback" not in err and "Traceback" not in out
    if code == 2:  # the command could not run: it says why in a line of its own
        assert any(line.startswith("sisturva: error: ") for line in err.splitlines()), err
        return
    report = json.loads(out)
    assert report["findings"] or code == 0
    for finding in report["findings"]:
        assert isinstance(finding["path"], str) and finding["path"], finding
        assert isinstance(finding["line"], int) and finding["line"] >= 1, finding
        assert isinstance(finding["column"], int) and finding["column"] >= 1, finding
        assert finding["message"], finding


@contextlib.contextmanager
def _written(root: Path, files: dict[str, bytes]) -> Iterator[None]:
    """`files` written into the repository for the block, and the repository as it was afterwards."""
    before = snapshot(root)
    try:
        for rel, raw in files.items():
            path = root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(raw)
        yield
    finally:
        for rel in files:
            path = root / rel
            if rel in before:
                path.write_bytes(before[rel])
            else:
                path.unlink()
                with contextlib.suppress(OSError):
                    path.parent.rmdir()  # a `sub/` folder made for it
    assert snapshot(root) == before


def _run_in_process(root: Path, files: dict[str, bytes]) -> None:
    with _written(root, files):
        written = snapshot(root)
        _check(*_validate(root))
        assert snapshot(root) == written  # validate changed no file


mutation = st.tuples(
    st.sampled_from(EXAMPLE_FILES), st.lists(operation, min_size=1, max_size=3), st.sampled_from(PLACES)
)


@FUZZ
@given(st.lists(mutation, min_size=1, max_size=2))
def test_mutated_example_files_give_findings_never_a_traceback(
    example_repo: Path, mutations: list[tuple[str, list[Op], str]]
) -> None:
    files: dict[str, bytes] = {}
    for rel, ops, place in mutations:
        raw = (EXAMPLE / rel).read_bytes()
        for op in ops:
            raw = mutate(raw, op)
        files[placed(rel, place)] = raw
    _run_in_process(example_repo, files)


@pytest.mark.skipif(not SUITE_CASES, reason=f"yaml-test-suite not found at {SUITE}")
@FUZZ
@given(
    st.sampled_from(SUITE_CASES or [EXAMPLE / "sisturva.yaml"]),
    st.sampled_from(EXAMPLE_FILES),
    st.lists(operation, max_size=2),
)
def test_mutated_yaml_suite_cases_give_findings_never_a_traceback(
    example_repo: Path, case: Path, rel: str, ops: list[Op]
) -> None:
    raw = case.read_bytes()
    for op in ops:
        raw = mutate(raw, op)
    _run_in_process(example_repo, {rel: raw})


@settings(max_examples=5, deadline=None, derandomize=True, database=None)
@given(mutation)
def test_the_real_command_on_mutated_files(example_repo: Path, found: tuple[str, list[Op], str]) -> None:
    rel, ops, place = found
    raw = (EXAMPLE / rel).read_bytes()
    for op in ops:
        raw = mutate(raw, op)
    with _written(example_repo, {placed(rel, place): raw}):
        written = snapshot(example_repo)
        done = subprocess.run(
            [str(SISTURVA), "validate", str(example_repo), "--format", "json"],
            capture_output=True,
            text=True,
            check=False,
            timeout=120,
        )
        _check(done.returncode, done.stdout, done.stderr)
        assert snapshot(example_repo) == written
