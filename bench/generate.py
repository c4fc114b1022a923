"""Generate a deterministic national-scale strategy repository (optionally with git history)."""

from __future__ import annotations

import argparse
import datetime
import json
import math
import random
import re
import subprocess
import sys
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

YEARS = (2022, 2023, 2024, 2025, 2026)
"""The five budget years every plan covers."""

# Organisation kinds and how many of each there are at scale 1 (400 in all).
KINDS: tuple[tuple[str, int], ...] = (
    ("ministry", 12),
    ("agency", 50),
    ("regional-agency", 20),
    ("municipality", 200),
    ("wellbeing-services-county", 22),
    ("association", 30),
    ("ngo", 40),
    ("business", 10),
    ("research", 10),
    ("other", 6),
)
BUDGET_KIND = {
    "ministry": "state-budget",
    "agency": "state-tts",
    "regional-agency": "state-tts",
    "municipality": "municipal",
    "wellbeing-services-county": "wellbeing-services-county",
    "association": "ngo",
    "ngo": "ngo",
    "business": "other",
    "research": "state-jts",
    "other": "other",
}
MINISTRIES = ("sm", "om", "pm", "vm", "stm", "okm", "tem", "um", "lvm", "mmm", "ym", "vnk")

FI = [
    "turvallisuus",
    "arki",
    "yhteistyö",
    "kunta",
    "poliisi",
    "pelastustoimi",
    "nuoret",
    "ikääntyneet",
    "ennaltaehkäisy",
    "väkivalta",
    "rikollisuus",
    "luottamus",
    "tieto",
    "tilannekuva",
    "kriisi",
    "valmius",
    "varautuminen",
    "osallisuus",
    "syrjäytyminen",
    "päihteet",
    "liikenne",
    "kyber",
    "häiriö",
    "viestintä",
    "koulutus",
    "verkosto",
    "alue",
    "asukkaat",
    "palvelut",
    "hyvinvointi",
    "yhdenvertaisuus",
    "toiminta",
    "kehittäminen",
    "seuranta",
    "arviointi",
    "malli",
]
SV = [
    "säkerhet",
    "vardag",
    "samarbete",
    "kommun",
    "polis",
    "räddningsväsende",
    "unga",
    "äldre",
    "förebyggande",
    "våld",
    "brottslighet",
    "förtroende",
    "kunskap",
    "lägesbild",
    "kris",
    "beredskap",
    "delaktighet",
    "utanförskap",
    "droger",
    "trafik",
    "cyber",
    "störning",
    "kommunikation",
    "utbildning",
    "nätverk",
    "region",
    "invånare",
    "tjänster",
    "välfärd",
    "jämlikhet",
    "verksamhet",
    "utveckling",
    "uppföljning",
    "utvärdering",
    "modell",
]
EN = [
    "security",
    "everyday",
    "cooperation",
    "municipality",
    "police",
    "rescue",
    "youth",
    "elderly",
    "prevention",
    "violence",
    "crime",
    "trust",
    "knowledge",
    "situational-awareness",
    "crisis",
    "preparedness",
    "inclusion",
    "exclusion",
    "substance",
    "traffic",
    "cyber",
    "disruption",
    "communication",
    "training",
    "network",
    "region",
    "residents",
    "services",
    "wellbeing",
    "equality",
    "operations",
    "development",
    "monitoring",
    "evaluation",
    "model",
]
SYLLABLES = [
    "ka",
    "ko",
    "ku",
    "la",
    "le",
    "lo",
    "ma",
    "mi",
    "mu",
    "na",
    "ni",
    "no",
    "pa",
    "pi",
    "po",
    "ra",
    "ri",
    "ro",
    "sa",
    "si",
    "so",
    "ta",
    "ti",
    "to",
    "va",
    "vi",
    "vo",
    "ja",
    "jo",
    "hä",
]
ENDINGS = ("järvi", "koski", "lahti", "mäki", "joki", "niemi", "salo", "vaara", "linna", "harju")


