"""The fixed vocabulary of situation entries, Dutch and English.

Canonical values are stored; every spelling a liaison may type maps to one.
"""

from __future__ import annotations

import unicodedata

# Canonical category -> accepted words (the first Dutch word is shown in Dutch).
CATEGORIES: dict[str, tuple[str, ...]] = {
    "opvang": ("opvang", "shelter"),
    "zorg": ("zorg", "health", "gezondheid"),
    "stroom": ("stroom", "power", "elektriciteit", "electricity"),
    "water": ("water", "drinkwater"),
    "telecom": ("telecom", "telecommunicatie"),
    "mobiliteit": ("mobiliteit", "mobility", "verkeer", "traffic"),
    "openbare-orde": ("openbare-orde", "public-order", "openbare orde", "public order"),
    "evacuatie": ("evacuatie", "evacuation"),
    "communicatie": ("communicatie", "communication", "communications"),
    "overig": ("overig", "other", "overige"),
}
CATEGORY_EN = {
    "opvang": "shelter",
    "zorg": "health",
    "stroom": "power",
    "water": "water",
    "telecom": "telecom",
    "mobiliteit": "mobility",
    "openbare-orde": "public-order",
    "evacuatie": "evacuation",
    "communicatie": "communication",
    "overig": "other",
}

# CAP 1.2 severity -> accepted words.
SEVERITIES: dict[str, tuple[str, ...]] = {
    "Extreme": ("extreme", "extreem", "zeer ernstig", "kritiek", "critical"),
    "Severe": ("severe", "ernstig", "hoog", "high"),
    "Moderate": ("moderate", "matig", "gemiddeld", "medium"),
    "Minor": ("minor", "gering", "laag", "low", "klein", "licht"),
    "Unknown": ("unknown", "onbekend"),
}
SEVERITY_NL = {
    "Extreme": "extreem",
    "Severe": "ernstig",
    "Moderate": "matig",
    "Minor": "gering",
    "Unknown": "onbekend",
}
SEVERITY_ORDER = {"Extreme": 4, "Severe": 3, "Moderate": 2, "Minor": 1, "Unknown": 0}

STATUSES: dict[str, tuple[str, ...]] = {
    "new": ("nieuw", "new"),
    "update": ("update", "bijgewerkt", "bijwerking", "updated"),
    "resolved": ("opgelost", "resolved", "afgerond", "closed"),
}
STATUS_NL = {"new": "nieuw", "update": "update", "resolved": "opgelost"}

PHASES: dict[str, tuple[str, ...]] = {
    "koud": ("koud", "cold"),
    "lauw": ("lauw", "lukewarm"),
    "warm": ("warm", "hot"),
    "na": ("na", "after", "nafase"),
}

ROLES: dict[str, tuple[str, ...]] = {
    "liaison": ("liaison", "verbindingsofficier", "partner"),
    "coordinator": ("coordinator", "coördinator", "coordinatie"),
    "municipality": ("municipality", "gemeente"),
    "curator": ("curator", "redactie", "redacteur"),
}

ORG_KINDS: dict[str, tuple[str, ...]] = {
    "emergency-service": ("hulpdienst", "emergency-service", "emergency service"),
    "infrastructure-operator": ("infrabeheerder", "infrastructure-operator", "netbeheerder"),
    "service-provider": ("dienstverlener", "service-provider"),
    "incidental-partner": ("incidentele-partner", "incidental-partner"),
    "government": ("overheid", "government"),
}


def fold(text: str) -> str:
    """Lower case without diacritics: `Coördinator` -> `coordinator`."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower().strip()


def lookup(table: dict[str, tuple[str, ...]], word: str) -> str | None:
    wanted = " ".join(fold(word).split())
    for canonical, words in table.items():
        if wanted == fold(canonical) or wanted in (fold(w) for w in words):
            return canonical
    return None


def all_words(table: dict[str, tuple[str, ...]]) -> list[str]:
    return [w for words in table.values() for w in words]
