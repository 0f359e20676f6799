"""Linking open questions (knowledge/linking.py): precision and recall on pairs, and cost.

Pairs from the project's own set (tests/data/own_eval.yaml over knowledge/sample/):
two in-scope queries with the same relevant Q&As should link; two whose relevant Q&As
differ should not; pairs whose relevant sets overlap without being equal are left out
(neither answer is wrong). Every out-of-scope question, paired with any other
question, should not link: open questions are mostly what the store cannot answer.

Pairs from ../shared/eval (`--eval`, or KNOOPPUNT_EVAL_DIR): two queries of one
cluster should link, of two clusters should not. Following its protocol, each pair is
compared on the store minus both queries' `exclude` items (out of the index, its
statistics and the hits), so an evaluation never sees what it evaluates.

Each question is read as the bot reads it: its term weights (`Index.term_weights` of
the Q&A index) and its three nearest items (the own set: `Store.ask(limit=3)` over the
sample store with its guidance, as the bot asks; the shared set has Q&As only:
`Index.search(limit=3)`).

    .venv/bin/python -m bench.qa_linking [--eval ../shared/eval] [--sweep] [--cost]
"""

from __future__ import annotations

import argparse
import itertools
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from bench.oos_crisis import crisis_questions, sample_store
from bench.qa_eval import load_own, load_shared, scaled
from knowledge import linking
from knowledge.duplicates import SAME_QUESTION, document_frequencies, similarity
from knowledge.linking import Asked
from knowledge.model import QA
from knowledge.search import Index
from knowledge.service import Store
from knowledge.text import terms
from tests.support.eval_data import EVAL

# As the bot keeps them with an open question (commands/questions.py).
NEAREST = 3


@dataclass(frozen=True)
class Pair:
    should_link: bool
    a: Asked
    b: Asked
    # Both questions refused by the ranking ("not confident"): the pairs the bot
    # meets, since a question it answers never becomes an open question.
    both_refused: bool
    # The rule before (knowledge/duplicates.py, raw terms at 0.6) linked them.
    linked_before: bool
    # The two questions' words (for experiments with other signals).
    texts: tuple[str, str] = ("", "")


def read(index: Index | Store, question: str) -> tuple[Asked, bool]:
    """A question as linking sees it, and whether the ranking refused it. A store is
    asked as the bot asks it (Q&As and guidance sections compete for the hits)."""
    if isinstance(index, Store):
        result = index.ask(question, limit=NEAREST)
        weights = index.qa_index.term_weights(question)
    else:
        result = index.search(question, limit=NEAREST)
        weights = index.term_weights(question)
    hits = [(hit.id, hit.score) for hit in result.hits]
    return linking.asked(weights, hits, question), not result.confident


def before(items: list[QA]) -> Callable[[str, str], bool]:
    """The rule before: raw terms, weighted by the store's questions, at 0.6."""
    df = document_frequencies(" ".join([item.question, *item.alternatives]) for item in items)
    return lambda a, b: similarity(a, b, df, len(items)) >= SAME_QUESTION


def own_pairs() -> list[Pair]:
    items, queries, outside = load_own()
    # The sample store with its guidance, as the bot holds it.
    index = sample_store()
    linked_before = before(items)
    asked: list[tuple[str, Asked, bool, frozenset[str] | None]] = []
    for query in queries:
        relevant = frozenset(query["relevant"])  # type: ignore[call-overload]
        text = str(query["query"])
        asked.append((text, *read(index, text), relevant))
    asked += [(question, *read(index, question), None) for question in outside]
    pairs = []
    for first, second in itertools.combinations(asked, 2):
        (text_a, a, refused_a, rel_a), (text_b, b, refused_b, rel_b) = first, second
        if rel_a is not None and rel_b is not None and rel_a != rel_b and rel_a & rel_b:
            continue
        same = rel_a is not None and rel_a == rel_b
        both_refused = refused_a and refused_b
        pairs.append(
            Pair(same, a, b, both_refused, linked_before(text_a, text_b), (text_a, text_b))
        )
    return pairs


LINK_PAIRS = Path(__file__).resolve().parents[1] / "tests" / "data" / "own_link_pairs.yaml"


def open_question_pairs(path: Path = LINK_PAIRS) -> list[Pair]:
    """The bot's own case: every question of the crisis out-of-scope set and each
    `again` of tests/data/own_link_pairs.yaml, paired with every other; a `first`
    and its own `again` should link, nothing else should."""
    store = sample_store()
    again = {str(p["first"]): str(p["again"]) for p in yaml.safe_load(path.read_text())["pairs"]}
    texts = list(dict.fromkeys([*crisis_questions(), *again.values()]))
    read_as = {text: read(store, text) for text in texts}
    linked_before = before(store.qas)
    pairs = []
    for first, second in itertools.combinations(texts, 2):
        (a, refused_a), (b, refused_b) = read_as[first], read_as[second]
        same = again.get(first) == second or again.get(second) == first
        before_linked = linked_before(first, second)
        pairs.append(Pair(same, a, b, refused_a and refused_b, before_linked, (first, second)))
    return pairs


