"""`new`: one new record of any kind, in the file where it belongs, from options or answers at a terminal."""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Any, get_args

from ..errors import UsageError
from ..findings import did_you_mean
from ..interface import Value
from . import Outcome

if TYPE_CHECKING:
    from ..strategy import Strategy

KINDS = ("organisation", "phenomenon", "indicator", "priority", "goal", "commitment", "budget", "budget-line")
"""The kinds `new` makes, in the order messages list them."""
_SPELLINGS = {
    **{kind: kind for kind in KINDS},
    **{
        "organisations": "organisation",
        "organization": "organisation",
        "organizations": "organisation",
        "phenomena": "phenomenon",
        "indicators": "indicator",
        "priorities": "priority",
        "goals": "goal",
        "commitments": "commitment",
        "budgets": "budget",
        "budget-lines": "budget-line",
        "line": "budget-line",
        "lines": "budget-line",
    },
}
ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
LINE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")
CHOICES_SHOWN = 40
"""At most this many choices are listed at a prompt; the rest are typed by id."""


class _Bad(ValueError):
    """An answer or an option value that cannot be used; the message says why."""


@dataclass
class _Context:
    """What the questions need: the strategy as it is, its first language, and the answers so far."""

    root: Path
    strategy: Strategy
    kind: str
    record_id: str
    answers: dict[str, Any] = field(default_factory=dict)
    asked: bool = False
    """Whether a question has been put yet (the first one comes with a line on what is going on)."""

    @property
    def lang(self) -> str:
        return self.strategy.settings.languages[0]

    def title(self, text: object) -> str:
        from ..locale import localized
        from ..safetext import terminal

        return terminal(localized(text, self.lang), 60)


@dataclass(frozen=True)
class _Field:
    """One value of the new record: its option, its question, and how an answer is read."""

    name: str
    """The option's name in the declaration (`interface.py`)."""
    flag: str
    """How messages spell the option for this kind, e.g. --name for an organisation's title."""
    question: str
    parse: Callable[[_Context, str], Any]
    required: bool = True
    choices: Callable[[_Context], list[tuple[str, str]]] | None = None
    default: Callable[[_Context], str | None] | None = None
    ask: bool = True
    """Whether a terminal asks for it when it is optional (Enter skips it)."""
    when: Callable[[_Context], bool] | None = None
    """Only asked when this holds for the answers so far."""


# -- reading values -------------------------------------------------------------------------------


def _literal(model: Any, name: str) -> tuple[str, ...]:
    """The values a Literal field of a model accepts, in the model's order."""
    annotation = model.model_fields[name].annotation
    return tuple(str(a) for a in get_args(annotation) if a is not type(None))


def _organisation(name: str, question: str, required: bool = True) -> _Field:
    """A reference to an organisation of the strategy (its option `--NAME`), offered from the list."""
    return _Field(
        name,
        f"--{name}",
        question,
        _ref("organisation", _organisations),
        required=required,
        choices=_organisations,
    )


def _pick(name: str, question: str, what: str, model: Any, field: str | None = None) -> _Field:
    """A value chosen from those a Literal field of `model` accepts (its option `--NAME`)."""

    def options() -> tuple[str, ...]:
        return _literal(model, field or name)

    return _Field(
        name,
        f"--{name}",
        question,
        _choice(what, options),
        choices=lambda ctx: [(k, "") for k in options()],
    )


def _text(ctx: _Context, answer: str) -> str:
    text = answer.strip()
    if not text:
        raise _Bad("give the text")
    return text


def _choice(what: str, options: Callable[[], tuple[str, ...]]) -> Callable[[_Context, str], str]:
    def parse(ctx: _Context, answer: str) -> str:
        value = answer.strip()
        known = options()
        if value not in known:
            raise _Bad(
                f"unknown {what} '{value}'{did_you_mean(value, known)}; choose one of: {', '.join(known)}"
            )
        return value

    return parse


