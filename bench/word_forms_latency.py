"""Does reading unknown words as verb forms and compounds (knowledge/word_forms.py)
cost search time? The shared queries on the store scaled to 10,000 Q&As, with and
without it, interleaved in one process (A/B/A/B...) so machine load hits both alike:
per query the median of the repeats, then median and p95 over the queries.

    .venv/bin/python -m bench.word_forms_latency [--eval ../shared/eval] [--repeats 5]
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from bench.qa_eval import load_shared, scaled
from knowledge import search
from knowledge.search import Index
from tests.support.eval_data import EVAL


def main(eval_dir: Path, repeats: int) -> None:
    items, queries = load_shared(eval_dir)
    index = Index(scaled(items, 10_000))
    with_forms = search.store_terms
    timings: dict[str, list[list[float]]] = {"with": [], "without": []}
    for _ in range(repeats):
        for name in ("with", "without"):
            search.store_terms = with_forms if name == "with" else (lambda word, known: [])
            run = []
            for query in queries:
                started = time.perf_counter()
                index.search(str(query["query"]))
                run.append((time.perf_counter() - started) * 1000)
            timings[name].append(run)
    search.store_terms = with_forms
    for name, runs in timings.items():
        per_query = sorted(statistics.median(r[n] for r in runs) for n in range(len(queries)))
        p95 = per_query[round(0.95 * (len(per_query) - 1))]
        print(
            f"{name:<8} word forms at {len(index.documents):,} Q&As: "
            f"{statistics.median(per_query):.2f} ms median, {p95:.2f} ms p95"
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--eval", type=Path, default=EVAL)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    main(args.eval, args.repeats)
