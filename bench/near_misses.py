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
        [--held-out]

Session 18 (helper "confidence18"), cells "sure right, sure wrong, refused | out of
scope answered sure":

    rule                             shared          near_dev  own             crisis far/near  blind1        blind2
    today                            41 29 11| 3/30  16/40     99 7 10| 2/30   1/40  14/25      33 1 6| 2/15  28 5 11| 1/16
    heaviest word covered (tester)   35 25 21| 3/30   8/40     79 5 32| 0/30   0/40   8/25      24 1 15| 1/15 21 5 18| 1/16
    words rarity>=0.5, share>=0.3    40 28 13| 3/30  10/40     90 4 22| 0/30   0/40  12/25      28 1 11| 1/15 25 4 15| 1/16
    unseen words rarity>=0.4 at full 41 29 11| 3/30  10/40     95 6 15| 0/30   0/40  12/25      27 0 13| 0/15 22 4 18| 1/16
    FROZEN: uncovered word of rarity >= 0.7 in the asking clause (last comma part of
    the last sentence, up to als/voordat/bij/na/...), unless coverage >= 0.45
                                     41 29 11| 3/30   9/40     97 6 13| 2/30   0/40  13/25      33 1 6| 2/15  28 5 11| 1/16

Every rule that looks at which words are uncovered trades in-scope answers on the
sample store (own, blind1, blind2) for near misses: the own set's right answers
with a rare uncovered word ("sporthal", "bedden", "tanden poets", "noodvoorziening")
look word for word like near misses. The frozen rule kept the best balance on the
development sets; measured once on the held-out sets (`--held-out`):
bench/data/out_of_scope_near.txt 16 -> 13 of 30 answered with confidence (the
development set, written knowing the tester's diagnosis, promised 16 -> 9), blind3
unchanged (37 right, 2 wrong, 11 refused, 6 of 20 out of scope answered). Not
adopted: it refuses 2 of the own set's 99 right sure answers (and 1 of its 7 wrong
ones), and "Onze kelder is ondergelopen, mogen we het zelf wegpompen?"
(tests/unit/test_confidence_rule.py), whose Q&A says "pompen bewoners zelf weg":
"wegpompen" is a word the store does not read, rarity 0.74, in the asking clause, at
coverage 0.37. The implementation and its tests are commits eb2a95c and 711bdba
(reverted).
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from bench.oos_crisis import crisis_questions
from bench.qa_eval import (
    BLIND2_SET,
    BLIND3_SET,
    BLIND_SET,
    OWN_SET,
    load_own,
    load_shared,
    out_of_scope_questions,
)
from knowledge.search import Index, Result
from knowledge.text import rarity
from storage.vocabulary import fold
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


@dataclass(frozen=True)
class Word:
    """A content word of the question as coverage counts it against the best item."""

    word: str
    rarity: float
    known: bool  # the store has a term for it
    weight: float  # what it adds to coverage's total
    covered: float  # what it adds to coverage's covered part


_WORDS: dict[int, tuple[Word, ...]] = {}


def words(a: Asked) -> tuple[Word, ...]:
    key = id(a)
    if key in _WORDS:
        return _WORDS[key]
    index = a.index
    out: list[Word] = []
    if a.result.hits:
        best = index._position[a.result.hits[0].id]
        tiers = index._covering(best)
        for word, group in index._mapped_words(a.query, True):
            total = covered = 0.0
            for weight, credited in index.word_credits(word, group, tiers):
                total += weight
                covered += credited
            out.append(Word(word, rarity(word), bool(group), total, covered))
    _WORDS[key] = tuple(out)
    return _WORDS[key]


def today(a: Asked) -> bool:
    return a.result.confident


def share(ws: Sequence[Word]) -> float:
    total = sum(w.weight for w in ws)
    return sum(w.covered for w in ws) / total if total else 1.0


def heaviest_covered(exempt: float) -> Rule:
    """Today's gate, and the question's heaviest word covered (unless coverage >= exempt)."""

    def rule(a: Asked) -> bool:
        if not today(a):
            return False
        ws = words(a)
        top = max(ws, key=lambda w: w.weight, default=None)
        return top is None or top.covered > 0 or a.result.coverage >= exempt

    return rule


def specific_share(min_rarity: float, threshold: float) -> Rule:
    """Today's gate, and coverage over the words at least `min_rarity` rare >= threshold."""

    def rule(a: Asked) -> bool:
        if not today(a):
            return False
        return share([w for w in words(a) if w.rarity >= min_rarity]) >= threshold

    return rule


def uncovered_share(limit: float) -> Rule:
    """Today's gate, and no single uncovered word over `limit` of the question's weight."""

    def rule(a: Asked) -> bool:
        if not today(a):
            return False
        ws = words(a)
        total = sum(w.weight for w in ws)
        return not any(w.covered == 0 and w.weight > limit * total for w in ws)

    return rule


def known_full(min_rarity: float, threshold: float) -> Rule:
    """Coverage with a known word the item lacks at its full IDF when it is at least
    `min_rarity` rare (another item is about it), >= threshold."""

    def rule(a: Asked) -> bool:
        if not today(a):
            return False
        index = a.index
        best = index._position[a.result.hits[0].id]
        tiers = index._covering(best)
        total = covered = 0.0
        for word, group in index._mapped_words(a.query, True):
            r = rarity(word)
            if not group:
                total += index._idf(None) * r
                continue
            for term in group:
                weight = index._idf(term) / len(group)
                credit = next((c for covers, c in tiers if term in covers), 0.0)
                if credit:
                    total += weight
                    covered += credit * weight
                elif r >= min_rarity:
                    total += weight
                else:
                    total += min(weight, index._idf(None) * r / len(group))
        return total > 0 and covered / total >= threshold

    return rule


