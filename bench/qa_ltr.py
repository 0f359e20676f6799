"""Issue 13, session 16: learning to rank and a learned confidence, cross-validated.

Two small models over features the ranker already computes, each trained only on
data the product could legitimately have, and measured only on queries whose
cluster (shared set) or needed answer (own set) was out of its training data:

- **ranker**: a linear pairwise model (RankNet loss: each relevant candidate above
  each other candidate of the same query; L2 penalty towards zero, Newton steps)
  that reorders today's top DEPTH candidates;
- **confidence**: a logistic model that predicts "today's (or the reranked) first
  item is relevant" from that item's features and the query's; an out-of-scope
  question is a negative. Its threshold is fitted as the bot's is: the lowest
  that refuses at least 90% of the training fold's out-of-scope questions.

Unlike session 7's R1 (bench/qa_rerank.py: eight features, pulled towards today's
weights by its penalty), the features here are per field and per tier of
evidence (candidate features below, `CANDIDATE`), the penalty pulls towards zero,
and the confidence model is new. Every honest rule of bench/qa_eval.py holds:
each query is asked of the store minus its `exclude` items, built without them
(`Index.without`), so its own phrasing is in no index, statistic or vocabulary.

Protocols (figures: top-1, top-3, in-scope refused, out-of-scope refused,
confidently wrong = answered with confidence and the first item not relevant):

- "CV": five folds by cluster (an out-of-scope question is a cluster of its own),
  three shuffles, averaged; train on four fifths, measure the fifth;
- "own->": trained on the whole own set (tests/data/own_eval.yaml over the sample
  store), measured on the shared set and on the blind set;
- "shared->": trained on the whole shared set, measured on the own and blind sets;
- the blind set (tests/data/own_eval_blind.yaml) is never trained on.

    KNOOPPUNT_EVAL_DIR=/work/shared/eval .venv/bin/python -m bench.qa_ltr

Deterministic; about 50 s of CPU (3 min on the busy machine). Measured 2026-12-05 on main 6f29593 (+ this file):

    candidates: a relevant item among the top 20 for 70/81 shared, 115/116 own,
    39/40 blind queries; today's first item is relevant for 45/81 shared.
    On the 25 shared queries whose first item is wrong but a relevant one is among
    the candidates, no feature favours the relevant one on more than 8 of 25
    (whole-item BM25 7, reverse phrasing share 8, share of words covered 6; the
    topic scores 0-2 against 9-11): the lexical evidence points the wrong way, so
    no weighting of it can reorder them.

    experiment (shared: CV by cluster;          shared t1   t3  inR outR wrong | own (CV)                  | blind (trained on both)
    own: CV by needed answer)
    today (threshold 0.36 fitted on shared)       0.56 0.75  14%  90%  36%  | 0.91 0.94   9%  93%   6%  | 0.90 0.90  15%  87%   2%
    rank pairwise l2=1 / 0.1                      0.56 0.75  14%  90%  36%  | 0.89 0.94   9%  93%   8%  | 0.90 0.90  15%  87%   2%
    rank pairwise l2=0.01                         0.55 0.74  13%  87%  37%  | 0.88 0.95   8%  93%   8%  | 0.90 0.90  15%  87%   2%
    rank quadratic l2=1                           0.56 0.75  12%  87%  37%  | 0.89 0.95   9%  93%   8%  | 0.90 0.90  15%  87%   2%
    rank, own -> shared (transfer)                0.57 0.74  12%  87%  36%  |                           |
    coverage threshold refitted per fold          0.56 0.75  18%  88%  33%  | 0.91 0.94   6%  87%   7%  | 0.90 0.90  10%  87%   8%
    learned confidence l2=1 (21 features)         0.56 0.75  20%  86%  28%  | 0.91 0.94   9%  84%   6%  | 0.90 0.90  12%  93%   2%
    learned confidence l2=0.1                     0.56 0.75  23%  87%  27%  | 0.91 0.94   5%  80%   7%  | 0.90 0.90  10%  93%   2%
    learned confidence, own -> shared (l2=1)      0.56 0.75  16%  77%  33%  |                           | 0.90 0.90   5%  80%   8%
    learned l2=1, threshold at 95% OOS            0.56 0.75  25%  90%  26%  | 0.91 0.94  12%  93%   5%  | 0.90 0.90  20%  93%   0%
    coverage, threshold at 95% OOS                0.56 0.75  31%  93%  26%  | 0.91 0.94  10%  91%   5%  | 0.90 0.90  30%  93%   0%
    veto beside today's rule (l2=1)               0.56 0.75  26%  93%  27%  | 0.91 0.94  12%  93%   5%  | 0.90 0.90  15%  87%   2%
    veto, own -> shared (l2=1)                    0.56 0.75  17%  90%  32%  |                           | 0.90 0.90  15%  93%   2%
    rescue beside today's rule (l2=1)             0.56 0.75  12%  82%  36%  | 0.91 0.94   5%  90%   7%  | 0.90 0.90  12%  87%   2%

    ("veto": today's rule and the model above the lowest training score of a right
    answer today's rule accepts; "rescue": today's rule or the model above the
    highest training score of a question today's rule rightly refuses.)

    Threshold-free (AUC of "the first answer is right" against wrong first answers
    and out-of-scope questions; CV per held-out fold, or trained on one whole set):

                         coverage (today)   learned l2=1   learned l2=0.1
    shared, CV                0.761            0.874          0.889
    own, CV                   0.956            0.946          0.948
    own -> shared             0.746            0.834          0.824
    shared -> own             0.956            0.925          0.915
    both -> blind             0.950            0.984          0.982
    both -> blind2            0.879            0.900          0.928
    both -> blind3            0.870            0.871          0.882

With more out-of-scope questions to fit the threshold on (the own set plus the 65
crisis-domain questions of tests/data/own_oos_crisis.yaml, 25 of them near misses),
trained on those only and measured on sets never trained on:

                                       shared t1   t3  inR outR wrong | blind inR outR wrong | blind2 | blind3
    today                                0.56 0.75  14%  90%  36%  | 15%  87%  2% | 25%  94% 11% | 22%  65% 4%
    coverage threshold refitted          0.56 0.75  21%  90%  31%  | 40% 100%  0% | 52%  94%  7% | 48%  95% 2%
    learned confidence l2=1              0.56 0.75  33%  93%  21%  | 32% 100%  0% | 52% 100%  2% | 50%  95% 0%

The near misses look like in-scope questions to every feature: refusing 90% of
them costs a third to a half of the in-scope questions, with either model.

Outcome: **not adopted.** The ranker learns today's ranking back (blind sets
identical; shared CV top-1 0.55-0.56) because the features carry no evidence for
the relevant item where the ranking fails (the dominance count above). The learned
confidence separates right from wrong answers better on held-out shared clusters
(AUC 0.76 -> 0.87-0.89) and when trained on the own set alone (0.75 -> 0.83 on
shared), but not on the own set (0.956 -> 0.946), and its operating point moves
rather than improves: with the threshold fitted on ~24 out-of-scope questions per
fold it refuses more in-scope shared queries (20-23% vs 18%) for fewer confident
wrong answers (27-28% vs 33%), and lets more out-of-scope through on the own set
(84% vs 87%) and on blind2/blind3 (81% vs 94%, 55-60% vs 65%). No setting meets
in-scope refused <= 10% with out-of-scope refused >= 90% on the shared set. The
lead worth following: the confidence model's AUC gain, with a threshold fitted on
more out-of-scope questions than the 30 + 30 available now.
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bench.qa_eval import (
    BLIND2_SET,
    BLIND3_SET,
    BLIND_SET,
    load_own,
    load_shared,
    out_of_scope_questions,
)
from knowledge.model import QA
from knowledge.search import CONFIDENT_COVERAGE, TOPIC_WEIGHT, Index
from knowledge.text import rarity, terms
from tests.support.eval_data import EVAL

DEPTH = 20
CANDIDATE = (
    "fused",  # today's score / the best candidate's
    "raw",  # item score without its topic
    "whole",  # BM25 over the whole item
    "asked",  # BM25 over question and phrasings
    "grams",  # character 4-grams of question and phrasings
    "topic_q",  # BM25 over the topic's questions
    "topic_a",  # BM25 over the topic's whole items
    "coverage",  # today's confidence measure for this item
    "cov_topic_q",  # the same, the topic's questions only (no answer credit)
    "cov_own",  # the same, this item's own question and phrasings only
    "answer_only",  # IDF share found only in the item's answer
    "words",  # share of content words (by count) the item's terms cover
    "1/rank",
    "top_topic",  # the candidate's topic is the best-scoring topic
    "first_of_topic",  # the best candidate of its topic
    "topic_size",  # log of the number of items in the topic
    "phrasing_sim",  # best single phrasing: IDF cosine of its terms and the query's
    "phrasing_said",  # that phrasing: IDF share of its terms the query says (reverse)
    "pool_topic",  # share of the candidates that are of this candidate's topic
)
QUERY = ("margin", "topic_margin", "unknown", "n_words", "agree")
TARGET_OUT = 0.90


@dataclass
class Case:
    """One query on its honest index: its candidates, their features, and labels."""

    ids: list[str]
    x: np.ndarray  # DEPTH x CANDIDATE
    q: np.ndarray  # QUERY
    relevant: set[str]
    group: str

    @property
    def labels(self) -> np.ndarray:
        return np.array([i in self.relevant for i in self.ids], dtype=float)


def _coverage(index: Index, content: list[tuple[str, list[str]]], tiers: list[set[str]]) -> float:
    """IDF-weighted share of the content words found in any of `tiers` (as
    Index.coverage counts, with full credit)."""
    total = covered = 0.0
    for word, group in content:
        if not group:
            total += index._idf(None) * rarity(word)
            continue
        for term in group:
            weight = index._idf(term) / len(group)
            if any(term in tier for tier in tiers):
                total += weight
                covered += weight
            else:
                total += min(weight, index._idf(None) * rarity(word) / len(group))
    return covered / total if total else 0.0


def _own_terms(index: Index, position: int) -> set[str]:
    asked = index.asked_terms(index.documents[position].id)
    return set(asked) | {p for t in asked for p in index._parts(t)}


def _phrasings(index: Index, position: int) -> list[set[str]]:
    """The term sets (with compound parts) of an item's question and each phrasing."""
    doc = index.documents[position]
    out = []
    for text in (doc.title, *doc.alternatives):
        found = terms(text)
        out.append(set(found) | {p for t in found for p in index._parts(t)})
    return out


