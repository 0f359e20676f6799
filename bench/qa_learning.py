"""Does the store learn? Curator answers with `qa=<id> --leer`, replayed on ../shared/eval.

For each cluster of the shared queries, half of the queries are fed to the store as
phrasings added by curators (what `!antwoord V12 qa=<id> --leer` does: the question
cleaned by `commands.questions.public_phrasing`, added through
`knowledge.service.add_phrasing`, a new version and an audit row each, in a real
SQLite database). The other half is measured before and after with the ranking the
chat path uses (`Store.ask`, each query's `exclude` items left out):
top-1, top-3, and refusals (no confident answer; the question would go to the
curators). For reference only, the fed queries are asked again too (the next
municipality asking in the same words), which is not the measure.

Honest by construction: the measured queries are never fed, and no phrasing is
added to an item that any measured query excludes (its own item). A fed query goes
to the first of its cluster's relevant items that is not such an item and not the
fed query's own (a curator answers with the cluster's Q&A, not a verbatim copy). Two
folds: fed = odd positions in each cluster and measured = even, then the other way
round (a one-query cluster is measured in the first fold, with nothing fed).

    .venv/bin/python -m bench.qa_learning [--eval ../shared/eval]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from commands.questions import public_phrasing
from knowledge import service
from knowledge.search import Document
from storage.engine import Database
from tests.support.eval_data import EVAL

Query = dict[str, Any]


@dataclass
class Figures:
    n: int = 0
    top1: int = 0
    top3: int = 0
    refused: int = 0
    confident_wrong: int = 0

    def line(self) -> str:
        n = max(self.n, 1)
        return (
            f"top-1 {self.top1 / n:.2f}  top-3 {self.top3 / n:.2f}  "
            f"refusals {self.refused}/{self.n} ({self.refused / n:.0%})  "
            f"confident but wrong {self.confident_wrong}"
        )


def split(queries: list[Query], fold: int) -> tuple[list[Query], list[Query]]:
    """(fed, measured): per cluster, alternate positions."""
    clusters: dict[str, list[Query]] = defaultdict(list)
    for query in queries:
        clusters[str(query["cluster"])].append(query)
    fed: list[Query] = []
    measured: list[Query] = []
    for members in clusters.values():
        for position, query in enumerate(members):
            (measured if position % 2 == fold else fed).append(query)
    return fed, measured


def leave_out(excluded: frozenset[str]) -> Callable[[Document], bool]:
    return lambda doc: doc.id not in excluded


def measure(store: service.Store, queries: list[Query]) -> Figures:
    figures = Figures()
    for query in queries:
        exclude = frozenset(query["exclude"])
        relevant = set(query["relevant"])
        result = store.ask(str(query["query"]), 3, accept=leave_out(exclude))
        ranked = [hit.id for hit in result.hits]
        figures.n += 1
        figures.top1 += bool(ranked) and ranked[0] in relevant
        figures.top3 += any(r in relevant for r in ranked[:3])
        figures.refused += not result.confident
        figures.confident_wrong += result.confident and ranked[0] not in relevant
    return figures


async def fold_run(eval_dir: Path, queries: list[Query], fold: int) -> dict[str, Any]:
    fed, measured = split(queries, fold)
    # The measured half's own items: never a target.
    forbidden = {item for query in measured for item in query["exclude"]}
    with tempfile.TemporaryDirectory() as tmp:
        db = Database(f"sqlite+aiosqlite:///{Path(tmp) / 'learn.db'}")
        try:
            await db.migrate()
            await service.import_path(db, eval_dir / "qa-store.jsonl", "bench")
            async with db.session() as session:
                store = await service.load_store(session)
                before, fed_before = measure(store, measured), measure(store, fed)
            added = skipped = 0
            for query in fed:
                target = next(
                    (
                        item
                        for item in query["relevant"]
                        if item not in forbidden and item not in query["exclude"]
                    ),
                    None,
                )
                if target is None:
                    skipped += 1
                    continue
                async with db.transaction() as session:
                    done = await service.add_phrasing(
                        session, target, public_phrasing(str(query["query"])), "bench"
                    )
                added += bool(done and done.added)
            async with db.session() as session:
                store = await service.load_store(session)
                after, fed_after = measure(store, measured), measure(store, fed)
        finally:
            await db.close()
    return {
        "fold": fold,
        "fed": len(fed),
        "added": added,
        "skipped": skipped,
        "measured": len(measured),
        "before": before,
        "after": after,
        "fed_before": fed_before,
        "fed_after": fed_after,
    }


async def main(eval_dir: Path) -> None:
    queries = [
        json.loads(line)
        for line in (eval_dir / "qa-queries.jsonl").read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    print(f"{len(queries)} queries in {len({q['cluster'] for q in queries})} clusters")
    total = {"before": Figures(), "after": Figures()}
    for fold in (0, 1):
        run = await fold_run(eval_dir, queries, fold)
        for key, figures in total.items():
            for name in ("n", "top1", "top3", "refused", "confident_wrong"):
                setattr(figures, name, getattr(figures, name) + getattr(run[key], name))
        print(
            f"fold {fold}: {run['fed']} queries fed ({run['added']} phrasings added, "
            f"{run['skipped']} without an allowed target), {run['measured']} measured"
        )
        print(f"  before: {run['before'].line()}")
        print(f"  after:  {run['after'].line()}")
        print("  the fed queries themselves, asked again in the same words (not the measure):")
        print(f"    before: {run['fed_before'].line()}")
        print(f"    after:  {run['fed_after'].line()}")
    print("both folds (every query measured once, never fed in its own fold):")
    print(f"  before: {total['before'].line()}")
    print(f"  after:  {total['after'].line()}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--eval", type=Path, default=EVAL)
    asyncio.run(main(parser.parse_args().eval))
