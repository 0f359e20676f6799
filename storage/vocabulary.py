"""The fixed vocabulary of Knooppunt, defined once: stored values and their words.

Every term is a `StrEnum` whose value is what the database stores and what the
exports carry: English, as CAP/EDXL use (`Extreme`, `new`, `shelter`, `cold`).
Each member also knows its Dutch and English display word (`label(lang)`) and the
spellings a person may type, in either language (`parse`). So a Dutch room still
reads `opvang`, `ernstig`, `koud`, while code and interchange see one language.
Migration 0014 moved the Dutch values stored before (categories, phases) over.
"""

from __future__ import annotations

import re
import unicodedata
from enum import StrEnum
from typing import Self
from zoneinfo import ZoneInfo

# The one time zone of the Dutch crisis organisation: local times shown, typed and
# exported are Europe/Amsterdam wall-clock.
AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def fold(text: str) -> str:
    """Lower case without diacritics: `Coördinator` -> `coordinator`."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower().strip()


# Invisible format characters (Unicode category Cf) that a copy from a phone, a PDF or a
# web form puts in lines: a byte order mark, zero width (non-)joiners and spaces, bidi
# marks and overrides, the word joiner, the soft hyphen. Labels and field lines are read
# without them: one before `tlp: rood` (or inside "TLP:RED") would otherwise hide it.
INVISIBLE = re.compile(
    "[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb]"
)


def _normal(word: str) -> str:
    return " ".join(fold(word).split())


class Term(StrEnum):
    """A stored value with its display words (`nl`, `en`) and accepted spellings.

    Members are declared as `(value, nl, en, *words)`; `words` are the spellings
    a person may type, in the order suggestions show them (value, nl and en are
    accepted too).
    """

    nl: str
    en: str
    words: tuple[str, ...]

    def __new__(cls, value: str, nl: str, en: str, *words: str) -> Self:
        member = str.__new__(cls, value)
        member._value_ = value
        member.nl = nl
        member.en = en
        member.words = words
        return member

    def label(self, lang: str) -> str:
        """The word a room in `lang` reads: Dutch for `nl`, English otherwise."""
        return self.nl if lang == "nl" else self.en

    @classmethod
    def parse(cls, word: str) -> Self | None:
        """Any accepted spelling, either language, any case or accents -> member."""
        wanted = _normal(word)
        for member in cls:
            spellings = (member.value, member.nl, member.en, *member.words)
            if wanted in (_normal(s) for s in spellings):
                return member
        return None

    @classmethod
    def of(cls, value: str) -> Self:
        """The member stored as `value`; ValueError for anything else."""
        for member in cls:
            if member.value == value:
                return member
        raise ValueError(f"{value!r} is not a stored {cls.__name__}")

    @classmethod
    def display(cls, value: str, lang: str) -> str:
        """A stored value as a room in `lang` reads it; an unknown value as is."""
        member = cls.parse(value)
        return member.label(lang) if member is not None else value

    @classmethod
    def table(cls) -> dict[str, tuple[str, ...]]:
        """Stored value -> accepted words, for suggestions and `lookup`."""
        return {member.value: member.words for member in cls}


class Category(Term):
    SHELTER = ("shelter", "opvang", "shelter", "opvang", "shelter")
    HEALTH = ("health", "zorg", "health", "zorg", "health", "gezondheid")
    POWER = ("power", "stroom", "power", "stroom", "power", "elektriciteit", "electricity")
    WATER = ("water", "water", "water", "water", "drinkwater")
    TELECOM = ("telecom", "telecom", "telecom", "telecom", "telecommunicatie")
    MOBILITY = (
        "mobility",
        "mobiliteit",
        "mobility",
        "mobiliteit",
        "mobility",
        "verkeer",
        "traffic",
    )
    PUBLIC_ORDER = (
        "public-order",
        "openbare-orde",
        "public-order",
        "openbare-orde",
        "public-order",
        "openbare orde",
        "public order",
    )
    EVACUATION = ("evacuation", "evacuatie", "evacuation", "evacuatie", "evacuation")
    COMMUNICATION = (
        "communication",
        "communicatie",
        "communication",
        "communicatie",
        "communication",
        "communications",
    )
    # A fire (brand) is what a coordinator's first line names; it was refused as an
    # unknown category ("!melding brand"). Stored as a string: no migration needed.
    FIRE = ("fire", "brand", "fire", "brand", "fire", "brandweer")
    OTHER = ("other", "overig", "other", "overig", "other", "overige")


class Severity(Term):
    """CAP 1.2 severity; stored capitalised as CAP spells it, shown in lower case."""

    EXTREME = (
        "Extreme",
        "extreem",
        "extreme",
        "extreme",
        "extreem",
        "zeer ernstig",
        "zeer hoog",
        "kritiek",
        "critical",
        "very high",
    )
    SEVERE = ("Severe", "ernstig", "severe", "severe", "ernstig", "hoog", "high")
    MODERATE = ("Moderate", "matig", "moderate", "moderate", "matig", "gemiddeld", "medium")
    MINOR = ("Minor", "gering", "minor", "minor", "gering", "laag", "low", "klein", "licht")
    UNKNOWN = ("Unknown", "onbekend", "unknown", "unknown", "onbekend")

    @property
    def rank(self) -> int:
        """Extreme 4 ... Minor 1, Unknown 0: what an alert threshold compares."""
        return _SEVERITY_RANK[self]


_SEVERITY_RANK = {
    Severity.EXTREME: 4,
    Severity.SEVERE: 3,
    Severity.MODERATE: 2,
    Severity.MINOR: 1,
    Severity.UNKNOWN: 0,
}


class Status(Term):
    NEW = ("new", "nieuw", "new", "nieuw", "new")
    UPDATE = ("update", "update", "update", "update", "bijgewerkt", "bijwerking", "updated")
    RESOLVED = (
        "resolved",
        "opgelost",
        "resolved",
        "opgelost",
        "resolved",
        "afgerond",
        "closed",
        "hersteld",
        "afgehandeld",
        "restored",
    )


class Phase(Term):
    """The phase of an incident (koud, lauw, warm, na)."""

    COLD = ("cold", "koud", "cold", "koud", "cold")
    LUKEWARM = ("lukewarm", "lauw", "lukewarm", "lauw", "lukewarm")
    WARM = ("warm", "warm", "warm", "warm", "hot")
    AFTER = ("after", "na", "after", "na", "after", "nafase")


class Role(Term):
    """A room's role. Config, `!kamer koppel` and the console take either name."""

    LIAISON = ("liaison", "liaison", "liaison", "liaison", "verbindingsofficier", "partner")
    COORDINATOR = (
        "coordinator",
        "coördinator",
        "coordinator",
        "coordinator",
        "coördinator",
        "coordinatie",
    )
    MUNICIPALITY = ("municipality", "gemeente", "municipality", "municipality", "gemeente")
    CURATOR = ("curator", "redactie", "curator", "curator", "redactie", "redacteur")