def _phrasing_features(index: Index, query_terms: set[str], position: int) -> tuple[float, float]:
    idf = index._idf
    q_weight = sum(idf(t) for t in query_terms) or 1.0
    best = (0.0, 0.0)
    for phrasing in _phrasings(index, position):
        shared = sum(idf(t) for t in query_terms & phrasing)
        p_weight = sum(idf(t) for t in phrasing) or 1.0
        sim = shared / math.sqrt(q_weight * p_weight)
        if sim > best[0]:
            best = (sim, shared / p_weight)
    return best


def _scores(index: Index, query: str) -> dict[str, np.ndarray] | None:
    terms = [t for group in index._mapped_terms(query) for t in group]
    if not terms or index._whole is None:
        return None
    whole = np.asarray(index._whole.get_scores(terms), dtype=float)
    asked_terms = [t for t in terms if t in index._asked_vocab]
    asked = (
        np.asarray(index._asked.get_scores(asked_terms), dtype=float)
        if asked_terms and index._asked is not None
        else np.zeros_like(whole)
    )
    grams = index.gram_scores(query)
    grams = np.zeros_like(whole) if grams is None else grams
    raw = index.scores(terms) + grams
    known_q = [t for t in terms if t in index._topic_vocab]
    n_topics = len(index._topic_term_sets)
    topic_q = (
        np.asarray(index._topics.get_scores(known_q), dtype=float)
        if known_q and index._topics is not None
        else np.zeros(n_topics)
    )
    topic_all = index.topic_scores(terms)
    return {
        "whole": whole,
        "asked": asked,
        "grams": grams,
        "raw": raw,
        "topic_q": topic_q[index._topic_of],
        "topic_a": (topic_all - topic_q)[index._topic_of],
        "topic_all": topic_all,
        "fused": raw + TOPIC_WEIGHT * topic_all[index._topic_of],
    }


