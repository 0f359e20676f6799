"""Refusals on the crisis-domain out-of-scope set (tests/data/own_oos_crisis.yaml):
its questions far from the store, and its near misses (on the store's own subjects).

Each question is asked of the sample store as the bot asks it (`Store.ask`: Q&As and
guidance sections compete) and of the Q&A index alone (as bench/qa_eval.py measures
refusals); prints the share refused by each, and every question answered, with what
it was answered with.

    .venv/bin/python -m bench.oos_crisis
"""

from __future__ import annotations

from pathlib import Path

import yaml

from bench.qa_eval import SAMPLE
from knowledge.content_io import content_files, read_file
from knowledge.model import QA, Guidance
from knowledge.service import Store, _build

CRISIS_SET = Path(__file__).resolve().parents[1] / "tests" / "data" / "own_oos_crisis.yaml"


def crisis_questions(path: Path = CRISIS_SET, part: str = "out_of_scope") -> list[str]:
    """The set's questions: `out_of_scope` (far from the store) or `near_misses` (on
    the store's own subjects)."""
    return [str(q) for q in yaml.safe_load(path.read_text(encoding="utf-8"))[part]]


def sample_store() -> Store:
    items = [item for path in content_files(SAMPLE) for item in read_file(path).items]
    qas = [item for item in items if isinstance(item, QA)]
    guidance = [item for item in items if isinstance(item, Guidance)]
    return _build(1, qas, guidance, {})


def answered(store: Store, questions: list[str]) -> tuple[list[str], list[str]]:
    """The questions answered with confidence: by the bot's ask, by the Q&A index."""
    by_ask = [q for q in questions if store.ask(q).confident]
    by_index = [q for q in questions if store.qa_index.search(q).confident]
    return by_ask, by_index


def main() -> None:
    store = sample_store()
    for part in ("out_of_scope", "near_misses"):
        questions = crisis_questions(part=part)
        by_ask, by_index = answered(store, questions)
        n = len(questions)
        print(f"crisis set, {part}: {n} questions")
        for name, wrong in (("bot (Store.ask)", by_ask), ("Q&A index", by_index)):
            print(f"  {name:<16} refused {n - len(wrong)}/{n} ({(n - len(wrong)) / n:.0%})")
        for question in by_ask:
            hit = store.ask(question).hits[0]
            print(f"  answered: {question} -> {hit.id}")


if __name__ == "__main__":
    main()