def _listed(ctx: _Context, choices: list[tuple[str, str]], answer: str) -> str:
    """An id as typed, or the id a number in the listed choices stands for."""
    value = answer.strip()
    ids = [key for key, _ in choices]
    if value not in ids and value.isdigit() and 1 <= int(value) <= min(len(ids), CHOICES_SHOWN):
        return ids[int(value) - 1]
    return value


def _ref(noun: str, known: Callable[[_Context], list[tuple[str, str]]]) -> Callable[[_Context, str], str]:
    def parse(ctx: _Context, answer: str) -> str:
        choices = known(ctx)
        value = _listed(ctx, choices, answer)
        ids = [key for key, _ in choices]
        if value not in ids:
            if any(value in broken for broken in ctx.strategy.broken.values()):
                raise _Bad(
                    f"the {noun} '{value}' is in a file with errors; fix it first (`sisturva validate` says where)"
                )
            raise _Bad(f"unknown {noun} '{value}'{did_you_mean(value, ids)}")
        return value

    return parse


def _refs(
    noun: str, known: Callable[[_Context], list[tuple[str, str]]]
) -> Callable[[_Context, str], list[str]]:
    one = _ref(noun, known)

    def parse(ctx: _Context, answer: str) -> list[str]:
        values = [one(ctx, part) for part in re.split(r"[,\s]+", answer.strip()) if part]
        if not values:
            raise _Bad(f"name at least one {noun}")
        return list(dict.fromkeys(values))

    return parse


def _year(ctx: _Context, answer: str) -> int:
    value = answer.strip()
    if not (value.isascii() and value.isdigit() and 1900 <= int(value) <= 2200):
        raise _Bad(f"'{value}' is not a year; write four digits, e.g. 2025")
    return int(value)


def _end(ctx: _Context, answer: str) -> int:
    year = _year(ctx, answer)
    start = ctx.answers.get("start")
    if isinstance(start, int) and year < start:
        raise _Bad(f"the period ends ({year}) before it starts ({start})")
    return year


def _amount(ctx: _Context, answer: str) -> Decimal:
    # Finnish writing is accepted as well: `1 500,50`.
    value = re.sub(r"[\s\u00a0\u202f]", "", answer)
    if "," in value and "." not in value:
        value = value.replace(",", ".")
    try:
        amount = Decimal(value)
    except InvalidOperation:
        raise _Bad(f"'{answer.strip()}' is not an amount; write a number, e.g. 150000 or 1.5") from None
    if not amount.is_finite() or amount < 0 or amount != amount.quantize(Decimal("0.01")):
        raise _Bad(f"'{answer.strip()}': write a number of at least 0 with at most two decimals")
    return amount


# -- choices --------------------------------------------------------------------------------------


def _organisations(ctx: _Context) -> list[tuple[str, str]]:
    return [(key, ctx.title(org.name)) for key, org in sorted(ctx.strategy.organisations.items())]


def _priorities(ctx: _Context) -> list[tuple[str, str]]:
    return [(key, ctx.title(p.title)) for key, p in sorted(ctx.strategy.priorities.items())]


def _indicators(ctx: _Context) -> list[tuple[str, str]]:
    return [(key, ctx.title(i.name)) for key, i in sorted(ctx.strategy.indicators.items())]


def _goals(ctx: _Context) -> list[tuple[str, str]]:
    return [(key, ctx.title(goal.title)) for key, goal in ctx.strategy.goals.items()]


def _plans(ctx: _Context) -> list[tuple[str, str]]:
    orgs = ctx.strategy.organisations
    return [(key, ctx.title(orgs[key].name) if key in orgs else "") for key in sorted(ctx.strategy.budgets)]


def _lines(ctx: _Context) -> list[tuple[str, str]]:
    plan = ctx.strategy.budgets.get(str(ctx.answers.get("org")))
    return [(line.id, ctx.title(line.name)) for line in plan.lines] if plan else []


