"""The shipped CI examples call only sisturva commands and options that exist."""

from __future__ import annotations

import itertools
import re
import shlex
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from sisturva.cli import main
from tests.conftest import PROJECT

EXAMPLES = sorted((PROJECT / "examples").glob("*.yml"))
CALL = re.compile(r"(?:^|[;&|(]\s*|\bthen\s+)sisturva\s+(.*)$")


def _strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def calls(path: Path) -> list[list[str]]:
    """Every `sisturva …` command line of a workflow file, split as the shell would."""
    found = []
    for text in _strings(yaml.safe_load(path.read_text(encoding="utf-8"))):
        for line in text.splitlines():
            match = CALL.search(line.strip())
            if match:
                words = shlex.split(match.group(1), comments=True)
                ends = [i for i, w in enumerate(words) if w.startswith((">", "|", "2>"))]
                found.append(words[: ends[0]] if ends else words)
    return found


def test_there_are_examples_for_github_and_gitlab() -> None:
    assert [p.name for p in EXAMPLES] == ["github-actions.yml", "gitlab-ci.yml"]
    for path in EXAMPLES:
        commands = {words[0] for words in calls(path)}
        assert {"validate", "review", "render"} <= commands, path.name


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_every_command_and_option_exists(path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for words in calls(path):
        command, rest = words[0], words[1:]
        assert main([command, "--help"]) == 0, f"{path.name}: sisturva {command} does not exist"
        usage = capsys.readouterr().out
        for word in rest:
            if word.startswith("-"):
                option = word.split("=", 1)[0]
                assert re.search(rf"(^|[\s,]){re.escape(option)}\b", usage), (
                    f"{path.name}: sisturva {command} has no option {option}"
                )
        # Values given to choice options are among the choices the help lists.
        for option, value in itertools.pairwise(rest):
            if option in ("--format", "-f") and "|" in usage.split(option, 1)[1].split("\n", 1)[0]:
                assert value in usage, f"{path.name}: sisturva {command} {option} {value}"
