"""The narrowed views of the strategy a record page reads, which its reuse key covers."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import TypeVar

from ..models import Goal, Indicator, Organisation, Phenomenon, Priority, Settings, StrategyDoc
from ..strategy import Strategy


@dataclass(frozen=True)
class Records:
    """What a record page may read of the strategy: every record but commitments and budget plans.

    Organisation, indicator and phenomenon pages see this in place of the whole strategy (`s`), so
    a page can only show what its reuse key covers; a template reaching for more fails loudly.
    """

    settings: Settings
    strategy: StrategyDoc | None
    organisations: Mapping[str, Organisation]
    phenomena: Mapping[str, Phenomenon]
    indicators: Mapping[str, Indicator]
    priorities: Mapping[str, Priority]
    goals: Mapping[str, Goal]
    goal_priority: Mapping[str, str]

    @classmethod
    def of(cls, strategy: Strategy) -> Records:
        """The records of `strategy` that every record page may read."""
        return view(cls, strategy)


_V = TypeVar("_V")


def view(cls: type[_V], source: object) -> _V:
    """An instance of the dataclass `cls` holding the like-named attributes of `source`."""
    return cls(**{f.name: getattr(source, f.name) for f in fields(cls)})  # type: ignore[arg-type]


@dataclass(frozen=True)
class RecordIndex:
    """The reverse references a record page may read: those among `Records` (not commitments by goal)."""

    priorities: tuple[Priority, ...]
    goals_by_indicator: Mapping[str, tuple[Goal, ...]]
    phenomena_by_indicator: Mapping[str, tuple[str, ...]]
    priorities_by_phenomenon: Mapping[str, tuple[str, ...]]
    organisations: tuple[Organisation, ...]
