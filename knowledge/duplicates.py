"""Is a new question the same as an open one? A symmetric, IDF-weighted term overlap.

The rule before knowledge/linking.py: the bot links open questions there now (by their
words as the store's index reads them, and by their nearest store items). Kept as the
baseline bench/qa_linking.py reports beside it.

Search answers "which item covers this question"; linking two open questions needs
more: both questions must ask the same thing, so the overlap is measured from both
sides (weighted Dice). Terms are the search's Dutch-aware terms (stems, synonyms,
diacritics folded); a term that is rare in the store counts more than a common one,
and a term the store has never seen counts fully. A typo of a term in the other
question (rapidfuzz ratio >= 85, five letters or more) counts as that term.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

from rapidfuzz import fuzz

from knowledge.text import terms

# Calibrated on hand-made pairs in tests/unit/test_answers_learn.py: paraphrases of one
# need score 0.6 and higher; questions that share one word ("waar koop ik vuurwerk" /
# "waar koop ik een parkeervergunning") stay well below.
SAME_QUESTION = 0.6
TYPO_RATIO = 85


def document_frequencies(texts: Iterable[str]) -> dict[str, int]:
    """In how many of `texts` each term occurs."""
    df: dict[str, int] = {}
    for text in texts:
        for term in set(terms(text)):
            df[term] = df.get(term, 0) + 1
    return df


def similarity(a: str, b: str, df: Mapping[str, int], n: int) -> float:
    """0..1: how much of both questions' weight the two share."""
    left, right = set(terms(a)), set(terms(b))
    if not left or not right:
        return 0.0

    def weight(term: str) -> float:
        count = df.get(term, 0)
        return math.log(1 + (n - count + 0.5) / (count + 0.5))

    def shared(term: str, other: set[str]) -> bool:
        if term in other:
            return True
        # "vraag … aan" / "aanvragen": a term that ends another (4 letters or more) is
        # the same word with a prefix or as the head of a compound.
        for o in other:
            short, long = (term, o) if len(term) <= len(o) else (o, term)
            if len(short) >= 4 and long.endswith(short):
                return True
        return len(term) >= 5 and any(
            len(o) >= 5 and fuzz.ratio(term, o) >= TYPO_RATIO for o in other
        )

    total = sum(weight(t) for t in left) + sum(weight(t) for t in right)
    common = sum(weight(t) for t in left if shared(t, right)) + sum(
        weight(t) for t in right if shared(t, left)
    )
    return common / total if total else 0.0
