"""The crisis-domain out-of-scope set (tests/data/own_oos_crisis.yaml) is refused.

Written and committed (2d82d22) before it was first measured; measured once since,
with nothing tuned on it: 39 of 40 refused, by the bot's ask and by the Q&A index
alike (the one answered: wind turbines after a storm -> the damage-report Q&A).
"""

from __future__ import annotations

from bench.oos_crisis import answered, crisis_questions, sample_store
from bench.qa_eval import BLIND2_SET, BLIND3_SET, BLIND_SET, OWN_SET, load_own


def test_the_set_is_new_and_its_own() -> None:
    questions = crisis_questions()
    assert len(questions) >= 40
    seen: set[str] = set()
    for path in (OWN_SET, BLIND_SET, BLIND2_SET, BLIND3_SET):
        _, queries, outside = load_own(path)
        seen |= {str(q["query"]).lower() for q in queries} | {q.lower() for q in outside}
    assert not {q.lower() for q in questions} & seen


def test_crisis_questions_outside_the_store_are_refused() -> None:
    questions = crisis_questions()
    by_ask, by_index = answered(sample_store(), questions)
    assert len(by_ask) <= 1, by_ask
    assert len(by_index) <= 1, by_index
