"""Why does a shared query miss at top-1? Each miss, what ranked first, and a category.

Honest as bench/qa_eval.py: each query is asked of an index built without its
`exclude` items. For every query whose first hit is not relevant it prints the
query, its terms, the first hit and the best relevant hit (each with its item score
and its topic's share of the score), which query terms each one's question holds
and which only its answer, and one category, first match counting:

    no term        no query word is a term of the store (nothing to rank)
    vocabulary     no relevant item holds any query term (question, phrasings,
                   topic or answer): the words of the question are not the store's
    answer only    the relevant items hold query terms only in their answers, the
                   first hit in its question (question-versus-answer weighting)
    same topic     the first hit is of a relevant item's store topic: the topic is
                   right, the item within it is not (the store files several needs
                   under one topic, the query's cluster is one of them)
    near tie       a relevant item scores at least 90% of the first hit
    topic          another topic outscores the relevant ones

    KNOOPPUNT_EVAL_DIR=/work/shared/eval .venv/bin/python -m bench.qa_failures [--quiet]

Measured 2026-12-04 on today's main (81 queries, 36 missed at top-1; see
bench/qa_signals.py for what was tried on them).
"""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path

from bench.qa_eval import load_shared
from knowledge.model import QA
from knowledge.search import TOPIC_WEIGHT, Index
from knowledge.text import terms
from tests.support.eval_data import EVAL


def _category(
    index: Index,
    query: dict[str, object],
    query_terms: list[str],
    ranked: list[str],
    by_id: dict[str, QA],
) -> str:
    relevant = [r for r in query["relevant"] if r in index._position]  # type: ignore[attr-defined]
    if not query_terms:
        return "no term"
    held = set(query_terms)

    def asked(item: QA) -> set[str]:
        return set(
            terms(" ".join([item.question, *item.alternatives, item.topic.replace("/", " ")]))
        )

    in_question = [r for r in relevant if held & asked(by_id[r])]
    in_answer = [r for r in relevant if held & set(terms(by_id[r].answer))]
    if not in_question and not in_answer:
        return "vocabulary"
    first = by_id[ranked[0]]
    if not in_question and held & asked(first):
        return "answer only"
    if first.topic and first.topic in {by_id[r].topic for r in relevant}:
        return "same topic"
    return "topic"


def analyse(eval_dir: Path, quiet: bool) -> Counter[str]:
    items, queries = load_shared(eval_dir)
    by_id = {item.id: item for item in items}
    full = Index(items)
    counts: Counter[str] = Counter()
    for number, query in enumerate(queries):
        index = full.without(frozenset(query["exclude"]))  # type: ignore[arg-type]
        result = index.search(str(query["query"]), limit=len(items))
        ranked = [hit.id for hit in result.hits]
        relevant = set(query["relevant"])  # type: ignore[call-overload]
        if ranked and ranked[0] in relevant:
            continue
        query_terms = [t for group in index._mapped_terms(str(query["query"])) for t in group]
        category = _category(index, query, query_terms, ranked, by_id) if ranked else "no term"
        scores = {hit.id: hit.score for hit in result.hits}
        rank = next((n for n, r in enumerate(ranked, 1) if r in relevant), None)
        best_relevant = ranked[rank - 1] if rank else None
        if (
            category == "topic"
            and best_relevant
            and scores[best_relevant] >= 0.9 * scores[ranked[0]]
        ):
            category = "near tie"
        counts[category] += 1
        if quiet:
            continue
        print(
            f"#{number} [{query['cluster']}] {category}; relevant at rank {rank}, confident {result.confident}"
        )
        print(f"   Q: {query['query']}\n   terms: {query_terms}")
        for label, doc_id in (
            ("first", ranked[0] if ranked else None),
            ("relevant", best_relevant),
        ):
            if doc_id is None:
                continue
            item = by_id[doc_id]
            topic = (
                TOPIC_WEIGHT
                * index.topic_scores(query_terms)[index._topic_of[index._position[doc_id]]]
            )
            print(
                f"   {label:<8} {doc_id} [{item.topic}] {scores[doc_id]:.1f} (topic {topic:.1f}): {item.question[:80]}"
            )
    return counts


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--eval", type=Path, default=EVAL)
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args()
    counts = analyse(args.eval, args.quiet)
    print(
        f"{sum(counts.values())} misses at top-1: "
        + ", ".join(f"{k} {v}" for k, v in counts.most_common())
    )
