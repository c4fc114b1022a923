from __future__ import annotations

import datetime
import json
import os
from decimal import Decimal
from pathlib import Path

import pytest

from sisturva.cli import main
from sisturva.documents import MAX_BYTES, parse, too_large
from sisturva.findings import make
from sisturva.locale import plain

from .conftest import snapshot

# (name, file bytes, finding code, line, column)
HOSTILE: list[tuple[str, bytes, str, int, int]] = [
    ("syntax", b"organisation: x\ncommitments: [\n", "SIS001", 2, 14),  # at the `[` never closed
    ("duplicate-key", b"organisation: x\ncommitments: []\norganisation: y\n", "SIS002", 3, 1),
    ("yaml-directive", b"%YAML 1.1\n---\norganisation: NO\n", "SIS003", 1, 1),
    ("tag-directive", b"%TAG !e! tag:example.com,2000:\n---\norganisation: x\n", "SIS003", 1, 1),
    ("python-tag", b"organisation: !!python/object/apply:os.system ['echo hi']\n", "SIS004", 1, 15),
    ("local-tag", b"organisation: x\ncommitments: !foo []\n", "SIS004", 2, 14),
    ("anchor", b"organisation: &a x\n", "SIS005", 1, 15),
    (
        "alias-bomb",
        b'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
        b"b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
        b"d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n"
        b"f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\ng: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\n",
        "SIS005",
        1,
        4,
    ),
    ("deep-flow", b"a: " + b"[" * 100_000 + b"]" * 100_000 + b"\n", "SIS006", 1, 1003),
    ("deep-flow-short", b"a: " + b"[" * 500 + b"]" * 500 + b"\n", "SIS006", 1, 43),
    ("deep-block", b"".join(b" " * i + b"- \n" for i in range(60)) + b" " * 60 + b"x\n", "SIS006", 41, 41),
    ("not-utf8", b"organisation: x\ncommitments:\n  - id: caf\xe9\n", "SIS008", 3, 12),
    ("latin1-line", b"organisation: poliisihallitus\n# kommentti\xe4\n", "SIS008", 2, 12),
    ("utf16", "organisation: x\n".encode("utf-16"), "SIS008", 1, 1),
    ("bom", b"\xef\xbb\xbforganisation: x\n", "SIS009", 1, 1),
    ("empty", b"", "SIS010", 1, 1),
    ("comment-only", b"# nothing here\n\n# still nothing\n", "SIS010", 1, 1),
    ("null-document", b"---\n...\n", "SIS010", 1, 1),
    ("two-documents", b"organisation: x\n---\norganisation: y\n", "SIS011", 2, 1),
    ("int-key", b"organisation: x\n2021: 5\n", "SIS012", 2, 1),
    ("bool-key", b"organisation: x\ntrue: 5\n", "SIS012", 2, 1),
    ("complex-key", b"organisation: x\n? [a, b]\n: 5\n", "SIS012", 2, 8),
    ("top-level-list", b"- organisation: x\n", "SIS014", 1, 1),
    ("top-level-scalar", b"just text\n", "SIS014", 1, 1),
    ("control-char", b"organisation: x\x01\n", "SIS001", 1, 16),
]


@pytest.mark.parametrize(("name", "raw", "code", "line", "column"), HOSTILE, ids=[c[0] for c in HOSTILE])
def test_hostile_bytes_become_one_positioned_finding(
    name: str, raw: bytes, code: str, line: int, column: int
) -> None:
    doc = parse("commitments/x.yaml", raw)
    assert doc.data is None
    assert [(f.code, f.line, f.column) for f in doc.findings] == [(code, line, column)]
    assert doc.findings[0].path == "commitments/x.yaml"
    assert doc.findings[0].severity == "error"


