"""Every interface string the site's templates use is in the catalogue in Finnish, Swedish and English."""

from __future__ import annotations

import re
import typing

import pytest

from sisturva import diff, models, status
from sisturva.catalogue import messages
from sisturva.publish.site import PACKAGED_TEMPLATES
from sisturva.publish.site_strings import TEMPLATE_KEYS, translate, translate_plural


def _values(model: type[models.Model], name: str) -> tuple[str, ...]:
    annotation = model.model_fields[name].annotation
    return typing.get_args(annotation)


# Keys built in templates from a prefix and a field's value: every value must have its string.
FAMILIES: dict[str, tuple[str, ...]] = {
    "budget.": _values(models.Budget, "kind"),
    "direction.": _values(models.Indicator, "direction"),
    "kind.": _values(models.Organisation, "kind"),
    "reason.": typing.get_args(status.Reason),
    "status.budget.": _values(models.Budget, "status"),
    "status.commitment.": _values(models.Commitment, "status"),
    "status.goal.": _values(models.Goal, "status"),
    "status.phenomenon.": _values(models.Phenomenon, "status"),
    "status.priority.": _values(models.Priority, "status"),
    "verdict.": status.VERDICTS,
    "report.kind.": diff.KINDS,
    "report.diff.": typing.get_args(diff.ChangeKind),
    "accessibility.conformance.": _values(models.Accessibility, "conformance"),
    "accessibility.method.": _values(models.Accessibility, "method"),
}
FIELDS = {"version": "2025.1", "mean": "50"}
"""The fields plural strings of the site fill in besides the count."""
# Plural keys built in templates (`("report.releases." ~ key)|tn(n)`).
PLURAL_FAMILIES: dict[str, tuple[str, ...]] = {
    "report.releases.": ("added", "removed", "modified", "renamed"),
}


def test_every_key_the_templates_use_exists() -> None:
    used: set[str] = set(TEMPLATE_KEYS)
    families: set[str] = set()
    plurals: set[str] = set()
    counted: set[str] = set()
    for path in PACKAGED_TEMPLATES.glob("*.html"):
        text = path.read_text(encoding="utf-8")
        used.update(re.findall(r"""\bt\(["']([a-z_.-]+)["']\)""", text))
        used.update(re.findall(r"""["']([a-z_.-]+)["']\|t\b""", text))
        used.update(re.findall(r"""h\.tf\(["']([a-z_.-]+)["']""", text))
        families.update(re.findall(r"""\bt\(["']([a-z_.-]+\.)["'] ~""", text))
        families.update(re.findall(r"""\(["']([a-z_.-]+\.)["'] ~ [\w.]+\)\|t\b""", text))
        plurals.update(re.findall(r"""\(["']([a-z_.-]+\.)["'] ~ [\w.]+\)\|tn\b""", text))
        counted.update(re.findall(r"""["']([a-z_.-]+)["']\|tn\b""", text))
        counted.update(re.findall(r"""h\.tn\(["']([a-z_.-]+)["']""", text))
    assert len(used) > 50
    assert families <= set(FAMILIES), families - set(FAMILIES)
    for prefix in families:
        assert FAMILIES[prefix], prefix
        used.update(prefix + value for value in FAMILIES[prefix])
    for key in used:
        for lang in ("fi", "sv", "en"):
            assert translate(key, lang).strip(), (key, lang)
    assert plurals <= set(PLURAL_FAMILIES), plurals - set(PLURAL_FAMILIES)
    for prefix in plurals:
        counted.update(prefix + value for value in PLURAL_FAMILIES[prefix])
    assert {"front.summary", "count.suspect", "report.releases.added"} <= counted
    for key in counted:
        for lang in ("fi", "sv", "en"):
            one, many = translate_plural(key, lang, 1, **FIELDS), translate_plural(key, lang, 7, **FIELDS)
            assert "1" in one and "7" in many, (key, lang)


def test_an_unknown_key_is_a_template_fault() -> None:
    with pytest.raises(KeyError, match=r"nav\.nowhere"):
        translate("nav.nowhere", "fi")


def test_labels_are_capitalised_on_the_site_and_lower_case_in_sentences() -> None:
    assert translate("kind.ministry", "fi") == "Ministeriö"
    assert translate("direction.lower-is-better", "sv") == "Lägre är bättre"
    assert messages("fi").t("kind.ministry") == "ministeriö"


@pytest.mark.parametrize(
    ("lang", "one", "two"),
    [("fi", "1 tavoite", "2 tavoitetta"), ("sv", "1 mål", "2 mål"), ("en", "1 goal", "2 goals")],
)
def test_counts_take_the_plural_form_of_their_language(lang: str, one: str, two: str) -> None:
    assert translate_plural("front.goals", lang, 1) == one
    assert translate_plural("front.goals", lang, 2) == two
    assert translate_plural("front.goals", lang, 0) == two.replace("2", "0")
