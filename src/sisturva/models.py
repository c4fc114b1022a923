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

LANGUAGES: tuple[str, ...] = ("fi", "sv", "en")
Language = Literal["fi", "sv", "en"]

# Ids are references between files; a strict slug keeps them stable in paths and URLs.
ID_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
Id = Annotated[str, StringConstraints(pattern=ID_PATTERN, max_length=80)]
# Budget lines use the state budget's numbering (26.10.01) or a municipality's own codes.
LINE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$"
LineId = Annotated[str, StringConstraints(pattern=LINE_PATTERN)]
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
Owner = Annotated[str, StringConstraints(pattern=r"^@[A-Za-z0-9][A-Za-z0-9-]*(/[A-Za-z0-9._-]+)?$")]

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


class Model(BaseModel):
    """Strict, frozen base: unknown keys are errors, nothing is coerced."""

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)


class LocalizedText(Model):
    """Text for people in one or more languages."""

    fi: str | None = None
    sv: str | None = None
    en: str | None = None

    @model_validator(mode="after")
    def _one_language(self) -> LocalizedText:
        if self.fi is None and self.sv is None and self.en is None:
            raise ValueError("give the text in at least one language (fi, sv, en)")
        return self


# A plain string is text in the repository's default language.
Text = str | LocalizedText


class Source(Model):
    """Where a fact was published."""

    title: str
    url: Link | None = None
    published: datetime.date | None = None


# `source:` may be a short citation string or a structured reference.
SourceRef = str | Source


class Record(Model):
    """Fields any record may carry."""

    source: SourceRef | None = None
    example: bool = False


class Period(Model):
    """Years from start to end, inclusive."""

    start: Year
    end: Year | None = None

    @model_validator(mode="after")
    def _ordered(self) -> Period:
        if self.end is not None and self.end < self.start:
            raise ValueError(f"period ends ({self.end}) before it starts ({self.start})")
        return self


class Settings(Model):
    """`sisturva.yaml`: the repository's settings."""

    schema_version: Literal[1] = Field(alias="schema")
    languages: list[Language] = Field(default_factory=lambda: list[Language](["fi"]), min_length=1)
    required_languages: list[Language] = Field(default_factory=lambda: list[Language](["fi"]))
    currency: Literal["EUR"] = "EUR"
    planning_years: Period
    templates: str | None = None

    @model_validator(mode="after")
    def _finnish_first(self) -> Settings:
        if self.languages[0] != "fi":
            raise ValueError("languages must start with fi (Finnish first)")
        missing = [lang for lang in self.required_languages if lang not in self.languages]
        if missing:
            raise ValueError(f"required languages {missing} are not in languages")
        return self


class Level(Model):
    """One level of the cooperation model: a body with its members."""

    name: Text
    description: Text | None = None
    chair: Id | None = None
    members: list[Id] = Field(default_factory=list)


class Secretariat(Model):
    """The secretariat that prepares the business of the other levels."""

    organisation: Id
    description: Text | None = None


class StrategyDoc(Record):
    """`strategy.yaml`: the strategy's name, mission and three levels."""

    name: Text
    mission: Text
    description: Text | None = None
    tasks: list[Text] = Field(default_factory=list)
    cooperation_group: Level
    expert_network: Level
    secretariat: Secretariat
    website: Link | None = None


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
    """`organisations/ID.yaml`: a partner organisation."""

    id: Id
    name: Text
    short_name: Text | None = None
    kind: OrganisationKind
    parent: Id | None = None
    owners: list[Owner] = Field(default_factory=list)
    website: Link | None = None


class Phenomenon(Record):
    """`phenomena/ID.yaml`: a phenomenon or problem being monitored (ilmiö)."""

    id: Id
    title: Text
    description: Text | None = None
    proposed_by: list[Id] = Field(default_factory=list)
    status: Literal["observed", "monitored", "prioritised", "retired"]
    indicators: list[Id] = Field(default_factory=list)


class Observation(Model):
    """One published value of an indicator."""

    year: Year
    value: Number
    comparable: bool = True
    note: Text | None = None
    source: SourceRef | None = None


