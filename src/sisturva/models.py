"""Pydantic models for every file kind of a strategy repository: field-level rules only."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    WithJsonSchema,
    model_validator,
)

from .layout import FOLDER_NAMES, SINGLE_FILE_NAMES
from .owners import OWNER_PATTERN

# Descriptions are written for the strategy's authors: the exported JSON Schemas show them on
# hover in their editors, and docs/reference.md is generated from them. They are given with
# Field(description=…) rather than attribute docstrings, which pydantic would read back from the
# source at import (measured: about half again the time the module takes to build its models).

LANGUAGES: tuple[str, ...] = ("fi", "sv", "en")
Language = Literal["fi", "sv", "en"]

# Ids are references between files; a strict slug keeps them stable in paths and URLs.
ID_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
Id = Annotated[str, StringConstraints(pattern=ID_PATTERN, max_length=80)]
# Budget lines use the state budget's numbering (26.10.01) or a municipality's own codes.
LINE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$"
LineId = Annotated[str, StringConstraints(pattern=LINE_PATTERN)]
Fingerprint = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{8}$")]
"""A goal's fingerprint as a commitment confirmed it (`suspect.fingerprint`)."""
Year = Annotated[int, Field(ge=1900, le=2200)]


def _exact_number(value: object) -> object:
    # The loader reads 12 as int and 1.5 as Decimal; both are exact, so an int may stand for a
    # Decimal. Anything else (a string, a bool) is left to fail the strict Decimal check.
    if type(value) is int:
        return Decimal(value)
    return value


Number = Annotated[Decimal, BeforeValidator(_exact_number), WithJsonSchema({"type": "number"})]
# The constraints come before the int-to-Decimal step so pydantic checks them in its core, not in
# Python (measured: model building 2.3× faster at national scale); the messages are the same.
Euros = Annotated[
    Decimal,
    Field(ge=0, max_digits=18, decimal_places=2),
    BeforeValidator(_exact_number),
    WithJsonSchema({"type": "number", "minimum": 0}),
]
PersonYears = Annotated[
    Decimal,
    Field(ge=0, max_digits=10, decimal_places=2),
    BeforeValidator(_exact_number),
    WithJsonSchema({"type": "number", "minimum": 0}),
]
# Editors check an owner against the pattern; `validate` reports one that neither forge takes as
# SIS217 at its item, saying what is accepted, rather than as a schema error that drops the record.
Owner = Annotated[str, Field(min_length=1, json_schema_extra={"pattern": OWNER_PATTERN})]

_URL = re.compile(r"^https?://[^\s/?#<>\"'`]+[^\s<>\"'`]*$")


def _http_link(value: str) -> str:
    if not _URL.match(value):
        raise ValueError("links must be http:// or https:// addresses")
    return value


Link = Annotated[
    str,
    AfterValidator(_http_link),
    WithJsonSchema({"type": "string", "format": "uri", "pattern": "^https?://"}),
]

# Wording shared by many fields, so that the same thing is explained the same way everywhere.
TEXT_HELP = "Text for people: a plain string (in the repository's first language) or a mapping {fi, sv, en}."
SOURCE_HELP = (
    "Where the facts here were published: a short citation as a string, or a mapping with title, "
    "url and published."
)
_EXAMPLE = (
    "true marks invented content, written to show how the model works, rather than agreed or "
    "published fact; the published strategy labels it as an example. Default: false."
)
_ORG = "Id of an organisation: the name of its file in organisations/ without .yaml."
_ORGS = "Ids of organisations, each the name of a file in organisations/ without .yaml."
_NAME_EXAMPLE = {"fi": "Poliisihallitus", "sv": "Polisstyrelsen", "en": "National Police Board"}
_SOURCE_EXAMPLES = [
    "Tilastokeskus, kuolemansyyt",
    {
        "title": "Talousarvioesitys 2024 (HE 41/2023 vp), momentti 26.30.02",
        "url": "https://budjetti.vm.fi/",
    },
]


class Model(BaseModel):
    """Strict, frozen base: unknown keys are errors, nothing is coerced."""

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)


class LocalizedText(Model):
    """Text for people in one or more languages: a mapping {fi, sv, en} with at least one of them.

    Wherever text is asked for, a plain string may be written instead: it is text in the
    repository's first language (Finnish).
    """

    fi: str | None = Field(
        default=None,
        description="The text in Finnish, the strategy's first language.",
        examples=["Poliisihallitus"],
    )
    sv: str | None = Field(default=None, description="The text in Swedish.", examples=["Polisstyrelsen"])
    en: str | None = Field(
        default=None, description="The text in English.", examples=["National Police Board"]
    )

    @model_validator(mode="after")
    def _one_language(self) -> LocalizedText:
        if self.fi is None and self.sv is None and self.en is None:
            from pydantic_core import PydanticCustomError

            # The error type names the message; `validation` writes it in the reader's language.
            raise PydanticCustomError(
                "text_without_language", "give the text in at least one language (fi, sv, en)"
            )
        return self


# A plain string is text in the repository's default language.
Text = str | LocalizedText