def test_oversized_file_is_refused() -> None:
    raw = b"organisation: x\ncommitments: []\n" + b"# padding\n" * (MAX_BYTES // 10)
    doc = parse("commitments/x.yaml", raw)
    assert [f.code for f in doc.findings] == ["SIS007"]
    size, limit = len(raw), MAX_BYTES
    # Sizes are numbers of the reader's language: grouped with commas in English, spaces in Finnish.
    assert doc.findings[0].message == f"file is {size:,} bytes, over the {limit:,}-byte limit; split it"
    fi_size, fi_limit = (f"{n:,}".replace(",", " ") for n in (size, limit))
    assert (
        plain(doc.findings[0].text("fi"))
        == f"tiedoston koko on {fi_size} tavua, yli {fi_limit} tavun rajan; jaa se osiin"
    )
    assert (
        plain(doc.findings[0].text("sv"))
        == f"filen är {fi_size} byte, över gränsen på {fi_limit} byte; dela upp den"
    )
    # A file refused before it is read (a blob over the limit in git) has no size to name.
    unread = make("SIS007", too_large(limit), "x.yaml")
    assert unread.message == f"file is over the {limit:,}-byte limit; split it"
    assert plain(unread.text("fi")) == f"tiedosto on yli {fi_limit} tavun rajan; jaa se osiin"


def test_yaml_1_2_scalars_are_not_guessed() -> None:
    doc = parse(
        "x.yaml",
        b"a: no\nb: on\nc: 1.10\nd: 0x1F\ne: 2021-05-20\nf: 12\ng: true\nh: ~\ni: 1_000\nj: '2021'\nk: .inf\nl: 0123\n",
    )
    assert doc.data == {
        "a": "no",
        "b": "on",
        "c": Decimal("1.10"),
        "d": "0x1F",
        "e": datetime.date(2021, 5, 20),
        "f": 12,
        "g": True,
        "h": None,
        "i": "1_000",
        "j": "2021",
        "k": ".inf",
        "l": "0123",
    }


def test_positions_point_at_values_and_keys() -> None:
    doc = parse("x.yaml", b"a: 1\nb:\n  - x: 1\n    y: [1, 2]\n")
    assert doc.locate(("b", 0, "y", 1)) == (4, 12)
    assert doc.locate(("b", 0, "x")) == (3, 8)
    assert doc.locate(("b", 0, "x"), key=True) == (3, 5)
    assert doc.locate(("b", 0, "missing")) == (3, 5)


def _validate_json(repo: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, dict[str, object]]:
    code = main(["validate", "-C", str(repo), "--format", "json", "--no-cache"])
    return code, json.loads(capsys.readouterr().out)


@pytest.mark.parametrize(("name", "raw", "code", "line", "column"), HOSTILE, ids=[c[0] for c in HOSTILE])
def test_hostile_file_in_a_repository(
    repo: Path, capsys: pytest.CaptureFixture[str], name: str, raw: bytes, code: str, line: int, column: int
) -> None:
    (repo / "commitments" / "poliisihallitus.yaml").write_bytes(raw)
    # A second, independent problem elsewhere: the rest of the repository is still checked.
    (repo / "organisations" / "sm.yaml").write_text("id: sm\nname: SM\nkind: ministryy\n")
    before = snapshot(repo)
    exit_code, report = _validate_json(repo, capsys)
    assert exit_code == 1
    findings = report["findings"]
    assert isinstance(findings, list)
    hostile = [f for f in findings if f["path"].endswith("commitments/poliisihallitus.yaml")]
    assert [(f["code"], f["line"], f["column"]) for f in hostile] == [(code, line, column)]
    assert hostile[0]["path"] == str(repo / "commitments" / "poliisihallitus.yaml")
    assert any(f["code"] == "SIS103" and f["path"].endswith("organisations/sm.yaml") for f in findings)
    assert snapshot(repo) == before


def test_symlink_out_of_the_repository_is_not_followed(
    repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    secret = tmp_path / "secret.yaml"
    secret.write_text("id: secret\nname: Secret\nkind: other\n")
    os.symlink(secret, repo / "organisations" / "secret.yaml")
    os.symlink(tmp_path, repo / "phenomena")
    exit_code, report = _validate_json(repo, capsys)
    assert exit_code == 1
    findings = report["findings"]
    assert isinstance(findings, list)
    found = {(f["code"], "/".join(f["path"].split("/")[-2:])) for f in findings}
    assert ("SIS013", "organisations/secret.yaml") in found
    assert any(code == "SIS013" and path.endswith("phenomena") for code, path in found)


def test_paths_are_as_typed_from_the_current_directory(
    repo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (repo / "commitments" / "poliisihallitus.yaml").write_text(
        "organisation: poliisihallitus\ncommitments:\n  - id: poha-x\n    action: X\n    goals: [p1-g9]\n"
        "    period: {start: 2022}\n"
    )
    monkeypatch.chdir(repo.parent)
    assert main(["validate", "-C", "repo", "--no-cache"]) == 1
    out = capsys.readouterr().out
    assert (
        "repo/commitments/poliisihallitus.yaml:5:13: error SIS201: unknown goal 'p1-g9' (did you mean 'p1-g1'?)"
        in out
    )
    monkeypatch.chdir(repo / "commitments")
    assert main(["validate", "--no-cache"]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert any("poliisihallitus.yaml:5:13: error SIS201" in line for line in lines)


def test_oversized_file_in_a_repository_is_refused_unread(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (repo / "phenomena" / "huge.yaml").parent.mkdir(exist_ok=True)
    (repo / "phenomena" / "huge.yaml").write_bytes(b"id: huge\n" + b"# x\n" * (MAX_BYTES // 4 + 1))
    before = snapshot(repo)
    exit_code, report = _validate_json(repo, capsys)
    assert exit_code == 1
    findings = report["findings"]
    assert isinstance(findings, list)
    assert [(f["code"], f["path"].split("/repo/")[-1], f["line"]) for f in findings] == [
        ("SIS007", "phenomena/huge.yaml", 1)
    ]
    assert snapshot(repo) == before
