"""bench/qa_ltr.py (learning to rank, issue 13): its features start from the bot's own
ranking and confidence, and its two models do what they claim on data made for them."""

from __future__ import annotations

import numpy as np

from bench.qa_eval import load_own
from bench.qa_ltr import CANDIDATE, QUERY, Case, cases, fit_confidence, fit_ranker
from knowledge.search import CONFIDENT_COVERAGE, Index


def test_the_candidates_are_the_bots_ranking_and_confidence() -> None:
    items, queries, outside = load_own()
    index = Index(items)
    found = cases(items, queries[:20], outside[:5], "need")
    coverage = CANDIDATE.index("coverage")
    for case, text in zip(
        found, [str(q["query"]) for q in queries[:20]] + outside[:5], strict=True
    ):
        result = index.search(text, limit=3)
        assert case.ids[:3] == [hit.id for hit in result.hits]
        if case.ids:
            assert (case.x[0, coverage] >= CONFIDENT_COVERAGE) == result.confident


def _case(group: str, good_first: bool, rng: np.random.Generator) -> Case:
    x = rng.normal(size=(5, len(CANDIDATE)))
    # Feature 2 says which candidate is relevant; today's order (row 0 first) may not.
    x[:, 2] = 0.0
    relevant = 0 if good_first else 3
    x[relevant, 2] = 1.0
    ids = [f"{group}-{n}" for n in range(5)]
    return Case(ids, x, rng.normal(size=len(QUERY)), {ids[relevant]}, group)


def test_the_pairwise_ranker_learns_the_telling_feature() -> None:
    rng = np.random.default_rng(0)
    train = [_case(f"c{n}", n % 2 == 0, rng) for n in range(30)]
    ranker = fit_ranker(train, 0.01, list(range(len(CANDIDATE))), quadratic=False)
    test = [_case(f"t{n}", False, rng) for n in range(10)]
    assert all(int(np.argmax(ranker.score(c.x))) == 3 for c in test)


def test_the_confidence_threshold_refuses_ninety_percent_of_the_training_outside() -> None:
    rng = np.random.default_rng(1)
    inside = [_case(f"c{n}", True, rng) for n in range(20)]
    outside = [_case(f"out:{n}", True, rng) for n in range(20)]
    for case in outside:
        case.relevant.clear()
    train = inside + outside
    orders = [np.arange(5) for _ in train]
    columns = list(range(len(CANDIDATE) + len(QUERY)))
    model = fit_confidence(train, orders, 1.0, columns, "out")
    refused = sum(model.prob(np.concatenate([c.x[0], c.q])) < model.threshold for c in outside)
    assert refused >= 18
