"""Ranking curated Q&As for a question: BM25 (bm25s) over Dutch-aware terms.

The index is built in-process from the store and rebuilt when the store's
version changes (another process may import), so the ranking is the same on
SQLite and PostgreSQL.
"""

from __future__ import annotations

from dataclasses import dataclass

import bm25s
import numpy as np
from rapidfuzz import fuzz, process

from knowledge.model import QA
from knowledge.text import terms

# Questions and their alternative phrasings say what a Q&A is about better than
# its answer does: they count twice.
QUESTION_WEIGHT = 2
# Below this BM25 score the bot does not guess (calibrated on the eval set plus
# out-of-scope questions; see bench/qa_eval.py).
CONFIDENT_SCORE = 6.0


@dataclass(frozen=True)
class Hit:
    id: str
    score: float
    question: str


@dataclass(frozen=True)
class Result:
    query: str
    confident: bool
    hits: list[Hit]


class Index:
    def __init__(self, items: list[QA], version: int = 0) -> None:
        self.items = items
        self.version = version
        raw = []
        for item in items:
            asked = " ".join([item.question, *item.alternatives])
            text = " ".join([asked] * QUESTION_WEIGHT + [item.topic.replace("/", " "), item.answer])
            raw.append(terms(text))
        # Parts of compounds ("opvangplekken" -> opvang + plek) count as terms too,
        # split against the store's own vocabulary, so a query for either part finds them.
        self._known = {t for doc in raw for t in doc if len(t) >= 3}
        corpus = [doc + [part for t in doc for part in self._parts(t)] for doc in raw]
        self._bm25 = bm25s.BM25()
        # bm25s takes pre-tokenised text as lists of strings via its Tokenized helper.
        vocab: dict[str, int] = {}
        ids = [[vocab.setdefault(t, len(vocab)) for t in doc] for doc in corpus]
        self._vocab = vocab
        self._vocab_list = list(vocab)
        self._bm25.index(bm25s.tokenization.Tokenized(ids=ids, vocab=vocab), show_progress=False)

    def _parts(self, term: str) -> list[str]:
        if len(term) < 8:
            return []
        for cut in range(len(term) - 3, 3, -1):
            left, right = term[:cut], term[cut:]
            for head in (left, left[:-1] if left.endswith(("s", "e")) else None):
                if head and len(head) >= 4 and head in self._known and right in self._known:
                    return [head, right]
        return []

    def _query_terms(self, query: str) -> list[str]:
        found: list[str] = []
        for term in terms(query):
            if term in self._vocab:
                found.append(term)
                continue
            parts = [p for p in self._parts(term) if p in self._vocab]
            if parts:
                found += parts
            elif len(term) >= 5:
                # A typo: the closest term of the store, if it is close enough.
                match = process.extractOne(
                    term, self._vocab_list, scorer=fuzz.ratio, score_cutoff=85
                )
                if match is not None:
                    found.append(match[0])
        return found

    def search(self, query: str, limit: int = 3, exclude: frozenset[str] = frozenset()) -> Result:
        query_terms = self._query_terms(query)
        if not query_terms or not self.items:
            return Result(query, False, [])
        scores = self._bm25.get_scores(query_terms)
        order = np.argsort(-scores)
        hits = []
        for position in order:
            item = self.items[int(position)]
            if item.id in exclude:
                continue
            if scores[position] <= 0:
                break
            hits.append(Hit(item.id, float(scores[position]), item.question))
            if len(hits) == limit:
                break
        confident = bool(hits) and hits[0].score >= CONFIDENT_SCORE
        return Result(query, confident, hits)
