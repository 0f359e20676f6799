"""What the semantic-fusion benchmarks (bench/qa_static.py, bench/semantic_survey.py)
measure alike: unit vectors, the figure columns of a setting, and the cross-validated
choice of a setting by group."""

from __future__ import annotations

import resource
from collections.abc import Sequence
from typing import Protocol, TypeVar

import numpy as np


class Scored(Protocol):
    @property
    def first(self) -> bool: ...
    @property
    def top3(self) -> bool: ...
    @property
    def refused(self) -> bool: ...


Row = TypeVar("Row", bound=Scored)


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def unit(vectors: np.ndarray) -> np.ndarray:
    # float32 throughout: a float64 query against float32 vectors costs 30 times more.
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=-1, keepdims=True)
    return (vectors / np.where(norms == 0, 1.0, norms)).astype(np.float32)


def figures(rows: Sequence[Scored], out_refused: float) -> str:
    """Top-1, top-3, in-scope refused, out-of-scope refused, confidently wrong."""
    n = len(rows)
    top1 = sum(r.first for r in rows) / n
    top3 = sum(r.top3 for r in rows) / n
    refused = sum(r.refused for r in rows) / n
    wrong = sum(not r.refused and not r.first for r in rows) / n
    return f"{top1:.2f} {top3:.2f} {refused:>4.0%} {out_refused:>4.0%} {wrong:>4.0%}"


def cross_validated(
    groups_of: list[str], rows: dict[str, list[Row]], folds: int = 5, seed: int = 0
) -> tuple[list[Row], list[str]]:
    """Each query's outcome (`groups_of`: its group) under the setting that did best
    (top-1 + top-3) on the other folds' groups; also the settings chosen. Fusion and
    re-ranking settings only (not today's lexical ranking, not a signal alone)."""
    names = [n for n in rows if n != "lexical (today)" and "alone" not in n]
    groups = sorted(set(groups_of))
    np.random.default_rng(seed).shuffle(groups)
    fold_of = {g: n % folds for n, g in enumerate(groups)}
    picked: list[Row | None] = [None] * len(groups_of)
    chosen = []
    for k in range(folds):
        train = [i for i, g in enumerate(groups_of) if fold_of[g] != k]
        best = max(names, key=lambda n: sum(rows[n][i].first + rows[n][i].top3 for i in train))
        chosen.append(best)
        for i, g in enumerate(groups_of):
            if fold_of[g] == k:
                picked[i] = rows[best][i]
    return [p for p in picked if p is not None], chosen