def _budget_line(ctx: _Context, answer: str) -> str:
    org = str(ctx.answers.get("org"))
    if org not in ctx.strategy.budgets:
        raise _Bad(f"{org} has no budget plan; make one first with `sisturva new budget {org}`")
    choices = _lines(ctx)
    value = _listed(ctx, choices, answer)
    ids = [key for key, _ in choices]
    if value not in ids:
        raise _Bad(f"unknown budget line '{value}' in {org}'s plan{did_you_mean(value, ids)}")
    return value


def _planning(end: bool) -> Callable[[_Context], str | None]:
    def default(ctx: _Context) -> str | None:
        # The strategy's planning years are the likely answer: Enter takes them.
        years = ctx.strategy.settings.planning_years
        year = years.end if end else years.start
        return None if year is None else str(year)

    return default


def _start_year(ctx: _Context) -> str | None:
    start = ctx.answers.get("start")
    return str(start) if start is not None else None


# -- the kinds ------------------------------------------------------------------------------------


def _fields(kind: str) -> list[_Field]:
    """The values a record of `kind` is made of, in the order they are asked and written."""
    from ..models import Budget, Commitment, Goal, Indicator, Organisation, Phenomenon, Priority

    title = _Field("title", "--title", "Title, in Finnish", _text)
    start = _Field("start", "--start", "First year", _year, default=_planning(False))
    end = _Field("end", "--end", "Last year", _end, required=False, default=_planning(True))
    if kind == "organisation":
        return [
            _Field("title", "--name", "Full name, in Finnish", _text),
            _pick("type", "Kind of organisation", "organisation kind", Organisation, "kind"),
            _organisation("parent", "The organisation it comes under", required=False),
        ]
    if kind == "phenomenon":
        return [
            title,
            _pick("status", "Status", "status", Phenomenon),
            _Field(
                "indicator",
                "--indicator",
                "Indicator that measures it",
                _ref("indicator", _indicators),
                required=False,
                choices=_indicators,
                when=lambda ctx: bool(ctx.strategy.indicators),
            ),
        ]
    if kind == "indicator":
        return [
            _Field("title", "--name", "What it measures, in Finnish", _text),
            _Field("unit", "--unit", "Unit of its values, in Finnish (e.g. %)", _text),
            _pick("direction", "Which way is better", "direction", Indicator),
            _organisation("org", "Organisation responsible for it", required=False),
        ]
    if kind == "priority":
        return [
            title,
            _pick("status", "Status", "status", Priority),
            start,
            _Field("end", "--end", "Last year (Enter while it is open)", _end, required=False),
        ]
    if kind == "goal":
        return [
            _Field(
                "priority",
                "--priority",
                "Priority it belongs to",
                _ref("priority", _priorities),
                choices=_priorities,
            ),
            title,
            _Field(
                "indicator",
                "--indicator",
                "Indicator that measures it",
                _ref("indicator", _indicators),
                required=False,
                choices=_indicators,
                when=lambda ctx: bool(ctx.strategy.indicators),
            ),
            _Field(
                "status",
                "--status",
                "Status",
                _choice("status", lambda: _literal(Goal, "status")),
                required=False,
                ask=False,
            ),
        ]
    if kind == "commitment":
        return [
            _organisation("org", "Organisation whose commitment it is"),
            _Field("title", "--action", "What the organisation will do, in Finnish", _text),
            _Field(
                "goal",
                "--goal",
                "Goals it serves, comma-separated",
                _refs("goal", _goals),
                choices=_goals,
            ),
            start,
            end,
            _Field(
                "status",
                "--status",
                "Status",
                _choice("status", lambda: _literal(Commitment, "status")),
                required=False,
                ask=False,
            ),
            _Field(
                "budget_line",
                "--budget-line",
                "Budget line that pays for it",
                _budget_line,
                required=False,
                choices=_lines,
                when=lambda ctx: bool(_lines(ctx)),
            ),
            _Field(
                "year",
                "--year",
                "Year of the resource",
                _year,
                required=False,
                default=_start_year,
                when=lambda ctx: "budget_line" in ctx.answers,
            ),
            _Field(
                "euros",
                "--euros",
                "Euros that year",
                _amount,
                required=False,
                when=lambda ctx: "budget_line" in ctx.answers,
            ),
            _Field(
                "person_years",
                "--person-years",
                "Person-years that year",
                _amount,
                required=False,
                when=lambda ctx: "budget_line" in ctx.answers,
            ),
        ]
    if kind == "budget":
        return [
            _pick("type", "Kind of plan", "plan kind", Budget, "kind"),
            _pick("status", "Status", "status", Budget),
            _Field("start", "--start", "First year the plan covers", _year, default=_planning(False)),
            _Field(
                "end", "--end", "Last year the plan covers", _end, required=False, default=_planning(True)
            ),
        ]
    # budget-line
    return [
        _Field(
            "org", "--org", "Organisation whose plan it is in", _ref("budget plan", _plans), choices=_plans
        ),
        _Field("title", "--name", "Name of the line as in the plan, in Finnish", _text),
        _Field("year", "--year", "Year of an amount", _year, required=False),
        _Field("euros", "--euros", "The line's amount that year", _amount, required=False, when=_has_year),
        _Field(
            "allocated",
            "--allocated",
            "Allocated to the cooperation",
            _amount,
            required=False,
            when=_has_year,
        ),
    ]