def unknown_full(min_rarity: float, threshold: float) -> Rule:
    """Coverage with a word the store has never seen at the full unknown IDF when at
    least `min_rarity` rare, >= threshold."""

    def rule(a: Asked) -> bool:
        if not today(a):
            return False
        ws = words(a)
        unknown = a.index._idf(None)
        total = sum(unknown if (not w.known and w.rarity >= min_rarity) else w.weight for w in ws)
        return total > 0 and sum(w.covered for w in ws) / total >= threshold

    return rule


_SUBORDINATE = re.compile(
    r",|\b(?:als|voordat|nadat|wanneer|omdat|terwijl|zodat|nu|waar|die|dat|bij|na|tijdens"
    r"|if|when|before|after|while|because|where|during)\b"
)


def asking_clause(query: str, last_part: bool = False) -> set[str]:
    """The words of the question's asking clause: its last sentence up to the first
    comma or subordinating word (a crude reading of the main clause)."""
    sentences = [s for s in re.split(r"[.?!]\s", fold(query)) if s.strip()]
    last = sentences[-1] if sentences else ""
    if last_part:
        # The question usually comes last: "Onze sporthal heeft nog 60 bedden over,
        # waar geven we dat door?"
        last = (
            [p for p in last.split(",") if re.search(r"\w", p)][-1]
            if re.search(r"\w", last)
            else ""
        )
    return set(re.findall(r"\w+", _SUBORDINATE.split(last, maxsplit=1)[0]))


def clause_rule(min_rarity: float, exempt: float, last_part: bool = False) -> Rule:
    """Today's gate, and no uncovered word at least `min_rarity` rare in the asking
    clause (unless coverage >= exempt)."""

    def rule(a: Asked) -> bool:
        if not today(a):
            return False
        if a.result.coverage >= exempt:
            return True
        clause = asking_clause(a.query, last_part)
        return not any(
            w.covered == 0 and w.rarity >= min_rarity and w.word in clause for w in words(a)
        )

    return rule


# Frozen (session 18) before the held-out sets were first asked: chosen on the
# development sets above as the setting that removed most confident wrong answers
# while losing in-scope sure answers on at most one set (own: 2 of 99).
FROZEN = clause_rule(0.7, 0.45, True)

RULES: dict[str, Rule] = {"today": today, "FROZEN last clause r>=0.7 exempt 0.45": FROZEN}
for _r in (0.5, 0.6, 0.65, 0.7, 0.75, 0.8):
    for _e in (0.45, 0.5, 0.55, 0.6, 1.01):
        RULES[f"clause r>={_r} exempt {_e}"] = clause_rule(_r, _e)
        RULES[f"last clause r>={_r} exempt {_e}"] = clause_rule(_r, _e, True)
for _r in (0.4, 0.5, 0.6):
    for _t in (0.36, 0.4):
        RULES[f"known full r>={_r} t{_t}"] = known_full(_r, _t)
        RULES[f"unknown full r>={_r} t{_t}"] = unknown_full(_r, _t)
for _e in (1.01, 0.9, 0.8, 0.7):
    RULES[f"heaviest covered, exempt {_e}"] = heaviest_covered(_e)
for _r in (0.4, 0.5, 0.6):
    for _t in (0.3, 0.4, 0.5):
        RULES[f"specific r>={_r} share>={_t}"] = specific_share(_r, _t)
for _l in (0.25, 0.3, 0.35, 0.4, 0.5):
    RULES[f"uncovered word share <= {_l}"] = uncovered_share(_l)


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


HELD_OUT_NEAR = Path(__file__).parent / "data" / "out_of_scope_near.txt"


def held_out(eval_dir: Path) -> list[Asked]:
    """The held-out sets, asked once the rule was frozen: the outside tester's near
    misses of the shared store and the third blind set."""
    items, _ = load_shared(eval_dir)
    index = Index(items)
    near = [
        line.strip()
        for line in HELD_OUT_NEAR.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    out = [_ask("held-out near", index, q, set(), False) for q in near]
    own_items, own_queries, outside = load_own(BLIND3_SET)
    own_index = Index(own_items)
    for q in own_queries:
        out.append(_ask("blind3", own_index, str(q["query"]), set(q["relevant"]), True))  # type: ignore[call-overload]
    return out + [_ask("blind3", own_index, q, set(), False) for q in outside]


def main(eval_dir: Path, shown: str | None, held: bool = False) -> None:
    sample = held_out(eval_dir) if held else collect(eval_dir)
    table(sample, {name: RULES[name] for name in list(RULES)[:2]} if held else RULES)
    if shown:
        rule = RULES[shown]
        for a in sample:
            sure = rule(a)
            if sure and (not a.inside or not a.right):
                hit = a.result.hits[0]
                print(
                    f"[{a.part}] SURE {'wrong' if a.inside else 'out'} {a.result.coverage:.2f} {a.query} -> {hit.id} {hit.question[:60]}"
                )


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--eval", type=Path, default=EVAL)
    parser.add_argument("--show")
    parser.add_argument("--held-out", action="store_true", help="the held-out sets, once")
    args = parser.parse_args()
    main(args.eval, args.show, args.held_out)