class Source(Model):
    """Where a fact was published: the publication's title, and its address and date if known."""

    title: str = Field(
        description="The publication as it should be cited, e.g. a budget proposal and its item.",
        examples=["Talousarvioesitys 2024 (HE 41/2023 vp), momentti 26.30.02"],
    )
    url: Link | None = Field(
        default=None,
        description="Web address of the publication; only http:// and https:// addresses are accepted.",
        examples=["https://budjetti.vm.fi/"],
    )
    published: datetime.date | None = Field(
        default=None,
        description="The date the publication appeared, written YYYY-MM-DD without quotes.",
        examples=["2023-09-25"],
    )


# `source:` may be a short citation string or a structured reference.
SourceRef = str | Source


class Record(Model):
    """Fields any record may carry."""

    source: SourceRef | None = Field(default=None, description=SOURCE_HELP, examples=_SOURCE_EXAMPLES)
    example: bool = Field(default=False, description=_EXAMPLE, examples=[True])


class Period(Model):
    """Years from start to end, both included, e.g. {start: 2022, end: 2025}; without end it stays open."""

    start: Year = Field(description="The first year of the period, four digits.", examples=[2022])
    end: Year | None = Field(
        default=None,
        description=(
            "The last year of the period, included; not before start. Leave it out while the "
            "period has no end: it then covers every year from start on."
        ),
        examples=[2025],
    )

    @model_validator(mode="after")
    def _ordered(self) -> Period:
        if self.end is not None and self.end < self.start:
            from pydantic_core import PydanticCustomError

            raise PydanticCustomError(
                "period_order",
                "period ends ({end}) before it starts ({start})",
                {"start": self.start, "end": self.end},
            )
        return self


class Accessibility(Model):
    """The facts of the site's accessibility statement (saavutettavuusseloste, Act 306/2019)."""

    conformance: Literal["full", "partial", "none"] = Field(
        default="partial",
        description=(
            "How far the site meets WCAG 2.1 level AA: full, partial (the known issues say where "
            "not) or none. Default: partial."
        ),
        examples=["partial"],
    )
    known_issues: list[Text] = Field(
        default_factory=list,
        description="What is known not to be accessible yet, each a text or {fi, sv, en}.",
        examples=[
            [{"fi": "Kaavioiden värit eivät erotu tulosteessa.", "en": "Chart colours do not print apart."}]
        ],
    )
    assessed: datetime.date | None = Field(
        default=None,
        description="The date the accessibility was last assessed and the statement written, YYYY-MM-DD.",
        examples=["2025-05-20"],
    )
    method: Literal["self-assessment", "third-party"] = Field(
        default="self-assessment",
        description="Who assessed it: the publisher itself (self-assessment) or a third party. Default: self-assessment.",
        examples=["self-assessment"],
    )
    feedback: str | None = Field(
        default=None,
        max_length=200,
        description=(
            "Where readers report accessibility problems: an e-mail address or a web address. "
            "Default: the publication's contact."
        ),
        examples=["saavutettavuus@example.fi"],
    )
    authority: Text | None = Field(
        default=None,
        description=(
            "The supervisory authority readers may turn to when the answer does not satisfy them. "
            "Default: the accessibility supervision named in each language by sisturva."
        ),
        examples=[{"fi": "Lupa- ja valvontavirasto", "sv": "Tillstånds- och tillsynsverket"}],
    )
    authority_url: Link = Field(
        default="https://www.saavutettavuusvaatimukset.fi/",
        description="The supervisory authority's web page for feedback on accessibility.",
        examples=["https://www.saavutettavuusvaatimukset.fi/"],
    )


class Publication(Model):
    """Who publishes the rendered strategy, how to reach them, and under which licence."""

    publisher: Text | None = Field(
        default=None,
        description=(
            "The organisation that publishes the site, the document and the open data, shown in "
            "every page's footer, e.g. the secretariat's ministry. A text or {fi, sv, en}."
        ),
        examples=[{"fi": "Sisäministeriö", "sv": "Inrikesministeriet", "en": "Ministry of the Interior"}],
    )
    contact: str | None = Field(
        default=None,
        max_length=200,
        description="Where readers send questions and feedback: an e-mail address or a web address (https://…).",
        examples=["kirjaamo.sm@gov.fi"],
    )
    licence: str = Field(
        default="CC-BY-4.0",
        pattern=r"^[A-Za-z0-9.+-]{1,60}$",
        description=(
            "The licence of the published content and open data, as an SPDX identifier. "
            "Default: CC-BY-4.0 (Creative Commons Attribution 4.0), as Finnish public data usually is."
        ),
        examples=["CC-BY-4.0"],
    )
    accessibility: Accessibility = Field(
        default_factory=Accessibility,
        description="The facts of the accessibility statement that the site publishes in each language.",
        examples=[
            {"conformance": "partial", "assessed": "2025-05-20", "feedback": "saavutettavuus@example.fi"}
        ],
    )


