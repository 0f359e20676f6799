"""Is a new open question the same as an open one, even in other words?

Two signals, both from what the store already knows (no model of its own):

- wording: a weighted Dice overlap of the two questions' terms as the store's index
  reads them (`Index.term_weights`: stems, synonym groups, the English glossary,
  verb forms, compound parts, typos), each term by its IDF in the store; a word the
  store does not know counts as itself, by its rarity in general language;
- nearness: the cosine of the two questions' nearest store items (the hits their
  search gave, each score as a share of the best). Two askers of one need land on the
  same items even where their words differ, and this holds when the bot is not sure
  enough to answer: those hits are kept with every open question.

A false link is the dangerous error (the asker is told their question is already
being handled and gets someone else's answer), so the threshold is set for
precision: fitted on pairs of the project's own evaluation set (queries with the
same relevant Q&A should link, others should not, out-of-scope questions included);
the shared set is the check it never saw (bench/qa_linking.py holds both figures).
Who may be linked to whom (label, incident, audience) is decided elsewhere
(storage/open_questions.py `link_candidates`), never here.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

# How much nearness counts beside wording. Explored on the own set's pairs: wording
# alone keeps precision >= 0.95 up to recall 0.14 there, but on the shared set the
# same threshold links with precision 0.67; with nearness at 0.5 the own set's
# recall at that precision is about the same and the shared set's precision stays
# high (the weight was picked among 0.3, 0.5, 1 and 2 on the own set only).
NEAREST_WEIGHT = 0.5
# The lowest score that links: the lowest threshold of bench/qa_linking.py --sweep at
# which the own set's pairs keep precision >= 0.95 (0.958, recall 0.134; 0.938 at
# 0.9). The shared set, never used to fit: precision 1.000, recall 0.106.
SAME_NEED = 0.95
# When either question has no nearest item (an empty store, or no word the store
# knows), there is no nearness to weigh: the words alone decide, at the share that
# knowledge/duplicates.py was calibrated to before (on the own set's pairs: precision
# 1.000, recall 0.070 for wording alone at 0.6; 0.957 at 0.5).
WORDING_ALONE = 0.6


@dataclass(frozen=True)
class Asked:
    """One question as linking compares it."""

    terms: Mapping[str, float]
    # Nearest store items: id -> score as a share of the best hit's score.
    nearest: Mapping[str, float]
    # What the question names (`names`): a place, a street, a road, a date.
    names: frozenset[str] = field(default_factory=frozenset)


def asked(terms: Mapping[str, float], hits: Iterable[tuple[str, float]], text: str = "") -> Asked:
    """A question from its term weights (`Index.term_weights`) and its hits (id, score),
    best first; hits without a positive score say nothing and are left out. `text`: its
    words, for what it names."""
    scored = [(item, score) for item, score in hits if score > 0]
    best = max((score for _, score in scored), default=0.0)
    nearest = {item: score / best for item, score in scored} if best else {}
    return Asked(dict(terms), nearest, names(text))


_SENTENCE = re.compile(r"[.?!:;\n]+")
_WORD = re.compile(r"\w+(?:[-'’]\w+)*")
# A TLP marking ("TLP:AMBER") is the question's label, not something it names.
_MARKING = re.compile(r"\btlp\s*:\s*[\w+]+", re.IGNORECASE)


def names(text: str) -> frozenset[str]:
    """What a question names, lowercased: words with a capital inside a sentence
    (Papendrecht, Dorpsstraat, sporthal Oost) and words with a digit (N3, A15, 12).

    Two questions that differ only in these ask about different things, however alike
    the rest of their words and their nearest store items are ("Hoeveel zandzakken
    krijgt Papendrecht?" and "... Alblasserdam?"): the store knows the subject, not the
    place, so neither signal sees the difference. A sentence's first word is left out
    (its capital says nothing) unless it stands alone before a colon, and so are a word
    of one letter (English "I") and a TLP marking."""
    found: set[str] = set()
    for sentence in _SENTENCE.split(_MARKING.sub(" ", text)):
        words = _WORD.findall(sentence)
        for position, word in enumerate(words):
            has_digit = any(ch.isdigit() for ch in word)
            # A word alone before a colon ("Papendrecht: hoeveel …") is a heading: a name.
            counts = position > 0 or len(words) == 1
            capital = counts and len(word) > 1 and word[0].isupper()
            if has_digit or capital:
                found.add(word.casefold())
    return frozenset(found)


def names_differ(a: Asked, b: Asked) -> bool:
    """Each question names something the other does not: two places, two dates. One that
    names nothing may be about the same place (asked from its own room) and is left to
    the score."""
    return bool(a.names - b.names) and bool(b.names - a.names)


# Words with which a room's member speaks for their organisation: "wij", "onze" in the
# room of Dordrecht is Dordrecht; the same words in Zwijndrecht's room ask for Zwijndrecht.
_OWN_SIDE = frozenset({"we", "wij", "ons", "onze", "our", "us", "ours"})


def speaks_for_own(text: str) -> bool:
    """Whether the question asks for the asker's own side ("krijgen wij", "onze school"):
    then the same words from another organisation are another question."""
    return any(word.casefold() in _OWN_SIDE for word in _WORD.findall(text))


def wording(a: Asked, b: Asked) -> float:
    """0..1: how much of both questions' weight their shared terms carry."""
    total = sum(a.terms.values()) + sum(b.terms.values())
    if not total:
        return 0.0
    common = sum(w for t, w in a.terms.items() if t in b.terms) + sum(
        w for t, w in b.terms.items() if t in a.terms
    )
    return common / total


def nearness(a: Asked, b: Asked) -> float:
    """0..1: the cosine of the two questions' nearest items."""
    dot = sum(share * b.nearest[item] for item, share in a.nearest.items() if item in b.nearest)
    if not dot:
        return 0.0
    norm = math.sqrt(sum(v * v for v in a.nearest.values())) * math.sqrt(
        sum(v * v for v in b.nearest.values())
    )
    return dot / norm


def score(a: Asked, b: Asked) -> float:
    """How sure linking is that `a` and `b` ask the same; links at `SAME_NEED`. Zero when
    they name different things (`names_differ`)."""
    if names_differ(a, b):
        return 0.0
    if not a.nearest or not b.nearest:
        # Wording alone, on the scale of the combined score.
        return wording(a, b) * SAME_NEED / WORDING_ALONE
    return wording(a, b) + NEAREST_WEIGHT * nearness(a, b)


def same_need(a: Asked, b: Asked) -> bool:
    return score(a, b) >= SAME_NEED
