"""The text of the files `init` writes into a new strategy repository, in the repository's languages, Finnish first."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

SECRETARIAT_ID = "sihteeristo"
"""The placeholder organisation that acts as the secretariat until the real one is named."""

EMPTY_FOLDERS = ("phenomena", "indicators", "priorities", "commitments", "budgets")
"""Record folders the scaffold leaves empty: each gets a `.gitkeep` so git keeps it."""

Texts = Mapping[str, str]

_NAME: Texts = {"fi": "Uusi strategia", "sv": "Ny strategi", "en": "New strategy"}
_MISSION: Texts = {
    "fi": "Kirjoita tähän yhdellä tai kahdella virkkeellä, mitä yhteistyöllä tavoitellaan.",
    "sv": "Skriv här med en eller två meningar vad samarbetet ska uppnå.",
    "en": "Write here, in a sentence or two, what the cooperation is for.",
}
_GROUP: Texts = {"fi": "Yhteistyöryhmä", "sv": "Samarbetsgruppen", "en": "Cooperation group"}
_NETWORK: Texts = {"fi": "Asiantuntijaverkosto", "sv": "Expertnätverket", "en": "Expert network"}
_SECRETARIAT: Texts = {"fi": "Sihteeristö", "sv": "Sekretariatet", "en": "Secretariat"}

# One comment line per language the repository uses, so each reader finds their own.
_SETTINGS_NOTE: Texts = {
    "fi": "Asetukset: tiedostomuodon versio, kielet (suomi ensin) ja strategian suunnitteluvuodet.",
    "sv": "Inställningar: filformatets version, språken (finska först) och strategins planeringsår.",
    "en": "Settings: the file format's version, the languages (Finnish first) and the planning years.",
}
_STRATEGY_NOTE: Texts = {
    "fi": "Strategian nimi ja tehtävä sekä yhteistoimintamallin kolme tasoa. Korvaa paikkamerkit.",
    "sv": "Strategins namn och uppdrag samt samverkansmodellens tre nivåer. Byt ut platshållarna.",
    "en": "The strategy's name and mission, and the cooperation model's three levels. Replace the placeholders.",
}
_ORGANISATION_NOTE: Texts = {
    "fi": (
        "Paikkamerkki: vaihda tilalle sihteeristönä toimiva organisaatio, esimerkiksi ministeriö "
        "(nimeä tiedosto ja id uudelleen ja muuta viittaukset strategy.yaml-tiedostossa)."
    ),
    "sv": (
        "Platshållare: byt ut den mot organisationen som fungerar som sekretariat, till exempel "
        "ett ministerium (byt namn på filen och id:t och ändra hänvisningarna i strategy.yaml)."
    ),
    "en": (
        "Placeholder: replace it with the organisation that acts as the secretariat, e.g. a "
        "ministry (rename the file and the id, and change the references in strategy.yaml)."
    ),
}


def modeline(schema: str, base: str) -> str:
    """The first line of a file: the JSON Schema the YAML language server checks it with."""
    return f"# yaml-language-server: $schema={base}{schema}.schema.json\n"


def _comments(note: Texts, langs: Sequence[str]) -> str:
    import textwrap

    return "".join(f"# {line}\n" for lang in langs for line in textwrap.wrap(note[lang], 98))


def _text(key: str, texts: Texts, langs: Sequence[str], indent: str = "", mapping: bool | None = None) -> str:
    """`key: text`: a plain string in a one-language repository, else a mapping with each of `langs`."""
    if not (len(langs) > 1 if mapping is None else mapping):
        return f"{indent}{key}: {quoted(texts[langs[0]])}\n"
    return f"{indent}{key}:\n" + "".join(f"{indent}  {lang}: {quoted(texts[lang])}\n" for lang in langs)


def quoted(value: str) -> str:
    """`value` as a YAML scalar: plain when it reads back as the same text, else double-quoted."""
    import json

    import yaml

    if value and value == value.strip() and "\n" not in value and value[:1].isalpha():
        try:
            if yaml.safe_load(f"k: {value}\n") == {"k": value}:
                return value
        except yaml.YAMLError:
            pass
    return json.dumps(value, ensure_ascii=False)


def settings(langs: Sequence[str], start: int, end: int) -> str:
    """`sisturva.yaml`."""
    return (
        modeline("settings", "schemas/")
        + _comments(_SETTINGS_NOTE, langs)
        + "schema: 1\n"
        + f"languages: [{', '.join(langs)}]\n"
        + "required_languages: [fi]\n"
        + "currency: EUR\n"
        + "planning_years:\n"
        + f"  start: {start}\n"
        + f"  end: {end}\n"
    )


def strategy(langs: Sequence[str], name: str | None) -> str:
    """`strategy.yaml`: name, mission and the three levels, with the placeholder secretariat in each."""
    # A name given is in the first language; its translations are for the user to add.
    named = (
        _text("name", {"fi": name}, ["fi"], mapping=len(langs) > 1) if name else _text("name", _NAME, langs)
    )
    return (
        modeline("strategy", "schemas/")
        + _comments(_STRATEGY_NOTE, langs)
        + named
        + _text("mission", _MISSION, langs)
        + "cooperation_group:\n"
        + _text("name", _GROUP, langs, "  ")
        + f"  chair: {SECRETARIAT_ID}\n"
        + f"  members: [{SECRETARIAT_ID}]\n"
        + "expert_network:\n"
        + _text("name", _NETWORK, langs, "  ")
        + f"  members: [{SECRETARIAT_ID}]\n"
        + "secretariat:\n"
        + f"  organisation: {SECRETARIAT_ID}\n"
    )


def secretariat(langs: Sequence[str]) -> str:
    """`organisations/sihteeristo.yaml`: the placeholder organisation the three levels name."""
    return (
        modeline("organisation", "../schemas/")
        + _comments(_ORGANISATION_NOTE, langs)
        + f"id: {SECRETARIAT_ID}\n"
        + _text("name", _SECRETARIAT, langs)
        + "kind: other\n"
    )


PRE_COMMIT_HOOKS = ("sisturva-validate", "sisturva-fmt")
"""The hooks the generated `.pre-commit-config.yaml` runs, as sisturva's `.pre-commit-hooks.yaml` names them."""