class Settings(Model):
    """`sisturva.yaml`: the repository's settings: format version, languages and planning years.

    Its place marks the root of the strategy repository.
    """

    schema_version: Literal[1] = Field(
        alias="schema",
        description="The version of the repository's file format. Write 1: it is the only version so far.",
        examples=[1],
    )
    languages: list[Language] = Field(
        default_factory=lambda: list[Language](["fi"]),
        min_length=1,
        description=(
            "The languages the strategy is written and published in: fi (Finnish), sv (Swedish), "
            "en (English). fi comes first: the first language is the one a plain-string text is "
            "in. sisturva render publishes every language listed unless --lang says otherwise. "
            "Default: [fi]."
        ),
        examples=[["fi", "sv", "en"]],
    )
    required_languages: list[Language] = Field(
        default_factory=lambda: list[Language](["fi"]),
        description=(
            "Languages, besides the first, that every text written as a mapping {fi, sv, en} "
            "must have: a mapping that lacks one gets warning SIS207 (an error under --strict). "
            "Each must also be in languages. Default: [fi]."
        ),
        examples=[["fi", "sv"]],
    )
    currency: Literal["EUR"] = Field(
        default="EUR",
        description="The currency of every amount of money in the repository. Only EUR (euros).",
        examples=["EUR"],
    )
    planning_years: Period = Field(
        description="The years the strategy as a whole plans for, first and last included.",
        examples=[{"start": 2021, "end": 2025}],
    )
    templates: str | None = Field(
        default=None,
        description=(
            "Folder, relative to the repository root, of templates that override the packaged "
            "ones when sisturva render publishes the site (they run in Jinja's sandbox). "
            "Default: templates."
        ),
        examples=["templates"],
    )
    release_prefix: Annotated[
        str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*(/[A-Za-z0-9][A-Za-z0-9._-]*)*/?$")
    ] = Field(
        default="strategy/",
        description=(
            "What the git tags of approved versions begin with: sisturva release 2025.1 makes the "
            "annotated tag strategy/2025.1, and sisturva releases lists the annotated tags that "
            "begin so. Letters, digits, '.', '_', '-' and '/'. Default: strategy/."
        ),
        examples=["strategy/"],
    )
    publication: Publication = Field(
        default_factory=Publication,
        description="Who publishes the rendered strategy, the contact for feedback and the licence.",
        examples=[
            {"publisher": {"fi": "Sisäministeriö"}, "contact": "kirjaamo.sm@gov.fi", "licence": "CC-BY-4.0"}
        ],
    )

    @model_validator(mode="after")
    def _finnish_first(self) -> Settings:
        from pydantic_core import PydanticCustomError

        if self.languages[0] != "fi":
            raise PydanticCustomError("finnish_first", "languages must start with fi (Finnish first)")
        missing = [lang for lang in self.required_languages if lang not in self.languages]
        if missing:
            raise PydanticCustomError(
                "required_languages_missing",
                "required languages {missing} are not in languages",
                {"missing": ", ".join(missing)},
            )
        return self


class Level(Model):
    """One level of the cooperation model (the cooperation group or the expert network): a body with its members."""

    name: Text = Field(
        description="The body's name. " + TEXT_HELP,
        examples=[{"fi": "Kansallinen yhteistyöryhmä", "en": "National cooperation group"}],
    )
    description: Text | None = Field(
        default=None,
        description="What the body is and does, in a sentence or two. " + TEXT_HELP,
        examples=[{"en": "One representative from every member organisation; prepares the priorities."}],
    )
    chair: Id | None = Field(
        default=None, description="The organisation that chairs the body. " + _ORG, examples=["sm"]
    )
    members: list[Id] = Field(
        default_factory=list,
        description="The body's member organisations. " + _ORGS,
        examples=[["sm", "poliisihallitus", "kuntaliitto"]],
    )


class Secretariat(Model):
    """The secretariat that prepares the business of the other levels."""

    organisation: Id = Field(
        description="The organisation that acts as the secretariat. " + _ORG, examples=["sm"]
    )
    description: Text | None = Field(
        default=None,
        description="What the secretariat does. " + TEXT_HELP,
        examples=[{"en": "Prepares the business of the cooperation group and the expert network."}],
    )


