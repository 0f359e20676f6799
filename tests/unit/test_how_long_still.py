"""'How long will it still last?' asks for today's news, which no standing Q&A gives
(attack18, on the sample store).

"Hoe lang duurt de stroomstoring nog?" asks about this outage, now. The sample store
answered it with confidence with the Q&A on which residents need help first in a long
outage (coverage 0.73: "stroomstoring" and "lang(durig)" are in its question), "Hoe lang
moeten we nog in de opvang blijven?" with where a municipality asks for a generator, and
"How much longer will the power cut last?" with how to inform residents: answers to
questions nobody asked, given as sure. Like a go-ahead question
(tests/unit/test_sample_confident_wrong.py) such a question is never a sure answer: the
asker gets the nearest Q&As as suggestions, and the curators, who know how things stand,
get the question.
"""

from __future__ import annotations

import pytest

from knowledge.news_questions import asks_news
from tests.support.sample_store import assert_suggested_not_sure


@pytest.mark.parametrize(
    "asked",
    [
        "Hoe lang duurt de stroomstoring nog?",
        "Hoe lang moeten we nog in de opvang blijven?",
        "Hoe lang duurt de evacuatie nog?",
        "Hoelang duurt de storing nog?",
        "How much longer will the power cut last?",
    ],
)
def test_a_how_long_still_question_is_no_sure_answer(asked: str) -> None:
    assert_suggested_not_sure(asked)


@pytest.mark.parametrize(
    "asked",
    [
        "Hoe lang blijven de Oekraïners hier?",  # a standing question: no "nog"
        "Hoe lang is een kookadvies meestal van kracht?",
        "Wat moet ik nog regelen voor de opvang?",  # "nog" without "hoe lang"
        "How long does a boil water notice usually last?",
    ],
)
def test_other_questions_are_no_news_questions(asked: str) -> None:
    assert not asks_news(asked)