def shared_pairs(eval_dir: Path) -> list[Pair]:
    items, queries = load_shared(eval_dir)
    whole = Index(items)
    asked_terms = {
        item.id: set(terms(" ".join([item.question, *item.alternatives]))) for item in items
    }
    whole_df = document_frequencies(" ".join([i.question, *i.alternatives]) for i in items)
    pairs = []
    for first, second in itertools.combinations(queries, 2):
        left_out = frozenset(first["exclude"]) | frozenset(second["exclude"])  # type: ignore[arg-type]
        index = whole.without(left_out)
        text_a, text_b = str(first["query"]), str(second["query"])
        a, refused_a = read(index, text_a)
        b, refused_b = read(index, text_b)
        same = first["cluster"] == second["cluster"]
        # The rule before, on the same store: its weights without the left-out items.
        df = dict(whole_df)
        for item_id in left_out:
            for term in asked_terms.get(item_id, ()):
                df[term] -= 1
        n = len(items) - len(left_out & asked_terms.keys())
        linked_before = similarity(text_a, text_b, df, n) >= SAME_QUESTION
        pairs.append(Pair(same, a, b, refused_a and refused_b, linked_before, (text_a, text_b)))
    return pairs


@dataclass(frozen=True)
class Figures:
    precision: float
    recall: float
    true_links: int
    false_links: int
    should_link: int


def figures(
    pairs: Sequence[Pair], threshold: float = linking.SAME_NEED, old: bool = False
) -> Figures:
    """Linking's figures on `pairs` (`old`: the rule before)."""
    linked = [
        p for p in pairs if (p.linked_before if old else linking.score(p.a, p.b) >= threshold)
    ]
    true_links = sum(p.should_link for p in linked)
    false_links = len(linked) - true_links
    should = sum(p.should_link for p in pairs)
    return Figures(
        true_links / len(linked) if linked else 1.0,
        true_links / should if should else 0.0,
        true_links,
        false_links,
        should,
    )


def _line(name: str, f: Figures) -> str:
    return (
        f"  {name:<22} precision {f.precision:.3f}  recall {f.recall:.3f}  "
        f"({f.true_links} of {f.should_link} pairs linked, {f.false_links} false links)"
    )


def report(name: str, pairs: list[Pair]) -> None:
    print(f"{name}: {len(pairs)} pairs, {sum(p.should_link for p in pairs)} should link")
    print(_line(f"at {linking.SAME_NEED}", figures(pairs)))
    print(_line("the rule before", figures(pairs, old=True)))
    refused = [p for p in pairs if p.both_refused]
    print(_line("both refused (bot's case)", figures(refused)))


def sweep(pairs: list[Pair]) -> None:
    """Precision and recall per threshold: the fit looks at the own set only."""
    for threshold in (0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 1.0, 1.1, 1.2):
        print(_line(f"threshold {threshold}", figures(pairs, threshold)))


def cost(size: int = 10_000, candidates: int = 200, rounds: int = 60) -> None:
    """What one new question's duplicate check costs on a store of `size` Q&As with
    `candidates` open questions: its term weights, each candidate's, and the scores
    (the bot keeps each candidate's hits; its own come from the search it made).
    Beside it, in the same rounds, the rule before (raw terms, `similarity`)."""
    items, queries, outside = load_own()
    store = scaled(items, size)
    index = Index(store)
    rule = before(store)
    texts = [str(q["query"]) for q in queries] + outside
    hits = {t: [(h.id, h.score) for h in index.search(t, limit=NEAREST).hits] for t in texts}
    now: list[float] = []
    then: list[float] = []
    for n in range(rounds):
        new = texts[n % len(texts)]
        others = [texts[(n + k + 1) % len(texts)] for k in range(candidates)]
        started = time.perf_counter()
        mine = linking.asked(index.term_weights(new), hits[new])
        for other in others:
            linking.score(mine, linking.asked(index.term_weights(other), hits[other]))
        middle = time.perf_counter()
        for other in others:
            rule(new, other)
        now.append((middle - started) * 1000)
        then.append((time.perf_counter() - middle) * 1000)
    for name, timings in (("linking", now), ("the rule before", then)):
        ordered = sorted(timings)
        print(
            f"  {name} at {size} Q&As, {candidates} open questions: "
            f"median {statistics.median(timings):.2f} ms, "
            f"p95 {ordered[round(0.95 * (rounds - 1))]:.2f} ms"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--eval", type=Path, default=EVAL)
    parser.add_argument("--sweep", action="store_true", help="figures per threshold")
    parser.add_argument("--cost", action="store_true", help="time the check at 10,000 Q&As")
    args = parser.parse_args()
    own = own_pairs()
    report("own set", own)
    if args.sweep:
        sweep(own)
    report("open questions asked again (own_link_pairs)", open_question_pairs())
    if (args.eval / "qa-queries.jsonl").exists():
        shared = shared_pairs(args.eval)
        report("shared set", shared)
        if args.sweep:
            sweep(shared)
    else:
        print(f"shared set: {args.eval} not found, skipped")
    if args.cost:
        for candidates in (20, 200):
            cost(candidates=candidates)


if __name__ == "__main__":
    main()
