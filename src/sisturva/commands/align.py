"""`align`: each organisation's commitments against its own budget plan, by line and year."""

from __future__ import annotations

from dataclasses import replace

from ..errors import UsageError
from ..findings import did_you_mean, exit_code, strictened
from . import Outcome


def run(
    path: str | None,
    fmt: str,
    lang: str,
    organisation: str | None,
    year: int | None,
    strict: bool,
    use_cache: bool,
    color: bool,
) -> Outcome:
    """Align the work tree at `path` and present it in `fmt`; exit 1 on errors (warnings under `strict`)."""
    from ..align import Scoped, align
    from ..reports.align import FORMATS
    from ..repository import load

    if fmt not in FORMATS:
        raise UsageError(f"unknown format '{fmt}'; use one of {', '.join(FORMATS)}")
    strategy = load(path, use_cache).strategy
    alignment = align(strategy)
    if organisation is not None:
        known = {o.organisation for o in alignment.organisations} | set(strategy.organisations)
        if organisation not in known:
            raise UsageError(
                f"unknown organisation '{organisation}'{did_you_mean(organisation, known)}; "
                "give the id of an organisation (organisations/ID.yaml)"
            )
    alignment = alignment.narrowed(organisation, year)
    if strict:
        alignment = replace(
            alignment,
            scoped=tuple(
                Scoped(strictened([s.finding])[0], s.organisation, s.year) for s in alignment.scoped
            ),
        )
    errors = sum(1 for f in strategy.findings if f.severity == "error")
    note = ""
    if errors:
        noun = "error" if errors == 1 else "errors"
        note = (
            f"sisturva: note: validation found {errors} {noun}; the figures leave out what failed "
            "to validate (run `sisturva validate`)\n"
        )
    return Outcome(FORMATS[fmt](alignment, lang, color), exit_code(alignment.findings), note)