class StrategyDoc(Record):
    """`strategy.yaml`: the strategy's name, mission and tasks, and the three levels of the cooperation model."""

    name: Text = Field(
        description="The strategy's name. " + TEXT_HELP,
        examples=[
            {
                "fi": "Sisäisen turvallisuuden kansallinen yhteistoimintamalli",
                "en": "National cooperation model for internal security",
            }
        ],
    )
    mission: Text = Field(
        description="What the cooperation is for, in a sentence or two. " + TEXT_HELP,
        examples=[{"en": "The national cooperation group promotes people's everyday security."}],
    )
    description: Text | None = Field(
        default=None,
        description="Background: how the strategy came about and how the cooperation works. " + TEXT_HELP,
        examples=[{"en": "The national cooperation model started in autumn 2019."}],
    )
    tasks: list[Text] = Field(
        default_factory=list,
        description="The cooperation's standing tasks, one text per item, in the order they are shown.",
        examples=[[{"en": "Identify and monitor phenomena that affect internal security."}]],
    )
    cooperation_group: Level = Field(
        description=(
            "The leadership-level cooperation group, in which the partner organisations agree "
            "the shared priorities and goals."
        ),
        examples=[{"name": {"en": "National cooperation group"}, "members": ["sm", "poliisihallitus"]}],
    )
    expert_network: Level = Field(
        description="The expert network, with a representative of every member organisation, that prepares the priorities.",
        examples=[{"name": {"en": "Expert network"}, "members": ["sm", "poliisihallitus"]}],
    )
    secretariat: Secretariat = Field(
        description="The secretariat that prepares the business of the group and the network.",
        examples=[{"organisation": "sm"}],
    )
    website: Link | None = Field(
        default=None,
        description="The strategy's public web page; only http:// and https:// addresses are accepted.",
        examples=["https://sisainenturvallisuus.fi/sisaisen-turvallisuuden-yhteistoimintamalli"],
    )


OrganisationKind = Literal[
    "ministry",
    "agency",
    "regional-agency",
    "municipality",
    "wellbeing-services-county",
    "association",
    "ngo",
    "business",
    "research",
    "other",
]


class Organisation(Record):
    """`organisations/ID.yaml`: a partner organisation, with who reviews changes to its files."""

    id: Id = Field(
        description=(
            "The organisation's id: lower-case letters and digits in words joined by hyphens "
            "(at most 80 characters), the same as the file name. Other files refer to the "
            "organisation by it, and it names the organisation's commitments/ and budgets/ files."
        ),
        examples=["poliisihallitus"],
    )
    name: Text = Field(description="The organisation's full name. " + TEXT_HELP, examples=[_NAME_EXAMPLE])
    short_name: Text | None = Field(
        default=None,
        description=(
            "A short name or abbreviation, shown in place of the full name in reports such as "
            "sisturva align. " + TEXT_HELP
        ),
        examples=["STM"],
    )
    kind: OrganisationKind = Field(
        description=(
            "What kind of organisation it is: a ministry, a central government agency, a regional "
            "agency (e.g. a regional state administrative agency), a municipality, a wellbeing "
            "services county, an association (e.g. of municipalities or of employers), a "
            "non-governmental organisation, a business, a research institute, or other."
        ),
        examples=["agency"],
    )
    parent: Id | None = Field(
        default=None,
        description="The organisation this one comes under, e.g. an agency's ministry. " + _ORG,
        examples=["sm"],
    )
    owners: list[Owner] = Field(
        default_factory=list,
        description=(
            "Who reviews changes to this organisation's files: GitHub users (@name) or teams "
            "(@organisation/team), GitLab users or groups (@name, @group/subgroup), or email "
            "addresses. sisturva review lists them on a pull request (without notifying them); "
            "sisturva owners writes them into CODEOWNERS."
        ),
        examples=[["@sisturva-example/poliisihallitus"]],
    )
    website: Link | None = Field(
        default=None,
        description="The organisation's web site; only http:// and https:// addresses are accepted.",
        examples=["https://poliisi.fi"],
    )


class Phenomenon(Record):
    """`phenomena/ID.yaml`: a phenomenon or problem that affects security and is being monitored (ilmiö)."""

    id: Id = Field(
        description="The phenomenon's id, the same as the file name; priorities refer to it by this id.",
        examples=["ikaantyneiden-asumisturvallisuus"],
    )
    title: Text = Field(
        description="The phenomenon in a few words. " + TEXT_HELP,
        examples=[{"fi": "Hätäpalvelujen tavoitettavuus", "en": "Reach of emergency services"}],
    )
    description: Text | None = Field(
        default=None,
        description="What is happening and why it matters, with figures where there are some. " + TEXT_HELP,
        examples=[{"en": "In 2021, 88 % of emergency calls were answered within 10 seconds."}],
    )
    proposed_by: list[Id] = Field(
        default_factory=list,
        description="The organisations that proposed following the phenomenon. " + _ORGS,
        examples=[["spek", "hatakeskuslaitos"]],
    )
    status: Literal["observed", "monitored", "prioritised", "retired"] = Field(
        description=(
            "Where the phenomenon stands: observed (noticed), monitored (followed with its "
            "indicators), prioritised (a priority answers it), or retired (no longer followed)."
        ),
        examples=["monitored"],
    )
    indicators: list[Id] = Field(
        default_factory=list,
        description="The indicators that measure the phenomenon: ids of files in indicators/.",
        examples=[["hatapuhelut-10-sekunnissa"]],
    )