def _rel(values: np.ndarray, order: list[int]) -> np.ndarray:
    top = float(values[order].max())
    return values[order] / top if top > 0 else np.zeros(len(order))


def features(index: Index, query: str) -> tuple[list[int], np.ndarray, np.ndarray]:
    """Today's top DEPTH candidates (today's order), their features, the query's."""
    s = _scores(index, query)
    if s is None:
        return [], np.zeros((0, len(CANDIDATE))), np.zeros(len(QUERY))
    fused, raw = s["fused"], s["raw"]
    order = [int(p) for p in np.argsort(-fused, kind="stable") if raw[p] > 0][:DEPTH]
    if not order:
        return [], np.zeros((0, len(CANDIDATE))), np.zeros(len(QUERY))
    content = index._mapped_words(query, True)
    topic_of = index._topic_of
    best_topic = int(np.argmax(s["topic_all"]))
    sizes = np.bincount(topic_of)
    columns = {name: _rel(s[name], order) for name in ("fused", "raw", "whole", "asked", "grams")}
    columns |= {name: _rel(s[name], order) for name in ("topic_q", "topic_a")}
    columns["coverage"] = np.array([index.coverage(content, p) for p in order])
    topic_sets = [index._topic_term_sets[topic_of[p]] for p in order]
    columns["cov_topic_q"] = np.array([_coverage(index, content, [t]) for t in topic_sets])
    columns["cov_own"] = np.array(
        [_coverage(index, content, [_own_terms(index, p)]) for p in order]
    )
    columns["answer_only"] = np.maximum(columns["coverage"] - columns["cov_topic_q"], 0.0)
    words = [group for _, group in content]
    columns["words"] = np.array(
        [
            sum(any(t in index._term_sets[p] for t in g) for g in words) / max(len(words), 1)
            for p in order
        ]
    )
    columns["1/rank"] = 1.0 / (np.arange(len(order)) + 1)
    columns["top_topic"] = np.array([float(topic_of[p] == best_topic) for p in order])
    seen: set[int] = set()
    first = []
    for p in order:
        first.append(float(int(topic_of[p]) not in seen))
        seen.add(int(topic_of[p]))
    columns["first_of_topic"] = np.array(first)
    columns["topic_size"] = np.log1p(sizes[topic_of[order]].astype(float))
    query_terms = {t for group in index._mapped_terms(query) for t in group}
    phrasing = [_phrasing_features(index, query_terms, p) for p in order]
    columns["phrasing_sim"] = np.array([f[0] for f in phrasing])
    columns["phrasing_said"] = np.array([f[1] for f in phrasing])
    pool = np.bincount(topic_of[order], minlength=len(sizes))
    columns["pool_topic"] = pool[topic_of[order]] / len(order)
    x = np.stack([columns[name] for name in CANDIDATE], axis=1)
    return order, x, _query_features(index, s, order, content)


