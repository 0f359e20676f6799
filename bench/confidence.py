"""Can a better confidence decision cut the in-scope refusals? Cross-validated by cluster.

The bot answers when `Result.coverage` (the IDF-weighted share of the question
that the best item and its topic cover) reaches `CONFIDENT_COVERAGE`. This
bench asks whether another threshold, or another feature beside coverage, would
refuse fewer in-scope questions while still refusing at least 90% of the
out-of-scope ones, without tuning on the queries it is measured on:

- every query's features come from the honest index (its `exclude` items out of
  every statistic, as bench/qa_eval.py);
- thresholds and weights are fitted on four fifths of the clusters (an
  out-of-scope question is a cluster of its own) and measured on the fifth, so
  no query decides its own outcome; five shuffles of the folds, averaged;
- "transfer": fitted on all of one set, measured on the other (the own set is
  the check the shared set never saw, and the reverse).

The decision rule per fit: the lowest threshold that refuses at least 90% of
the training fold's out-of-scope questions (the target), so the in-scope
refusals are as few as the rule allows. Features:

    cov            coverage (what the bot uses today)
    margin         (score 1 - score 2) / score 1
    topic_margin   the same over the topic scores
    tnorm          best topic score / the query's summed IDF (a normalised BM25)
    agree          the whole-item, topic and 4-gram channels pick the same item (0..3)
    rare_cov       coverage of the two rarest query terms only
    unk_frac       share of the query's content words the store has never seen

    .venv/bin/python -m bench.confidence [--eval ../shared/eval]
"""

from __future__ import annotations

import argparse
import math
from pathlib import Path

import numpy as np

from bench.qa_eval import load_own, load_shared, out_of_scope_questions
from knowledge.model import QA
from knowledge.search import CONFIDENT_COVERAGE, Index
from knowledge.text import rarity
from tests.support.eval_data import EVAL

NAMES = ("cov", "margin", "topic_margin", "tnorm", "agree", "rare_cov", "unk_frac")
TARGET_OUT = 0.90
NO_HIT = -1.0  # a question without any hit is refused whatever the rule


def features(index: Index, query: str) -> np.ndarray | None:
    """The candidate confidence features of `query` on `index` (None: no hit at all)."""
    result = index.search(query, limit=2)
    if not result.hits:
        return None
    position = index._position[result.hits[0].id]
    mapped = index._mapped_words(query, True)
    query_terms = [t for group in index._mapped_terms(query) for t in group]
    first = result.hits[0].score
    second = result.hits[1].score if len(result.hits) > 1 else 0.0
    topics = np.sort(index.topic_scores(query_terms))[::-1]
    topic_margin = (topics[0] - topics[1]) / topics[0] if len(topics) > 1 and topics[0] > 0 else 1.0
    idf_sum = sum(index._idf(t) for t in query_terms) or 1.0
    whole = index.scores(query_terms)
    grams = index.gram_scores(query)
    agree = (
        int(whole.max() > 0 and int(np.argmax(whole)) == position)
        + int(
            len(topics) > 0
            and int(np.argmax(index.topic_scores(query_terms))) == index._topic_of[position]
        )
        + int(grams is not None and int(np.argmax(grams)) == position)
    )
    have = set(index._term_sets[position]) | index._topic_term_sets[index._topic_of[position]]
    weighted: list[tuple[float, bool]] = []
    for word, group in mapped:
        if not group:
            weighted.append((index._idf(None) * rarity(word), False))
        for term in group:
            weighted.append((index._idf(term) / len(group), term in have))
    weighted.sort(key=lambda w: -w[0])
    rarest = weighted[:2]
    rare_cov = sum(w for w, c in rarest if c) / (sum(w for w, _ in rarest) or 1.0)
    unknown = sum(1 for _, group in mapped if not group) / max(1, len(mapped))
    return np.array(
        [
            result.coverage,
            (first - second) / first if first else 0.0,
            topic_margin,
            topics[0] / idf_sum if len(topics) else 0.0,
            agree,
            rare_cov,
            unknown,
        ]
    )


# Features (None: no hit), in scope, cluster, and whether the first hit answers it.
Sample = tuple[list[np.ndarray | None], np.ndarray, list[str], np.ndarray]
# In-scope refused, out-of-scope refused, in-scope answered confidently but wrongly.
Rates = tuple[float, float, float]


def collect(items: list[QA], queries: list[dict[str, object]], outside: list[str]) -> Sample:
    """Features, in-scope flag, cluster and right first hit of every question of one set."""
    index = Index(items)
    rows: list[np.ndarray | None] = []
    inside: list[bool] = []
    clusters: list[str] = []
    right: list[bool] = []
    for query in queries:
        honest = index.without(frozenset(query.get("exclude", ())))  # type: ignore[call-overload]
        rows.append(features(honest, str(query["query"])))
        hits = honest.search(str(query["query"]), limit=1).hits
        right.append(bool(hits) and hits[0].id in query["relevant"])  # type: ignore[operator]
        inside.append(True)
        # The items that answer it: one need, whatever the set calls its clusters.
        clusters.append(str(sorted(query["relevant"])))  # type: ignore[call-overload]
    for n, question in enumerate(outside):
        rows.append(features(index, question))
        inside.append(False)
        clusters.append(f"out-{n}")
        right.append(False)
    return rows, np.array(inside), clusters, np.array(right)