class Observation(Model):
    """One published value of an indicator."""

    year: Year = Field(
        description="The year the value is for (not the year it was published).", examples=[2017]
    )
    value: Number = Field(
        description="The value, in the indicator's unit: an exact number, written without quotes.",
        examples=[1200, 88.5],
    )
    comparable: bool = Field(
        default=True,
        description=(
            "false when this value starts a new series (a break: the method or definition changed) "
            "and cannot be compared with the values before it; goals are then not judged across "
            "the break. Default: true."
        ),
        examples=[False],
    )
    note: Text | None = Field(
        default=None,
        description="A remark on the value, e.g. what it includes. " + TEXT_HELP,
        examples=[{"en": "Over 1,200; four in five were over 75."}],
    )
    source: SourceRef | None = Field(
        default=None,
        description="Where this value was published, when not where the indicator's other values were. "
        + SOURCE_HELP,
        examples=_SOURCE_EXAMPLES,
    )


class Indicator(Record):
    """`indicators/ID.yaml`: a measure with its published values by year."""

    id: Id = Field(
        description="The indicator's id, the same as the file name; goals and phenomena refer to it by this id.",
        examples=["kaatumiskuolemat"],
    )
    name: Text = Field(
        description="What the indicator measures, in a few words. " + TEXT_HELP,
        examples=[{"fi": "Kaatumis- ja putoamiskuolemat", "en": "Deaths from falls"}],
    )
    description: Text | None = Field(
        default=None,
        description="How the indicator is defined and measured. " + TEXT_HELP,
        examples=[{"en": "Deaths from falls a year."}],
    )
    unit: Text = Field(
        description="The unit of the values, shown after each of them. " + TEXT_HELP,
        examples=[{"fi": "kuolemaa vuodessa", "en": "deaths a year"}, "%"],
    )
    direction: Literal["higher-is-better", "lower-is-better"] = Field(
        description=(
            "Which way is better: higher-is-better or lower-is-better. Goals are judged on track, "
            "off track or achieved in this direction."
        ),
        examples=["lower-is-better"],
    )
    frequency_years: Annotated[int, Field(ge=1, le=10)] = Field(
        default=1,
        description=(
            "How often a new value appears, in years (1–10). The indicator is stale when no newer "
            "value has appeared within this many years plus one for publication. Default: 1."
        ),
        examples=[1, 2],
    )
    owner: Id | None = Field(
        default=None,
        description="The organisation responsible for the indicator. " + _ORG,
        examples=["hatakeskuslaitos"],
    )
    observations: list[Observation] = Field(
        default_factory=list,
        description="The published values, one per year (each year at most once), in any order.",
        examples=[[{"year": 2012, "value": 1156}, {"year": 2017, "value": 1200}]],
    )

    @model_validator(mode="after")
    def _years_unique(self) -> Indicator:
        years = [o.year for o in self.observations]
        dupes = sorted({y for y in years if years.count(y) > 1})
        if dupes:
            from pydantic_core import PydanticCustomError

            raise PydanticCustomError(
                "years_repeated", "observations repeat the years {years}", {"years": tuple(dupes)}
            )
        return self


class Subgroup(Model):
    """A subgroup of a priority group."""

    id: Id = Field(description="The subgroup's id, unique within its priority.", examples=["alaryhma-1"])
    name: Text = Field(
        description="The subgroup's name. " + TEXT_HELP,
        examples=[{"fi": "Alaryhmä 1", "en": "Subgroup 1"}],
    )
    chair: Id | None = Field(
        default=None, description="The organisation that chairs the subgroup. " + _ORG, examples=["spek"]
    )
    members: list[Id] = Field(
        default_factory=list,
        description=(
            "The subgroup's member organisations. " + _ORGS + " A member with no commitment to "
            "the goals of an active priority is noted (SIS312)."
        ),
        examples=[["spek", "kuntaliitto", "hatakeskuslaitos"]],
    )


class PriorityGroup(Model):
    """The priority group (painopisteryhmä) that works on a priority."""

    chair: Id | None = Field(
        default=None, description="The organisation that chairs the group. " + _ORG, examples=["sm"]
    )
    members: list[Id] = Field(
        default_factory=list,
        description=(
            "The group's member organisations. " + _ORGS + " A member with no commitment to the "
            "goals of an active priority is noted (SIS312)."
        ),
        examples=[["sm", "spek", "rajavartiolaitos"]],
    )
    subgroups: list[Subgroup] = Field(
        default_factory=list,
        description="The group's subgroups, each with its own id, name and members.",
        examples=[[{"id": "alaryhma-1", "name": {"en": "Subgroup 1"}, "members": ["spek"]}]],
    )
    source: SourceRef | None = Field(default=None, description=SOURCE_HELP, examples=_SOURCE_EXAMPLES)


class Measure(Model):
    """A value of a goal's indicator in a given year, e.g. {year: 2025, value: 1000}."""

    year: Year = Field(description="The year of the value.", examples=[2025])
    value: Number = Field(
        description="The value, in the indicator's unit: an exact number, written without quotes.",
        examples=[1000, 90],
    )


