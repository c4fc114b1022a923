"""The command line as typer parses it: one typer command per declaration in `interface.COMMANDS`."""

from __future__ import annotations

import inspect
import sys
from collections.abc import Callable
from typing import Annotated, Any, Literal

import typer
from typer._click import Context
from typer._click.exceptions import ClickException
from typer.core import TyperCommand

from . import entry
from .interface import COMMANDS, VERSION_FLAGS, Command, Param, version

app = typer.Typer(
    name="sisturva",
    help="Planning toolkit for a living strategy kept as YAML in a git repository.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _print_version(value: bool) -> None:
    if value:
        sys.stdout.write(f"sisturva {version()}\n")
        raise typer.Exit(0)


@app.callback()
def _top(
    show_version: Annotated[
        bool,
        typer.Option(
            *VERSION_FLAGS, is_eager=True, callback=_print_version, help="Print sisturva's version and exit."
        ),
    ] = False,
) -> None:
    """Planning toolkit for a living strategy kept as YAML in a git repository."""


def _annotation(param: Param) -> Any:
    """The type typer converts the parameter to, with its `typer.Option` or `typer.Argument`."""
    if param.type == "flag":
        kind: Any = bool
    elif param.type == "int":
        kind = int
    elif param.choices:
        kind = Literal[param.choices]  # typer offers (and completes) exactly these values
    else:
        kind = str
    if param.many:
        kind = list[str] | None
    elif param.type != "flag" and (param.initial is None and not param.required):
        kind = kind | None
    if not param.flags:
        info: Any = typer.Argument(metavar=param.metavar, help=param.help, hidden=param.hidden)
    else:
        info = typer.Option(
            *param.flags,
            help=param.help,
            metavar=None if param.choices else param.metavar,
            hidden=param.hidden,
            show_default=param.type != "flag" and param.initial is not None,
        )
    return Annotated[kind, info]


class _Command(TyperCommand):
    """A typer command whose usage line leaves out hidden (deprecated) arguments, as its help does."""

    def collect_usage_pieces(self, ctx: Context) -> list[str]:
        pieces = [self.options_metavar] if self.options_metavar else []
        for param in self.get_params(ctx):
            if not getattr(param, "hidden", False):
                pieces.extend(param.get_usage_pieces(ctx))
        return pieces


def _typer_command(command: Command) -> Callable[..., None]:
    """A function whose signature typer reads as the command's parameters; it runs `command.invoke`."""

    def run(**values: Any) -> None:
        raise typer.Exit(entry.emit(command.invoke(values)))

    parameters = [
        inspect.Parameter(
            param.name,
            inspect.Parameter.KEYWORD_ONLY,
            annotation=_annotation(param),
            # click itself gives () for an argument of any number of values that is not given.
            default=inspect.Parameter.empty if param.required else None if param.many else param.initial,
        )
        for param in command.params
    ]
    run.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
    run.__annotations__ = {p.name: p.annotation for p in parameters}
    run.__name__ = run.__qualname__ = command.name
    run.__doc__ = command.help
    return run


for _command in COMMANDS:
    app.command(name=_command.name, help=_command.help, cls=_Command)(_typer_command(_command))


def run_typer(args: list[str]) -> int:
    """Parse `args` with typer and run the command; typer's own conditions become exit codes."""
    try:
        result = app(args=args, prog_name="sisturva", standalone_mode=False)
    except typer.Exit as done:
        return done.exit_code
    except typer.Abort:
        sys.stderr.write("interrupted\n")
        return 130
    except ClickException as error:
        error.show()
        return 2
    except SystemExit as done:
        # Shell completion (`--show-completion`, `--install-completion`, and the completion
        # requests a shell makes) ends with sys.exit after writing its answer.
        return done.code if isinstance(done.code, int) else 0
    return result if isinstance(result, int) else 0


main = entry.main
"""The entry point, here too for callers that know the CLI module."""