def fit(x: np.ndarray, y: np.ndarray, columns: list[int]) -> np.ndarray:
    """Logistic regression (L2, gradient descent): weights for the columns and a bias."""
    a = np.c_[x[:, columns], np.ones(len(x))]
    w = np.zeros(a.shape[1])
    for _ in range(3000):
        p = 1 / (1 + np.exp(-(a @ w)))
        w -= 0.5 * (a.T @ (p - y) + np.r_[w[:-1], 0.0]) / len(y)
    return w


def scores(rows: list[np.ndarray | None], columns: list[int], w: np.ndarray | None) -> np.ndarray:
    """Per question, the rule's score (higher: more confident); no hit scores lowest."""
    out = []
    for row in rows:
        if row is None:
            out.append(-math.inf)
        elif w is None:
            out.append(float(row[columns[0]]))
        else:
            out.append(float(np.r_[row[columns], 1.0] @ w))
    return np.array(out)


def threshold(score: np.ndarray, inside: np.ndarray) -> float:
    """The lowest threshold that refuses at least TARGET_OUT of the out-of-scope scores."""
    outside = np.sort(score[~inside])
    k = math.ceil(TARGET_OUT * len(outside))
    return float(outside[k - 1]) + 1e-9


def rule(sample: Sample, columns: list[int], learned: bool) -> tuple[np.ndarray | None, float]:
    rows, inside, _, _ = sample
    usable = [n for n, r in enumerate(rows) if r is not None]
    w = (
        fit(np.array([rows[n] for n in usable]), inside[usable].astype(float), columns)
        if learned
        else None
    )
    return w, threshold(scores(rows, columns, w), inside)


def subset(sample: Sample, keep: list[int]) -> Sample:
    rows, inside, clusters, right = sample
    return [rows[n] for n in keep], inside[keep], [clusters[n] for n in keep], right[keep]


def cross_validated(
    sample: Sample, columns: list[int], learned: bool, folds: int = 5, shuffles: int = 5
) -> Rates:
    """In-scope and out-of-scope refusal rates and confident wrong answers, each
    question decided by a rule fitted without its cluster."""
    rows, inside, clusters, right = sample
    rates = []
    for seed in range(shuffles):
        groups = sorted(set(clusters))
        np.random.default_rng(seed).shuffle(groups)
        fold_of = {g: n % folds for n, g in enumerate(groups)}
        refused = np.zeros(len(rows), dtype=bool)
        for k in range(folds):
            train = [n for n in range(len(rows)) if fold_of[clusters[n]] != k]
            test = [n for n in range(len(rows)) if fold_of[clusters[n]] == k]
            w, t = rule(subset(sample, train), columns, learned)
            refused[test] = scores([rows[n] for n in test], columns, w) < t
        rates.append(_rates(refused, inside, right))
    got = np.mean(rates, axis=0)
    return float(got[0]), float(got[1]), float(got[2])


def _rates(refused: np.ndarray, inside: np.ndarray, right: np.ndarray) -> Rates:
    return (
        float(refused[inside].mean()),
        float(refused[~inside].mean()),
        float((~refused & inside & ~right).sum() / inside.sum()),
    )


def transferred(train: Sample, test: Sample, columns: list[int], learned: bool) -> Rates:
    w, t = rule(train, columns, learned)
    return _rates(scores(test[0], columns, w) < t, test[1], test[3])


def fixed(sample: Sample, value: float) -> Rates:
    return _rates(scores(sample[0], [0], None) < value, sample[1], sample[3])


def main(eval_dir: Path) -> None:
    shared_items, shared_queries = load_shared(eval_dir)
    shared = collect(shared_items, shared_queries, out_of_scope_questions())
    own_items, own_queries, own_outside = load_own()
    own = collect(own_items, own_queries, own_outside)
    column = {name: n for n, name in enumerate(NAMES)}
    print(
        "refused in-scope / out-of-scope / confidently wrong in-scope "
        "(target: <= 0.10 / >= 0.90 / no more than today)"
    )
    print(
        f"  coverage >= {CONFIDENT_COVERAGE} (today):  shared "
        + " /".join(f"{v:.2f}" for v in fixed(shared, CONFIDENT_COVERAGE))
        + "   own "
        + " /".join(f"{v:.2f}" for v in fixed(own, CONFIDENT_COVERAGE))
    )
    print(f"  {'rule':<28}{'shared CV':>19}{'own CV':>19}{'shared->own':>19}{'own->shared':>19}")
    rules: list[tuple[str, list[str], bool]] = [
        ("coverage threshold", ["cov"], False),
        ("LR coverage + margin", ["cov", "margin"], True),
        ("LR coverage + topic margin", ["cov", "topic_margin"], True),
        ("LR coverage + tnorm", ["cov", "tnorm"], True),
        ("LR coverage + agreement", ["cov", "agree"], True),
        ("LR coverage + rare coverage", ["cov", "rare_cov"], True),
        ("LR coverage + unknown share", ["cov", "unk_frac"], True),
        ("LR all seven", list(NAMES), True),
    ]
    for name, used, learned in rules:
        columns = [column[u] for u in used]
        figures = [
            cross_validated(shared, columns, learned),
            cross_validated(own, columns, learned),
            transferred(shared, own, columns, learned),
            transferred(own, shared, columns, learned),
        ]
        print(f"  {name:<28}" + "".join(f"{a:>8.2f} /{b:>4.2f} /{c:>4.2f}" for a, b, c in figures))


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--eval", type=Path, default=EVAL)
    main(parser.parse_args().eval)
