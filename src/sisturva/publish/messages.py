"""Interface strings in Finnish, Swedish and English, and the language a record's text is shown in."""

from __future__ import annotations

from ..models import LocalizedText

LANGS: tuple[str, ...] = ("fi", "sv", "en")
"""Languages of what people read, Finnish first."""

LANGUAGE_NAMES: dict[str, str] = {"fi": "suomi", "sv": "svenska", "en": "English"}
"""Each language by its own name, for markers of a fallback and for language switchers."""

# key: (fi, sv, en). Keys are dotted by area; a test checks that every key has all three.
MESSAGES: dict[str, tuple[str, str, str]] = {
    # Verdicts of a goal and flags of an indicator (status report, document, site).
    "verdict": ("Arvio", "Bedömning", "Assessment"),
    "verdict.on-track": ("Oikealla tiellä", "På rätt väg", "On track"),
    "verdict.off-track": ("Jäljessä tavoitteesta", "Efter målet", "Off track"),
    "verdict.achieved": ("Saavutettu", "Uppnått", "Achieved"),
    "verdict.no-data": ("Ei tietoa", "Inga uppgifter", "No data"),
    "reason.no-indicator": (
        "tavoitteella ei ole mittaria",
        "målet har ingen indikator",
        "the goal has no indicator",
    ),
    "reason.no-target": ("tavoitetasoa ei ole asetettu", "inget målvärde", "no target is set"),
    "reason.no-baseline": ("lähtötasoa ei ole asetettu", "inget utgångsläge", "no baseline is set"),
    "reason.unknown-indicator": (
        "mittaria ei löydy",
        "indikatorn finns inte",
        "the indicator does not exist",
    ),
    "reason.no-observations": (
        "mittarilla ei ole havaintoja",
        "indikatorn saknar värden",
        "the indicator has no values",
    ),
    "reason.before-baseline": (
        "ei havaintoja lähtötason jälkeen",
        "inga värden efter utgångsläget",
        "no values since the baseline",
    ),
    "reason.break": (
        "sarjassa on katko lähtötason jälkeen: arvot eivät ole vertailukelpoisia",
        "serien har ett avbrott efter utgångsläget: värdena är inte jämförbara",
        "the series breaks after the baseline: the values are not comparable",
    ),
    "stale": ("vanhentunut", "inaktuell", "stale"),
    "stale.since": (
        "uusi arvo odotettiin viimeistään {year}",
        "ett nytt värde väntades senast {year}",
        "a new value was due by {year}",
    ),
    "status.title": ("Tilannekuva", "Lägesbild", "Status"),
    "status.reference": ("Tilanne vuonna {year}", "Läget år {year}", "Status in {year}"),
    "status.latest": ("Viimeisin", "Senaste", "Latest"),
    "status.expected": ("Odotettu", "Förväntat", "Expected"),
    "status.trend": ("Kehitys", "Utveckling", "Trend"),
    "status.commitments": ("Sitoumukset", "Åtaganden", "Commitments"),
    "status.progress": ("edistyminen", "framsteg", "progress"),
    "status.weighted": ("euroilla painotettuna", "viktat med euro", "weighted by euros"),
    "status.indicators": ("Mittarit", "Indikatorer", "Indicators"),
    "status.summary": (
        "Tavoitteita {goals}: oikealla tiellä {on}, jäljessä {off}, saavutettu {achieved}, ei tietoa {none}",
        "Mål {goals}: på rätt väg {on}, efter {off}, uppnådda {achieved}, utan uppgifter {none}",
        "Goals {goals}: on track {on}, off track {off}, achieved {achieved}, no data {none}",
    ),
    "status.stale_count": (
        "vanhentuneita mittareita {n}",
        "inaktuella indikatorer {n}",
        "stale indicators {n}",
    ),
    "status.no_priorities": ("Ei painopisteitä.", "Inga prioriteringar.", "No priorities."),
    "status.no_goals": ("ei tavoitteita", "inga mål", "no goals"),
    "count.commitments": ("{n} sitoumusta", "{n} åtaganden", "{n} commitments"),
    "count.commitments.one": ("1 sitoumus", "1 åtagande", "1 commitment"),
    # Statuses of records.
    "commitment.planned": ("suunniteltu", "planerad", "planned"),
    "commitment.in-progress": ("käynnissä", "pågår", "in progress"),
    "commitment.done": ("valmis", "klar", "done"),
    "commitment.cancelled": ("peruttu", "inställd", "cancelled"),
    "priority.preparing": ("valmistelussa", "under beredning", "preparing"),
    "priority.active": ("käynnissä", "aktiv", "active"),
    "priority.completed": ("päättynyt", "avslutad", "completed"),
    "priority.retired": ("luovuttu", "avvecklad", "retired"),
    "goal.proposed": ("ehdotettu", "föreslaget", "proposed"),
    "goal.active": ("voimassa", "aktivt", "active"),
    "goal.achieved": ("saavutettu", "uppnått", "achieved"),
    "goal.dropped": ("luovuttu", "slopat", "dropped"),
    "phenomenon.observed": ("havaittu", "observerat", "observed"),
    "phenomenon.monitored": ("seurannassa", "följs upp", "monitored"),
    "phenomenon.prioritised": ("painopisteenä", "prioriterat", "prioritised"),
    "phenomenon.retired": ("ei enää seurannassa", "följs inte längre", "retired"),
    "budget.draft": ("luonnos", "utkast", "draft"),
    "budget.adopted": ("hyväksytty", "antagen", "adopted"),
    "direction.higher-is-better": ("suurempi on parempi", "högre är bättre", "higher is better"),
    "direction.lower-is-better": ("pienempi on parempi", "lägre är bättre", "lower is better"),
    "kind.ministry": ("ministeriö", "ministerium", "ministry"),
    "kind.agency": ("virasto", "myndighet", "agency"),
    "kind.regional-agency": ("aluehallinnon virasto", "regional myndighet", "regional agency"),
    "kind.municipality": ("kunta", "kommun", "municipality"),
    "kind.wellbeing-services-county": ("hyvinvointialue", "välfärdsområde", "wellbeing services county"),
    "kind.association": ("yhdistys", "förening", "association"),
    "kind.ngo": ("järjestö", "organisation", "non-governmental organisation"),
    "kind.business": ("yritys", "företag", "business"),
    "kind.research": ("tutkimuslaitos", "forskningsinstitut", "research institute"),
    "kind.other": ("muu", "annan", "other"),
    # The Markdown document of the whole strategy.
    "doc.contents": ("Sisällys", "Innehåll", "Contents"),
    "doc.mission": ("Tehtävä", "Uppdrag", "Mission"),
    "doc.tasks": ("Tehtävät", "Uppgifter", "Tasks"),
    "doc.levels": ("Yhteistyön tasot", "Samarbetets nivåer", "Levels of cooperation"),
    "doc.secretariat": ("Sihteeristö", "Sekretariatet", "Secretariat"),
    "doc.chair": ("Puheenjohtaja", "Ordförande", "Chair"),
    "doc.members": ("Jäsenet", "Medlemmar", "Members"),
    "doc.priorities": ("Painopisteet", "Prioriteringar", "Priorities"),
    "doc.priority_group": ("Painopisteryhmä", "Prioriteringsgrupp", "Priority group"),
    "doc.subgroups": ("Alaryhmät", "Undergrupper", "Subgroups"),
    "doc.phenomena_answered": ("Ilmiöt, joihin vastataan", "Fenomen som besvaras", "Phenomena answered"),
    "doc.goals": ("Tavoitteet", "Mål", "Goals"),
    "doc.indicator": ("Mittari", "Indikator", "Indicator"),
    "doc.baseline": ("Lähtötaso", "Utgångsläge", "Baseline"),
    "doc.target": ("Tavoitetaso", "Målvärde", "Target"),
    "doc.due": ("Määräaika", "Tidsfrist", "Due"),
    "doc.period": ("Kausi", "Period", "Period"),
    "doc.status": ("Tila", "Status", "Status"),
    "doc.commitments": ("Sitoumukset", "Åtaganden", "Commitments"),
    "doc.organisation": ("Organisaatio", "Organisation", "Organisation"),
    "doc.name": ("Nimi", "Namn", "Name"),
    "doc.kind": ("Laji", "Typ", "Kind"),
    "doc.action": ("Toimenpide", "Åtgärd", "Action"),
    "doc.progress": ("Edistyminen", "Framsteg", "Progress"),
    "doc.resources": ("Resurssit", "Resurser", "Resources"),
    "doc.person_years": ("htv", "årsv.", "person-years"),
    "doc.phenomena": ("Ilmiöt", "Fenomen", "Phenomena"),
    "doc.proposed_by": ("Ehdottaja", "Föreslaget av", "Proposed by"),
    "doc.indicators": ("Mittarit", "Indikatorer", "Indicators"),
    "doc.unit": ("Yksikkö", "Enhet", "Unit"),
    "doc.direction": ("Suunta", "Riktning", "Direction"),
    "doc.frequency": (
        "Julkaistaan {n} vuoden välein",
        "Publiceras vart {n}:e år",
        "Published every {n} years",
    ),
    "doc.frequency.one": ("Julkaistaan vuosittain", "Publiceras årligen", "Published every year"),
    "doc.year": ("Vuosi", "År", "Year"),
    "doc.value": ("Arvo", "Värde", "Value"),
    "doc.note": ("Huomautus", "Anmärkning", "Note"),
    "doc.break": (
        "katko sarjassa: ei vertailukelpoinen aiempiin",
        "avbrott i serien: inte jämförbar med tidigare",
        "break in series: not comparable with earlier values",
    ),
    "doc.no_observations": ("Ei havaintoja.", "Inga värden.", "No values."),
    "doc.organisations": ("Organisaatiot", "Organisationer", "Organisations"),
    "doc.budgets": ("Talousarviosuunnitelmat", "Budgetplaner", "Budget plans"),
    "doc.budget_line": ("Momentti tai rivi", "Moment eller rad", "Line"),
    "doc.euros": ("Euroa", "Euro", "Euros"),
    "doc.allocated": ("Kohdennettu yhteistyöhön", "Anvisat till samarbetet", "Allocated to the cooperation"),
    "doc.example": ("esimerkki", "exempel", "example"),
    "doc.source": ("Lähde", "Källa", "Source"),
    "doc.website": ("Verkkosivut", "Webbplats", "Website"),
    "doc.fallback": ("kieli: {language}", "språk: {language}", "language: {language}"),
    "doc.generated": (
        "Tämä asiakirja on koottu strategian tietovarannosta.",
        "Detta dokument har sammanställts ur strategins datakälla.",
        "This document is compiled from the strategy's data repository.",
    ),
}

_COLUMN = {"fi": 0, "sv": 1, "en": 2}


def t(key: str, lang: str, **values: object) -> str:
    """The interface string `key` in `lang` (Finnish for an unknown language), filled with `values`."""
    text = MESSAGES[key][_COLUMN.get(lang, 0)]
    return text.format(**values) if values else text


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


__all__ = ["LANGS", "LANGUAGE_NAMES", "MESSAGES", "localized", "t"]
