"""Ranking curated Q&As for a question: BM25 (bm25s) over Dutch-aware terms.

The index is built in-process from the store and rebuilt when the store's
version changes (another process may import), so the ranking is the same on
SQLite and PostgreSQL.
"""

from __future__ import annotations

from dataclasses import dataclass

import bm25s
import numpy as np

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
        corpus = []
        for item in items:
            asked = " ".join([item.question, *item.alternatives])
            corpus.append(
                terms(
                    " ".join(
                        [asked] * QUESTION_WEIGHT + [item.topic.replace("/", " "), item.answer]
                    )
                )
            )
        self._bm25 = bm25s.BM25()
        # bm25s takes pre-tokenised text as lists of strings via its Tokenized helper.
        vocab: dict[str, int] = {}
        ids = [[vocab.setdefault(t, len(vocab)) for t in doc] for doc in corpus]
        self._vocab = vocab
        self._bm25.index(bm25s.tokenization.Tokenized(ids=ids, vocab=vocab), show_progress=False)

    def search(self, query: str, limit: int = 3, exclude: frozenset[str] = frozenset()) -> Result:
        query_terms = [t for t in terms(query) if t in self._vocab]
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