def pre_commit(strategy_dir: str) -> str:
    """`.pre-commit-config.yaml` at the top of the work tree; `strategy_dir` is the strategy folder from there."""
    where = "" if strategy_dir == "." else f" -C {strategy_dir}"
    return f"""\
# pre-commit (https://pre-commit.com): install pre-commit and sisturva (as the CI workflows do, from
# SISTURVA_SOURCE), then run `pre-commit install`: every commit is checked and formatted first.
#
# These hooks are local: they run the sisturva installed on this machine, so no address of
# sisturva's repository is needed here. That repository declares the same hooks (the same ids) in
# its .pre-commit-hooks.yaml; to have pre-commit install sisturva by itself, replace the
# `- repo: local` entry with one that names it (FORGE/OWNER as in SISTURVA_SOURCE, rev a release tag):
#   - repo: https://FORGE/OWNER/sisturva
#     rev: v0.1.0
#     hooks: [{{id: sisturva-validate}}, {{id: sisturva-fmt}}]
repos:
  - repo: local
    hooks:
      - id: sisturva-validate
        name: sisturva validate
        entry: sisturva validate{where}
        language: system
        files: \\.yaml$
        pass_filenames: false
      - id: sisturva-fmt
        name: sisturva fmt
        entry: sisturva fmt{where}
        language: system
        files: \\.yaml$
        pass_filenames: false
"""


_README_FI = """\
## Suomeksi

Tämä on elävä strategia, joka pidetään YAML-tiedostoina git-repositoriossa ja tarkistetaan
sisturva-työkalulla.

### Miten kumppani ehdottaa muutosta

1. **Muokkaa oman organisaatiosi tiedostoja**: `organisations/ORG.yaml` (organisaation tiedot ja
   sen tiedostojen tarkastajat, `owners`), `commitments/ORG.yaml` (sitoumukset, niiden tavoitteet
   ja resurssit vuosittain) ja `budgets/ORG.yaml` (oma talousarvio- tai TTS-suunnitelma). Tiedoston
   ensimmäinen rivi kertoo editorille sen skeeman: editori, jossa on YAML language server
   (esimerkiksi VS Code ja Red Hatin YAML-laajennus), täydentää ja tarkistaa kentät kirjoittaessa.
   Uuden tietueen saa valmiiksi komennolla, esimerkiksi
   `sisturva new commitment poha-viestinta --org poliisihallitus --goal p1-g1 --action "Mitä teemme" --start 2025`.
2. **Tarkista muutos** halutessasi ennen lähettämistä: `sisturva validate`.
3. **Avaa pull request** (GitLabissa merge request) omasta haarastasi päähaaraan.
4. **Katso arviointikommentti**: CI tarkistaa muutoksen ja kirjoittaa siitä pull requestiin
   kommentin, joka kertoo strategian kielellä, mitä muuttui (sitoumukset, tavoitteet, eurot ja
   henkilötyövuodet), miten muutos vaikuttaa talousarvioiden kohdistukseen ja kenen on arvioitava se.
5. **Arvioijat**: muutoksen arvioivat niiden organisaatioiden `owners`-kentässä nimetyt henkilöt
   tai tiimit, joiden tiedostoja muutos koskee. Yhteiset tiedostot (`priorities/`, `indicators/`,
   `phenomena/`, `strategy.yaml`, `sisturva.yaml`) arvioi sihteeristö. Jokainen kumppani voi
   ehdottaa muutosta; päähaaraan yhdistetty muutos julkaistaan.
"""