def _query_features(
    index: Index,
    s: dict[str, np.ndarray],
    order: list[int],
    content: list[tuple[str, list[str]]],
) -> np.ndarray:
    fused = s["fused"][order]
    margin = (fused[0] - fused[1]) / fused[0] if len(order) > 1 and fused[0] > 0 else 1.0
    topics = np.sort(s["topic_all"])[::-1]
    topic_margin = (topics[0] - topics[1]) / topics[0] if len(topics) > 1 and topics[0] > 0 else 1.0
    unknown = sum(not g for _, g in content) / max(len(content), 1)
    first = order[0]
    agree = (
        float(int(np.argmax(s["whole"])) == first)
        + float(int(np.argmax(s["asked"])) == first)
        + float(int(np.argmax(s["grams"])) == first)
    )
    return np.array([margin, topic_margin, unknown, math.log1p(len(content)), agree])


def cases(
    items: list[QA], queries: list[dict[str, object]], outside: list[str], by: str
) -> list[Case]:
    """In-scope queries (each on its honest index), then out-of-scope ones (group
    "out:n", relevant: nothing)."""
    full = Index(items)
    out = []
    asked = [(q, str(q["query"])) for q in queries] + [
        ({"relevant": [], "cluster": f"out:{n}", "exclude": []}, text)
        for n, text in enumerate(outside)
    ]
    for q, text in asked:
        index = full.without(frozenset(q.get("exclude", ())))  # type: ignore[call-overload]
        order, x, qf = features(index, text)
        relevant = {str(r) for r in q["relevant"]}  # type: ignore[attr-defined]
        cluster = str(q["cluster"])
        group = cluster if by == "cluster" or cluster.startswith("out:") else str(sorted(relevant))
        out.append(Case([index.documents[p].id for p in order], x, qf, relevant, group))
    return out


# -- models ------------------------------------------------------------------------


def _newton_logistic(d: np.ndarray, y: np.ndarray, l2: float, bias: bool) -> np.ndarray:
    """L2-penalised logistic regression by Newton steps (small, so exact)."""
    a = np.hstack([d, np.ones((len(d), 1))]) if bias else d
    w = np.zeros(a.shape[1])
    penalty = np.eye(a.shape[1]) * l2
    if bias:
        penalty[-1, -1] = 1e-6
    for _ in range(30):
        p = 1 / (1 + np.exp(-np.clip(a @ w, -30, 30)))
        grad = a.T @ (p - y) / len(a) + penalty @ w
        hess = (a * (p * (1 - p))[:, None]).T @ a / len(a) + penalty
        step = np.linalg.solve(hess, grad)
        w -= step
        if float(np.abs(step).max()) < 1e-8:
            break
    return w


def expand(x: np.ndarray, quadratic: bool) -> np.ndarray:
    """The features, and with `quadratic` every product of two of them too."""
    if not quadratic:
        return x
    upper = np.triu_indices(x.shape[1])
    return np.hstack([x, (x[:, :, None] * x[:, None, :])[:, upper[0], upper[1]]])


@dataclass
class Ranker:
    mean: np.ndarray
    scale: np.ndarray
    w: np.ndarray
    quadratic: bool = False

    def score(self, x: np.ndarray) -> np.ndarray:
        return np.asarray(((expand(x, self.quadratic) - self.mean) / self.scale) @ self.w)