@dataclass
class Dataset:
    """The generated records, kept as plain data so history can change them and re-emit files."""

    settings: dict[str, Any]
    strategy: dict[str, Any]
    organisations: dict[str, dict[str, Any]]
    budgets: dict[str, dict[str, Any]]
    commitments: dict[str, dict[str, Any]]
    indicators: dict[str, dict[str, Any]]
    priorities: dict[str, dict[str, Any]]
    phenomena: dict[str, dict[str, Any]]
    tracked: str = ""
    """A commitment the history changes every tenth commit (for `log ID`)."""
    changes: int = field(default=0)

    def files(self) -> dict[str, str]:
        """Every file of the repository: path → YAML text."""
        out = {"sisturva.yaml": dump(self.settings), "strategy.yaml": dump(self.strategy)}
        for kind in ("organisations", "budgets", "commitments", "indicators", "priorities", "phenomena"):
            records: dict[str, dict[str, Any]] = getattr(self, kind)
            for key, record in records.items():
                out[f"{kind}/{key}.yaml"] = dump(record)
        return out

    def count(self) -> dict[str, int]:
        """Records of each kind."""
        return {
            "organisations": len(self.organisations),
            "commitments": sum(len(f["commitments"]) for f in self.commitments.values()),
            "budgets": len(self.budgets),
            "indicators": len(self.indicators),
            "priorities": len(self.priorities),
            "goals": sum(len(p["goals"]) for p in self.priorities.values()),
            "phenomena": len(self.phenomena),
        }


# --- YAML text, written the way a person would ---------------------------------------------

_PLAIN = re.compile(r"[A-Za-zÀ-ÖØ-öø-ÿ][^\n:#{}\[\],&*!|>'\"%`]*\Z")
_YAML11_WORDS = {"y", "n", "yes", "no", "on", "off", "true", "false", "null", "~"}


