"""Interface strings shared by the status report, the document and the site, and the language a record's text is shown in."""

from __future__ import annotations

from ..catalogue import mark, messages
from ..models import LocalizedText

LANGS: tuple[str, ...] = ("fi", "sv", "en")
"""Languages of what people read, Finnish first."""

LANGUAGE_NAMES: dict[str, str] = {"fi": "suomi", "sv": "svenska", "en": "English"}
"""Each language by its own name, for markers of a fallback and for language switchers."""

# Keys built at run time from a record's value (`"verdict." + verdict`), shared by the status
# report, the document and the site: marked here so that extraction puts them into the catalogue.
FAMILY_KEYS: tuple[str, ...] = (
    mark("verdict.on-track"),
    mark("verdict.off-track"),
    mark("verdict.achieved"),
    mark("verdict.no-data"),
    mark("reason.no-indicator"),
    mark("reason.no-target"),
    mark("reason.no-baseline"),
    mark("reason.unknown-indicator"),
    mark("reason.no-observations"),
    mark("reason.before-baseline"),
    mark("reason.break"),
    mark("reason.stale"),
    mark("commitment.planned"),
    mark("commitment.in-progress"),
    mark("commitment.done"),
    mark("commitment.cancelled"),
    mark("priority.preparing"),
    mark("priority.active"),
    mark("priority.completed"),
    mark("priority.retired"),
    mark("goal.proposed"),
    mark("goal.active"),
    mark("goal.achieved"),
    mark("goal.dropped"),
    mark("phenomenon.observed"),
    mark("phenomenon.monitored"),
    mark("phenomenon.prioritised"),
    mark("phenomenon.retired"),
    mark("budget.draft"),
    mark("budget.adopted"),
    mark("direction.higher-is-better"),
    mark("direction.lower-is-better"),
    mark("kind.ministry"),
    mark("kind.agency"),
    mark("kind.regional-agency"),
    mark("kind.municipality"),
    mark("kind.wellbeing-services-county"),
    mark("kind.association"),
    mark("kind.ngo"),
    mark("kind.business"),
    mark("kind.research"),
    mark("kind.other"),
)


def t(key: str, lang: str, **values: object) -> str:
    """The interface string `key` in `lang` (Finnish for an unknown language), filled with `values`."""
    return messages(lang).t(key, **values)


def tn(key: str, lang: str, count: int, **values: object) -> str:
    """The plural form of `key` that `count` takes in `lang`, `{n}` and the other fields filled in."""
    return messages(lang).tn(key, count, **values)


def localized(text: str | LocalizedText | None, lang: str, default: str = "fi") -> tuple[str, str]:
    """Record text in `lang` and the language it is actually in: `lang`, else the default, Finnish, Swedish, English.

    A plain string is in the repository's first language (`default`).
    """
    if text is None:
        return "", lang
    if isinstance(text, str):
        return text, default
    value = getattr(text, lang, None)
    if isinstance(value, str):
        return value, lang
    for other in (default, *LANGS):
        value = getattr(text, other, None)
        if isinstance(value, str):
            return value, other
    return "", lang  # unreachable: LocalizedText holds at least one language


__all__ = ["FAMILY_KEYS", "LANGS", "LANGUAGE_NAMES", "localized", "t", "tn"]