def _has_year(ctx: _Context) -> bool:
    return "year" in ctx.answers


# -- asking ---------------------------------------------------------------------------------------


def _show(ctx: _Context, item: _Field) -> str:
    choices = item.choices(ctx) if item.choices else []
    if not choices:
        return ""
    width = max(len(key) for key, _ in choices[:CHOICES_SHOWN])
    lines = [
        f"  {n:>2}  {key:<{width}}  {title}".rstrip()
        for n, (key, title) in enumerate(choices[:CHOICES_SHOWN], 1)
    ]
    if len(choices) > CHOICES_SHOWN:
        lines.append(f"  … and {len(choices) - CHOICES_SHOWN} more: type the id")
    return "\n".join(lines) + "\n"


def _prompt(ctx: _Context, item: _Field) -> Any:
    """Ask at the terminal until the answer is usable; None for an optional value left empty."""
    if not ctx.asked:
        ctx.asked = True
        sys.stderr.write(
            f"new {ctx.kind} '{ctx.record_id}': answer each question; Ctrl-C stops, writing nothing\n"
        )
    default = item.default(ctx) if item.default else None
    listing = _show(ctx, item)
    if listing:
        sys.stderr.write(listing)
    hint = f" [{default}]" if default else ("" if item.required else " (Enter to skip)")
    while True:
        sys.stderr.write(f"{item.question} ({item.flag}){hint}: ")
        sys.stderr.flush()
        line = sys.stdin.readline()
        if not line:
            sys.stderr.write("\n")
            raise UsageError(f"no answer for {item.flag}; give it as an option, e.g. {item.flag} VALUE")
        answer = line.strip() or (default or "")
        if not answer:
            if not item.required:
                return None
            sys.stderr.write("  an answer is needed\n")
            continue
        try:
            return item.parse(ctx, answer)
        except _Bad as bad:
            from ..safetext import terminal

            sys.stderr.write(f"  {terminal(str(bad))}; try again\n")


def _gather(ctx: _Context, values: Mapping[str, Value], interactive: bool) -> None:
    """Fill `ctx.answers` from the options, asking at a terminal for what is missing."""
    missing: list[_Field] = []
    for item in _fields(ctx.kind):
        given = values.get(item.name)
        if given is not None and given is not False:
            try:
                ctx.answers[item.name] = item.parse(ctx, str(given))
            except _Bad as bad:
                raise UsageError(f"{item.flag}: {bad}") from None
        elif item.when is not None and not item.when(ctx):
            continue
        elif interactive and (item.required or item.ask):
            answer = _prompt(ctx, item)
            if answer is None:
                continue
            ctx.answers[item.name] = answer
        else:
            if item.required:
                missing.append(item)
            continue
        _answered(ctx, item.name)
    if missing:
        from ..interface import BY_NAME

        metavars = {param.name: param.metavar for param in BY_NAME["new"].params}
        spelled = [f"{item.flag} {metavars.get(item.name) or 'VALUE'}" for item in missing]
        listed = spelled[0] if len(spelled) == 1 else ", ".join(spelled[:-1]) + " and " + spelled[-1]
        raise UsageError(
            f"new {ctx.kind} {ctx.record_id} needs {listed}; give "
            f"{'it as an option' if len(missing) == 1 else 'them as options'}, or run it at a terminal to be asked"
        )


