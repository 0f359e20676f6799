"""Linking open questions (knowledge/linking.py) holds its figures on pairs of questions.

bench/qa_linking.py builds the pairs and prints the same figures. A false link is the
dangerous error (an asker told their question is already handled, and sent someone
else's answer), so precision is the floor that matters; recall is held where it is
today, so that a change that links less is seen too.
"""

from __future__ import annotations

import pytest

from bench.qa_linking import figures, open_question_pairs, own_pairs, shared_pairs
from tests.support.eval_data import EVAL


def test_linking_on_the_own_set() -> None:
    pairs = own_pairs()
    now = figures(pairs)
    # 23 of 172 pairs that should link, 1 false link (0.958); the threshold was picked
    # on this set (the lowest with precision >= 0.95).
    assert now.precision >= 0.95, now
    assert now.recall >= 0.13, now
    # The rule before: 2 of 172, no false link.
    assert figures(pairs, old=True).true_links <= now.true_links


def test_linking_open_questions_asked_again() -> None:
    """The bot's own case (tests/data/own_link_pairs.yaml): questions the store does
    not answer, asked again in other words. Measured once, after it was committed, with
    the threshold as fitted on the own set: 1 of 20 linked, no false link in 1,770
    pairs (the rule before: the same 1 of 20). Their nearest items say little (the
    store has nothing on them), and their words differ: this is where linking is weak."""
    now = figures(open_question_pairs())
    assert now.false_links == 0, now
    assert now.true_links >= 1, now


def test_linking_on_the_shared_set() -> None:
    if not (EVAL / "qa-queries.jsonl").exists():
        pytest.skip(f"shared evaluation data not found at {EVAL}")
    pairs = shared_pairs(EVAL)
    now = figures(pairs)
    # Never used to fit: 17 of 160 pairs of one cluster linked, no false link (the
    # rule before: 15 of 160, 5 false links, precision 0.75).
    assert now.precision >= 0.95, now
    assert now.recall >= 0.10, now
