"""Every interface string the site's templates use exists in Finnish, Swedish and English."""

from __future__ import annotations

import re
import typing

from sisturva import models, status
from sisturva.publish.messages import MESSAGES
from sisturva.publish.site import PACKAGED_TEMPLATES
from sisturva.publish.site_strings import STRINGS, translate


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
}


def test_every_site_string_has_three_languages() -> None:
    for key, texts in STRINGS.items():
        assert len(texts) == 3 and all(text.strip() for text in texts), key
        assert texts[0] != texts[2] or key in {"status", "period"} or texts[0][0].isdigit(), key


def test_every_key_the_templates_use_exists() -> None:
    used: set[str] = set()
    families: set[str] = set()
    for path in PACKAGED_TEMPLATES.glob("*.html"):
        text = path.read_text(encoding="utf-8")
        used.update(re.findall(r"""\bt\(["']([a-z_.-]+)["']\)""", text))
        used.update(re.findall(r"""["']([a-z_.-]+)["']\|t\b""", text))
        used.update(re.findall(r"""h\.tf\(["']([a-z_.-]+)["']""", text))
        families.update(re.findall(r"""\bt\(["']([a-z_.-]+\.)["'] ~""", text))
        families.update(re.findall(r"""\(["']([a-z_.-]+\.)["'] ~ [\w.]+\)\|t\b""", text))
    assert len(used) > 50
    assert families <= set(FAMILIES), families - set(FAMILIES)
    for prefix in families:
        assert FAMILIES[prefix], prefix
        used.update(prefix + value for value in FAMILIES[prefix])
    missing = sorted(key for key in used if key not in STRINGS and key not in MESSAGES)
    assert not missing
    for key in used:
        for lang in ("fi", "sv", "en"):
            assert translate(key, lang)