class TlpLabel(Term):
    """TLP 2.0 labels, lowest to highest; their order and rules live in storage/tlp.py."""

    CLEAR = ("CLEAR", "CLEAR", "CLEAR", "clear", "white", "wit")
    GREEN = ("GREEN", "GREEN", "GREEN", "green", "groen")
    AMBER = ("AMBER", "AMBER", "AMBER", "amber", "oranje")
    AMBER_STRICT = (
        "AMBER+STRICT",
        "AMBER+STRICT",
        "AMBER+STRICT",
        "amber+strict",
        "amber-strict",
        "amberstrict",
        "amber strict",
    )
    RED = ("RED", "RED", "RED", "red", "rood")


class OrgKind(Term):
    EMERGENCY_SERVICE = (
        "emergency-service",
        "hulpdienst",
        "emergency service",
        "hulpdienst",
        "emergency-service",
        "emergency service",
    )
    INFRASTRUCTURE_OPERATOR = (
        "infrastructure-operator",
        "infrabeheerder",
        "infrastructure operator",
        "infrabeheerder",
        "infrastructure-operator",
        "netbeheerder",
    )
    SERVICE_PROVIDER = (
        "service-provider",
        "dienstverlener",
        "service provider",
        "dienstverlener",
        "service-provider",
    )
    INCIDENTAL_PARTNER = (
        "incidental-partner",
        "incidentele-partner",
        "incidental partner",
        "incidentele-partner",
        "incidental-partner",
    )
    GOVERNMENT = ("government", "overheid", "government", "overheid", "government")


