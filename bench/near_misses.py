"""Near misses: questions in the store's domains that no Q&A answers, and the gate.

Development sets only (the held-out bench/data/out_of_scope_near.txt and
tests/data/own_eval_blind3.yaml take no part): the shared store (../shared/eval,
in-scope queries honest, each without its `exclude` items) with its out-of-scope
questions (bench/data/out_of_scope.txt) and session 18's near misses
(bench/data/near_dev.txt); the sample store with the own set, blind1 and blind2
(spent as blind measures) and the crisis set's far questions and near misses
(tests/data/own_oos_crisis.yaml).

Per set: in-scope answered sure and right / sure and wrong / refused; out of scope
answered sure. Each rule decides "sure" from the same search (ranking untouched).

    KNOOPPUNT_EVAL_DIR=../shared/eval .venv/bin/python -m bench.near_misses [--show RULE]
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bench.oos_crisis import crisis_questions
from bench.qa_eval import BLIND2_SET, BLIND_SET, OWN_SET, load_own, load_shared
from bench.qa_eval import out_of_scope_questions
from knowledge.search import Index, Result
from tests.support.eval_data import EVAL

NEAR_DEV = Path(__file__).parent / "data" / "near_dev.txt"


def near_dev() -> list[str]:
    return [
        line.strip()
        for line in NEAR_DEV.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]


@dataclass(frozen=True)
class Asked:
    part: str  # "shared", "shared near", "own", ...
    inside: bool
    query: str
    index: Index
    result: Result
    right: bool  # first hit relevant


def _ask(part: str, index: Index, query: str, relevant: set[str], inside: bool) -> Asked:
    result = index.search(query, limit=10)
    right = bool(result.hits) and result.hits[0].id in relevant
    return Asked(part, inside, query, index, result, right)


def collect(eval_dir: Path) -> list[Asked]:
    out: list[Asked] = []
    items, queries = load_shared(eval_dir)
    index = Index(items)
    for q in queries:
        smaller = index.without(frozenset(q.get("exclude", ())))  # type: ignore[call-overload]
        out.append(_ask("shared", smaller, str(q["query"]), set(q["relevant"]), True))  # type: ignore[call-overload]
    out += [_ask("shared", index, q, set(), False) for q in out_of_scope_questions()]
    out += [_ask("shared near", index, q, set(), False) for q in near_dev()]
    for name, path in (("own", OWN_SET), ("blind1", BLIND_SET), ("blind2", BLIND2_SET)):
        own_items, own_queries, outside = load_own(path)
        own_index = Index(own_items)
        for q in own_queries:
            out.append(_ask(name, own_index, str(q["query"]), set(q["relevant"]), True))  # type: ignore[call-overload]
        out += [_ask(name, own_index, q, set(), False) for q in outside]
        if name == "own":
            for part in ("out_of_scope", "near_misses"):
                out += [
                    _ask(f"crisis {part}", own_index, q, set(), False)
                    for q in crisis_questions(part=part)
                ]
    return out


Rule = Callable[[Asked], bool]


def today(a: Asked) -> bool:
    return a.result.confident


RULES: dict[str, Rule] = {"today": today}


def table(sample: list[Asked], rules: dict[str, Rule]) -> None:
    parts = list(dict.fromkeys(a.part for a in sample))
    head = "".join(f"{p:>18}" for p in parts)
    print(f"{'rule':<34}{head}")
    print(f"{'':<34}" + "".join(f"{'right wrong ref|out':>18}" for _ in parts))
    for name, rule in rules.items():
        cells = []
        for p in parts:
            inside = [a for a in sample if a.part == p and a.inside]
            outside = [a for a in sample if a.part == p and not a.inside]
            sure_in = [rule(a) for a in inside]
            right = sum(s and a.right for s, a in zip(sure_in, inside, strict=True))
            wrong = sum(s and not a.right for s, a in zip(sure_in, inside, strict=True))
            answered_out = sum(rule(a) for a in outside)
            cell = (
                f"{right:>3} {wrong:>3} {len(inside) - right - wrong:>3}|{answered_out:>2}/{len(outside)}"
                if inside
                else f"{answered_out:>2}/{len(outside)}"
            )
            cells.append(f"{cell:>18}")
        print(f"{name:<34}" + "".join(cells))


def main(eval_dir: Path, shown: str | None) -> None:
    sample = collect(eval_dir)
    table(sample, RULES)
    if shown:
        rule = RULES[shown]
        for a in sample:
            sure = rule(a)
            if sure and (not a.inside or not a.right):
                hit = a.result.hits[0]
                print(f"[{a.part}] SURE {'wrong' if a.inside else 'out'} {a.result.coverage:.2f} {a.query} -> {hit.id} {hit.question[:60]}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--eval", type=Path, default=EVAL)
    parser.add_argument("--show")
    args = parser.parse_args()
    main(args.eval, args.show)
