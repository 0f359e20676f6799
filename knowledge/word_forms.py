"""A question word the store does not know, read as store terms it stands for.

The store's vocabulary is stemmed (Dutch Snowball) and mapped through the synonym
groups (knowledge/text.py). A question word outside it may still be a form of a
known word that the stemmer leaves apart:

- a verb in the third person ("uitvalt", "houdt"): Snowball keeps the "-t", so
  "uitvalt" never meets "uitval";
- a compound whose parts the store knows only through a synonym or in another
  form ("verkoelingsplek" = verkoeling + plek, where the store says "koele plek":
  the parts are stemmed and mapped as words of their own, which the index's
  compound split over raw store terms does not do).

General Dutch morphology, nothing from an evaluation set. Used only for words the
store does not know, so a word the store knows ranks as before.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

import Stemmer

from knowledge.text import (
    STOP_WORDS,
    SYNONYM_GROUPS,
    _stemmer,
    _synonyms,
    _zipf_table,
    read_glossary,
)
from storage.vocabulary import fold

# A compound's parts: at least this long (shorter parts are mostly suffixes or
# chance matches: "net", "act").
MIN_HEAD = 4
MIN_TAIL = 4
# Linking sounds between the parts of a Dutch compound ("verkoeling-s-plek",
# "boek-en-kast", "zonn-e-bloem").
_LINKS = ("s", "en", "e", "")


def as_term(word: str) -> str:
    """A (folded) word as a store term: stemmed, then through the synonym groups."""
    stem: str = _stemmer().stemWord(word)
    return _synonyms().get(stem, stem)


def verb_form(word: str, known: Callable[[str], bool]) -> str | None:
    """A present-tense verb in the third person ("uitvalt", "houdt") as the store
    term of its stem, if the store knows it."""
    if len(word) < 5 or not word.endswith("t"):
        return None
    term = as_term(word[:-1])
    return term if known(term) else None


def compound_parts(word: str, known: Callable[[str], bool]) -> list[str]:
    """A compound as two store terms, each part stemmed and mapped on its own;
    the longest known head first. Empty when no split has both parts known."""
    for cut in range(len(word) - MIN_TAIL, MIN_HEAD - 1, -1):
        tail = word[cut:]
        if tail in STOP_WORDS:
            continue
        tail_term = as_term(tail)
        if not known(tail_term):
            continue
        for link in _LINKS:
            if link and not word[:cut].endswith(link):
                continue
            head = word[: cut - len(link)] if link else word[:cut]
            if len(head) < MIN_HEAD:
                continue
            head_term = as_term(head)
            if known(head_term):
                return [head_term, tail_term]
    return []


@lru_cache(maxsize=1)
def _english_stemmer() -> Stemmer.Stemmer:
    return Stemmer.Stemmer("english")


def _is_english(word: str) -> bool:
    """More frequent in general English than in general Dutch (wordfreq's lists)."""
    return _zipf_table("en").get(word, 0.0) > _zipf_table("nl").get(word, 0.0)


@lru_cache(maxsize=1)
def _english_terms() -> dict[str, str]:
    """English stem -> store term, for each glossary word and each English member of
    a synonym group (the first listed keeps a stem two words share)."""
    stem = _english_stemmer().stemWord
    table: dict[str, str] = {}
    for english, dutch in read_glossary().items():
        table.setdefault(stem(english), as_term(dutch))
    for group in SYNONYM_GROUPS:
        for member in map(fold, group):
            if " " not in member and _is_english(member):
                table.setdefault(stem(member), as_term(member))
    return table


def english_form(word: str, known: Callable[[str], bool]) -> str | None:
    """An English word as the store term of the glossary or synonym word with the
    same English stem ("flooded" as "flood"), if the store knows that term."""
    if not _is_english(word):
        return None
    term = _english_terms().get(_english_stemmer().stemWord(word))
    return term if term is not None and known(term) else None


def store_terms(word: str, known: Callable[[str], bool]) -> list[str]:
    """The store terms an unknown word stands for (empty: none found)."""
    verb = verb_form(word, known)
    if verb is not None:
        return [verb]
    parts = compound_parts(word, known)
    if parts:
        return parts
    english = english_form(word, known)
    return [english] if english is not None else []
