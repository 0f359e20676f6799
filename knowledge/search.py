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

import itertools
import logging
import math
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rapidfuzz import fuzz, process

from knowledge.news_questions import asks_news
from knowledge.text import (
    _WORD,
    STOP_WORDS,
    is_word,
    rarity,
    shelter_kinds,
    terms,
    worded_terms,
)
from knowledge.word_forms import as_term, store_terms
from storage.vocabulary import fold

if TYPE_CHECKING:
    # numpy and bm25s cost a noticeable part of the bot's start (several hundred ms on
    # a busy machine) and are needed only once a question is searched: imported there.
    import bm25s
    import numpy as np

    from knowledge.model import QA


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
# How much the topic's answers count beside its questions in the topic score: the
# answers hold the need's vocabulary that no phrasing happens to use (measured in
# bench/qa_experiments.py, experiment "9+6": own set top-1 0.83 -> 0.89, shared
# unchanged).
TOPIC_ANSWER_WEIGHT = 0.5
# A question word found only in the best item's answer (not in what the item or its
# topic asks) is weaker evidence that the item answers the question: it covers this
# share of a word found in a question. Without it the answers above let an
# out-of-scope question ride on a word its answer mentions in passing.
ANSWER_ONLY_CREDIT = 0.75
# The bot answers only when the best item and the questions of its topic together
# cover at least this share of what was asked (IDF-weighted, so a rare word counts
# more than a common one, and a word the store has never seen counts fully
# against). A share rather than a raw BM25 score, because raw scores grow with the
# size of the store. Fitted with bench/qa_threshold.py on the honest shared
# measure only (../shared/eval and out-of-scope questions written beforehand): the
# lowest threshold that still refuses 90% of the out-of-scope questions. The shared
# set gives the same outcome from 0.36 to 0.43; the own set, which the fit never
# sees, refuses 10 of 116 in-scope questions at 0.36 (17 at 0.40), 28 of 30 out of
# scope (29 at 0.40), with 6.0% wrong-confident (4.3% at 0.40).
CONFIDENT_COVERAGE = 0.36
# Tried and not adopted (bench/qa_threshold.py --rival): calling an answer not
# confident when an item of another topic scores at least 0.95 x the best
# (`Result.rival`). Refitted on the shared set (0.33) it turned two wrong-confident
# answers there into refusals and lost no right one, but on the own set, which the
# fit never sees, it answered one more out-of-scope question (27/30) and one more
# in-scope question wrongly with confidence (6.9%) for one refusal fewer.


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


class _Packed:
    """The documents of a saved index as a few long strings with their lengths."""

    def __init__(self, columns: dict[str, tuple[str, list[int]]], counts: list[int]) -> None:
        self.columns = columns
        self.counts = counts
        self._starts: dict[str, list[int]] = {}

    def __getstate__(self) -> dict[str, object]:
        return {"columns": self.columns, "counts": self.counts}

    def __setstate__(self, state: dict[str, object]) -> None:
        self.columns = state["columns"]  # type: ignore[assignment]
        self.counts = state["counts"]  # type: ignore[assignment]
        self._starts = {}

    def _start(self, name: str) -> list[int]:
        starts = self._starts.get(name)
        if starts is None:
            lengths = self.counts if name == "#" else self.columns[name][1]
            starts = self._starts[name] = [0, *itertools.accumulate(lengths)]
        return starts

    def _value(self, name: str, n: int) -> str:
        starts = self._start(name)
        return self.columns[name][0][starts[n] : starts[n + 1]]

    def document(self, n: int) -> Document:
        first, last = self._start("#")[n], self._start("#")[n + 1]
        return Document(
            self._value("id", n),
            self._value("title", n),
            self._value("body", n),
            self._value("topic", n),
            tuple(self._value("alternatives", a) for a in range(first, last)),
            self._value("label", n),
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
    # The best item of another topic, as a share of the best item's score (0..1; 0
    # when no other topic matched, or when the search was not asked for it): near 1,
    # two different needs fit the question about equally well.
    rival: float = 0.0


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


# Per document: the terms of what it asks (question and phrasings), of the whole item
# (those, its topic and its body), and the character grams of what it asks.
Terms = tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]


def _document_terms(doc: Document) -> Terms:
    """A document's terms, before compound parts (those depend on the whole store).

    Interned tuples: a live store keeps them for its next build, and ten thousand
    items hold a million terms, mostly repeats (30 MB as separate strings, 10 as
    shared ones)."""
    asked_text = " ".join([doc.title, *doc.alternatives])
    asked = [sys.intern(t) for t in terms(asked_text)]
    rest = terms(doc.topic.replace("/", " ")) + terms(doc.body)
    whole = tuple(asked + [sys.intern(t) for t in rest])
    return tuple(asked), whole, tuple(sys.intern(g) for g in char_grams(asked_text))