def scalar(value: object) -> str:
    """One value as YAML: plain when it cannot be misread, otherwise double-quoted."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, Decimal)):
        return str(value)
    if isinstance(value, str):
        if _PLAIN.match(value) and not value.endswith(" ") and value.lower() not in _YAML11_WORDS:
            return value
        return json.dumps(value, ensure_ascii=False)
    if value is None:
        return "null"
    return str(value)  # dates: ISO form


def _is_scalar(value: object) -> bool:
    return not isinstance(value, (dict, list))


def _flow(value: dict[str, Any] | list[Any]) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {scalar(v)}" for k, v in value.items()) + "}"
    return "[" + ", ".join(scalar(v) for v in value) + "]"


def _short(value: dict[str, Any] | list[Any]) -> bool:
    items = value.values() if isinstance(value, dict) else value
    return all(_is_scalar(v) for v in items) and len(_flow(value)) <= 90


def _block(data: dict[str, Any], indent: int, lines: list[str]) -> None:
    pad = " " * indent
    for key, value in data.items():
        if _is_scalar(value):
            lines.append(f"{pad}{key}: {scalar(value)}")
        elif not value or _short(value):
            lines.append(f"{pad}{key}: {_flow(value)}")
        elif isinstance(value, dict):
            lines.append(f"{pad}{key}:")
            _block(value, indent + 2, lines)
        else:
            lines.append(f"{pad}{key}:")
            for item in value:
                if _is_scalar(item):
                    lines.append(f"{pad}  - {scalar(item)}")
                elif _short(item):
                    lines.append(f"{pad}  - {_flow(item)}")
                else:
                    inner: list[str] = []
                    _block(item, indent + 4, inner)
                    inner[0] = f"{pad}  - {inner[0][indent + 4 :]}"
                    lines.extend(inner)


def dump(data: dict[str, Any]) -> str:
    """A record as block-style YAML text."""
    lines: list[str] = []
    _block(data, 0, lines)
    return "\n".join(lines) + "\n"


# --- records -----------------------------------------------------------------------------------


def _words(rng: random.Random, vocabulary: list[str], low: int, high: int) -> str:
    text = " ".join(rng.choice(vocabulary) for _ in range(rng.randint(low, high)))
    return text[0].upper() + text[1:]


def _text(rng: random.Random, low: int, high: int) -> dict[str, str]:
    return {
        "fi": _words(rng, FI, low, high),
        "sv": _words(rng, SV, low, high),
        "en": _words(rng, EN, low, high),
    }


def _place_name(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(1, 2))).capitalize() + rng.choice(ENDINGS)


def _slug(text: str) -> str:
    table = str.maketrans({"ä": "a", "ö": "o", "å": "a", " ": "-"})
    return re.sub(r"[^a-z0-9-]", "", text.lower().translate(table)).strip("-")


def _organisations(rng: random.Random, scale: float) -> dict[str, dict[str, Any]]:
    orgs: dict[str, dict[str, Any]] = {}
    ministries: list[str] = []
    for kind, base in KINDS:
        for n in range(max(1, round(base * scale))):
            if kind == "ministry" and n < len(MINISTRIES):
                org_id = MINISTRIES[n]
            elif kind in ("municipality", "wellbeing-services-county"):
                place = _place_name(rng)
                org_id = _slug(place) if kind == "municipality" else "hva-" + _slug(place)
            else:
                org_id = f"{kind}-{n + 1:03d}"
            while org_id in orgs:
                org_id = f"{org_id}-{n + 1}"
            name = _text(rng, 2, 4)
            if kind == "municipality":
                name = {"fi": f"{place}n kunta", "sv": f"{place} kommun", "en": f"Municipality of {place}"}
            record: dict[str, Any] = {"id": org_id, "name": name, "kind": kind}
            if kind in ("agency", "regional-agency") and ministries:
                record["parent"] = rng.choice(ministries)
            record["owners"] = [f"@sisturva/{org_id}"]
            record["website"] = f"https://{org_id}.example.fi"
            orgs[org_id] = record
            if kind == "ministry":
                ministries.append(org_id)
    return orgs


def _indicators(rng: random.Random, scale: float, agencies: list[str]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for n in range(max(5, round(200 * scale))):
        ind_id = f"{rng.choice(EN)}-{n + 1:04d}"
        frequency = rng.choice((1, 1, 2))
        value = Decimal(rng.randint(200, 900)) / 10
        observations: list[dict[str, Any]] = []
        for year in range(2010, 2025, frequency):
            value = max(Decimal("0.1"), value + Decimal(rng.randint(-30, 30)) / 10)
            entry: dict[str, Any] = {"year": year, "value": value}
            if year == 2019 and n % 7 == 0:
                entry["comparable"] = False
            observations.append(entry)
        out[ind_id] = {
            "id": ind_id,
            "name": _text(rng, 3, 6),
            "description": _text(rng, 10, 20),
            "unit": rng.choice(("%", "per 100 000 asukasta", "lukumäärä")),
            "direction": rng.choice(("higher-is-better", "lower-is-better")),
            "frequency_years": frequency,
            "owner": rng.choice(agencies),
            "observations": observations,
            "source": {"title": f"Tilasto {n + 1}", "url": f"https://tilastot.example.fi/{ind_id}"},
        }
    return out


def _priorities(
    rng: random.Random, indicators: list[str], orgs: list[str], phenomena: list[str]
) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for number in range(1, 9):
        pr_id = f"p{number}"
        members = rng.sample(orgs, min(12, len(orgs)))
        goals = []
        for g in range(1, 7):
            indicator = indicators[(number * 7 + g) % len(indicators)]
            goals.append(
                {
                    "id": f"{pr_id}-g{g}",
                    "title": _text(rng, 4, 8),
                    "indicator": indicator,
                    "baseline": {"year": 2021, "value": rng.randint(10, 90)},
                    "target": {"year": 2026, "value": rng.randint(10, 90)},
                    "due": datetime.date(2026, 12, 31),
                }
            )
        out[pr_id] = {
            "id": pr_id,
            "number": number,
            "title": _text(rng, 3, 7),
            "description": _text(rng, 20, 40),
            "status": "active",
            "period": {"start": 2022, "end": 2026},
            "phenomena": rng.sample(phenomena, min(3, len(phenomena))),
            "group": {
                "chair": members[0],
                "members": members,
                "subgroups": [
                    {
                        "id": f"{pr_id}-alaryhma-{s}",
                        "name": _text(rng, 2, 4),
                        "members": members[s * 3 : s * 3 + 4],
                    }
                    for s in range(1, 3)
                ],
            },
            "goals": goals,
        }
    return out


def _commitments(
    rng: random.Random, orgs: dict[str, dict[str, Any]], goals: list[str]
) -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, Any]]]:
    """Commitments per organisation and the budget plans that resource them."""
    files: dict[str, dict[str, Any]] = {}
    budgets: dict[str, dict[str, Any]] = {}
    for org_id, org in orgs.items():
        kind = org["kind"]
        if BUDGET_KIND[kind].startswith("state"):
            main = rng.randint(23, 35)
            line_ids = [f"{main}.{rng.randint(1, 9) * 10}.{i:02d}" for i in range(1, rng.randint(3, 6) + 1)]
        else:
            line_ids = [f"{1000 + 100 * i + rng.randint(0, 9)}" for i in range(1, rng.randint(3, 6) + 1)]
        line_ids = list(dict.fromkeys(line_ids))
        targets = [f"tulostavoite-{i}" for i in range(1, rng.randint(2, 4) + 1)]
        committed: dict[tuple[str, int], int] = {}
        people: dict[int, Decimal] = {}
        items: list[dict[str, Any]] = []
        for n in range(rng.randint(10, 40)):
            start = rng.choice(YEARS[:4])
            end = rng.randint(start, YEARS[-1])
            status = rng.choice(("planned", "in-progress", "in-progress", "done"))
            progress = {"planned": 0, "done": 100}.get(status, rng.randint(1, 99))
            item: dict[str, Any] = {
                "id": f"{org_id}-k{n + 1:03d}",
                "action": _text(rng, 4, 9),
                "description": _text(rng, 18, 30),
                "goals": sorted(rng.sample(goals, rng.randint(1, 3))),
                "period": {"start": start, "end": end},
                "status": status,
                "progress": progress,
            }
            if rng.random() < 0.6:
                item["performance_target"] = rng.choice(targets)
            resources = []
            if rng.random() > 0.05:  # a few are not yet resourced, as in preparation
                for year in range(start, end + 1):
                    for line in rng.sample(line_ids, rng.choice((1, 1, 2))):
                        euros = rng.randint(5, 500) * 1000
                        person_years = Decimal(rng.randint(0, 8)) / 4
                        resources.append(
                            {"year": year, "budget_line": line, "euros": euros, "person_years": person_years}
                        )
                        committed[(line, year)] = committed.get((line, year), 0) + euros
                        people[year] = people.get(year, Decimal(0)) + person_years
            item["resources"] = resources
            item["source"] = {
                "title": f"Toimintasuunnitelma {org_id}",
                "url": f"https://{org_id}.example.fi/sitoumukset",
            }
            items.append(item)
        files[org_id] = {"organisation": org_id, "commitments": items}
        lines = []
        for line in line_ids:
            amounts = []
            for year in YEARS:
                allocated = math.ceil((committed.get((line, year), 0) + 50_000) / 10_000) * 10_000
                amounts.append(
                    {"year": year, "euros": allocated * rng.randint(4, 40), "allocated": allocated}
                )
            lines.append({"id": line, "name": _text(rng, 2, 5), "amounts": amounts})
        budgets[org_id] = {
            "organisation": org_id,
            "kind": BUDGET_KIND[kind],
            "status": rng.choice(("draft", "adopted")),
            "years": {"start": YEARS[0], "end": YEARS[-1]},
            "lines": lines,
            "performance_targets": [{"id": t, "title": _text(rng, 3, 6)} for t in targets],
            "person_years": [
                {"year": y, "available": math.ceil(people.get(y, Decimal(0)) + 1)} for y in YEARS
            ],
        }
    return files, budgets


def generate(scale: float = 1, seed: int = 2021) -> Dataset:
    """A valid strategy of `scale` × (≈400 organisations, ≈10,000 commitments, 200 indicators)."""
    rng = random.Random(seed)
    orgs = _organisations(rng, scale)
    org_ids = list(orgs)
    agencies = [o for o, r in orgs.items() if r["kind"] in ("agency", "ministry")]
    indicators = _indicators(rng, scale, agencies)
    ind_ids = list(indicators)
    phenomena: dict[str, dict[str, Any]] = {}
    per = 5
    for n in range(math.ceil(len(ind_ids) / per)):
        ph_id = f"ilmio-{n + 1:03d}"
        phenomena[ph_id] = {
            "id": ph_id,
            "title": _text(rng, 2, 5),
            "description": _text(rng, 10, 25),
            "proposed_by": rng.sample(org_ids, 2),
            "status": rng.choice(("observed", "monitored", "prioritised")),
            "indicators": ind_ids[n * per : (n + 1) * per],  # every indicator is used
        }
    priorities = _priorities(rng, ind_ids, org_ids, list(phenomena))
    goals = [g["id"] for p in priorities.values() for g in p["goals"]]
    commitments, budgets = _commitments(rng, orgs, goals)
    settings = {
        "schema": 1,
        "languages": ["fi", "sv", "en"],
        "required_languages": ["fi"],
        "currency": "EUR",
        "planning_years": {"start": YEARS[0], "end": YEARS[-1]},
    }
    strategy = {
        "name": {
            "fi": "Sisäisen turvallisuuden kansallinen yhteistoimintamalli",
            "sv": "Den nationella samverkansmodellen för inre säkerhet",
            "en": "National cooperation model for internal security",
        },
        "mission": _text(rng, 12, 20),
        "cooperation_group": {"name": _text(rng, 2, 3), "chair": "sm", "members": org_ids[:30]},
        "expert_network": {"name": _text(rng, 1, 2), "members": org_ids[:120]},
        "secretariat": {"organisation": "sm"},
        "website": "https://sisainenturvallisuus.example.fi",
    }
    first = next(iter(commitments))
    return Dataset(
        settings,
        strategy,
        orgs,
        budgets,
        commitments,
        indicators,
        priorities,
        phenomena,
        tracked=commitments[first]["commitments"][0]["id"],
    )


def write(root: Path, files: dict[str, str]) -> None:
    """Write `files` under `root`."""
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def change(ds: Dataset, step: int, count: int = 5) -> list[str]:
    """Change one commitment in each of `count` commitment files; the tracked one every tenth step."""
    orgs = list(ds.commitments)
    rng = random.Random(step * 7919 + 1)
    chosen = rng.sample(orgs[1:], count)
    if step % 10 == 0:
        chosen[0] = orgs[0]
    changed = []
    for org in chosen:
        items = ds.commitments[org]["commitments"]
        item = items[0] if org == orgs[0] else rng.choice(items)
        if item["progress"] < 95:
            item["progress"] += 5
            item["status"] = "in-progress"
        else:
            item["progress"] = 100
            item["status"] = "done"
        for resource in item["resources"][:1]:
            if resource["euros"] > 1000:
                resource["euros"] -= 1000
        changed.append(f"commitments/{org}.yaml")
    ds.changes += 1
    return changed


AUTHORS = ("Aino Virtanen", "Mikko Korhonen", "Sara Lindholm", "Jussi Mäkinen")


def make_history(root: Path, ds: Dataset, commits: int) -> None:
    """Make `root` a git repository: one commit of everything, then `commits` commits of 5 files."""
    subprocess.run(["git", "init", "-q", "-b", "main", str(root)], check=True)
    stream: list[bytes] = []
    when = 1_640_995_200  # 2022-01-01

    def commit(number: int, message: str, files: dict[str, str]) -> None:
        author = AUTHORS[number % len(AUTHORS)]
        email = _slug(author) + "@example.fi"
        msg = message.encode()
        stream.append(b"commit refs/heads/main\n")
        stream.append(f"author {author} <{email}> {when + number * 3600} +0200\n".encode())
        stream.append(f"committer {author} <{email}> {when + number * 3600} +0200\n".encode())
        stream.append(b"data %d\n%s\n" % (len(msg), msg))
        for rel, text in files.items():
            data = text.encode()
            stream.append(f"M 100644 inline {rel}\n".encode())
            stream.append(b"data %d\n%s\n" % (len(data), data))

    commit(0, "Strategy as adopted", ds.files())
    for step in range(1, commits + 1):
        changed = change(ds, step)
        records = {rel: dump(ds.commitments[rel[12:-5]]) for rel in changed}
        commit(step, f"Progress update {step}", records)
    subprocess.run(["git", "-C", str(root), "fast-import", "--quiet"], input=b"".join(stream), check=True)
    subprocess.run(["git", "-C", str(root), "checkout", "-q", "-f", "main"], check=True)


def main(argv: list[str] | None = None) -> int:
    """Command line: write a repository and print what it holds as JSON."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out", type=Path, help="folder to write (created)")
    parser.add_argument("--scale", type=float, default=1, help="size factor (1 ≈ 400 organisations)")
    parser.add_argument("--seed", type=int, default=2021)
    parser.add_argument("--commits", type=int, default=0, help="make a git repository with this many changes")
    args = parser.parse_args(argv)
    ds = generate(args.scale, args.seed)
    if args.commits:
        make_history(args.out, ds, args.commits)
    else:
        write(args.out, ds.files())
    files = list(args.out.rglob("*.yaml"))
    summary = {**ds.count(), "files": len(files), "bytes": sum(p.stat().st_size for p in files)}
    summary["tracked"] = ds.tracked
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
