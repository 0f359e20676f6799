"""A second deletion of an `!antwoord` already taken back (commands/answer_retraction.py).

Matrix lets anyone with the power redact an event that is already redacted: each is a
new redaction event (another client, a moderator's "remove recent messages", the API).
After the first took the answer back and a curator answered the question anew, the
second found the question 'answered' again and took back the new answer: the asker was
told it was withdrawn and the question reopened, though the new answer stood."""

from __future__ import annotations

from storage import open_questions
from storage.engine import Database
from tests.support.chat import texts
from tests.unit.test_question_redaction import (
    ALICE,
    CURATOR,
    CURATORS,
    QUESTION,
    TOWN,
    Chat,
    db,
    in_room,
    view,
)

__all__ = ["db"]  # the fixture, imported for pytest


async def test_deleting_an_answer_again_leaves_the_new_answer_standing(db: Database) -> None:
    chat = Chat(db, view)
    await chat.ask(TOWN, ALICE, QUESTION)
    await chat.say(CURATORS, CURATOR, "!antwoord V1 Nee, dat mag niet.")
    first = chat.last
    await chat.redact(CURATORS, CURATOR, first)
    again = await chat.say(CURATORS, CURATOR, "!antwoord V1 Ja, dat mag wel.")
    assert "Ja, dat mag wel" in in_room(again, TOWN), texts(again)
    once_more = await chat.redact(CURATORS, CURATOR, first)
    assert in_room(once_more, TOWN) == "", texts(once_more)
    async with db.session() as session:
        row = await open_questions.get(session, 1)
        assert row is not None and row.status == "answered", row.status if row else None
        assert row.answer is not None and "Ja, dat mag wel" in row.answer