def _unused(kind: str, values: Mapping[str, Value]) -> None:
    """Refuse an option the kind does not use, rather than silently ignore it."""
    from ..interface import BY_NAME

    used = {item.name for item in _fields(kind)} | {"kind", "id", "directory", "dry_run"}
    for param in BY_NAME["new"].params:
        value = values.get(param.name)
        if param.name not in used and value is not None and value is not False:
            raise UsageError(f"{param.flags[0]} is not used by new {kind}; leave it out")


# -- the record -----------------------------------------------------------------------------------


def _check_id(ctx: _Context) -> None:
    """Refuse an id that is malformed or taken, saying where the record that has it is."""
    s, rid, kind = ctx.strategy, ctx.record_id, ctx.kind
    if kind == "budget-line":
        if not LINE_RE.match(rid):
            raise UsageError(
                f"'{rid}' is not a budget line id; use letters, digits, dots, hyphens and underscores, "
                "e.g. 26.10.01"
            )
        return  # unique within its plan: checked once the plan is known
    if not ID_RE.match(rid) or len(rid) > 80:
        raise UsageError(
            f"'{rid}' is not an id; use lower-case letters and digits in words joined by hyphens, "
            "e.g. poliisihallitus or p1-g3"
        )
    plural = {
        "organisation": "organisations",
        "phenomenon": "phenomena",
        "indicator": "indicators",
        "priority": "priorities",
        "goal": "goals",
        "commitment": "commitments",
        "budget": "budgets",
    }[kind]
    if kind == "budget" and rid not in s.organisations:
        raise UsageError(
            f"unknown organisation '{rid}'{did_you_mean(rid, s.organisations)}; a budget plan's id is its "
            f"organisation's (add it first with `sisturva new organisation {rid}`)"
        )
    located = s.where.get((plural, rid))
    taken = located is not None or rid in s.broken.get(plural, frozenset())
    if kind in ("organisation", "phenomenon", "indicator", "priority", "budget"):
        taken = taken or _exists(ctx.root / plural / f"{rid}.yaml")
    if taken:
        at = f": {s.display(located.rel)}" if located is not None else ""
        raise UsageError(f"{kind} '{rid}' exists{at}; choose another id")


def _exists(path: Path) -> bool:
    return path.exists() or path.is_symlink()


class _Nodes:
    """Builds the new record's YAML nodes as the example strategy writes them."""

    def __init__(self, ctx: _Context) -> None:
        self.multilingual = len(ctx.strategy.settings.languages) > 1
        self.lang = ctx.lang

    def text(self, value: str) -> Any:
        # In a repository of several languages a mapping shows the translators where theirs go.
        from ruamel.yaml.comments import CommentedMap

        from ..authoring.roundtrip import scalar

        return CommentedMap({self.lang: scalar(value)}) if self.multilingual else scalar(value)

    @staticmethod
    def flow(data: Mapping[str, Any] | Sequence[Any]) -> Any:
        from ruamel.yaml.comments import CommentedMap, CommentedSeq

        node: CommentedMap | CommentedSeq = (
            CommentedMap(data) if isinstance(data, Mapping) else CommentedSeq(data)
        )
        node.fa.set_flow_style()
        return node

    @staticmethod
    def block(data: Mapping[str, Any]) -> Any:
        from ruamel.yaml.comments import CommentedMap

        return CommentedMap(data)

    @staticmethod
    def quoted(value: str) -> Any:
        # A budget line id such as 26.30 would read back as a number.
        from ..authoring.roundtrip import scalar

        return scalar(value, line_id=True)

    @staticmethod
    def number(value: Decimal) -> int | Decimal:
        # A whole number is written as one (150000), whatever the reader typed (150000.00).
        return int(value) if value == value.to_integral_value() else value.normalize()