class Indicator(Record):
    """`indicators/ID.yaml`: a measure with observations by year."""

    id: Id
    name: Text
    description: Text | None = None
    unit: Text
    direction: Literal["higher-is-better", "lower-is-better"]
    frequency_years: Annotated[int, Field(ge=1, le=10)] = 1
    owner: Id | None = None
    observations: list[Observation] = Field(default_factory=list)

    @model_validator(mode="after")
    def _years_unique(self) -> Indicator:
        years = [o.year for o in self.observations]
        dupes = sorted({y for y in years if years.count(y) > 1})
        if dupes:
            raise ValueError(f"observations repeat the years {dupes}")
        return self


class Subgroup(Model):
    """A subgroup of a priority group."""

    id: Id
    name: Text
    chair: Id | None = None
    members: list[Id] = Field(default_factory=list)


class PriorityGroup(Model):
    """The priority group (painopisteryhmä) that works on a priority."""

    chair: Id | None = None
    members: list[Id] = Field(default_factory=list)
    subgroups: list[Subgroup] = Field(default_factory=list)
    source: SourceRef | None = None


class Measure(Model):
    """A value of a goal's indicator in a given year."""

    year: Year
    value: Number


class Goal(Model):
    """A goal (tavoite) of a priority, measured by an indicator."""

    id: Id
    title: Text
    indicator: Id | None = None
    baseline: Measure | None = None
    target: Measure | None = None
    due: datetime.date | None = None
    status: Literal["proposed", "active", "achieved", "dropped"] = "active"
    example: bool = False
    source: SourceRef | None = None


class Priority(Record):
    """`priorities/ID.yaml`: a priority (painopiste) with its group and goals."""

    id: Id
    number: Annotated[int, Field(ge=1, le=99)] | None = None
    title: Text
    description: Text | None = None
    status: Literal["preparing", "active", "completed", "retired"]
    period: Period
    phenomena: list[Id] = Field(default_factory=list)
    group: PriorityGroup = Field(default_factory=PriorityGroup)
    goals: list[Goal] = Field(default_factory=list)


class Resource(Model):
    """Money and work one commitment uses in one year, from one budget line."""

    year: Year
    budget_line: LineId
    euros: Euros = Decimal(0)
    person_years: PersonYears = Decimal(0)


class Commitment(Model):
    """A partner organisation's own action towards shared goals."""

    id: Id
    action: Text
    description: Text | None = None
    goals: list[Id] = Field(min_length=1)
    period: Period
    status: Literal["planned", "in-progress", "done", "cancelled"] = "planned"
    progress: Annotated[int, Field(ge=0, le=100)] = 0
    performance_target: Id | None = None
    resources: list[Resource] = Field(default_factory=list)
    previous_ids: list[Id] = Field(default_factory=list)
    source: SourceRef | None = None
    example: bool = False


class CommitmentsFile(Model):
    """`commitments/ORG.yaml`: one organisation's commitments."""

    organisation: Id
    commitments: list[Commitment] = Field(default_factory=list)


class LineAmount(Model):
    """A budget line's amount in one year, and the part allocated to the cooperation."""

    year: Year
    euros: Euros
    allocated: Euros | None = None
    source: SourceRef | None = None

    @model_validator(mode="after")
    def _within(self) -> LineAmount:
        if self.allocated is not None and self.allocated > self.euros:
            raise ValueError(f"allocated {self.allocated} exceeds the line's {self.euros}")
        return self


class BudgetLine(Model):
    """A line of a budget plan, e.g. state budget item 26.10.01."""

    id: LineId
    name: Text
    appropriation: Text | None = None
    amounts: list[LineAmount] = Field(default_factory=list)
    source: SourceRef | None = None


class PerformanceTarget(Model):
    """One of the organisation's own performance targets (tulostavoite)."""

    id: Id
    title: Text
    source: SourceRef | None = None


class PersonYearsAvailable(Model):
    """Person-years the organisation makes available to the cooperation in a year."""

    year: Year
    available: PersonYears


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
    """`budgets/ORG.yaml`: one organisation's budget plan."""

    organisation: Id
    kind: BudgetKind
    status: Literal["draft", "adopted"]
    years: Period
    lines: list[BudgetLine] = Field(default_factory=list)
    performance_targets: list[PerformanceTarget] = Field(default_factory=list)
    person_years: list[PersonYearsAvailable] = Field(default_factory=list)


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
