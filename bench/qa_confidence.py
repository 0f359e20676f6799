"""Why unseen Dutch paraphrases are refused, and confidence rules measured on every set.

    KNOOPPUNT_EVAL_DIR=../shared/eval .venv/bin/python -m bench.qa_confidence [--words]

The bot answers when the best item's coverage (knowledge/search.py
`Index.coverage`) reaches `CONFIDENT_COVERAGE`. Each experiment below changes only
how coverage weighs a question's words (the ranking is untouched), and is
measured on the honest shared set (../shared/eval, excluded items out of the
index), the own set and the first two blind sets (both spent as blind measures,
so used here for analysis); the third blind set takes no part. Per set: in-scope
refused / out-of-scope refused / in-scope answered confidently but wrongly, at
today's threshold and at the threshold refitted on the shared set by the
bench/qa_threshold.py rule (the lowest that refuses >= 90% of its out-of-scope
questions), and on the shared set cross-validated by cluster (5 folds).

`--words` prints, for every in-scope question refused with the right item first,
what its uncovered weight is made of.
"""

from __future__ import annotations

import argparse
import contextlib
from collections.abc import Callable, Iterator
from pathlib import Path

from bench.qa_eval import BLIND2_SET, BLIND_SET, OWN_SET
from bench.qa_threshold import Asked, asked_own, asked_shared, cross_validated, figures, fit
from knowledge import search
from knowledge.search import CONFIDENT_COVERAGE, Index
from knowledge.text import STOP_WORDS, _zipf_table, rarity
from knowledge.word_forms import as_term
from tests.support.eval_data import EVAL

SETS = (("own", OWN_SET), ("blind1", BLIND_SET), ("blind2", BLIND2_SET))

# An experiment: a replacement for `Index.coverage` (None: today's).
Coverage = Callable[[Index, list[tuple[str, list[str]]], int], float]


def dutch_split(word: str, min_head: int = 3, min_tail: int = 4) -> tuple[str, str] | None:
    """`word` as a Dutch compound of two general Dutch words (wordfreq's list), with
    a linking sound between them ("dorp-s-huis", "hond-en-belasting"); the longest
    head first. None when no such split exists."""
    table = _zipf_table("nl")
    for cut in range(len(word) - min_tail, min_head - 1, -1):
        tail = word[cut:]
        if tail not in table or tail in STOP_WORDS:
            continue
        for link in ("", "s", "en", "e"):
            if link and not word[:cut].endswith(link):
                continue
            head = word[: cut - len(link)]
            if len(head) >= min_head and head in table and head not in STOP_WORDS:
                return head, tail
    return None


def number_rarity(word: str) -> float:
    """A number as wordfreq reads one (its digits folded together): everyday."""
    return rarity("0" * len(word)) if word.isdigit() else rarity(word)


def rule(
    numbers: bool = False,
    split: str = "",  # "", "mean" (parts' rarity), "max", "terms" (parts as store terms)
    which: str = "all",  # split every unknown word, or only those missing from wordfreq
) -> Coverage:
    """Today's coverage (knowledge/search.py), with an unknown word weighed otherwise."""

    def weigh(word: str) -> float:
        return number_rarity(word) if numbers else rarity(word)

    def coverage(index: Index, mapped: list[tuple[str, list[str]]], position: int) -> float:
        tiers = index._covering(position)
        unseen = index._idf(None)
        total = covered = 0.0
        for word, group in mapped:
            parts = None
            if not group and split and (which == "all" or rarity(word) >= 1.0):
                parts = dutch_split(word)
            if not group and parts is None:
                total += unseen * weigh(word)
                continue
            if not group and parts is not None and split != "terms":
                r = [weigh(p) for p in parts]
                total += unseen * (max(r) if split == "max" else sum(r) / len(r))
                continue
            pieces = (
                [(p, as_term(p)) for p in parts]
                if parts is not None
                else [(word, t) for t in group]
            )
            for piece, term in pieces:
                share = len(pieces)
                if parts is not None and term not in index._vocab:
                    total += unseen * weigh(piece) / share
                    continue
                weight = index._idf(term) / share
                credit = next((c for covers, c in tiers if term in covers), 0.0)
                if credit:
                    total += weight
                    covered += credit * weight
                else:
                    total += min(weight, unseen * weigh(piece) / share)
        return covered / total if total else 0.0

    return coverage