class Index:
    def __init__(
        self, items: Sequence[QA | Document], version: int = 0, reuse: Index | None = None
    ) -> None:
        """`reuse`: an index of an earlier version (or of a larger view) of the store;
        documents it holds unchanged are not tokenised again, which is most of the
        cost of a build (a store change is mostly one item). BM25 and the compound
        parts are still worked out over the whole store: the result is the index a
        build from nothing gives."""
        self._documents: list[Document] | None = [
            i if isinstance(i, Document) else Document.from_qa(i) for i in items
        ]
        # A saved index keeps its documents packed (see __setstate__) until asked.
        self._packed: _Packed | None = None
        self._size = len(self._documents)
        self.version = version
        self._position = {doc.id: n for n, doc in enumerate(self.documents)}
        self._without: dict[frozenset[str], Index] = {}
        self._terms = self._tokenised(reuse)
        asked = [self._terms[d.id][1][0] for d in self.documents]
        whole = [self._terms[d.id][1][1] for d in self.documents]
        # Parts of compounds ("opvangplekken" -> opvang + plek) count as terms too,
        # split against the store's own vocabulary, so a query for either part finds them.
        self._known = {t for doc in whole for t in doc if len(t) >= 3}
        # A term's parts, worked out once per build (a term recurs in many documents).
        split: dict[str, list[str]] = {}
        whole_parts = [self._with_parts(doc, split) for doc in whole]
        asked_parts = [self._with_parts(doc, split) for doc in asked]
        self._index_items(whole_parts, asked_parts)
        self._index_topics(whole, asked_parts)

    def _tokenised(self, reuse: Index | None) -> dict[str, tuple[Document, Terms]]:
        """Every document's terms, taken from `reuse` where it holds the same document."""
        known_terms = reuse._terms if reuse is not None else {}
        tokenised: dict[str, tuple[Document, Terms]] = {}
        for document in self.documents:
            cached = known_terms.get(document.id)
            tokenised[document.id] = (
                cached
                if cached is not None and cached[0] == document
                else (document, _document_terms(document))
            )
        return tokenised

    def _with_parts(self, doc: tuple[str, ...], split: dict[str, list[str]]) -> list[str]:
        """`doc`'s terms, then the compound parts of each (`split` keeps them per term)."""
        out = list(doc)
        for term in doc:
            parts = split.get(term)
            if parts is None:
                parts = split[term] = self._parts(term)
            out += parts
        return out

    def _index_items(self, whole_parts: list[list[str]], asked_parts: list[list[str]]) -> None:
        """BM25 over each whole item, its question field and its character grams, and
        the term statistics of coverage."""
        self._whole, self._vocab = _bm25(whole_parts)
        self._asked, self._asked_vocab = _bm25(asked_parts)
        self._grams, self._gram_vocab = _bm25(
            [list(self._terms[d.id][1][2]) for d in self.documents]
        )
        # Per item, the set of its terms; per term, in how many items it occurs.
        # Tuples rather than sets: a saved index loads several times faster, and
        # coverage needs the set of one item per question only.
        self._term_sets = [tuple(set(doc)) for doc in whole_parts]
        self._df: dict[str, int] = {}
        for term_set in self._term_sets:
            for term in term_set:
                self._df[term] = self._df.get(term, 0) + 1
        self._vocab_list = list(self._vocab)

    def _index_topics(self, whole: list[tuple[str, ...]], asked_parts: list[list[str]]) -> None:
        """BM25 over the topics: all questions of a topic as one document, and all of
        its items (questions, phrasings, topic and answers) as another."""
        import numpy as np

        topics: dict[str, int] = {}
        self._topic_of = np.array(
            [
                topics.setdefault(d.topic or f"#{n}", len(topics))
                for n, d in enumerate(self.documents)
            ],
            dtype=np.int64,
        )
        topic_terms: list[list[str]] = [[] for _ in topics]
        for n, doc in enumerate(asked_parts):
            topic_terms[self._topic_of[n]] += doc
        self._topics, self._topic_vocab = _bm25(topic_terms)
        self._topic_term_sets = [set(doc) for doc in topic_terms]
        # Without compound parts: measured so.
        topic_whole: list[list[str]] = [[] for _ in topics]
        for n, item_terms in enumerate(whole):
            topic_whole[self._topic_of[n]] += item_terms
        self._topic_answers, self._topic_answer_vocab = _bm25(topic_whole)

    @property
    def documents(self) -> list[Document]:
        if self._documents is None:
            assert self._packed is not None
            self._documents = [self._packed.document(n) for n in range(self._size)]
            self._packed = None
        return self._documents

    def _document_at(self, position: int) -> Document:
        """One document, without unpacking all of a saved index (a search names three)."""
        if self._documents is not None:
            return self._documents[position]
        assert self._packed is not None
        return self._packed.document(position)

    def __getstate__(self) -> dict[str, object]:
        """Saved without the per-exclusion indexes, and with the documents as a few
        long strings: ten thousand small objects make a saved index slow to load."""
        state = dict(vars(self))
        state["_without"] = {}
        # The per-document terms serve the next build of a live store only.
        state["_terms"] = {}
        documents = self.documents
        state["_documents"] = None
        columns: dict[str, tuple[str, list[int]]] = {}
        for name in ("id", "title", "body", "topic", "label"):
            values = [getattr(d, name) for d in documents]
            columns[name] = ("".join(values), [len(v) for v in values])
        flat = [a for d in documents for a in d.alternatives]
        columns["alternatives"] = ("".join(flat), [len(a) for a in flat])
        state["_packed"] = _Packed(columns, [len(d.alternatives) for d in documents])
        return state

    def __setstate__(self, state: dict[str, object]) -> None:
        """Documents stay packed: a command-line search loads the index, names three
        hits and exits, and unpacking ten thousand documents cost most of its load."""
        vars(self).update(state)

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
            cached = Index([d for d in self.documents if d.id not in key], self.version, self)
            self._without[key] = cached
        return cached

    def asked_terms(self, doc_id: str) -> tuple[str, ...]:
        """The terms of a document's question and phrasings (before compound parts);
        empty for an index loaded from disk, which keeps no per-document terms."""
        known = self._terms.get(doc_id)
        return known[1][0] if known is not None else ()

    def document(self, doc_id: str) -> Document | None:
        position = self._position.get(doc_id)
        return None if position is None else self._document_at(position)

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
            elif forms := store_terms(word, self._vocab.__contains__):
                # A verb form or a compound of known words (knowledge/word_forms.py).
                mapped.append((word, forms))
            elif len(term) >= 5 and not is_word(word):
                # A typo: the closest term of the store, if it is close enough. A
                # correctly spelled word is no typo, however close a store term is.
                match = process.extractOne(
                    term, self._vocab_list, scorer=fuzz.ratio, score_cutoff=85
                )
                mapped.append((word, [match[0]] if match is not None else []))
            else:
                mapped.append((word, []))
        return mapped

    def term_weights(self, text: str) -> dict[str, float]:
        """A question's terms as this store reads them, each with its weight: the store
        terms a word stands for (synonyms, verb forms, compound parts, typos) by IDF,
        shared among them; a word the store does not know as its own term ("?" and its
        stem) by its rarity in general language, as coverage counts it. What two open
        questions are compared on (knowledge/linking.py)."""
        weights: dict[str, float] = {}
        for word, group in self._mapped_words(text):
            if not group:
                key, weight = "?" + as_term(word), self._idf(None) * rarity(word)
                weights[key] = max(weights.get(key, 0.0), weight)
            for term in group:
                weight = self._idf(term) / len(group)
                weights[term] = max(weights.get(term, 0.0), weight)
        return weights

    def _idf(self, term: str | None) -> float:
        n = self._size
        df = self._df.get(term, 0) if term else 0
        return math.log(1 + (n - df + 0.5) / (df + 0.5))

    def coverage(self, mapped: list[tuple[str, list[str]]], position: int) -> float:
        """IDF-weighted share of the query terms in item `position` or its topic's questions
        (a term only in the item's answer counts `ANSWER_ONLY_CREDIT`).

        A word the store has never seen counts against by its rarity in general
        language (an everyday word little, a rare one as much as the rarest term); an
        uncovered word the store knows counts by its IDF, but never more than that."""
        tiers = self._covering(position)
        total = covered = 0.0
        for word, group in mapped:
            for weight, credited in self.word_credits(word, group, tiers):
                total += weight
                covered += credited
        return covered / total if total else 0.0

    def word_credits(
        self, word: str, group: list[str], tiers: list[tuple[set[str], float]]
    ) -> Iterator[tuple[float, float]]:
        """What question word `word` (its store terms `group`) adds to `coverage`'s total
        and to its covered part, a pair per term (one pair for a word the store has
        never seen), under `tiers` (`_covering` of the item). Its own function so that
        bench/near_misses.py measures the very sums the gate uses."""
        if not group:
            yield self._idf(None) * rarity(word), 0.0
            return
        for term in group:
            weight = self._idf(term) / len(group)
            credit = next((c for covers, c in tiers if term in covers), 0.0)
            if credit:
                yield weight, credit * weight
            else:
                # Uncovered, a word the store knows elsewhere counts no more than
                # one it has never seen: in a store of a few hundred items every
                # word of one other answer has a high IDF, and "mee" or "straat"
                # would sink an answer only because some other item says them.
                yield min(weight, self._idf(None) * rarity(word) / len(group)), 0.0

    def _covering(self, position: int) -> list[tuple[set[str], float]]:
        """What covers a question word for item `position`, and how much, first match
        counting: the questions of its topic fully, its own answer ANSWER_ONLY_CREDIT.
        (bench/qa_experiments.py varies these tiers, not the sum above.)"""
        asked = self._topic_term_sets[self._topic_of[position]]
        return [(asked, 1.0), (set(self._term_sets[position]), ANSWER_ONLY_CREDIT)]

    def scores(self, query_terms: list[str]) -> np.ndarray:
        import numpy as np

        if self._whole is None:
            return np.zeros(self._size)
        scores = np.asarray(self._whole.get_scores(query_terms), dtype=float)
        asked = [t for t in query_terms if t in self._asked_vocab]
        if asked and self._asked is not None:
            scores = scores + QUESTION_FIELD_WEIGHT * self._asked.get_scores(asked)
        return scores

    def topic_scores(self, query_terms: list[str]) -> np.ndarray:
        import numpy as np

        scores = np.zeros(len(self._topic_term_sets))
        known = [t for t in query_terms if t in self._topic_vocab]
        if known and self._topics is not None:
            scores += self._topics.get_scores(known)
        whole = [t for t in query_terms if t in self._topic_answer_vocab]
        if whole and self._topic_answers is not None:
            scores += TOPIC_ANSWER_WEIGHT * np.asarray(
                self._topic_answers.get_scores(whole), dtype=float
            )
        return scores

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
        rival: bool = False,
    ) -> Result:
        """The best `limit` items for `query`, and whether the best is a sure answer.

        `exclude`: items out of the index altogether (every statistic, the confidence).
        `accept`: items it refuses score zero but still count in the topic documents,
        IDF and confidence, so it is no confidentiality filter: what a reader may not
        see goes in `exclude` (knowledge/service.py `Store.indexes_for`).
        `refuse`: ids scored zero, as `accept` refuses them, without a call per item
        (at 10,000 items a Python call per item costs more than the ranking).
        `rival`: also measure `Result.rival` (only bench/qa_threshold.py asks: the
        rival gate was not adopted, so the bot's searches do not pay for it).
        """
        import numpy as np

        if exclude:
            smaller = self.without(exclude)
            if smaller is not self:
                return smaller.search(query, limit, accept=accept, refuse=refuse, rival=rival)
        mapped = self._mapped_terms(query)
        query_terms = [t for group in mapped for t in group]
        if not query_terms or not self._size:
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
            doc = self._document_at(int(position))
            hits.append(Hit(doc.id, float(scores[position]), doc.title))
            if len(hits) == limit:
                break
        if not hits:
            return Result(query, False, [])
        best = self._position[hits[0].id]
        coverage = self.coverage(self._mapped_words(query, True), best)
        share = self._rival(scores, raw, best) if rival else 0.0
        return Result(query, self._sure(query, coverage, best), hits, coverage, share)

    def _sure(self, query: str, coverage: float, best: int) -> bool:
        """Whether item `best`, covering `coverage` of the question, is a sure answer.
        Whether a planned thing goes ahead, or how much longer a situation lasts, is
        news no standing answer gives (knowledge/news_questions.py): suggested, never
        sure. Nor is an item about
        another kind of shelter than the question names (`_other_kind`)."""
        return (
            coverage >= CONFIDENT_COVERAGE
            and not asks_news(query)
            and not self._other_kind(query, best)
        )

    def _other_kind(self, query: str, best: int) -> bool:
        """Whether the question names a kind of shelter (knowledge/text.py SHELTER_KINDS)
        that item `best` does not ask about, while it asks about another."""
        named = shelter_kinds(query)
        if not named:
            return False
        doc = self._document_at(best)
        asked = shelter_kinds(" ".join((doc.title, *doc.alternatives)))
        return bool(asked) and not named & asked

    def _rival(self, scores: np.ndarray, raw: np.ndarray, best: int) -> float:
        """The best score of another topic than item `best`'s, as a share of its score."""
        others = (self._topic_of != self._topic_of[best]) & (raw > 0)
        if not others.any() or scores[best] <= 0:
            return 0.0
        return float(scores[others].max() / scores[best])
