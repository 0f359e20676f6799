"""Retrieval on ../shared/eval holds its honest figures (deterministic: no timing here;
latency lives in bench/qa_eval.py).

Honest: each query's `exclude` items (the store item whose question is the query)
are out of the index before it is built (topic documents, coverage, IDF,
vocabulary), as shared/eval's protocol asks. The own set in tests/data/ runs in
every clone (tests/unit/test_own_eval.py); this one needs ../shared/eval.
"""

from __future__ import annotations

import pytest

from bench.qa_eval import evaluate, honest, load_shared, ours, out_of_scope_questions, refusals
from bench.qa_threshold import asked_shared, figures
from knowledge.model import QA
from knowledge.search import CONFIDENT_COVERAGE, Index
from tests.support.eval_data import EVAL

Shared = tuple[list[QA], list[dict[str, object]]]


@pytest.fixture(scope="module")
def shared() -> Shared:
    if not EVAL.exists():
        pytest.skip(f"shared evaluation data not found at {EVAL}")
    return load_shared(EVAL)


def test_top1_and_top3_hold_the_honest_figures(shared: Shared) -> None:
    items, queries = shared
    result = evaluate(honest(ours, items, queries), queries)
    # 45 of 81 since "storing" left the power-cut group (46 before: "Wat te doen bij een
    # stroomstoring?" now meets another power-cut item first; tests/unit/test_synonym_groups.py).
    assert result["top1"] >= 0.555, result
    assert result["top3"] >= 0.75, result


def test_no_answer_behaviour(shared: Shared) -> None:
    items, queries = shared
    inside, outside = refusals(items, queries, out_of_scope_questions())
    # 28 of 30 and 13 of 81 since unknown words are read as verb forms and compounds
    # of known ones (17 of 81 before; 27 and 16 before topics carried their answers).
    # 27 of 30 since "storing" left the power-cut group: a near tie (19.8 vs 19.6)
    # flipped, and "Hoe lang duurt het om een nieuw paspoort te krijgen?" now gets
    # the living-allowance item (it names a passport) with confidence.
    assert sum(outside) >= 27, sum(outside)
    # 11 of 81 since a known word the best answer does not cover counts no more
    # than an unseen one (tests/unit/test_confidence_rule.py); 27 of 30 unchanged.
    assert sum(inside) <= 11, sum(inside)


def test_confident_wrong_answers_do_not_grow() -> None:
    """In-scope queries answered with confidence by a Q&A that does not answer them
    (bench/qa_threshold.py): 29 of 81 (35.8%) at the threshold 0.36, the same as at
    0.40. Far too many; this only keeps it from growing unseen."""
    if not EVAL.exists():
        pytest.skip(f"shared evaluation data not found at {EVAL}")
    asked = asked_shared(EVAL)
    result = figures(asked, CONFIDENT_COVERAGE)
    assert result["wrong"] * sum(a.inside for a in asked) <= 29 + 1e-9, result


def test_excluded_items_are_out_of_every_index(shared: Shared) -> None:
    """The verbatim query must not sit in the index: leaving an item out is the same
    as never having imported it (same scores, same coverage, same confidence)."""
    items, queries = shared
    full = Index(items)
    for query in queries:
        exclude = frozenset(query["exclude"])  # type: ignore[arg-type]
        if not exclude:
            continue
        never_seen = Index([i for i in items if i.id not in exclude])
        got = full.search(str(query["query"]), limit=10, exclude=exclude)
        assert got == never_seen.search(str(query["query"]), limit=10), query["query"]