def _period(nodes: _Nodes, answers: Mapping[str, Any], key: str = "period") -> dict[str, Any]:
    years = {"start": answers["start"]}
    if answers.get("end") is not None:
        years["end"] = answers["end"]
    return {key: nodes.flow(years)}


def _record(ctx: _Context) -> dict[str, Any]:
    """The new record's fields, in the order the models declare them."""
    a, rid, n = ctx.answers, ctx.record_id, _Nodes(ctx)
    kind = ctx.kind
    record: dict[str, Any]
    if kind == "organisation":
        record = {"id": rid, "name": n.text(a["title"]), "kind": a["type"]}
        if "parent" in a:
            record["parent"] = a["parent"]
    elif kind == "phenomenon":
        record = {"id": rid, "title": n.text(a["title"]), "status": a["status"]}
        if "indicator" in a:
            record["indicators"] = n.flow([a["indicator"]])
    elif kind == "indicator":
        record = {
            "id": rid,
            "name": n.text(a["title"]),
            "unit": n.text(a["unit"]),
            "direction": a["direction"],
        }
        if "org" in a:
            record["owner"] = a["org"]
    elif kind == "priority":
        record = {"id": rid, "title": n.text(a["title"]), "status": a["status"], **_period(n, a)}
    elif kind == "goal":
        record = {"id": rid, "title": n.text(a["title"])}
        if "indicator" in a:
            record["indicator"] = a["indicator"]
        if "status" in a:
            record["status"] = a["status"]
    elif kind == "commitment":
        record = {"id": rid, "action": n.text(a["title"]), "goals": n.flow(a["goal"]), **_period(n, a)}
        if "status" in a:
            record["status"] = a["status"]
        if "budget_line" in a:
            resource: dict[str, Any] = {
                "year": a.get("year", a["start"]),
                "budget_line": n.quoted(a["budget_line"]),
            }
            for key in ("euros", "person_years"):
                if key in a:
                    resource[key] = n.number(a[key])
            record["resources"] = [n.flow(resource)]
        record["confirmed"] = _confirmed(ctx, a["goal"])
    elif kind == "budget":
        record = {"organisation": rid, "kind": a["type"], "status": a["status"], **_period(n, a, "years")}
    else:
        record = {"id": n.quoted(rid), "name": n.text(a["title"])}
        if "year" in a:
            amount: dict[str, Any] = {"year": a["year"]}
            for key in ("euros", "allocated"):
                if key in a:
                    amount[key] = n.number(a[key])
            if "euros" not in amount:
                raise UsageError("--year: give the line's amount that year with --euros AMOUNT")
            record["amounts"] = [n.flow(amount)]
    return record


def _confirmed(ctx: _Context, goals: Sequence[str]) -> Any:
    """The goals' fingerprints as they read now: a new commitment is confirmed against them (`sisturva confirm`)."""
    from ..authoring.roundtrip import scalar
    from ..suspect import fingerprint

    lang = ctx.strategy.settings.languages[0]
    prints = {g: scalar(fingerprint(ctx.strategy.goals[g], lang)) for g in goals if g in ctx.strategy.goals}
    return _Nodes.flow(prints)


def _answered(ctx: _Context, name: str) -> None:
    """Checks that need one answer, made as soon as it is given, before anything else is asked."""
    if ctx.kind == "goal" and name == "priority":
        _check_goal(ctx)
    elif ctx.kind == "budget-line" and name == "org":
        _check_line(ctx)


def _check_goal(ctx: _Context) -> None:
    priority = ctx.answers["priority"]
    if not ctx.record_id.startswith(f"{priority}-"):
        raise UsageError(
            f"a goal's id starts with its priority's id and a hyphen: e.g. {priority}-{ctx.record_id} "
            f"rather than {ctx.record_id}"
        )


