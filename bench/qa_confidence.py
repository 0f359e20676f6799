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
import functools
from collections.abc import Callable, Iterator
from pathlib import Path

import Stemmer

from bench.qa_eval import BLIND2_SET, BLIND_SET, OWN_SET
from bench.qa_threshold import Asked, asked_own, asked_shared, cross_validated, figures, fit
from knowledge import search
from knowledge.search import CONFIDENT_COVERAGE, Index
from knowledge.text import STOP_WORDS, _zipf_table
from knowledge.text import rarity as today_rarity
from knowledge.word_forms import as_term
from tests.support.eval_data import EVAL

SETS = (("own", OWN_SET), ("blind1", BLIND_SET), ("blind2", BLIND2_SET))

# An experiment: a replacement for `Index.coverage` (None: today's).
Coverage = Callable[[Index, list[tuple[str, list[str]]], int], float]


def rarity(word: str) -> float:
    """`knowledge.text.rarity` as it was before C14 was kept (the table lookup alone):
    the experiments below are replayed on it, so their rows stay as measured."""
    zipf = max(_zipf_table("nl").get(word, 0.0), _zipf_table("en").get(word, 0.0))
    return min(1.0, max(0.1, (6.0 - zipf) / 3.0))


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


# Particles of Dutch separable verbs: written together with the verb in the infinitive
# and the participle ("wegpompen", "ondergelopen"), and joined so by knowledge/text.py
# when a question splits them ("weg te pompen").
PARTICLES = (
    "terug", "onder", "samen", "thuis", "door", "over", "vast", "voor", "aan", "mee",
    "uit", "weg", "bij", "toe", "neer", "los", "op", "in", "af", "na", "om",
)  # fmt: skip


def verb_rarity(word: str) -> float:
    """A separable verb missing from wordfreq's list weighs as the verb without its
    particle: "wegpompen" as "pompen", "ondergelopen" as "gelopen"."""
    table = _zipf_table("nl")
    if word in table or word in _zipf_table("en"):
        return rarity(word)
    for particle in PARTICLES:
        rest = word[len(particle) :]
        if word.startswith(particle) and len(rest) >= 4 and rest in table:
            return rarity(rest)
    return rarity(word)


def number_rarity(word: str) -> float:
    """A number as wordfreq reads one (its digits folded together): everyday."""
    known = word in _zipf_table("nl") or word in _zipf_table("en")
    return rarity("0" * len(word)) if word.isdigit() and not known else rarity(word)


@functools.cache
def _stem_zipf(lang: str) -> dict[str, float]:
    """Per stem (that language's Snowball stemmer), the Zipf frequency of its most
    frequent word in wordfreq's list: how common the word is in any inflection."""
    stem = Stemmer.Stemmer("dutch" if lang == "nl" else "english").stemWord
    table: dict[str, float] = {}
    for word, zipf in _zipf_table(lang).items():
        key = stem(word)
        table[key] = max(zipf, table.get(key, 0.0))
    return table


def stem_rarity(word: str) -> float:
    """`rarity`, with the word's frequency that of its most frequent inflection."""
    if word.isdigit():
        return number_rarity(word)
    zipf = max(
        _stem_zipf("nl").get(Stemmer.Stemmer("dutch").stemWord(word), 0.0),
        _stem_zipf("en").get(Stemmer.Stemmer("english").stemWord(word), 0.0),
    )
    return min(rarity(word), max(0.1, min(1.0, (6.0 - zipf) / 3.0)))


def rule(
    stems: bool = False,
    numbers: bool = False,
    split: str = "",  # "", "mean" (parts' rarity), "max", "terms" (parts as store terms)
    which: str = "all",  # split every unknown word, or only those missing from wordfreq
    general: bool = False,  # every word weighed by its general-language rarity, no store IDF
    power: float = 1.0,  # rarity ** power: everyday words count less, rare ones as much
    everyday: float = 6.0,  # the Zipf frequency from which a word counts as everyday
    verbs: bool = False,  # a separable verb missing from wordfreq weighs as its verb
) -> Coverage:
    """Today's coverage (knowledge/search.py), with an unknown word weighed otherwise."""

    def weigh(word: str) -> float:
        if verbs and not word.isdigit():
            return verb_rarity(word) ** power
        if stems:
            return stem_rarity(word) ** power
        if everyday != 6.0:
            word = "0" * len(word) if numbers and word.isdigit() else word
            zipf = max(_zipf_table("nl").get(word, 0.0), _zipf_table("en").get(word, 0.0))
            return min(1.0, max(0.1, (everyday - zipf) / (everyday - 3.0))) ** power
        return (number_rarity(word) if numbers else rarity(word)) ** power

    def coverage(index: Index, mapped: list[tuple[str, list[str]]], position: int) -> float:
        tiers = index._covering(position)
        unseen = 1.0 if general else index._idf(None)
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
                weight = (weigh(piece) if general else index._idf(term)) / share
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
    "before (session start), replayed": rule(),
    "C1 numbers everyday": rule(numbers=True),
    "C2 compounds: mean rarity of parts (missing words)": rule(split="mean", which="missing"),
    "C3 compounds: mean rarity of parts (all unknown)": rule(split="mean"),
    "C4 compounds: max rarity of parts (all unknown)": rule(split="max"),
    "C5 compounds: parts as store terms (all unknown)": rule(split="terms"),
    "C6 C1 + C5": rule(numbers=True, split="terms"),
    "C7 C1 + C3": rule(numbers=True, split="mean"),
    "C8 rarity of the word's most frequent inflection (+ C1)": rule(stems=True),
    "C9 C8 + C5": rule(stems=True, split="terms"),
    "C8b C8, rarity ** 1.5": rule(stems=True, power=1.5),
    "C8c C8, rarity ** 2": rule(stems=True, power=2.0),
    "C1b C1, rarity ** 1.5": rule(numbers=True, power=1.5),
    "C1c C1, rarity ** 2": rule(numbers=True, power=2.0),
    "C13 separable verbs weigh as their verb": rule(verbs=True),
    "C14 C1 + C13": rule(numbers=True, verbs=True),
    "C10 general-language rarity only (no store IDF)": rule(general=True),
    "C11 C10 + C1": rule(general=True, numbers=True),
    "C12 C10 + C8": rule(general=True, stems=True),
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
    """Per set at today's threshold and at the one refitted on the shared set; each set
    at a threshold fitted on the other three (cross-validated by set); the shared set
    cross-validated by cluster; and all four pooled at the shared refit."""
    refit = fit(asked["shared"])
    cv = cross_validated(asked["shared"])
    today = " | ".join(cell(figures(a, CONFIDENT_COVERAGE)) for a in asked.values())
    fitted = " | ".join(cell(figures(a, refit)) for a in asked.values())
    by_set = " | ".join(
        cell(figures(a, fit([x for other, b in asked.items() if other != held for x in b])))
        for held, a in asked.items()
    )
    pooled = figures([x for a in asked.values() for x in a], refit)
    return (
        f"{name}\n    at {CONFIDENT_COVERAGE:.2f}: {today}\n    refit {refit:.2f}: {fitted}"
        f"\n    by set:     {by_set}"
        f"\n    shared CV: {cv['refused_in']:4.0%} {cv['refused_out']:4.0%} {cv['wrong']:4.0%}"
        f" (fits {cv['min_fit']:.2f}..{cv['max_fit']:.2f});  pooled at {refit:.2f}: {cell(pooled)}"
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
                    parts.append(f"{word}?{index._idf(None) * today_rarity(word):.1f}")
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
