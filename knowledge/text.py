"""Text to search terms: fold diacritics, split, drop stop words, stem (Dutch Snowball), synonyms.

The synonym groups are general Dutch crisis vocabulary (never phrases taken
from an evaluation set): each group maps to its first member, after stemming.
"""

from __future__ import annotations

import re
from functools import lru_cache

import Stemmer

from storage.vocabulary import fold

_WORD = re.compile(r"[a-z0-9]+")

STOP_WORDS = frozenset(
    [
        "de",
        "het",
        "een",
        "en",
        "of",
        "in",
        "op",
        "aan",
        "van",
        "voor",
        "met",
        "bij",
        "uit",
        "om",
        "tot",
        "als",
        "dat",
        "die",
        "dit",
        "deze",
        "wat",
        "wie",
        "waar",
        "hoe",
        "is",
        "zijn",
        "ben",
        "bent",
        "was",
        "waren",
        "wordt",
        "worden",
        "werd",
        "kan",
        "kunnen",
        "kun",
        "mag",
        "mogen",
        "moet",
        "moeten",
        "wil",
        "willen",
        "ik",
        "je",
        "jij",
        "u",
        "we",
        "wij",
        "ze",
        "zij",
        "hij",
        "mijn",
        "uw",
        "onze",
        "hun",
        "er",
        "niet",
        "geen",
        "wel",
        "ook",
        "nog",
        "al",
        "dan",
        "naar",
        "over",
        "the",
        "a",
        "an",
        "and",
        "or",
        "of",
        "to",
        "in",
        "on",
        "for",
        "with",
        "by",
        "is",
        "are",
        "can",
        "do",
        "does",
        "how",
        "what",
        "where",
        "who",
        "i",
        "you",
        "we",
        "my",
        "your",
    ]
)

SYNONYM_GROUPS: tuple[tuple[str, ...], ...] = (
    ("vluchteling", "ontheemde", "oekrainer", "asielzoeker", "refugee", "displaced"),
    ("opvang", "onderdak", "huisvesting", "opvangplek", "opvangplaats", "shelter", "accommodation"),
    ("gemeente", "municipality", "gemeentehuis"),
    ("stroomstoring", "stroomuitval", "elektriciteitsstoring", "power", "outage", "blackout"),
    ("drinkwater", "kraanwater", "leidingwater"),
    ("evacuatie", "evacueren", "evacuation", "evacuate"),
    ("overstroming", "hoogwater", "wateroverlast", "flood", "flooding"),
    ("kosten", "vergoeding", "financiering", "geld", "betalen", "costs", "compensation"),
    ("inschrijven", "inschrijving", "registreren", "registratie", "brp", "register"),
    ("werk", "werken", "baan", "arbeid", "work", "job"),
    ("school", "onderwijs", "leerplicht", "education"),
    ("zorg", "gezondheidszorg", "huisarts", "healthcare"),
    ("leefgeld", "uitkering", "toelage", "allowance"),
    ("gastgezin", "gastgezinnen", "particulier", "host"),
)


@lru_cache(maxsize=1)
def _stemmer() -> Stemmer.Stemmer:
    return Stemmer.Stemmer("dutch")


@lru_cache(maxsize=1)
def _synonyms() -> dict[str, str]:
    stem = _stemmer().stemWord
    table: dict[str, str] = {}
    for group in SYNONYM_GROUPS:
        canonical = stem(fold(group[0]))
        for word in group:
            table[stem(fold(word))] = canonical
    return table


def terms(text: str) -> list[str]:
    """The search terms of a text, in order (duplicates kept: BM25 counts them)."""
    words = [w for w in _WORD.findall(fold(text)) if w not in STOP_WORDS and len(w) > 1]
    stems = _stemmer().stemWords(words)
    synonyms = _synonyms()
    return [synonyms.get(s, s) for s in stems]