def _check_line(ctx: _Context) -> None:
    plan = ctx.strategy.budgets[ctx.answers["org"]]
    if any(line.id == ctx.record_id for line in plan.lines):
        located = ctx.strategy.where.get(("budgets", plan.organisation))
        at = f": {ctx.strategy.display(located.rel)}" if located else ""
        raise UsageError(
            f"budget line '{ctx.record_id}' exists in {plan.organisation}'s plan{at}; choose another id"
        )


def _modeline(ctx: _Context, schema: str) -> str:
    """The first line of a new file in a record folder, pointing where the repository's schemas are."""
    from .scaffold import modeline

    try:
        first = (ctx.root / "sisturva.yaml").read_text(encoding="utf-8").split("\n", 1)[0]
    except (OSError, UnicodeDecodeError):
        first = ""
    match = re.fullmatch(r"#\s*yaml-language-server:\s*\$schema=(\S*?)settings\.schema\.json\s*", first)
    base = match.group(1) if match else "schemas/"
    # A relative base is from the root; a record folder is one level down.
    if not re.match(r"^[a-z][a-z0-9+.-]*://", base) and not base.startswith("/"):
        base = "../" + base
    return modeline(schema, base)


def _file_change(ctx: _Context) -> tuple[str, str, tuple[str | int, ...]]:
    """The file the record goes in, its new text, and the record's place in the file's data."""
    from ..authoring import roundtrip

    record = _record(ctx)
    kind, s = ctx.kind, ctx.strategy
    own = {"organisation": "organisations", "phenomenon": "phenomena", "indicator": "indicators"}
    own |= {"priority": "priorities", "budget": "budgets"}
    if kind in own:
        schema = {"organisations": "organisation", "phenomena": "phenomenon", "indicators": "indicator"}
        schema |= {"priorities": "priority", "budgets": "budget"}
        folder = own[kind]
        rel = f"{folder}/{ctx.record_id}.yaml"
        return rel, _modeline(ctx, schema[folder]) + roundtrip.dump(_Nodes.block(record)), ()
    if kind == "goal":
        located = s.where[("priorities", ctx.answers["priority"])]
        rel, key = located.rel, "goals"
    elif kind == "budget-line":
        located = s.where[("budgets", ctx.answers["org"])]
        rel, key = located.rel, "lines"
    else:
        rel, key = f"commitments/{ctx.answers['org']}.yaml", "commitments"
        if not _exists(ctx.root / rel):
            data = _Nodes.block({"organisation": ctx.answers["org"], "commitments": [_Nodes.block(record)]})
            return rel, _modeline(ctx, "commitments") + roundtrip.dump(data), ("commitments", 0)
    text = _read(ctx, rel)
    try:
        data = roundtrip.load(text)
    except roundtrip.RoundTripError as error:
        raise UsageError(
            f"{s.display(rel)}:{error.line}:{error.column}: {error.message}; fix it first, then add the {kind}"
        ) from None
    if not isinstance(data, dict):
        raise UsageError(f"{s.display(rel)}: holds no mapping of fields; fix it first (`sisturva validate`)")
    items = data.get(key)
    if items is None:
        from ruamel.yaml.comments import CommentedSeq

        items = CommentedSeq()
        data[key] = items
    if not isinstance(items, list):
        raise UsageError(f"{s.display(rel)}: {key} is not a list; fix it first (`sisturva validate`)")
    if hasattr(items, "fa"):
        items.fa.set_block_style()  # `goals: []` becomes a list of records
    _append(items, _Nodes.block(record))
    return rel, roundtrip.dump(data), (key, len(items) - 1)