def fit_ranker(train: Iterable[Case], l2: float, columns: list[int], quadratic: bool) -> Ranker:
    train = [c for c in train if c.relevant and len(c.ids)]
    stacked = np.vstack([expand(c.x[:, columns], quadratic) for c in train])
    mean, scale = stacked.mean(axis=0), stacked.std(axis=0) + 1e-9
    diffs = []
    for c in train:
        z = (expand(c.x[:, columns], quadratic) - mean) / scale
        good, bad = c.labels > 0, c.labels == 0
        if good.any() and bad.any():
            # Every (relevant, other) pair, both ways round, so no bias is needed.
            pairs = (z[good][:, None, :] - z[bad][None, :, :]).reshape(-1, z.shape[1])
            diffs.append(pairs / math.sqrt(len(pairs)))  # each query weighs alike
    d = np.vstack(diffs)
    y = np.concatenate([np.ones(len(d)), np.zeros(len(d))])
    w = _newton_logistic(np.vstack([d, -d]), y, l2, bias=False)
    return Ranker(mean, scale, w, quadratic)


def top_features(c: Case, order: np.ndarray) -> np.ndarray:
    """What the confidence model sees: the first item's candidate features and the
    query's features."""
    return np.concatenate([c.x[int(order[0])], c.q])


@dataclass
class Confidence:
    mean: np.ndarray
    scale: np.ndarray
    w: np.ndarray
    threshold: float
    # "alone": the model decides; "rescue": today's coverage rule, or the model
    # above its threshold; "veto": today's coverage rule and the model above it.
    combine: str = "alone"

    def prob(self, f: np.ndarray) -> float:
        z = np.append((f - self.mean) / self.scale, 1.0)
        return float(1 / (1 + math.exp(-float(z @ self.w))))


def fit_confidence(
    train: list[Case], orders: list[np.ndarray], l2: float, columns: list[int], rule: str
) -> Confidence:
    rows = [
        (top_features(c, o)[columns], c.ids[int(o[0])] in c.relevant, c)
        for c, o in zip(train, orders, strict=True)
        if len(c.ids)
    ]
    f = np.array([r[0] for r in rows])
    y = np.array([float(r[1]) for r in rows])
    mean, scale = f.mean(axis=0), f.std(axis=0) + 1e-9
    w = _newton_logistic((f - mean) / scale, y, l2, bias=True)
    model = Confidence(mean, scale, w, 0.0)
    oos = sorted(model.prob(r[0]) for r in rows if r[2].group.startswith("out:"))
    n_out = sum(c.group.startswith("out:") for c in train)
    # Lowest threshold refusing >= 90% of the training out-of-scope questions (a
    # question without any candidate is refused anyway).
    target = 0.95 if rule == "out95" else TARGET_OUT
    must = math.ceil(target * n_out) - (n_out - len(oos))
    model.threshold = oos[must - 1] + 1e-9 if must > 0 else 0.0
    if rule == "both":
        inside = sorted(model.prob(r[0]) for r in rows if not r[2].group.startswith("out:"))
        n_in = sum(not c.group.startswith("out:") for c in train)
        # Refusing the `may` least probable in-scope questions keeps <= 10% refused.
        may = math.floor(0.10 * n_in) - (n_in - len(inside))
        highest = inside[may] if 0 <= may < len(inside) else 0.0
        model.threshold = max(model.threshold, highest)
    if rule in ("rescue", "veto"):
        model.combine = rule
        model.threshold = _beside_coverage(model, rows, rule)
    return model


def _beside_coverage(
    model: Confidence, rows: list[tuple[np.ndarray, bool, Case]], rule: str
) -> float:
    """ "rescue": just above every training question the coverage rule rightly
    refuses (out of scope, or a wrong first item), so none of them is rescued;
    "veto": just below every right answer the coverage rule accepts, so none of
    them is vetoed. Both use the coverage of the first item, feature "coverage"."""
    covered = CANDIDATE.index("coverage")
    if rule == "rescue":
        wrong = [
            model.prob(f) for f, right, _ in rows if not right and f[covered] < CONFIDENT_COVERAGE
        ]
        return max(wrong, default=0.0) + 1e-9
    kept = [model.prob(f) for f, right, _ in rows if right and f[covered] >= CONFIDENT_COVERAGE]
    return min(kept, default=0.0) - 1e-9


# -- measuring ---------------------------------------------------------------------

Counts = np.ndarray  # top1, top3, in-scope refused, confidently wrong, n in; out refused, n out


def _order(c: Case, ranker: Ranker | None, columns: list[int]) -> np.ndarray:
    if ranker is None or not len(c.ids):
        return np.arange(len(c.ids))
    return np.argsort(-ranker.score(c.x[:, columns]), kind="stable")


