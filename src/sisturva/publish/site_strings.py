"""Interface strings of the static site in Finnish, Swedish and English (shared ones come from messages)."""

from __future__ import annotations

# key: (fi, sv, en)
STRINGS: dict[str, tuple[str, str, str]] = {
    "skip": ("Siirry sisältöön", "Hoppa till innehållet", "Skip to content"),
    "nav.main": ("Päävalikko", "Huvudmeny", "Main menu"),
    "nav.languages": ("Kieli", "Språk", "Language"),
    "nav.home": ("Etusivu", "Startsida", "Home"),
    "nav.organisations": ("Organisaatiot", "Organisationer", "Organisations"),
    "nav.indicators": ("Mittarit", "Indikatorer", "Indicators"),
    "nav.phenomena": ("Ilmiöt", "Fenomen", "Phenomena"),
    "nav.changes": ("Muutokset", "Ändringar", "Changes"),
    "languages.title": ("Valitse kieli", "Välj språk", "Choose a language"),
    "front.mission": ("Tehtävä", "Uppdrag", "Mission"),
    "front.tasks": ("Tehtävät", "Uppgifter", "Tasks"),
    "front.levels": ("Yhteistyön kolme tasoa", "Samarbetets tre nivåer", "The three levels of cooperation"),
    "front.priorities": ("Painopisteet", "Prioriteringar", "Priorities"),
    "front.goals": ("tavoitetta", "mål", "goals"),
    "level.secretariat": ("Sihteeristö", "Sekretariatet", "Secretariat"),
    "chair": ("Puheenjohtaja", "Ordförande", "Chair"),
    "members": ("Jäsenet", "Medlemmar", "Members"),
    "priority": ("Painopiste", "Prioritering", "Priority"),
    "priority.group": ("Painopisteryhmä", "Prioriteringsgrupp", "Priority group"),
    "priority.subgroups": ("Alaryhmät", "Undergrupper", "Subgroups"),
    "priority.phenomena": (
        "Ilmiöt, joihin painopiste vastaa",
        "Fenomen som prioriteringen svarar på",
        "Phenomena it answers",
    ),
    "priority.goals": ("Tavoitteet", "Mål", "Goals"),
    "priority.no_goals": ("Tavoitteita ei ole vielä asetettu.", "Inga mål ännu.", "No goals yet."),
    "period": ("Kausi", "Period", "Period"),
    "status": ("Tila", "Status", "Status"),
    "goal.indicator": ("Mittari", "Indikator", "Indicator"),
    "goal.baseline": ("Lähtötaso", "Utgångsläge", "Baseline"),
    "goal.target": ("Tavoitetaso", "Målvärde", "Target"),
    "goal.due": ("Määräaika", "Tidsfrist", "Due"),
    "goal.commitments": (
        "Sitoumukset tämän tavoitteen hyväksi",
        "Åtaganden för detta mål",
        "Commitments serving this goal",
    ),
    "goal.no_commitments": ("Ei vielä sitoumuksia.", "Inga åtaganden ännu.", "No commitments yet."),
    "chart.observations": ("Havainnot", "Observationer", "Observations"),
    "chart.none": ("ei havaintoja", "inga observationer", "none"),
    "chart.table": ("Havainnot taulukkona", "Observationerna i tabellform", "The observations as a table"),
    "year": ("Vuosi", "År", "Year"),
    "value": ("Arvo", "Värde", "Value"),
    "note": ("Huomautus", "Anmärkning", "Note"),
    "break": (
        "Sarjassa katko: ei vertailukelpoinen aiempiin",
        "Avbrott i serien: inte jämförbar med tidigare värden",
        "Break in series: not comparable with earlier values",
    ),
    "no_observations": ("Ei havaintoja.", "Inga observationer.", "No observations."),
    "organisation": ("Organisaatio", "Organisation", "Organisation"),
    "action": ("Toimenpide", "Åtgärd", "Action"),
    "progress": ("Edistyminen", "Framsteg", "Progress"),
    "serves": ("Tavoitteet", "Mål", "Goals served"),
    "resources": ("Resurssit", "Resurser", "Resources"),
    "euros": ("Euroa", "Euro", "Euros"),
    "person_years": ("Henkilötyövuotta", "Årsverken", "Person-years"),
    "budget_line": ("Talousarvion rivi", "Budgetrad", "Budget line"),
    "org.kind": ("Tyyppi", "Typ", "Kind"),
    "org.parent": ("Ylempi organisaatio", "Överordnad organisation", "Parent organisation"),
    "org.website": ("Verkkosivut", "Webbplats", "Website"),
    "org.commitments": ("Sitoumukset", "Åtaganden", "Commitments"),
    "org.no_commitments": ("Ei sitoumuksia.", "Inga åtaganden.", "No commitments."),
    "org.budget": ("Talousarvio ja sen kohdentuminen", "Budget och dess inriktning", "Budget alignment"),
    "org.no_budget": (
        "Talousarviosuunnitelmaa ei ole annettu.",
        "Ingen budgetplan.",
        "No budget plan given.",
    ),
    "budget.kind": ("Suunnitelma", "Plan", "Plan"),
    "budget.years": ("Vuodet", "År", "Years"),
    "align.allocated": ("Yhteistyöhön kohdennettu", "Anvisat för samarbetet", "Allocated"),
    "align.committed": ("Sitoumuksiin varattu", "Bundet i åtaganden", "Committed"),
    "align.remaining": ("Jäljellä", "Återstår", "Remaining"),
    "align.person_years": (
        "Henkilötyövuodet: käytetty / käytettävissä",
        "Årsverken: använda / tillgängliga",
        "Person-years: used / available",
    ),
    "align.unplanned": ("ei suunnitelmassa", "utanför planen", "outside the plan"),
    "align.over": ("ylitys", "överskridning", "over"),
    "goal.expected": ("Odotettu taso nyt", "Förväntad nivå nu", "Expected by now"),
    "goal.latest": ("Viimeisin arvo", "Senaste värde", "Latest value"),
    "goal.progress": (
        "{n} sitoumusta, edistyminen keskimäärin {mean} %",
        "{n} åtaganden, i genomsnitt {mean} % framsteg",
        "{n} commitments, {mean} % progress on average",
    ),
    "front.verdicts": ("Tavoitteiden tilanne", "Målens läge", "Where the goals stand"),
    "align.caption": (
        "Yhteistyöhön kohdennetut ja sitoumuksiin varatut eurot vuosittain",
        "Euro anvisade för samarbetet och bundna i åtaganden per år",
        "Euros allocated to the cooperation and committed, by year",
    ),
    "indicator.unit": ("Yksikkö", "Enhet", "Unit"),
    "indicator.direction": ("Suunta", "Riktning", "Direction"),
    "indicator.frequency": ("Päivitysväli (vuotta)", "Uppdateringsintervall (år)", "Update interval (years)"),
    "indicator.owner": ("Vastuutaho", "Ansvarig", "Responsible"),
    "indicator.goals": ("Tavoitteet, joita mittari seuraa", "Mål som indikatorn följer", "Goals it measures"),
    "indicator.phenomena": ("Ilmiöt", "Fenomen", "Phenomena"),
    "indicator.latest": ("Viimeisin", "Senaste", "Latest"),
    "source": ("Lähde", "Källa", "Source"),
    "example": (
        "Esimerkki: keksitty havainnollistamaan",
        "Exempel: påhittat för att illustrera",
        "Example: invented for illustration",
    ),
    "phenomenon.proposed_by": ("Ehdottaja", "Föreslaget av", "Proposed by"),
    "phenomenon.indicators": ("Mittarit", "Indikatorer", "Indicators"),
    "phenomenon.priorities": ("Painopisteet", "Prioriteringar", "Priorities"),
    "changes.title": ("Muutosloki", "Ändringslogg", "Change log"),
    "changes.intro": (
        "Strategian viimeisimmät muutokset versionhallinnasta.",
        "De senaste ändringarna i strategin enligt versionshanteringen.",
        "Recent changes to the strategy, from version control.",
    ),
    "changes.none": (
        "Muutoshistoria ei ole saatavilla, koska strategiaa ei säilytetä git-versionhallinnassa.",
        "Ändringshistoriken finns inte, eftersom strategin inte förvaras i git.",
        "No change history: the strategy is not kept in a git repository.",
    ),
    "changes.versions": ("Hyväksytyt versiot", "Godkända versioner", "Approved versions"),
    "changes.recent": ("Viimeisimmät muutokset", "Senaste ändringar", "Recent changes"),
    "changes.version": ("Versio", "Version", "Version"),
    "changes.empty": ("Ei muutoksia.", "Inga ändringar.", "No changes."),
    "changes.date": ("Päivä", "Datum", "Date"),
    "changes.subject": ("Muutos", "Ändring", "Change"),
    "changes.commit": ("Versio", "Version", "Commit"),
    "footer.downloads": ("Lataukset", "Nedladdningar", "Downloads"),
    "footer.document": (
        "Koko strategia yhtenä asiakirjana",
        "Hela strategin som ett dokument",
        "The whole strategy as one document",
    ),
    "footer.data": (
        "Avoin data (JSON ja CSV kuvauksineen)",
        "Öppna data (JSON och CSV med beskrivningar)",
        "Open data (JSON and CSV with their schemas)",
    ),
    "data.title": ("Avoin data", "Öppna data", "Open data"),
    "data.intro": (
        "Strategia yhtenä JSON-tiedostona sekä sitoumukset, talousarviot ja mittarit CSV-tiedostoina. "
        "Kunkin CSV-tiedoston sarakkeet on kuvattu sen Table Schema -tiedostossa.",
        "Strategin som en JSON-fil samt åtaganden, budgetar och indikatorer som CSV-filer. "
        "Kolumnerna i varje CSV-fil beskrivs i dess Table Schema-fil.",
        "The strategy as one JSON file, and commitments, budgets and indicators as CSV files. "
        "The columns of each CSV file are described in its Table Schema file.",
    ),
    "footer.made": ("Julkaistu sisturva-työkalulla.", "Publicerad med sisturva.", "Published with sisturva."),
    "status.priority.preparing": ("Valmisteilla", "Under beredning", "Preparing"),
    "status.priority.active": ("Toiminnassa", "Aktiv", "Active"),
    "status.priority.completed": ("Päättynyt", "Avslutad", "Completed"),
    "status.priority.retired": ("Luovuttu", "Avförd", "Retired"),
    "status.goal.proposed": ("Ehdotettu", "Föreslaget", "Proposed"),
    "status.goal.active": ("Voimassa", "Aktivt", "Active"),
    "status.goal.achieved": ("Saavutettu", "Uppnått", "Achieved"),
    "status.goal.dropped": ("Luovuttu", "Slopat", "Dropped"),
    "status.commitment.planned": ("Suunniteltu", "Planerat", "Planned"),
    "status.commitment.in-progress": ("Käynnissä", "Pågår", "In progress"),
    "status.commitment.done": ("Valmis", "Klart", "Done"),
    "status.commitment.cancelled": ("Peruttu", "Inställt", "Cancelled"),
    "status.phenomenon.observed": ("Havaittu", "Observerat", "Observed"),
    "status.phenomenon.monitored": ("Seurannassa", "Följs upp", "Monitored"),
    "status.phenomenon.prioritised": ("Painopisteenä", "Prioriterat", "Prioritised"),
    "status.phenomenon.retired": ("Ei enää seurannassa", "Följs inte längre", "Retired"),
    "status.budget.draft": ("Luonnos", "Utkast", "Draft"),
    "status.budget.adopted": ("Hyväksytty", "Antagen", "Adopted"),
    "budget.state-tts": (
        "Toiminta- ja taloussuunnitelma (TTS)",
        "Verksamhets- och ekonomiplan",
        "Operating and financial plan",
    ),
    "budget.state-jts": (
        "Julkisen talouden suunnitelma (JTS)",
        "Planen för de offentliga finanserna",
        "General government fiscal plan",
    ),
    "budget.state-budget": ("Valtion talousarvio", "Statsbudget", "State budget"),
    "budget.municipal": (
        "Kunnan talousarvio ja -suunnitelma",
        "Kommunens budget och ekonomiplan",
        "Municipal budget and financial plan",
    ),
    "budget.wellbeing-services-county": (
        "Hyvinvointialueen talousarvio",
        "Välfärdsområdets budget",
        "Wellbeing services county budget",
    ),
    "budget.ngo": ("Järjestön talousarvio", "Organisationens budget", "NGO budget"),
    "budget.other": ("Muu suunnitelma", "Annan plan", "Other plan"),
}


def _capitalised(prefixes: tuple[str, ...]) -> dict[str, tuple[str, str, str]]:
    from .messages import MESSAGES

    def cap(text: str) -> str:
        return text[:1].upper() + text[1:]

    return {
        key: (cap(fi), cap(sv), cap(en)) for key, (fi, sv, en) in MESSAGES.items() if key.startswith(prefixes)
    }


# The site shows organisation kinds and indicator directions as labels: the shared words, capitalised.
STRINGS.update(_capitalised(("kind.", "direction.")))

_COLUMN = {"fi": 0, "sv": 1, "en": 2}


def translate(key: str, lang: str) -> str:
    """The site string `key` in `lang`, else the shared one; unknown keys raise KeyError (a template fault)."""
    found = STRINGS.get(key)
    if found is not None:
        return found[_COLUMN[lang]]
    from .messages import MESSAGES

    return MESSAGES[key][_COLUMN[lang]]