def _last_slot(node: Any) -> tuple[Any, Any, int] | None:
    """Where a comment after `node`'s last value goes: the deepest block mapping or list, its key, the slot."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    found = None
    while isinstance(node, CommentedMap | CommentedSeq) and len(node) and not node.fa.flow_style():
        key: Any = list(node)[-1] if isinstance(node, CommentedMap) else len(node) - 1
        found = (node, key, 2 if isinstance(node, CommentedMap) else 0)
        node = node[key]
    return found


def _closing_lines(item: Any) -> str:
    """Take the comment lines below `item`, the last of a list, out of it (its own end-of-line comments stay)."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    lines: list[str] = []
    node: Any = item
    while isinstance(node, CommentedMap | CommentedSeq) and len(node) and not node.fa.flow_style():
        key: Any = list(node)[-1] if isinstance(node, CommentedMap) else len(node) - 1
        if isinstance(node, CommentedSeq) and node.ca.end:
            lines[:0] = [str(token.value) for token in node.ca.end]  # a nested list's closing lines
            node.ca.end = []
        value = node[key]
        # Only after the deepest value are the lines below the item: a comment on a key whose
        # value is a block list or mapping stands above that value's content.
        deepest = not isinstance(value, CommentedMap | CommentedSeq) or value.fa.flow_style() or not value
        slot = node.ca.items.get(key)
        at = 2 if isinstance(node, CommentedMap) else 0
        token = slot[at] if deepest and slot and len(slot) > at else None
        if token is not None:
            own, newline, rest = str(token.value).partition("\n")
            if rest.strip():
                token.value = own + newline
                lines[:0] = [rest]
        node = value
    return "".join(lines)


def _append(items: Any, record: Any) -> None:
    """Append `record` to a list, keeping the comment lines that stood below the list's last item below it.

    Those lines usually introduce what follows the list (`# Sources:` above the next key); ruamel
    keeps them with the last item's last value, where the new item would come after them.
    """
    from ruamel.yaml.error import CommentMark
    from ruamel.yaml.tokens import CommentToken

    closing = _closing_lines(items[-1]) if len(items) else ""
    items.append(record)
    where = _last_slot(record) if closing else None
    if where is not None:
        node, key, at = where
        slot = node.ca.items.setdefault(key, [None, None, None, None] if at == 2 else [None, None])
        slot[at] = CommentToken("\n" + closing, CommentMark(0), None)


def _read(ctx: _Context, rel: str) -> str:
    try:
        return (ctx.root / rel).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise UsageError(f"{ctx.strategy.display(rel)}: cannot read it ({error}); fix it first") from None


def _line(rel: str, text: str, loc: tuple[str | int, ...]) -> int:
    """The line where the record at `loc` starts, as `validate` would report it."""
    from ..documents import parse

    doc = parse(rel, text.encode("utf-8"))
    if not loc:
        line, _ = doc.locate((next(iter(doc.data)) if doc.data else "",), key=True)
    else:
        line, _ = doc.locate(loc)
    return line or 1


def run(
    directory: str | None, kind: str, record_id: str, values: Mapping[str, Value], dry_run: bool
) -> Outcome:
    """Make one record of `kind` from the options (and, at a terminal, answers) and write it through the writer."""
    from ..authoring.write import write_changes
    from ..repository import load
    from ..sources import display_prefix

    canonical = _SPELLINGS.get(kind.strip().lower())
    if canonical is None:
        raise UsageError(
            f"unknown kind '{kind}'{did_you_mean(kind.strip().lower(), list(_SPELLINGS))}; "
            f"choose one of: {', '.join(KINDS)}"
        )
    _unused(canonical, values)
    loaded = load(directory)
    ctx = _Context(loaded.root, loaded.strategy, canonical, record_id.strip())
    _check_id(ctx)
    interactive = sys.stdin.isatty()
    _gather(ctx, values, interactive)
    rel, text, loc = _file_change(ctx)
    absolute = bool(directory) and os.path.isabs(str(directory))
    result = write_changes(loaded.root, {rel: text}, dry_run=dry_run, absolute=absolute)
    if result.refused:
        from ..reports.findings import finding_line

        lines = "".join(finding_line(f) + "\n" for f in result.findings)
        return Outcome(
            "", 1, lines + f"sisturva: error: the new {canonical} was not written; fix what is named above\n"
        )
    if dry_run:
        return Outcome(result.diff, 0)
    shown = display_prefix(loaded.root, absolute) + rel
    return Outcome(f"{shown}:{_line(rel, text, loc)}: new {canonical} {ctx.record_id}\n", 0)
