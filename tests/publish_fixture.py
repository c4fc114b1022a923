"""A small strategy for the publishing tests: partial translations and hostile record text."""

from __future__ import annotations

from sisturva.documents import parse
from sisturva.strategy import Strategy, build

SCRIPT = "<script>alert(1)</script>"
JS_LINK = "[klikkaa](javascript:alert(1))"

FILES: dict[str, str] = {
    "sisturva.yaml": "schema: 1\nlanguages: [fi, sv, en]\nplanning_years: {start: 2021, end: 2025}\n",
    "strategy.yaml": (
        "name: {fi: Testistrategia, sv: Teststrategi, en: Test strategy}\n"
        "mission:\n"
        "  fi: |\n"
        "    Arjen turvallisuus <b>kaikille</b>.\n\n"
        "    # Ei otsikko\n"
        "  en: Everyday security for all.\n"
        "tasks:\n"
        "  - {fi: '- ei luettelo', sv: '- ingen lista', en: '- not a list'}\n"
        "  - {fi: 1. ei numeroitu, en: 1. not numbered}\n"
        "cooperation_group: {name: {fi: Yhteistyöryhmä, sv: Samarbetsgruppen}, chair: sm, members: [sm, evil]}\n"
        "expert_network: {name: Asiantuntijaverkosto, members: [sm, poliisihallitus]}\n"
        "secretariat: {organisation: sm}\n"
        "source: {title: Sisäministeriö, url: 'https://intermin.fi/a_b', published: 2021-03-05}\n"
    ),
    "organisations/sm.yaml": (
        "id: sm\nname: {fi: Sisäministeriö, sv: Inrikesministeriet, en: Ministry of the Interior}\n"
        "short_name: SM\nkind: ministry\nwebsite: https://intermin.fi\n"
    ),
    "organisations/poliisihallitus.yaml": "id: poliisihallitus\nname: Poliisihallitus\nkind: agency\nparent: sm\n",
    "organisations/evil.yaml": f"id: evil\nname: 'Paha {SCRIPT} & co'\nkind: other\n",
    "phenomena/tunne.yaml": (
        "id: tunne\ntitle: {fi: Turvallisuuden tunne, sv: Trygghetskänsla}\nstatus: prioritised\n"
        "proposed_by: [sm]\nindicators: [luottamus]\n"
        "description: 'Rivi | taulukon | rikkoja ja `koodi` ja *korostus*'\n"
    ),
    "indicators/luottamus.yaml": (
        "id: luottamus\n"
        "name: {fi: Luottamus poliisiin, sv: Förtroende för polisen, en: Trust in the police}\n"
        "unit: '%'\n"
        "direction: higher-is-better\n"
        "frequency_years: 2\n"
        "observations:\n"
        "  - {year: 2018, value: 95, source: Poliisibarometri 2018}\n"
        "  - {year: 2020, value: 91.5}\n"
        "  - {year: 2022, value: 92}\n"
        "  - year: 2023\n"
        "    value: 89\n"
        "    comparable: false\n"
        "    note: {fi: Menetelmä muuttui, en: The method changed}\n"
        "source: Poliisibarometri\n"
    ),
    "indicators/muutos.yaml": (
        "id: muutos\nname: Muutos\nunit: prosenttiyksikköä\ndirection: lower-is-better\n"
        "observations:\n  - {year: 2021, value: -1.5, note: '=1+2'}\n"
    ),
    "priorities/p1.yaml": (
        "id: p1\n"
        "number: 1\n"
        f"title: {{fi: '{JS_LINK} | **lihava** @tiimi', sv: Trygghet}}\n"
        "description: Pitkäsanaisuus " + "turvallisuus" * 12 + "\n"
        "status: active\n"
        "period: {start: 2021, end: 2025}\n"
        "phenomena: [tunne]\n"
        "group:\n"
        "  chair: sm\n"
        "  members: [sm, poliisihallitus]\n"
        "  subgroups:\n"
        "    - {id: viestinta, name: Viestintä, chair: poliisihallitus, members: [sm]}\n"
        "goals:\n"
        "  - id: p1-g1\n"
        "    title: {fi: Luottamus kasvaa, sv: Förtroendet ökar, en: Trust grows}\n"
        "    indicator: luottamus\n"
        "    baseline: {year: 2020, value: 91.5}\n"
        "    target: {year: 2025, value: 94}\n"
        "    due: 2025-12-31\n"
        "  - id: p1-g2\n"
        "    title: Muutos pienenee\n"
        "    indicator: muutos\n"
        "    baseline: {year: 2019, value: 0}\n"
        "    target: {year: 2025, value: -3}\n"
        "    example: true\n"
        "  - id: p1-g3\n"
        "    title: Ohjeet päivitetään\n"
        "    status: proposed\n"
    ),
    "commitments/poliisihallitus.yaml": (
        "organisation: poliisihallitus\n"
        "commitments:\n"
        "  - id: viestinta\n"
        "    action: {fi: Turvallisuusviestintä, sv: Säkerhetskommunikation}\n"
        "    goals: [p1-g1, p1-g2]\n"
        "    period: {start: 2022, end: 2024}\n"
        "    status: in-progress\n"
        "    progress: 40\n"
        "    resources:\n"
        "      - {year: 2022, budget_line: 26.10.01, euros: 100000.50, person_years: 1.5}\n"
        "      - {year: 2023, budget_line: 26.10.01, euros: 1234567}\n"
        "  - id: kaava\n"
        '    action: \'=HYPERLINK("http://evil.example", "klikkaa")\'\n'
        "    description: '@SUM(A1)'\n"
        "    goals: [p1-g1]\n"
        "    period: {start: 2023}\n"
        "    example: true\n"
        "  - id: monirivinen\n"
        '    action: "+rivi 1\\nrivi 2, \\"lainaus\\""\n'
        "    goals: [p1-g3]\n"
        "    period: {start: 2024}\n"
        "    status: cancelled\n"
    ),
    "budgets/poliisihallitus.yaml": (
        "organisation: poliisihallitus\n"
        "kind: state-tts\n"
        "status: adopted\n"
        "years: {start: 2022, end: 2024}\n"
        "lines:\n"
        "  - id: 26.10.01\n"
        "    name: {fi: Poliisitoimen toimintamenot, sv: Polisväsendets omkostnader}\n"
        "    amounts:\n"
        "      - {year: 2023, euros: 800000000, allocated: 1500000}\n"
        "      - {year: 2022, euros: 799999999.99, allocated: 200000, source: TTS 2022–2025}\n"
        "    source: Valtion talousarvio\n"
        "  - id: '99.99'\n"
        "    name: \"=cmd|' /C calc'!A0\"\n"
        "    amounts:\n"
        "      - {year: 2022, euros: 1}\n"
        "person_years:\n"
        "  - {year: 2022, available: 2}\n"
    ),
}


def strategy(files: dict[str, str] | None = None) -> Strategy:
    """The publishing fixture (or `files`) built through the real parser and builder."""
    given = FILES if files is None else files
    return build([(rel, parse(rel, text.encode())) for rel, text in given.items()])