EXPERIMENTS: dict[str, Coverage | None] = {
    "today": None,
    "today, replayed": rule(),
    "C1 numbers everyday": rule(numbers=True),
    "C2 compounds: mean rarity of parts (missing words)": rule(split="mean", which="missing"),
    "C3 compounds: mean rarity of parts (all unknown)": rule(split="mean"),
    "C4 compounds: max rarity of parts (all unknown)": rule(split="max"),
    "C5 compounds: parts as store terms (all unknown)": rule(split="terms"),
    "C6 C1 + C5": rule(numbers=True, split="terms"),
    "C7 C1 + C3": rule(numbers=True, split="mean"),
}


@contextlib.contextmanager
def patched(coverage: Coverage | None) -> Iterator[None]:
    if coverage is None:
        yield
        return
    saved = Index.coverage
    Index.coverage = coverage  # type: ignore[method-assign]
    try:
        yield
    finally:
        Index.coverage = saved  # type: ignore[method-assign]


def measured(eval_dir: Path) -> dict[str, list[Asked]]:
    return {"shared": asked_shared(eval_dir)} | {name: asked_own(path) for name, path in SETS}


def cell(f: dict[str, float]) -> str:
    return f"{f['refused_in']:4.0%} {f['refused_out']:4.0%} {f['wrong']:4.0%}"


def row(name: str, asked: dict[str, list[Asked]]) -> str:
    refit = fit(asked["shared"])
    cv = cross_validated(asked["shared"])
    today = " | ".join(cell(figures(a, CONFIDENT_COVERAGE)) for a in asked.values())
    fitted = " | ".join(cell(figures(a, refit)) for a in asked.values())
    return (
        f"{name}\n    at {CONFIDENT_COVERAGE:.2f}: {today}\n    refit {refit:.2f}: {fitted}"
        f"\n    shared CV: {cv['refused_in']:4.0%} {cv['refused_out']:4.0%} {cv['wrong']:4.0%}"
        f" (fits {cv['min_fit']:.2f}..{cv['max_fit']:.2f})"
    )


def words(eval_dir: Path) -> None:
    """Per refused in-scope question with the right first item: its uncovered words."""
    del eval_dir
    from bench.qa_eval import load_own

    for name, path in SETS:
        items, queries, _ = load_own(path)
        index = Index(items)
        for q in queries:
            result = index.search(str(q["query"]))
            if result.confident or not result.hits or result.hits[0].id not in q["relevant"]:  # type: ignore[operator]
                continue
            position = index._position[result.hits[0].id]
            tiers = index._covering(position)
            parts = []
            for word, group in index._mapped_words(str(q["query"]), True):
                if not group:
                    parts.append(f"{word}?{index._idf(None) * rarity(word):.1f}")
                for term in group:
                    credit = next((c for covers, c in tiers if term in covers), 0.0)
                    if credit < 1:
                        parts.append(f"{word}->{term}({credit:.2f})")
            print(f"[{name}] {result.coverage:.2f} {q['query']}\n      " + "  ".join(parts))


def main(eval_dir: Path) -> None:
    print("per set (shared | own | blind1 | blind2): in-scope refused, out-of-scope refused, wrong")
    for name, coverage in EXPERIMENTS.items():
        with patched(coverage):
            print(row(name, measured(eval_dir)))


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--eval", type=Path, default=EVAL)
    parser.add_argument("--words", action="store_true")
    args = parser.parse_args()
    if args.words:
        words(args.eval)
    else:
        main(args.eval)
    del search