def measure(
    test: list[Case],
    ranker: Ranker | None,
    confidence: Confidence | None,
    rcols: list[int],
    ccols: list[int],
) -> Counts:
    counts = np.zeros(7)
    for c in test:
        inside = not c.group.startswith("out:")
        if not len(c.ids):
            counts += [0, 0, 1, 0, 1, 0, 0] if inside else [0, 0, 0, 0, 0, 1, 1]
            continue
        order = _order(c, ranker, rcols)
        first = int(order[0])
        if confidence is None:
            sure = c.x[first, CANDIDATE.index("coverage")] >= CONFIDENT_COVERAGE
        else:
            sure = confidence.prob(top_features(c, order)[ccols]) >= confidence.threshold
            covered = c.x[first, CANDIDATE.index("coverage")] >= CONFIDENT_COVERAGE
            if confidence.combine == "rescue":
                sure = sure or covered
            elif confidence.combine == "veto":
                sure = sure and covered
        if inside:
            right = c.ids[first] in c.relevant
            top3 = any(c.ids[int(k)] in c.relevant for k in order[:3])
            counts += [right, top3, not sure, sure and not right, 1, 0, 0]
        else:
            counts += [0, 0, 0, 0, 0, not sure, 1]
    return counts


@dataclass(frozen=True)
class Setting:
    name: str
    rank_l2: float | None  # None: today's order
    conf_l2: float | None  # None: today's coverage rule
    rcols: tuple[str, ...] = CANDIDATE
    ccols: tuple[str, ...] = CANDIDATE + QUERY
    quadratic: bool = False  # the ranker also sees every product of two features
    # "out": the lowest threshold refusing >= 90% of the training fold's out-of-scope
    # questions; "both": the highest threshold that also refuses <= 10% of its
    # in-scope ones (fewest confident wrong answers the targets allow), else "out";
    # "out95": as "out" at 95%, a margin for a threshold fitted on ~24 questions.
    rule: str = "out"


def train(cases_: list[Case], s: Setting) -> tuple[Ranker | None, Confidence | None]:
    rcols = [CANDIDATE.index(n) for n in s.rcols]
    ccols = [(CANDIDATE + QUERY).index(n) for n in s.ccols]
    ranker = None if s.rank_l2 is None else fit_ranker(cases_, s.rank_l2, rcols, s.quadratic)
    confidence = None
    if s.conf_l2 is not None:
        orders = [_order(c, ranker, rcols) for c in cases_]
        confidence = fit_confidence(cases_, orders, s.conf_l2, ccols, s.rule)
    return ranker, confidence


def run(test: list[Case], model: tuple[Ranker | None, Confidence | None], s: Setting) -> Counts:
    rcols = [CANDIDATE.index(n) for n in s.rcols]
    ccols = [(CANDIDATE + QUERY).index(n) for n in s.ccols]
    return measure(test, model[0], model[1], rcols, ccols)


def cross_validated(cases_: list[Case], s: Setting, folds: int = 5, seeds: int = 3) -> Counts:
    total = np.zeros(7)
    groups = sorted({c.group for c in cases_})
    for seed in range(seeds):
        shuffled = list(groups)
        np.random.default_rng(seed).shuffle(shuffled)
        fold_of = {g: n % folds for n, g in enumerate(shuffled)}
        for k in range(folds):
            model = train([c for c in cases_ if fold_of[c.group] != k], s)
            total += run([c for c in cases_ if fold_of[c.group] == k], model, s)
    return total / seeds


def line(c: Counts) -> str:
    t1, t3, refused, wrong, n, out_refused, n_out = c
    return (
        f"{t1 / n:.2f} {t3 / n:.2f} {refused / n:4.0%} {out_refused / n_out:4.0%} {wrong / n:4.0%}"
    )


SETTINGS = [
    Setting("today (no model)", None, None),
    Setting("rank l2=1", 1.0, None),
    Setting("rank l2=0.1", 0.1, None),
    Setting("rank l2=0.01", 0.01, None),
    Setting("rank l2=0.1, index scores only", 0.1, None, (*CANDIDATE[:7], "1/rank")),
    Setting("rank l2=0.1, no phrasing features", 0.1, None, CANDIDATE[:-3]),
    # The comparator of every conf row: today's coverage alone, its threshold
    # refitted in the same folds by the same rule (a monotone model of one feature).
    Setting("conf coverage only (refit)", None, 1.0, ccols=("coverage",)),
    Setting("conf coverage only, rule both", None, 1.0, ccols=("coverage",), rule="both"),
    Setting("conf l2=1", None, 1.0),
    Setting("conf l2=0.1", None, 0.1),
    Setting("conf l2=0.01", None, 0.01),
    Setting(
        "conf l2=0.1, 4 features",
        None,
        0.1,
        ccols=("coverage", "cov_topic_q", "margin", "agree"),
    ),
    Setting("rank 0.1 + conf 0.1", 0.1, 0.1),
    Setting("rank quadratic l2=1", 1.0, None, quadratic=True),
    Setting("rank quadratic l2=10", 10.0, None, quadratic=True),
    Setting("conf l2=0.1, rule both", None, 0.1, rule="both"),
    Setting("conf l2=1, rule both", None, 1.0, rule="both"),
    Setting("conf l2=1, rule out95", None, 1.0, rule="out95"),
    Setting("conf l2=1, rescue beside coverage", None, 1.0, rule="rescue"),
    Setting("conf l2=1, veto beside coverage", None, 1.0, rule="veto"),
    Setting("conf l2=0.1, veto beside coverage", None, 0.1, rule="veto"),
    Setting("conf coverage only, rule out95", None, 1.0, ccols=("coverage",), rule="out95"),
]


