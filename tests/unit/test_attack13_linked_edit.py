"""Attacks on linked questions edited afterwards (outside attacker, session 15).

Bob's question was linked to Alice's (the same need). Then one of them edits their
message into another question: the open question takes the new words under its code
(commands/questions._replace_words), but on main the link stayed. The curator answers
Alice's V1 (now about the bus route) and Bob, who asked whether his mother may come to
the Vlinderhal, gets "De bussen rijden via de Laan van Europa" as the answer to his
question; or Bob's edited question (now about the route) gets the Vlinderhal answer.
The link was made for words that are no longer asked.
"""

from __future__ import annotations

from storage.engine import Database
from tests.support.chat import texts
from tests.unit.test_question_redaction import (
    ALICE,
    BOB,
    CURATOR,
    CURATORS,
    OTHER,
    QUESTION,
    SIMILAR,
    TOWN,
    TOWN2,
    Chat,
    db,
    in_room,
    view,
)

__all__ = ["db"]  # the fixture, imported for pytest

ROUTE_ANSWER = "De bussen rijden via de Laan van Europa."
SHELTER_ANSWER = "Ja, de Vlinderhal heeft een afdeling voor mensen met dementie."


async def test_the_first_question_edited_into_another_no_longer_answers_the_linked_one(
    db: Database,
) -> None:
    chat = Chat(db, view)
    asked = await chat.ask(TOWN, ALICE, QUESTION)
    told = in_room(await chat.say(TOWN2, BOB, f"!vraag {SIMILAR}"), TOWN2)
    assert "gekoppeld" in told, told  # the baseline: Bob's V2 joined Alice's V1
    await chat.say(TOWN, ALICE, f"!vraag {OTHER}", kind="edit", replaces=asked)
    answered = await chat.say(CURATORS, CURATOR, f"!antwoord V1 {ROUTE_ANSWER}")
    assert ROUTE_ANSWER in in_room(answered, TOWN), texts(answered)
    assert in_room(answered, TOWN2) == "", texts(answered)
    # Bob's question is the curators' own to answer now.
    listed = await chat.curators_list()
    assert "V2" in listed, listed


async def test_a_linked_question_edited_into_another_is_a_question_of_its_own(
    db: Database,
) -> None:
    chat = Chat(db, view)
    await chat.ask(TOWN, ALICE, QUESTION)
    bobs = await chat.ask(TOWN2, BOB, SIMILAR)
    edited = await chat.say(TOWN2, BOB, f"!vraag {OTHER}", kind="edit", replaces=bobs)
    assert "V2" in in_room(edited, TOWN2), texts(edited)
    answered = await chat.say(CURATORS, CURATOR, f"!antwoord V1 {SHELTER_ANSWER}")
    assert SHELTER_ANSWER in in_room(answered, TOWN), texts(answered)
    assert in_room(answered, TOWN2) == "", texts(answered)
    listed = await chat.curators_list()
    assert "V2" in listed and "Sterrenburg" in listed, listed
