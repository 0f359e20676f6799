"""Ranking curated content for a question: BM25 (bm25s) over Dutch-aware terms.

Ranking is topic first, then item. A curated store files the phrasings of one
need under one topic (several municipalities asking the same thing); all the
questions of a topic together say what that need is far better than any one
item does, so a BM25 index over topics ("all questions of this topic" as one
document) weighs most. Within the topic, items are ranked by BM25 over the
whole item (question, phrasings, topic, answer), BM25 over the question field
alone, and character 4-grams of the question (inflections, compounds, typos).
Items without a topic are topics of their own.

The index is built in-process from the store and rebuilt when the store's
version changes (another process may import), so the ranking is the same on
SQLite and PostgreSQL.
"""

from __future__ import annotations

import hashlib
import logging
import math
import os
import pickle
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from rapidfuzz import fuzz, process

from knowledge.model import QA
from knowledge.text import _WORD, STOP_WORDS, rarity, terms, worded_terms
from storage.vocabulary import fold

if TYPE_CHECKING:
    # numpy and bm25s cost a noticeable part of the bot's start (several hundred ms on
    # a busy machine) and are needed only once a question is searched: imported there.
    import bm25s
    import numpy as np


def _import_bm25s() -> None:
    """Import bm25s; it sets its own logger to DEBUG then and would log every index build."""
    import bm25s  # noqa: F401

    logging.getLogger("bm25s").setLevel(logging.WARNING)


# How much the question-field score counts beside the whole-item score.
QUESTION_FIELD_WEIGHT = 3.0
# How much character 4-grams of the question field count: they catch inflections,
# compounds and typos that whole-word terms miss.
GRAM_WEIGHT = 0.3
GRAM_SIZE = 4
# How much the topic's score counts beside the item's own: most (topic first).
TOPIC_WEIGHT = 6.0
# The bot answers only when the best item and the questions of its topic together
# cover at least this share of what was asked (IDF-weighted, so a rare word counts
# more than a common one, and a word the store has never seen counts fully
# against). A share rather than a raw BM25 score, because raw scores grow with the
# size of the store. Calibrated with bench/qa_eval.py on the eval set and on
# out-of-scope questions written beforehand: 0.35 to 0.45 give the same outcome.
CONFIDENT_COVERAGE = 0.4


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
    # Share of the question's weight that the best hit covers (0..1).
    coverage: float = 0.0


def char_grams(text: str, size: int = GRAM_SIZE) -> list[str]:
    grams: list[str] = []
    for word in _WORD.findall(fold(text)):
        if word in STOP_WORDS:
            continue
        padded = f"_{word}_"
        if len(padded) <= size:
            grams.append(padded)
        else:
            grams += [padded[i : i + size] for i in range(len(padded) - size + 1)]
    return grams