def dominance(set_: list[Case]) -> None:
    """Where today's first item is wrong but a relevant one is among the candidates:
    on how many of those queries each feature favours the relevant one (higher) or
    today's first (lower). A reranker needs features that favour the relevant one."""
    wrong = [
        (c, next(i for i, x in enumerate(c.ids) if x in c.relevant))
        for c in set_
        if len(c.ids) and c.ids[0] not in c.relevant and c.relevant & set(c.ids)
    ]
    print(f"first item wrong, a relevant one among the candidates: {len(wrong)} queries")
    for k, name in enumerate(CANDIDATE):
        higher = sum(c.x[j, k] > c.x[0, k] + 1e-9 for c, j in wrong)
        lower = sum(c.x[j, k] < c.x[0, k] - 1e-9 for c, j in wrong)
        print(f"  {name:<15} relevant higher {higher:2d}, lower {lower:2d}")


HEADER = (
    f"{'experiment':<34} {'protocol':<9} shared t1   t3  inR outR wrong | "
    "own t1   t3  inR outR wrong | blind t1  t3  inR outR wrong"
)


def main(eval_dir: Path) -> None:
    shared = cases(*load_shared(eval_dir), out_of_scope_questions(), "cluster")
    own = cases(*load_own(), "need")
    blind = cases(*load_own(BLIND_SET), "need")
    for name, set_ in (("shared", shared), ("own", own), ("blind", blind)):
        inside = [c for c in set_ if not c.group.startswith("out:")]
        reach = sum(bool(c.relevant & set(c.ids)) for c in inside)
        print(f"{name}: a relevant item among the top {DEPTH} for {reach}/{len(inside)} queries")
    dominance(shared)
    print(HEADER, flush=True)
    for s in SETTINGS:
        # CV on each set; the blind set with a model trained on both whole sets.
        both = train(shared + own, s)
        print(
            f"{s.name:<34} {'CV':<9} {line(cross_validated(shared, s))}   | "
            f"{line(cross_validated(own, s))}   | {line(run(blind, both, s))}",
            flush=True,
        )
        from_own, from_shared = train(own, s), train(shared, s)
        print(
            f"{'':<34} {'transfer':<9} {line(run(shared, from_own, s))}   | "
            f"{line(run(own, from_shared, s))}   | {line(run(blind, from_own, s))}",
            flush=True,
        )
    later_blind_sets(shared, own)
    auc_report(shared, own)
    transfer_auc_report(shared, own, blind)
    more_outside_report(shared, own, blind)


def _auc(scores: list[float], labels: list[bool]) -> float:
    """Chance that a right first answer scores above a wrong or out-of-scope one."""
    right = [s for s, y in zip(scores, labels, strict=True) if y]
    other = [s for s, y in zip(scores, labels, strict=True) if not y]
    wins = sum((r > o) + 0.5 * (r == o) for r in right for o in other)
    return wins / (len(right) * len(other))


def out_of_fold_auc(cases_: list[Case], s: Setting | None, folds: int = 5, seeds: int = 3) -> float:
    """Threshold-free: the learned confidence's AUC within each held-out fold of
    clusters (pooling folds would compare the outputs of different fits), averaged
    over folds and shuffles; `s` None: today's coverage in the same folds. A query
    without candidates scores lowest."""
    coverage = CANDIDATE.index("coverage")
    groups = sorted({c.group for c in cases_})
    aucs = []
    for seed in range(seeds):
        np.random.default_rng(seed).shuffle(groups)
        fold_of = {g: n % folds for n, g in enumerate(groups)}
        for k in range(folds):
            test = [c for c in cases_ if fold_of[c.group] == k]
            labels = [bool(len(c.ids)) and c.ids[0] in c.relevant for c in test]
            if all(labels) or not any(labels):
                continue
            if s is None:
                scores = [c.x[0, coverage] if len(c.ids) else -1.0 for c in test]
            else:
                ccols = [(CANDIDATE + QUERY).index(n) for n in s.ccols]
                _, model = train([c for c in cases_ if fold_of[c.group] != k], s)
                assert model is not None
                first = np.arange(DEPTH)
                scores = [
                    model.prob(top_features(c, first)[ccols]) if len(c.ids) else -1.0 for c in test
                ]
            aucs.append(_auc(scores, labels))
    return float(np.mean(aucs))


