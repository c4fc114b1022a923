"""The program's entry point: plain calls of every command run without loading typer; the rest go to `cli`."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from typing import NoReturn, cast

from .commands import Outcome
from .interface import BY_NAME, VERSION_FLAGS, Command, Param, Value, version

# typer's parameter conversion imports pydantic (measured ≈ 0.25 s of a 0.5 s `log`), while a
# cached `validate` answers in tens of milliseconds: plain calls skip it. The parser here is built
# from the same declaration (`interface.COMMANDS`) as the typer commands, so both accept the same
# spellings and hand the runner the same values. Anything it does not take in (`--help`, an
# unknown option, a value out of its choices, `-fjson`, `--`) goes through typer, which explains
# what is wrong.


def _accepts(param: Param, value: str) -> bool:
    """Whether the quick path takes `value` for `param` as typer would (else typer decides)."""
    if not value or value.startswith("-"):
        return False
    if param.type == "int":
        return value.isascii() and value.isdigit()
    return not param.choices or value in param.choices


def parse(command: Command, args: Sequence[str]) -> dict[str, Value] | None:
    """Every parameter's value in a plain call of `command`, or None for anything typer should parse."""
    spelled = {flag: param for param in command.params for flag in param.flags}
    positional = [param for param in command.params if not param.flags]
    values: dict[str, Value] = {param.name: param.initial for param in command.params}
    given = 0
    index = 0
    while index < len(args):
        arg = args[index]
        name, eq, inline = arg.partition("=") if arg.startswith("--") else (arg, "", "")
        param = spelled.get(name)
        if param is not None and param.type == "flag":
            if eq:
                return None
            values[param.name] = True
        elif param is not None:
            if eq:
                value = inline
            elif index + 1 < len(args):
                index += 1
                value = args[index]
            else:
                return None
            if not _accepts(param, value):
                return None
            values[param.name] = int(value) if param.type == "int" else value
        elif arg and not arg.startswith("-") and given < len(positional):
            target = positional[given]
            if target.many:
                values[target.name] = [*cast(Sequence[str], values[target.name]), arg]
            else:
                values[target.name] = arg
                given += 1
        else:
            return None
        index += 1
    if any(param.required and values[param.name] is None for param in command.params):
        return None
    return values


def quick(args: Sequence[str]) -> Callable[[], Outcome] | None:
    """The run of a plain call of a command, or None when typer should parse `args`."""
    if not args or args[0] not in BY_NAME:
        return None
    command = BY_NAME[args[0]]
    values = parse(command, args[1:])
    if values is None:
        return None
    return lambda: command.invoke(values)


def emit(outcome: Outcome) -> int:
    """Write what a command produced and give its exit code."""
    if outcome.stdout:
        sys.stdout.write(outcome.stdout)
    if outcome.stderr:
        sys.stderr.write(outcome.stderr)
    sys.stdout.flush()
    return outcome.code


def main(argv: list[str] | None = None) -> int:
    """Run the program; the one place where failures become exit codes."""
    from .errors import SisturvaError

    args = sys.argv[1:] if argv is None else list(argv)
    try:
        if len(args) == 1 and args[0] in VERSION_FLAGS:
            return emit(Outcome(f"sisturva {version()}\n", 0))
        plain = quick(args)
        if plain is None:
            from .cli import run_typer

            return run_typer(args)
        return emit(plain())
    except KeyboardInterrupt:
        sys.stderr.write("interrupted\n")
        return 130
    except SisturvaError as error:
        from .safetext import terminal  # messages quote what was typed: shown, never obeyed

        message = "\n".join(terminal(line) for line in str(error).split("\n"))
        sys.stderr.write(f"sisturva: error: {message}\n")
        return error.exit_code
    except BrokenPipeError:
        # The reader went away (e.g. `| head`); nothing left to say.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0


def run() -> NoReturn:
    """The `sisturva` command: `main`, then exit at once, with the output flushed.

    After loading a national-scale repository the process holds millions of objects, and freeing
    them one by one at exit would take about as long as a warm command's own work (≈ 0.6 s after
    `render`). Nothing is left for exit handlers: every child process is waited for and every file
    is written before `main` returns.
    """
    code = main()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (BrokenPipeError, ValueError):
        pass  # the reader went away, or a stream was closed: nothing more can be said
    os._exit(code)
