"""Ranking curated content for a question: BM25 (bm25s) over Dutch-aware terms.

Two BM25 indexes are combined: the whole item (question, phrasings, topic,
answer) and the question field alone, because what an item is *about* is
said by its question far better than by its answer. Items of one topic then
lend each other a little of their score (cluster smoothing): a curated store
files several phrasings of a need under one topic, and a vague question that
touches that topic should surface its best item.

The index is built in-process from the store and rebuilt when the store's
version changes (another process may import), so the ranking is the same on
SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import bm25s
import numpy as np
from rapidfuzz import fuzz, process

from knowledge.model import QA
from knowledge.text import terms

# How much the question-field score counts beside the whole-item score.
QUESTION_FIELD_WEIGHT = 3.0
# How much an item borrows from the mean score of its topic.
TOPIC_SMOOTHING = 0.5
# Below this score the bot does not guess (calibrated with bench/qa_eval.py on
# the eval set and on out-of-scope questions written beforehand).
CONFIDENT_SCORE = 6.0


@dataclass(frozen=True)
class Document:
    """What the index ranks: a Q&A, or one section of a guidance document."""

    id: str
    title: str
    body: str
    topic: str = ""
    alternatives: tuple[str, ...] = ()
    label: str = "GREEN"

    @classmethod
    def from_qa(cls, item: QA) -> Document:
        return cls(
            id=item.id,
            title=item.question,
            body=item.answer,
            topic=item.topic,
            alternatives=tuple(item.alternatives),
            label=item.tlp,
        )


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


def _bm25(corpus: list[list[str]]) -> tuple[bm25s.BM25 | None, dict[str, int]]:
    if not any(corpus):
        return None, {}  # bm25s cannot index nothing; an empty store matches nothing
    vocab: dict[str, int] = {}
    ids = [[vocab.setdefault(t, len(vocab)) for t in doc] for doc in corpus]
    model = bm25s.BM25()
    # bm25s takes pre-tokenised text through its Tokenized container.
    model.index(bm25s.tokenization.Tokenized(ids=ids, vocab=vocab), show_progress=False)
    return model, vocab


class Index:
    def __init__(self, items: Sequence[QA | Document], version: int = 0) -> None:
        self.documents = [i if isinstance(i, Document) else Document.from_qa(i) for i in items]
        self.version = version
        self._position = {doc.id: n for n, doc in enumerate(self.documents)}
        asked = [terms(" ".join([d.title, *d.alternatives])) for d in self.documents]
        whole = [
            q + terms(d.topic.replace("/", " ")) + terms(d.body)
            for q, d in zip(asked, self.documents, strict=True)
        ]
        # Parts of compounds ("opvangplekken" -> opvang + plek) count as terms too,
        # split against the store's own vocabulary, so a query for either part finds them.
        self._known = {t for doc in whole for t in doc if len(t) >= 3}
        self._whole, self._vocab = _bm25([self._with_parts(doc) for doc in whole])
        self._asked, self._asked_vocab = _bm25([self._with_parts(doc) for doc in asked])
        self._vocab_list = list(self._vocab)
        topics: dict[str, int] = {}
        self._topic_of = np.array(
            [
                topics.setdefault(d.topic or f"#{n}", len(topics))
                for n, d in enumerate(self.documents)
            ],
            dtype=np.int64,
        )
        sizes = np.bincount(self._topic_of, minlength=len(topics)).astype(float)
        # Only topics with several items lend scores; a lone item keeps its own.
        self._topic_sizes = sizes
        self._shared = sizes[self._topic_of] > 1

    def document(self, doc_id: str) -> Document | None:
        position = self._position.get(doc_id)
        return None if position is None else self.documents[position]

    def _with_parts(self, doc: list[str]) -> list[str]:
        return doc + [part for t in doc for part in self._parts(t)]

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

    def scores(self, query_terms: list[str]) -> np.ndarray:
        if self._whole is None:
            return np.zeros(len(self.documents))
        scores = np.asarray(self._whole.get_scores(query_terms), dtype=float)
        asked = [t for t in query_terms if t in self._asked_vocab]
        if asked and self._asked is not None:
            scores = scores + QUESTION_FIELD_WEIGHT * self._asked.get_scores(asked)
        return scores

    def search(
        self,
        query: str,
        limit: int = 3,
        exclude: frozenset[str] = frozenset(),
        accept: Callable[[Document], bool] | None = None,
    ) -> Result:
        query_terms = self._query_terms(query)
        if not query_terms or not self.documents:
            return Result(query, False, [])
        raw = self.scores(query_terms)
        for item_id in exclude:
            if (n := self._position.get(item_id)) is not None:
                raw[n] = 0.0
        if accept is not None:
            for n, doc in enumerate(self.documents):
                if not accept(doc):
                    raw[n] = 0.0
        sums = np.bincount(self._topic_of, weights=raw, minlength=len(self._topic_sizes))
        means = sums.astype(float) / self._topic_sizes
        scores = raw + TOPIC_SMOOTHING * means[self._topic_of] * self._shared
        hits = []
        for position in np.argsort(-scores, kind="stable"):
            if raw[position] <= 0:
                continue
            doc = self.documents[int(position)]
            hits.append(Hit(doc.id, float(scores[position]), doc.title))
            if len(hits) == limit:
                break
        confident = bool(hits) and hits[0].score >= CONFIDENT_SCORE
        return Result(query, confident, hits)
