"""bench/semantic_survey.py (issue 13): its lexical ranking and confidence are the bot's
own, and a re-ranker moves only today's top k, with an encoder made for the test (the
registry encoders it measures are not project dependencies)."""

from __future__ import annotations

import numpy as np

from bench.qa_eval import load_own
from bench.semantic_survey import Asked, collect, outcome, rerank, today


def _own() -> list[Asked]:
    items, queries, outside = load_own()
    data = collect("own", items, queries, outside, [], {})
    return data.inside + data.outside


def test_today_is_the_bots_ranking_and_confidence() -> None:
    for one in _own():
        # Each query's index is the one the survey built without its `exclude` items.
        result = one.index.search(one.query, limit=3)
        order = today()(one)
        assert [one.index._document_at(int(p)).id for p in order[:3]] == [
            hit.id for hit in result.hits
        ]
        # With no semantic signal the guard changes nothing: today's refusals.
        assert outcome(one, today()).refused == (not result.confident)


def test_a_reranker_reorders_only_the_lexical_top_k() -> None:
    asked = next(a for a in _own() if len(today()(a)) >= 6)
    order = [int(p) for p in today()(asked)]
    cosine = np.zeros(len(asked.lexical))
    # The encoder prefers today's third item above all, and the sixth even more.
    cosine[order[2]] = 1.0
    cosine[order[5]] = 2.0
    asked.cosine["fake"] = cosine
    reranked = [int(p) for p in rerank("fake", 3, None)(asked)]
    assert reranked[0] == order[2]
    assert sorted(reranked[:3]) == sorted(order[:3])
    assert reranked[3:] == order[3:]
    # Within the top 5 the sixth item stays out of reach.
    assert rerank("fake", 5, None)(asked)[5] == order[5]
