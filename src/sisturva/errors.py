"""The one hierarchy of conditions that stop a run; the CLI maps them to exit 2."""

from __future__ import annotations


class SisturvaError(Exception):
    """A command could not run; the message says what to do."""

    exit_code = 2


class NotARepository(SisturvaError):
    """No `sisturva.yaml` was found."""


class UsageError(SisturvaError):
    """Bad arguments."""


class RevisionError(SisturvaError):
    """A revision could not be read from git."""


class TemplateError(SisturvaError):
    """A template could not be loaded or rendered."""