class Goal(Model):
    """A goal (tavoite) of a priority, measured by an indicator."""

    id: Id = Field(
        description=(
            "The goal's id, unique across the strategy: the priority's id, a hyphen and more of "
            "the slug, e.g. p5-g1 in priority p5. Commitments name the goals they serve by it."
        ),
        examples=["p5-g1"],
    )
    title: Text = Field(
        description="The goal as a short statement of the change sought. " + TEXT_HELP,
        examples=[{"fi": "Palokuolemat vähenevät", "en": "Fire deaths decrease"}],
    )
    indicator: Id | None = Field(
        default=None,
        description=(
            "The indicator that measures the goal: an id of a file in indicators/. Without one "
            "the goal has no verdict (no data)."
        ),
        examples=["palokuolemat"],
    )
    baseline: Measure | None = Field(
        default=None,
        description=(
            "Where the indicator stood when the goal was set: its year and value. The goal's "
            "verdict compares the latest value with the straight line from baseline to target."
        ),
        examples=[{"year": 2012, "value": 1156}],
    )
    target: Measure | None = Field(
        default=None,
        description=(
            "The value the indicator should reach, and the year by which. The goal's verdict is "
            "achieved once the latest value is at least as good as this one."
        ),
        examples=[{"year": 2025, "value": 1000}],
    )
    due: datetime.date | None = Field(
        default=None,
        description="The deadline of the goal, shown with it, written YYYY-MM-DD without quotes.",
        examples=["2025-12-31"],
    )
    status: Literal["proposed", "active", "achieved", "dropped"] = Field(
        default="active",
        description=(
            "Where the goal stands as its owners see it: proposed, active, achieved or dropped. "
            "An active goal of an active priority that no resourced commitment serves is "
            "reported (SIS311). Default: active."
        ),
        examples=["active"],
    )
    example: bool = Field(default=False, description=_EXAMPLE, examples=[True])
    source: SourceRef | None = Field(default=None, description=SOURCE_HELP, examples=_SOURCE_EXAMPLES)


class Priority(Record):
    """`priorities/ID.yaml`: a priority (painopiste) with its group and goals."""

    id: Id = Field(
        description="The priority's id, the same as the file name; its goals' ids start with it.",
        examples=["p5"],
    )
    number: Annotated[int, Field(ge=1, le=99)] | None = Field(
        default=None,
        description="The priority's number (1–99); priorities are listed by it, those without one last.",
        examples=[5],
    )
    title: Text = Field(
        description="The priority in a few words. " + TEXT_HELP,
        examples=[{"en": "Housing safety of older people and getting help in emergencies"}],
    )
    description: Text | None = Field(
        default=None,
        description="What the priority is about and what its group works on. " + TEXT_HELP,
        examples=[{"en": "The housing safety of older people living at home is improved."}],
    )
    status: Literal["preparing", "active", "completed", "retired"] = Field(
        description=(
            "Where the priority stands: preparing, active, completed or retired. Only an active "
            "priority's goals and group members are checked for commitments (SIS311, SIS312)."
        ),
        examples=["active"],
    )
    period: Period = Field(
        description="The years the priority is worked on; leave out end while it is open.",
        examples=[{"start": 2021}, {"start": 2021, "end": 2025}],
    )
    phenomena: list[Id] = Field(
        default_factory=list,
        description="The phenomena the priority answers: ids of files in phenomena/.",
        examples=[["ikaantyneiden-asumisturvallisuus"]],
    )
    group: PriorityGroup = Field(
        default_factory=PriorityGroup,
        description="The priority group that works on the priority: chair, members and subgroups.",
        examples=[{"chair": "sm", "members": ["sm", "spek"]}],
    )
    goals: list[Goal] = Field(
        default_factory=list,
        description="The priority's goals, each with its indicator, baseline and target.",
        examples=[
            [
                {
                    "id": "p5-g1",
                    "title": {"en": "Older people's deaths from falls decrease"},
                    "indicator": "kaatumiskuolemat",
                    "baseline": {"year": 2012, "value": 1156},
                    "target": {"year": 2025, "value": 1000},
                    "due": "2025-12-31",
                }
            ]
        ],
    )


class Resource(Model):
    """Money and work one commitment uses in one year, from one line of its organisation's budget plan."""

    year: Year = Field(description="The year the money and work are used.", examples=[2024])
    budget_line: LineId = Field(
        description=(
            "The line of the organisation's own budget plan that pays for it: an id from "
            "lines in budgets/ORG.yaml, e.g. a state budget item. Write it in quotes so that it "
            'is always read as text ("26.30" would otherwise be a number).'
        ),
        examples=["26.10.01"],
    )
    euros: Euros = Field(
        default=Decimal(0),
        description=(
            "Euros used in the year, at least 0 with at most two decimals, written as a number "
            "without quotes or spaces. They count against the line's allocation. Default: 0."
        ),
        examples=[300000, 1500.5],
    )
    person_years: PersonYears = Field(
        default=Decimal(0),
        description=(
            "Work used in the year, in person-years (henkilötyövuosi, a year of one person's "
            "full-time work), at least 0 with at most two decimals. They count against the "
            "person-years the organisation makes available. Default: 0."
        ),
        examples=[2, 0.5],
    )