def _bm25(corpus: list[list[str]]) -> tuple[bm25s.BM25 | None, dict[str, int]]:
    import bm25s

    _import_bm25s()
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
        import numpy as np

        self.documents = [i if isinstance(i, Document) else Document.from_qa(i) for i in items]
        self.version = version
        self._position = {doc.id: n for n, doc in enumerate(self.documents)}
        self._without: dict[frozenset[str], Index] = {}
        asked = [terms(" ".join([d.title, *d.alternatives])) for d in self.documents]
        whole = [
            q + terms(d.topic.replace("/", " ")) + terms(d.body)
            for q, d in zip(asked, self.documents, strict=True)
        ]
        # Parts of compounds ("opvangplekken" -> opvang + plek) count as terms too,
        # split against the store's own vocabulary, so a query for either part finds them.
        self._known = {t for doc in whole for t in doc if len(t) >= 3}
        whole = [self._with_parts(doc) for doc in whole]
        asked = [self._with_parts(doc) for doc in asked]
        self._whole, self._vocab = _bm25(whole)
        self._asked, self._asked_vocab = _bm25(asked)
        self._grams, self._gram_vocab = _bm25(
            [char_grams(" ".join([d.title, *d.alternatives])) for d in self.documents]
        )
        # Per item, the set of its terms; per term, in how many items it occurs.
        # Tuples rather than sets: a saved index loads several times faster, and
        # coverage needs the set of one item per question only.
        self._term_sets = [tuple(set(doc)) for doc in whole]
        self._df: dict[str, int] = {}
        for term_set in self._term_sets:
            for term in term_set:
                self._df[term] = self._df.get(term, 0) + 1
        self._vocab_list = list(self._vocab)
        topics: dict[str, int] = {}
        self._topic_of = np.array(
            [
                topics.setdefault(d.topic or f"#{n}", len(topics))
                for n, d in enumerate(self.documents)
            ],
            dtype=np.int64,
        )
        topic_terms: list[list[str]] = [[] for _ in topics]
        for n, doc in enumerate(asked):
            topic_terms[self._topic_of[n]] += doc
        self._topics, self._topic_vocab = _bm25(topic_terms)
        self._topic_term_sets = [set(doc) for doc in topic_terms]

    def __getstate__(self) -> dict[str, object]:
        """Saved without the per-exclusion indexes, and with the documents as a few
        long strings: ten thousand small objects make a saved index slow to load."""
        state = dict(vars(self))
        state["_without"] = {}
        documents = state.pop("documents")
        columns: dict[str, tuple[str, list[int]]] = {}
        for name in ("id", "title", "body", "topic", "label"):
            values = [getattr(d, name) for d in documents]
            columns[name] = ("".join(values), [len(v) for v in values])
        flat = [a for d in documents for a in d.alternatives]
        columns["alternatives"] = ("".join(flat), [len(a) for a in flat])
        state["_columns"] = columns
        state["_alternative_counts"] = [len(d.alternatives) for d in documents]
        return state

    def __setstate__(self, state: dict[str, object]) -> None:
        columns: dict[str, tuple[str, list[int]]] = state.pop("_columns")  # type: ignore[assignment]
        counts: list[int] = state.pop("_alternative_counts")  # type: ignore[assignment]
        values: dict[str, list[str]] = {}
        for name, (joined, lengths) in columns.items():
            cut, start = [], 0
            for length in lengths:
                cut.append(joined[start : start + length])
                start += length
            values[name] = cut
        alternatives, start = [], 0
        for count in counts:
            alternatives.append(tuple(values["alternatives"][start : start + count]))
            start += count
        vars(self).update(state)
        self.documents = [
            Document(i, t, b, topic, alts, label)
            for i, t, b, topic, alts, label in zip(
                values["id"],
                values["title"],
                values["body"],
                values["topic"],
                alternatives,
                values["label"],
                strict=True,
            )
        ]

    def without(self, ids: frozenset[str]) -> Index:
        """The index of this store minus `ids`, built from scratch.

        An evaluation never sees what it evaluates: left-out items are out of every
        document, statistic and vocabulary (topic documents, coverage, IDF, compound
        parts), not merely scored zero. Kept per set of ids (an evaluation asks again).
        """
        present = ids & self._position.keys()
        if not present:
            return self
        key = frozenset(present)
        cached = self._without.get(key)
        if cached is None:
            if len(self._without) >= 64:
                self._without.clear()
            cached = Index([d for d in self.documents if d.id not in key], self.version)
            self._without[key] = cached
        return cached

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

    def _mapped_terms(self, query: str, content_only: bool = False) -> list[list[str]]:
        """Per query term, the store terms it stands for (none: unknown to the store)."""
        return [group for _, group in self._mapped_words(query, content_only)]

    def _mapped_words(self, query: str, content_only: bool = False) -> list[tuple[str, list[str]]]:
        """Per query word, the store terms it stands for (none: unknown to the store)."""
        mapped: list[tuple[str, list[str]]] = []
        for word, term in worded_terms(query, content_only):
            if term in self._vocab:
                mapped.append((word, [term]))
                continue
            parts = [p for p in self._parts(term) if p in self._vocab]
            if parts:
                mapped.append((word, parts))
            elif len(term) >= 5:
                # A typo: the closest term of the store, if it is close enough.
                match = process.extractOne(
                    term, self._vocab_list, scorer=fuzz.ratio, score_cutoff=85
                )
                mapped.append((word, [match[0]] if match is not None else []))
            else:
                mapped.append((word, []))
        return mapped

    def _idf(self, term: str | None) -> float:
        n = len(self.documents)
        df = self._df.get(term, 0) if term else 0
        return math.log(1 + (n - df + 0.5) / (df + 0.5))

    def coverage(self, mapped: list[tuple[str, list[str]]], position: int) -> float:
        """IDF-weighted share of the query terms in item `position` or its topic's questions.

        A word the store has never seen counts against by its rarity in general
        language (an everyday word little, a rare one as much as the rarest term)."""
        have = set(self._term_sets[position]) | self._topic_term_sets[self._topic_of[position]]
        total = covered = 0.0
        for word, group in mapped:
            if not group:
                total += self._idf(None) * rarity(word)
                continue
            for term in group:
                weight = self._idf(term) / len(group)
                total += weight
                if term in have:
                    covered += weight
        return covered / total if total else 0.0

    def scores(self, query_terms: list[str]) -> np.ndarray:
        import numpy as np

        if self._whole is None:
            return np.zeros(len(self.documents))
        scores = np.asarray(self._whole.get_scores(query_terms), dtype=float)
        asked = [t for t in query_terms if t in self._asked_vocab]
        if asked and self._asked is not None:
            scores = scores + QUESTION_FIELD_WEIGHT * self._asked.get_scores(asked)
        return scores

    def topic_scores(self, query_terms: list[str]) -> np.ndarray:
        import numpy as np

        known = [t for t in query_terms if t in self._topic_vocab]
        if not known or self._topics is None:
            return np.zeros(len(self._topic_term_sets))
        return np.asarray(self._topics.get_scores(known), dtype=float)

    def gram_scores(self, query: str) -> np.ndarray | None:
        import numpy as np

        grams = [g for g in char_grams(query) if g in self._gram_vocab]
        if not grams or self._grams is None:
            return None
        return GRAM_WEIGHT * np.asarray(self._grams.get_scores(grams), dtype=float)

    def search(
        self,
        query: str,
        limit: int = 3,
        exclude: frozenset[str] = frozenset(),
        accept: Callable[[Document], bool] | None = None,
        refuse: frozenset[str] = frozenset(),
    ) -> Result:
        """The best `limit` items for `query`, and whether the best is a sure answer.

        `exclude`: items out of the index altogether (every statistic, the confidence).
        `accept`: items it refuses score zero but still count in the topic documents,
        IDF and confidence, so it is no confidentiality filter: what a reader may not
        see goes in `exclude` (knowledge/service.py `Store.indexes_for`).
        `refuse`: ids scored zero, as `accept` refuses them, without a call per item
        (at 10,000 items a Python call per item costs more than the ranking).
        """
        import numpy as np

        if exclude:
            smaller = self.without(exclude)
            if smaller is not self:
                return smaller.search(query, limit, accept=accept, refuse=refuse)
        mapped = self._mapped_terms(query)
        query_terms = [t for group in mapped for t in group]
        if not query_terms or not self.documents:
            return Result(query, False, [])
        raw = self.scores(query_terms)
        grams = self.gram_scores(query)
        if grams is not None:
            raw = raw + grams
        if accept is not None:
            for n, doc in enumerate(self.documents):
                if not accept(doc):
                    raw[n] = 0.0
        for doc_id in refuse:
            refused = self._position.get(doc_id)
            if refused is not None:
                raw[refused] = 0.0
        scores = raw + TOPIC_WEIGHT * self.topic_scores(query_terms)[self._topic_of]
        hits = []
        for position in np.argsort(-scores, kind="stable"):
            if raw[position] <= 0:
                continue
            doc = self.documents[int(position)]
            hits.append(Hit(doc.id, float(scores[position]), doc.title))
            if len(hits) == limit:
                break
        if not hits:
            return Result(query, False, [])
        coverage = self.coverage(self._mapped_words(query, True), self._position[hits[0].id])
        return Result(query, coverage >= CONFIDENT_COVERAGE, hits, coverage)


