"""Confident wrong answers on the sample store that attack13 found (leftovers13).

"Gaat de evacuatie van morgen door?" asks whether a planned evacuation goes ahead: news
of the day, which no standing Q&A can give. The store matched its one content word
("evacuatie") in the relatives Q&A's question ("… iemand terug die geëvacueerd is") and
answered that with confidence (coverage 0.70: "morgen" is an everyday word and counts
little against). Such a go-ahead question is now never a sure answer: the asker gets
"Misschien bedoel je …" with the nearest Q&As, and the question goes to the curators.
"""

from __future__ import annotations

import pytest

from commands.dispatcher import Dispatcher
from storage.engine import Database
from tests.support.sample_store import assert_suggested_not_sure
from tests.unit.test_answers_learn import ANNA, ROOMS, db, dispatcher, send, view

__all__ = ["db", "dispatcher"]


@pytest.mark.parametrize(
    "asked",
    [
        "Gaat de evacuatie van morgen door?",
        "Gaat de evacuatie van Sterrenburg vanavond nog door?",
        "Is the evacuation of tomorrow still going ahead?",
        "Wordt de evacuatie van morgen afgelast?",
    ],
)
def test_a_go_ahead_question_is_no_sure_answer(asked: str) -> None:
    assert_suggested_not_sure(asked)


async def test_the_asker_is_offered_suggestions_and_the_curators_get_it(
    db: Database, dispatcher: Dispatcher
) -> None:
    _, replies = await send(
        db, dispatcher, view("a"), "!vraag Gaat de evacuatie van morgen door?", ANNA
    )
    told = replies[0]
    assert "Misschien bedoel je:" in told.text and "V1" in told.text, told.text
    assert any(r.room_id == ROOMS["cur"][0] for r in replies[1:])