class Commitment(Model):
    """A partner organisation's own action towards shared goals, with the resources it uses."""

    id: Id = Field(
        description="The commitment's id, unique across all commitments of the strategy.",
        examples=["hake-vastausajat"],
    )
    action: Text = Field(
        description="What the organisation will do, in a sentence. " + TEXT_HELP,
        examples=[{"en": "Shorter answering times for emergency calls through recruitment"}],
    )
    description: Text | None = Field(
        default=None,
        description="More about the action: how, with whom, what it produces. " + TEXT_HELP,
        examples=[{"en": "Recruiting operators and a networked operating model."}],
    )
    goals: list[Id] = Field(
        min_length=1,
        description="The goals the action serves (at least one): goal ids from priorities/, e.g. p5-g2.",
        examples=[["p5-g2", "p5-g1"]],
    )
    period: Period = Field(
        description="The years the action runs, first and last included.",
        examples=[{"start": 2022, "end": 2025}],
    )
    status: Literal["planned", "in-progress", "done", "cancelled"] = Field(
        default="planned",
        description=(
            "Where the action stands: planned, in-progress, done or cancelled. A done action "
            "counts as 100 % progress; a cancelled one counts for nothing in budget alignment "
            "and is left out of mean progress. Default: planned."
        ),
        examples=["in-progress"],
    )
    progress: Annotated[int, Field(ge=0, le=100)] = Field(
        default=0,
        description=(
            "How far the action has got, in per cent: a whole number from 0 to 100. Rolled up "
            "per goal and priority, also weighted by euros. Default: 0."
        ),
        examples=[30],
    )
    performance_target: Id | None = Field(
        default=None,
        description=(
            "The organisation's own performance target (tulostavoite) the action serves: an id "
            "from performance_targets in its budgets/ORG.yaml (SIS307 when the plan lacks it)."
        ),
        examples=["vastausaika-10-sekuntia"],
    )
    resources: list[Resource] = Field(
        default_factory=list,
        description=(
            "Money and work by year and budget line. A commitment without resources is not yet "
            "resourced (SIS306)."
        ),
        examples=[[{"year": 2023, "budget_line": "26.30.02", "euros": 300000, "person_years": 3}]],
    )
    previous_ids: list[Id] = Field(
        default_factory=list,
        description=(
            "Ids the commitment had before, when it is renamed: sisturva diff and log then follow "
            "it as the same commitment."
        ),
        examples=[["hake-vastausaika"]],
    )
    confirmed: dict[Id, Fingerprint] = Field(
        default_factory=dict,
        description=(
            "For each goal the organisation has confirmed the action serves, the goal's fingerprint "
            "as it read then (goal id: 8 hex digits), written by sisturva confirm and sisturva new. "
            "When the goal's title, indicator, baseline, target, due date or status changes, the "
            "commitment is suspect (SIS218) until confirmed again; a goal with no entry is not checked."
        ),
        examples=[{"p5-g2": "3f9a2c1b"}],
    )
    source: SourceRef | None = Field(default=None, description=SOURCE_HELP, examples=_SOURCE_EXAMPLES)
    example: bool = Field(default=False, description=_EXAMPLE, examples=[True])


class CommitmentsFile(Model):
    """`commitments/ORG.yaml`: one organisation's commitments, its own actions towards the shared goals."""

    organisation: Id = Field(
        description="The organisation whose commitments these are; the same as the file name. " + _ORG,
        examples=["hatakeskuslaitos"],
    )
    commitments: list[Commitment] = Field(
        default_factory=list,
        description="The organisation's commitments.",
        examples=[
            [
                {
                    "id": "hake-vastausajat",
                    "action": {"en": "Shorter answering times for emergency calls"},
                    "goals": ["p5-g2"],
                    "period": {"start": 2022, "end": 2025},
                }
            ]
        ],
    )


class LineAmount(Model):
    """A budget line's amount in one year, and the part allocated to the cooperation."""

    year: Year = Field(description="The year of the amount.", examples=[2024])
    euros: Euros = Field(
        description=(
            "The line's whole amount for the year in euros, at least 0 with at most two decimals, "
            "written as a number without quotes or spaces."
        ),
        examples=[77057000],
    )
    allocated: Euros | None = Field(
        default=None,
        description=(
            "The part of this year's amount set aside for the cooperation, in euros, no more than "
            "euros. Commitments charging this line may use at most this much in the year "
            "(SIS304); when absent, the whole amount is the limit."
        ),
        examples=[350000],
    )
    source: SourceRef | None = Field(
        default=None, description="Where the amount was published. " + SOURCE_HELP, examples=_SOURCE_EXAMPLES
    )

    @model_validator(mode="after")
    def _within(self) -> LineAmount:
        if self.allocated is not None and self.allocated > self.euros:
            from pydantic_core import PydanticCustomError

            raise PydanticCustomError(
                "allocated_over_amount",
                "allocated {allocated} exceeds the line's {euros}",
                {"allocated": self.allocated, "euros": self.euros},
            )
        return self


