"""Retrieval on ../shared/eval stays at its targets (deterministic: no timing here;
latency lives in bench/qa_eval.py)."""

from __future__ import annotations

import json

import pytest

from bench.qa_eval import evaluate, out_of_scope_questions
from knowledge.model import QA
from knowledge.search import Index
from tests.support.eval_data import EVAL


@pytest.fixture(scope="module")
def eval_set() -> tuple[Index, list[dict[str, object]]]:
    if not EVAL.exists():
        pytest.skip(f"evaluation data not found at {EVAL}")
    items = [
        QA.model_validate(json.loads(line))
        for line in (EVAL / "qa-store.jsonl").read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    queries = [
        json.loads(line)
        for line in (EVAL / "qa-queries.jsonl").read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    return Index(items), queries


def test_top1_and_top3_reach_their_targets(eval_set: tuple[Index, list[dict[str, object]]]) -> None:
    index, queries = eval_set
    result = evaluate(
        lambda q, exclude: [h.id for h in index.search(q, limit=10, exclude=exclude).hits],
        queries,
    )
    assert result["top1"] >= 0.60, result
    assert result["top3"] >= 0.80, result


def test_no_answer_behaviour(eval_set: tuple[Index, list[dict[str, object]]]) -> None:
    index, queries = eval_set
    outside = [index.search(q).confident for q in out_of_scope_questions()]
    inside = [
        index.search(str(q["query"]), exclude=frozenset(q["exclude"])).confident  # type: ignore[arg-type]
        for q in queries
    ]
    assert outside.count(False) / len(outside) >= 0.90
    assert inside.count(False) / len(inside) <= 0.10