_README_SV = """\
## På svenska

Det här är en levande strategi som förs som YAML-filer i ett git-förråd och kontrolleras med
verktyget sisturva.

### Hur en partner föreslår en ändring

1. **Redigera din organisations egna filer**: `organisations/ORG.yaml` (organisationens uppgifter
   och vem som granskar dess filer, `owners`), `commitments/ORG.yaml` (åtagandena, deras mål och
   resurser per år) och `budgets/ORG.yaml` (den egna budget- eller verksamhetsplanen). Filens
   första rad anger dess schema: en editor med YAML language server kompletterar och kontrollerar
   fälten medan du skriver. Ett nytt åtagande skapas med till exempel
   `sisturva new commitment poha-viestinta --org poliisihallitus --goal p1-g1 --action "Vad vi gör" --start 2025`.
2. **Kontrollera ändringen** om du vill innan du skickar den: `sisturva validate`.
3. **Öppna en pull request** (i GitLab en merge request) från din gren till huvudgrenen.
4. **Läs granskningskommentaren**: CI kontrollerar ändringen och skriver en kommentar om vad som
   ändrades i strategins termer (åtaganden, mål, euro och årsverken), hur ändringen påverkar
   budgetkopplingen och vem som ska granska den.
5. **Granskare**: ändringen granskas av de personer eller team som anges i `owners` för de
   organisationer vars filer ändras. Gemensamma filer (`priorities/`, `indicators/`, `phenomena/`,
   `strategy.yaml`, `sisturva.yaml`) granskas av sekretariatet. Varje partner får föreslå
   ändringar; en ändring som förs in i huvudgrenen publiceras.
"""

_README_EN = """\
## In English

This is a living strategy kept as YAML files in a git repository and checked with sisturva.

### How a partner proposes a change

1. **Edit your own organisation's files**: `organisations/ORG.yaml` (the organisation and who
   reviews its files, `owners`), `commitments/ORG.yaml` (its commitments, the goals they serve and
   their resources by year) and `budgets/ORG.yaml` (its own budget plan). Each file names its
   schema on its first line: an editor with the YAML language server (e.g. VS Code with Red Hat's
   YAML extension) completes and checks the fields as you type. A new record is scaffolded with,
   e.g., `sisturva new commitment poha-viestinta --org poliisihallitus --goal p1-g1 --action "What we do" --start 2025`.
2. **Check the change** before you send it, if you like: `sisturva validate`.
3. **Open a pull request** (a merge request on GitLab) from your branch to the main branch.
4. **Read the review comment**: CI validates the change and comments on the pull request with what
   changed in strategy terms (commitments, goals, euros and person-years), what it does to the
   alignment with budget plans, and who must review it.
5. **Who reviews**: the people or teams named in `owners` of each organisation whose files the
   change touches. Shared files (`priorities/`, `indicators/`, `phenomena/`, `strategy.yaml`,
   `sisturva.yaml`) are reviewed by the secretariat. Every partner may propose a change; a change
   merged into the main branch is published.
"""


def readme(langs: Sequence[str], title: str | None) -> str:
    """`README.md`: how partners propose changes, in Finnish, then Swedish if used, then English."""
    sections = [_README_FI]
    if "sv" in langs:
        sections.append(_README_SV)
    # English always closes it: the tool, its messages and CI speak English.
    sections.append(_README_EN)
    return f"# {title or _NAME['fi']}\n\n" + "\n".join(sections)