class BudgetLine(Model):
    """A line of a budget plan, e.g. state budget item 26.10.01."""

    id: LineId = Field(
        description=(
            "The line's id as the plan numbers it: a state budget item (26.10.01) or a "
            "municipality's own code; letters, digits, dots, hyphens and underscores, at most 40. "
            "Commitments name it in budget_line. Write it in quotes so that it is always read as text."
        ),
        examples=["26.10.01"],
    )
    name: Text = Field(
        description="The line's name as in the plan. " + TEXT_HELP,
        examples=[{"fi": "Poliisitoimen toimintamenot", "en": "Police operating expenditure"}],
    )
    appropriation: Text | None = Field(
        default=None,
        description="The kind of appropriation, e.g. transferable over two years. " + TEXT_HELP,
        examples=[{"fi": "siirtomääräraha 2 v", "en": "transferable appropriation, 2 years"}],
    )
    amounts: list[LineAmount] = Field(
        default_factory=list,
        description=(
            "The line's amount and allocation by year, each year at most once. A year the plan "
            "covers with no amount here counts as zero for commitments."
        ),
        examples=[[{"year": 2024, "euros": 77057000, "allocated": 350000}]],
    )
    source: SourceRef | None = Field(default=None, description=SOURCE_HELP, examples=_SOURCE_EXAMPLES)


class PerformanceTarget(Model):
    """One of the organisation's own performance targets (tulostavoite)."""

    id: Id = Field(
        description="The target's id, unique within the plan; commitments name it in performance_target.",
        examples=["vastausaika-10-sekuntia"],
    )
    title: Text = Field(
        description="The target as the plan states it. " + TEXT_HELP,
        examples=[{"en": "90 % of emergency calls are answered within 10 seconds"}],
    )
    source: SourceRef | None = Field(default=None, description=SOURCE_HELP, examples=_SOURCE_EXAMPLES)


class PersonYearsAvailable(Model):
    """Person-years the organisation makes available to the cooperation in a year."""

    year: Year = Field(description="The year.", examples=[2024])
    available: PersonYears = Field(
        description=(
            "Person-years (a year of one person's full-time work) made available to the "
            "cooperation, at least 0 with at most two decimals. The organisation's commitments "
            "may use at most this much work in the year (SIS305)."
        ),
        examples=[3.5],
    )


BudgetKind = Literal[
    "state-tts",
    "state-jts",
    "state-budget",
    "municipal",
    "wellbeing-services-county",
    "ngo",
    "other",
]


class Budget(Record):
    """`budgets/ORG.yaml`: one organisation's budget plan, against which its commitments are aligned."""

    organisation: Id = Field(
        description="The organisation whose plan this is; the same as the file name. " + _ORG,
        examples=["hatakeskuslaitos"],
    )
    kind: BudgetKind = Field(
        description=(
            "The kind of plan: state-tts (a state agency's operating and financial plan, TTS), "
            "state-jts (the general government fiscal plan, JTS), state-budget (the state "
            "budget), municipal or wellbeing-services-county (a budget and financial plan), ngo, "
            "or other. TTS and JTS plans cover at least four years, municipal and county plans "
            "at least three (SIS309)."
        ),
        examples=["state-tts"],
    )
    status: Literal["draft", "adopted"] = Field(
        description="Whether the plan is adopted or still a draft; commitments on a draft are noted (SIS310).",
        examples=["adopted"],
    )
    years: Period = Field(
        description=(
            "The years the plan covers, first and last included. Resources in other years are "
            "not yet planned (SIS303)."
        ),
        examples=[{"start": 2022, "end": 2025}],
    )
    lines: list[BudgetLine] = Field(
        default_factory=list,
        description="The plan's lines that commitments may charge, each with amounts by year.",
        examples=[[{"id": "26.30.02", "name": {"en": "Operating expenditure"}, "amounts": []}]],
    )
    performance_targets: list[PerformanceTarget] = Field(
        default_factory=list,
        description="The organisation's own performance targets that its commitments may serve.",
        examples=[[{"id": "vastausaika-10-sekuntia", "title": {"en": "Calls answered within 10 seconds"}}]],
    )
    person_years: list[PersonYearsAvailable] = Field(
        default_factory=list,
        description=(
            "Person-years made available to the cooperation by year. A year with none given "
            "counts as zero for commitments."
        ),
        examples=[[{"year": 2023, "available": 3.5}]],
    )


# The file kinds of the layout: folder (or file) name → model.
SINGLE_FILES: dict[str, type[Model]] = dict(zip(SINGLE_FILE_NAMES, (Settings, StrategyDoc), strict=True))
FOLDERS: dict[str, type[Model]] = dict(
    zip(
        FOLDER_NAMES,
        (Organisation, Phenomenon, Indicator, Priority, CommitmentsFile, Budget),
        strict=True,
    )
)
# Schema names used by `schema` and by the files' yaml-language-server comments.
SCHEMA_NAMES: dict[str, type[Model]] = {
    "settings": Settings,
    "strategy": StrategyDoc,
    "organisation": Organisation,
    "phenomenon": Phenomenon,
    "indicator": Indicator,
    "priority": Priority,
    "commitments": CommitmentsFile,
    "budget": Budget,
}