# What an on-disk index depends on besides the store: the ranking code itself.
_CODE = (Path(__file__), Path(__file__).with_name("text.py"))
_CACHE_FORMAT = "1"


def index_key(version: int, items: Sequence[tuple[str, str]]) -> str:
    """A key for the index of a store: its version, what tells its content apart
    (pairs such as item id and content hash), and the ranking code. A recreated
    database can reach the same version number with other content, and a new
    release ranks differently: both give another key."""
    digest = hashlib.sha256(f"{_CACHE_FORMAT}|{version}|".encode())
    for path in _CODE:
        digest.update(path.read_bytes())
    for item_id, content_hash in items:
        digest.update(f"|{item_id}={content_hash}".encode())
    return digest.hexdigest()[:32]


def load_index(path: Path) -> Index | None:
    """An index saved by `save_index`, or None when there is none (or it is unreadable).

    Pickle: the file lives in the bot's own data directory, beside its database,
    and is written only by this program."""
    try:
        with path.open("rb") as saved:
            _import_bm25s()  # unpickling imports it too: quiet its logger first
            index = pickle.load(saved)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
        return None
    return index if isinstance(index, Index) else None


def save_index(index: Index, path: Path) -> None:
    """Write atomically (a reader never sees half a file) and drop older saved indexes."""
    path.parent.mkdir(parents=True, exist_ok=True)
    index._without.clear()
    with tempfile.NamedTemporaryFile("wb", dir=path.parent, delete=False, suffix=".tmp") as out:
        pickle.dump(index, out, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(out.name, path)
    for old in path.parent.glob(f"{path.name.split('-', 1)[0]}-*.pickle"):
        if old != path:
            old.unlink(missing_ok=True)
