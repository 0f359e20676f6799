"""A curator deletes their `!antwoord` after it went (outside attacker, session 15).

A curator who sent a wrong answer deletes (redacts) their command: what they expect is
what an asker's deletion of a question does, the words taken back. On main nothing
happened and nothing was said: the asker kept the wrong answer, the question stayed
closed (an edit of the command is refused: "al beantwoord"), and the curator was not
told. Now the bot takes the answer back from each asker's room, the question is open
again (to be answered anew), the asker is told, and so is the curator.
"""

from __future__ import annotations

from storage import open_questions
from storage.engine import Database
from tests.support.chat import texts
from tests.unit.test_question_redaction import (
    ALICE,
    BOB,
    CURATOR,
    CURATORS,
    QUESTION,
    SIMILAR,
    TOWN,
    TOWN2,
    Chat,
    db,
    in_room,
    redactions,
    view,
)

__all__ = ["db"]  # the fixture, imported for pytest


async def test_a_deleted_answer_is_taken_back_and_the_question_is_open_again(
    db: Database,
) -> None:
    chat = Chat(db, view)
    await chat.ask(TOWN, ALICE, QUESTION)
    await chat.ask(TOWN2, BOB, SIMILAR)  # linked to V1
    answered = await chat.say(CURATORS, CURATOR, "!antwoord V1 Nee, dat mag niet.")
    assert "Nee, dat mag niet" in in_room(answered, TOWN), texts(answered)
    assert "Nee, dat mag niet" in in_room(answered, TOWN2), texts(answered)
    command = chat.last
    taken = await chat.redact(CURATORS, CURATOR, command)
    gone = {(str(r.source_event_id), str(r.room_id)) for r in redactions(taken)}
    assert gone == {(command, str(TOWN)), (command, str(TOWN2))}, texts(taken)
    assert "V1" in in_room(taken, TOWN) and "V2" in in_room(taken, TOWN2), texts(taken)
    told = texts([r for r in taken if getattr(r, "room_id", None) in (None, CURATORS)])
    assert "V1" in told and "V2" in told, told
    async with db.session() as session:
        for code in (1, 2):
            row = await open_questions.get(session, code)
            assert row is not None and row.status == "open" and row.answer is None, code
    again = await chat.say(CURATORS, CURATOR, "!antwoord V1 Ja, dat mag wel.")
    assert "Ja, dat mag wel" in in_room(again, TOWN), texts(again)
    assert "Ja, dat mag wel" in in_room(again, TOWN2), texts(again)


async def test_deleting_another_message_in_the_curator_room_takes_nothing_back(
    db: Database,
) -> None:
    chat = Chat(db, view)
    await chat.ask(TOWN, ALICE, QUESTION)
    await chat.say(CURATORS, CURATOR, "!vragen")
    listing = chat.last
    await chat.say(CURATORS, CURATOR, "!antwoord V1 Nee, dat mag niet.")
    taken = await chat.redact(CURATORS, CURATOR, listing)
    assert redactions(taken) == [] or all(r.room_id in (None, CURATORS) for r in redactions(taken))
    async with db.session() as session:
        row = await open_questions.get(session, 1)
        assert row is not None and row.status == "answered"


async def test_a_question_its_asker_withdrew_is_not_reopened_empty(db: Database) -> None:
    """The asker deleted their question after the answer (its words are erased): the
    curator's deletion of the answer takes the answer back, but does not put a question
    without words back on the curators' desk."""
    chat = Chat(db, view)
    asked = await chat.ask(TOWN, ALICE, QUESTION)
    await chat.say(CURATORS, CURATOR, "!antwoord V1 Nee, dat mag niet.")
    command = chat.last
    await chat.redact(TOWN, ALICE, asked)
    taken = await chat.redact(CURATORS, CURATOR, command)
    assert [(str(r.source_event_id), str(r.room_id)) for r in redactions(taken)] == [
        (command, str(TOWN))
    ], texts(taken)
    told = texts([r for r in taken if getattr(r, "room_id", None) in (None, CURATORS)])
    assert "V1" in told and "ingetrokken" in told, told
    async with db.session() as session:
        row = await open_questions.get(session, 1)
        assert row is not None and row.status == "answered" and row.question == ""
    listed = await chat.curators_list()
    assert "V1" not in listed, listed
