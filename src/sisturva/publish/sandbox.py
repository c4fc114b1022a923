"""Jinja's immutable sandbox, refusing the operators and string methods that would build a huge value."""

from __future__ import annotations

import math
import re
import string
from collections.abc import Callable, Sized
from typing import Any

from jinja2.exceptions import SecurityError
from jinja2.filters import FILTERS
from jinja2.runtime import Context
from jinja2.sandbox import ImmutableSandboxedEnvironment

MAX_LENGTH = 10_000_000
"""The most characters (or items) one value a template builds may hold.

A national-scale page is about a megabyte of HTML; a string or list ten times that is no page's
need, and refusing it up front stops `'a' * 10**9` before it costs a gigabyte and seconds.
"""
MAX_INT_BITS = 1 << 16
"""The largest integer an operator may make, in bits (≈ 20,000 digits).

`10 ** (10 ** 9)` would run in C for hours, out of reach of the CPU timer (a signal handler runs
only between bytecodes), so a result's size is worked out before it is computed.
"""

# `%` conversions: flags, then a width and a precision that may be numbers or `*` (from the arguments).
_PERCENT = re.compile(r"%[-#0 +]*(\*|\d+)?(?:\.(\*|\d*))?")
_NUMBERS = re.compile(r"\d+")
_WIDTH_METHODS = frozenset({"center", "ljust", "rjust", "zfill"})


def _refuse(message: str) -> SecurityError:
    return SecurityError(
        f"{message}; a template may build values of at most {MAX_LENGTH:,} characters or items"
    )


def _check_length(length: int) -> None:
    if length > MAX_LENGTH:
        raise _refuse(f"the value would hold {length:,} characters or items")


def _check_width(width: object) -> None:
    if isinstance(width, int) and width > MAX_LENGTH:
        raise _refuse(f"a width of {width:,}")


def _check_percent(fmt: str) -> None:
    """Refuse `%` formatting whose widths or precisions would make a huge string."""
    if "%" not in fmt:
        return
    for found in _PERCENT.finditer(fmt):
        for part in found.groups():
            if part == "*":
                raise SecurityError("a width or precision taken from the arguments (`%*d`) is not allowed")
            if part:
                _check_width(int(part))


def _check_format_spec(fmt: str) -> None:
    """Refuse `str.format` fields whose width or precision would make a huge string."""
    try:
        fields = list(string.Formatter().parse(fmt))
    except ValueError:
        return  # str.format itself reports the broken format string
    for _, _, spec, _ in fields:
        if not spec:
            continue
        if "{" in spec:
            raise SecurityError("a width or precision taken from the arguments (`{:{}}`) is not allowed")
        for number in _NUMBERS.findall(spec):
            _check_width(int(number))


def _sized(value: object) -> int | None:
    return len(value) if isinstance(value, (str, bytes, list, tuple)) else None


def _check_binop(operator: str, left: Any, right: Any) -> None:
    """Refuse an operation whose result would be huge, before it is computed."""
    if operator == "*":
        for seq, times in ((left, right), (right, left)):
            length = _sized(seq)
            if length is not None and isinstance(times, int):
                _check_length(length * max(times, 0))
                return
        if isinstance(left, int) and isinstance(right, int):
            _check_bits(left.bit_length() + right.bit_length())
    elif operator == "**":
        if isinstance(left, int) and isinstance(right, int) and right > 0 and abs(left) > 1:
            _check_bits(math.ceil(right * math.log2(abs(left))))
    elif operator == "+":
        left_length, right_length = _sized(left), _sized(right)
        if left_length is not None and right_length is not None:
            _check_length(left_length + right_length)
    elif operator == "%" and isinstance(left, str):
        _check_percent(left)


def _check_bits(bits: int) -> None:
    if bits > MAX_INT_BITS:
        raise SecurityError(
            f"the number would have about {bits:,} bits; a template may make numbers of at most {MAX_INT_BITS:,}"
        )


def _check_call(obj: Any, args: tuple[Any, ...]) -> None:
    """Refuse a call of a string method whose result would be huge (`'a'.ljust(10**9)`)."""
    name = getattr(obj, "__name__", "")
    owner = getattr(obj, "__self__", None)
    if owner is None:
        # The sandbox hands out `str.format` wrapped in a function of its own.
        owner = getattr(getattr(obj, "__wrapped__", None), "__self__", None)
    if not isinstance(owner, str):
        return
    if name in _WIDTH_METHODS and args:
        _check_width(args[0])
    elif name == "expandtabs":
        size = args[0] if args else 8
        if isinstance(size, int):
            _check_length(len(owner) * max(size, 1))
    elif name in ("format", "format_map"):
        _check_format_spec(owner)
    elif name == "join" and args and isinstance(args[0], (list, tuple)):
        items = args[0]
        _check_length(
            len(owner) * max(len(items) - 1, 0) + sum(len(i) for i in items if isinstance(i, Sized))
        )


def _bounded_filter(name: str, check: Callable[[tuple[Any, ...]], None]) -> Callable[..., Any]:
    """Jinja's filter `name`, with `check` run on its arguments first (filters are called directly)."""
    original = FILTERS[name]

    def bounded(*args: Any, **kwargs: Any) -> Any:
        check(args + tuple(kwargs.values()))
        return original(*args, **kwargs)

    if getattr(original, "jinja_pass_arg", None) is not None:
        bounded.jinja_pass_arg = original.jinja_pass_arg  # type: ignore[attr-defined]
    bounded.__name__ = original.__name__
    return bounded


def _widths(args: tuple[Any, ...]) -> None:
    for value in args[1:]:
        _check_width(value)
        if isinstance(value, str):
            _check_length(len(value))


def _format(args: tuple[Any, ...]) -> None:
    if args and isinstance(args[0], str):
        _check_percent(args[0])


class BoundedSandbox(ImmutableSandboxedEnvironment):
    """The immutable sandbox, refusing before they run the operations that would build a huge value.

    Operators are intercepted (`call_binop`), string methods checked as they are called (`call`), and
    the filters that take a width (`center`, `indent`, `format`) wrapped, since Jinja calls filters
    directly. What slips past these is stopped by the worker's memory and CPU-time limits.
    """

    intercepted_binops = frozenset({"*", "**", "%", "+"})
    overrides: object = None
    """The repository's own templates folder (`templates.Overrides`), for its static files."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.filters["center"] = _bounded_filter("center", _widths)
        self.filters["indent"] = _bounded_filter("indent", _widths)
        self.filters["format"] = _bounded_filter("format", _format)
        # Text made up to any length, which no page of a strategy needs.
        self.globals.pop("lipsum", None)

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        """`left operator right`, refused when its result would be huge."""
        _check_binop(operator, left, right)
        return super().call_binop(context, operator, left, right)

    def call(__self, __context: Context, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        """A call from a template, refused when it is a string method that would build a huge value."""
        _check_call(__obj, args)
        return super().call(__context, __obj, *args, **kwargs)


__all__ = ["MAX_INT_BITS", "MAX_LENGTH", "BoundedSandbox"]