class Sector(Term):
    """A vital sector (vitale sector): what organisations and reports belong to, and what
    the dependency map links ("energy -> telecom"). Stored English, typed either way."""

    ENERGY = (
        "energy",
        "energie",
        "energy",
        "energie",
        "energy",
        "stroom",
        "elektriciteit",
        "electricity",
        "power",
    )
    TELECOM = ("telecom", "telecom", "telecom", "telecom", "telecommunicatie", "ict")
    DRINKING_WATER = (
        "drinking-water",
        "drinkwater",
        "drinking water",
        "drinkwater",
        "drinking-water",
        "drinking water",
    )
    HEALTH = ("health", "zorg", "health", "zorg", "health", "gezondheidszorg", "healthcare")
    WATER_MANAGEMENT = (
        "water-management",
        "waterbeheer",
        "water management",
        "waterbeheer",
        "water-management",
        "water management",
        "waterkering",
    )
    TRANSPORT = ("transport", "vervoer", "transport", "vervoer", "transport", "mobiliteit")
    FUEL = ("fuel", "brandstof", "fuel", "brandstof", "fuel", "brandstoffen")
    FOOD = ("food", "voedsel", "food", "voedsel", "food", "voedselvoorziening")
    FINANCE = (
        "finance",
        "betalingsverkeer",
        "payments",
        "betalingsverkeer",
        "finance",
        "payments",
        "financieel",
    )
    PUBLIC_SAFETY = (
        "public-safety", "openbare veiligheid", "public safety", "openbare-veiligheid",
        "public-safety", "public safety", "hulpdiensten",
    )  # fmt: skip


# The sector a report's category speaks for, when the report names no `sector:` (a
# `!melding stroom` is about energy). Water is not here: it may be drinking water or
# high water, so a water report's sector comes from `sector:` or its organisation.
CATEGORY_SECTOR: dict[str, str] = {
    Category.POWER: Sector.ENERGY,
    Category.TELECOM: Sector.TELECOM,
    Category.HEALTH: Sector.HEALTH,
}
# The category a dependent sector's liaison uses to answer an alert (`!melding telecom`).
SECTOR_CATEGORY: dict[str, str] = {
    Sector.ENERGY: Category.POWER,
    Sector.TELECOM: Category.TELECOM,
    Sector.HEALTH: Category.HEALTH,
    Sector.DRINKING_WATER: Category.WATER,
    Sector.WATER_MANAGEMENT: Category.WATER,
    Sector.TRANSPORT: Category.MOBILITY,
}


# The tables the parsers and suggestions read: stored value -> accepted words.
CATEGORIES = Category.table()
SEVERITIES = Severity.table()
STATUSES = Status.table()
PHASES = Phase.table()
ROLES = Role.table()
ORG_KINDS = OrgKind.table()
SECTORS = Sector.table()


def lookup(table: dict[str, tuple[str, ...]], word: str) -> str | None:
    wanted = _normal(word)
    for canonical, words in table.items():
        if wanted == fold(canonical) or wanted in (fold(w) for w in words):
            return canonical
    return None


def all_words(table: dict[str, tuple[str, ...]]) -> list[str]:
    return [w for words in table.values() for w in words]
