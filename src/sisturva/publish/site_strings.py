"""The static site's interface strings: the message catalogue's texts, as the templates' `t` filter shows them."""

from __future__ import annotations

from ..catalogue import mark, messages

# Keys the packaged templates build at run time (`("status.priority." ~ p.status)|t`, the menu's
# list of keys), and keys for a repository's own templates: marked here so that extraction puts
# them into the catalogue. A test checks that every value of each family has its text.
TEMPLATE_KEYS: tuple[str, ...] = (
    mark("nav.home"),
    mark("nav.organisations"),
    mark("nav.indicators"),
    mark("nav.phenomena"),
    mark("nav.changes"),
    mark("nav.priorities"),
    mark("accessibility.conformance.full"),
    mark("accessibility.conformance.partial"),
    mark("accessibility.conformance.none"),
    mark("accessibility.method.self-assessment"),
    mark("accessibility.method.third-party"),
    mark("status.priority.preparing"),
    mark("status.priority.active"),
    mark("status.priority.completed"),
    mark("status.priority.retired"),
    mark("status.goal.proposed"),
    mark("status.goal.active"),
    mark("status.goal.achieved"),
    mark("status.goal.dropped"),
    mark("status.commitment.planned"),
    mark("status.commitment.in-progress"),
    mark("status.commitment.done"),
    mark("status.commitment.cancelled"),
    mark("status.phenomenon.observed"),
    mark("status.phenomenon.monitored"),
    mark("status.phenomenon.prioritised"),
    mark("status.phenomenon.retired"),
    mark("status.budget.draft"),
    mark("status.budget.adopted"),
    mark("budget.state-tts"),
    mark("budget.state-jts"),
    mark("budget.state-budget"),
    mark("budget.municipal"),
    mark("budget.wellbeing-services-county"),
    mark("budget.ngo"),
    mark("budget.other"),
    # Not in the packaged templates, offered to a repository's own templates (they may use any key).
    mark("languages.title"),
    mark("changes.version"),
    mark("changes.date"),
    mark("changes.subject"),
    mark("changes.commit"),
)

CAPITALISED = ("kind.", "direction.")
"""Shared words the site shows as labels, so with a capital letter (`Ministeriö`, not `ministeriö`)."""


def translate(key: str, lang: str) -> str:
    """The site string `key` in `lang`; an unknown key raises KeyError (a template fault)."""
    text = messages(lang).text(key)
    return text[:1].upper() + text[1:] if key.startswith(CAPITALISED) else text


def translate_plural(key: str, lang: str, count: int, **values: object) -> str:
    """The plural form of `key` that `count` takes in `lang`, `{n}` and the other fields filled in."""
    return messages(lang).tn(key, count, **values)


__all__ = ["CAPITALISED", "TEMPLATE_KEYS", "translate", "translate_plural"]