def auc_report(shared: list[Case], own: list[Case]) -> None:
    for name, set_ in (("shared", shared), ("own", own)):
        learned = {
            s.name: out_of_fold_auc(set_, s)
            for s in SETTINGS
            if s.conf_l2 is not None and s.rank_l2 is None and s.rule == "out"
        }
        rows = ", ".join(f"{n} {a:.3f}" for n, a in learned.items())
        today = out_of_fold_auc(set_, None)
        print(f"AUC (per fold) of 'the first answer is right', {name}: today {today:.3f}; {rows}")


def transfer_auc(train_on: list[Case], test: list[Case], s: Setting | None) -> float:
    """AUC on `test` of a confidence trained on all of `train_on` (None: coverage)."""
    labels = [bool(len(c.ids)) and c.ids[0] in c.relevant for c in test]
    if s is None:
        coverage = CANDIDATE.index("coverage")
        return _auc([c.x[0, coverage] if len(c.ids) else -1.0 for c in test], labels)
    ccols = [(CANDIDATE + QUERY).index(n) for n in s.ccols]
    _, model = train(train_on, s)
    assert model is not None
    first = np.arange(DEPTH)
    scores = [model.prob(top_features(c, first)[ccols]) if len(c.ids) else -1.0 for c in test]
    return _auc(scores, labels)


def transfer_auc_report(shared: list[Case], own: list[Case], blind: list[Case]) -> None:
    later = [cases(*load_own(path), "need") for path in (BLIND2_SET, BLIND3_SET)]
    runs = (
        ("own->shared", own, shared),
        ("shared->own", shared, own),
        *(
            (f"both->{n}", shared + own, t)
            for n, t in zip(("blind", "blind2", "blind3"), [blind, *later], strict=True)
        ),
    )
    chosen = [
        None,
        *(s for s in SETTINGS if s.conf_l2 is not None and s.rank_l2 is None and s.rule == "out"),
    ]
    print("AUC, transferred: " + " | ".join(s.name if s else "today" for s in chosen))
    for name, source, target in runs:
        print(
            f"  {name:<13} " + "  ".join(f"{transfer_auc(source, target, s):.3f}" for s in chosen)
        )


CRISIS_SET = Path(__file__).resolve().parents[1] / "tests" / "data" / "own_oos_crisis.yaml"


def more_outside_report(shared: list[Case], own: list[Case], blind: list[Case]) -> None:
    """The own set plus the 65 crisis-domain questions the sample store does not
    answer (tests/data/own_oos_crisis.yaml: 40 out of scope, 25 near misses) as
    training data, so the threshold rests on 95 out-of-scope questions instead of
    30; measured on the shared set and the three blind sets, none trained on."""
    import yaml

    data = yaml.safe_load(CRISIS_SET.read_text(encoding="utf-8"))
    items, _, _ = load_own()
    extra = cases(items, [], [str(q) for q in data["out_of_scope"] + data["near_misses"]], "need")
    extra = [Case(c.ids, c.x, c.q, c.relevant, f"out:crisis{n}") for n, c in enumerate(extra)]
    later = [cases(*load_own(path), "need") for path in (BLIND2_SET, BLIND3_SET)]
    print(
        f"{'trained on own + 65 crisis OOS':<34} shared t1   t3  inR outR wrong | blind | blind2 | blind3"
    )
    chosen = [s for s in SETTINGS if s.rank_l2 is None and s.conf_l2 is not None]
    for s in [SETTINGS[0], *chosen]:
        model = train(own + extra, s)
        rows = [line(run(t, model, s)) for t in (shared, blind, *later)]
        print(f"{s.name:<34} " + "   | ".join(rows), flush=True)


def later_blind_sets(shared: list[Case], own: list[Case]) -> None:
    """The two later held-out sets (blind2, blind3), each setting trained on both
    whole sets: a second look at whatever the first blind set seemed to favour."""
    later = [cases(*load_own(path), "need") for path in (BLIND2_SET, BLIND3_SET)]
    print(
        f"{'trained on shared + own':<34} {'':<9} blind2 t1 t3  inR outR wrong | blind3 t1 t3  inR outR wrong"
    )
    for s in SETTINGS:
        both = train(shared + own, s)
        print(
            f"{s.name:<34} {'':<9} {line(run(later[0], both, s))}   | {line(run(later[1], both, s))}",
            flush=True,
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--eval", type=Path, default=EVAL)
    main(parser.parse_args().eval)
