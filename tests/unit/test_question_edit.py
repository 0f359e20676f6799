"""Editing a question that is still open replaces its words (session 10, attack 2).

An edit of a message is read as the message it now is; for a question still open that
opened a second open question, and the curators saw two. Now the open question keeps
its code and takes the edit's words, label (never lowered) and nearest Q&As, and the
curators get a short notice with the new words. Redacting the edit brings the previous
words back (as a report goes back a revision); redacting the message withdraws the
question with every version of its words. An answered question is not reopened: an
edit of it asks anew. Through the exactly-once core on a real database.
"""

from __future__ import annotations

from sqlalchemy import select

from storage.engine import Database
from storage.models import OpenQuestion
from tests.unit.test_question_redaction import (
    ALICE,
    CURATOR,
    CURATORS,
    OTHER,
    QUESTION,
    TOWN,
    Chat,
    db,
    in_room,
    redactions,
    texts,
    view,
)

__all__ = ["db"]  # the fixture, imported for pytest


async def open_rows(db: Database) -> list[OpenQuestion]:
    async with db.session() as session:
        rows = await session.scalars(select(OpenQuestion).where(OpenQuestion.status == "open"))
        return list(rows)


async def test_an_edit_of_an_open_question_replaces_its_words(db: Database) -> None:
    chat = Chat(db, view)
    asked = await chat.ask(TOWN, ALICE, QUESTION)
    edited = await chat.say(TOWN, ALICE, f"!vraag {OTHER}", kind="edit", replaces=asked)
    told = in_room(edited, TOWN)
    assert "V1" in told and "V2" not in texts(edited), texts(edited)
    notice = in_room(edited, CURATORS)
    assert "V1" in notice and "Sterrenburg" in notice and "Truus" not in notice, notice
    (row,) = await open_rows(db)
    assert row.id == 1 and "Sterrenburg" in row.question
    listed = await chat.curators_list()
    assert "V1" in listed and "Sterrenburg" in listed and "Vlinderhal" not in listed, listed
    assert "V2" not in listed and "V3" not in listed, listed


async def test_redacting_the_edit_brings_the_previous_words_back(db: Database) -> None:
    chat = Chat(db, view)
    asked = await chat.ask(TOWN, ALICE, QUESTION)
    await chat.say(TOWN, ALICE, f"!vraag {OTHER}", kind="edit", replaces=asked)
    edit = chat.last
    replies = await chat.redact(TOWN, ALICE, edit)
    # The notice that quoted the edit's words is taken back from the curators.
    assert [(r.source_event_id, r.room_id) for r in redactions(replies)] == [(edit, CURATORS)]
    assert "V1" in in_room(replies, CURATORS), texts(replies)
    listed = await chat.curators_list()
    assert "Vlinderhal" in listed and "Sterrenburg" not in listed, listed
    # Redacting the message itself withdraws the question and every version of it.
    await chat.redact(TOWN, ALICE, asked)
    assert await open_rows(db) == []
    async with db.session() as session:
        words = [row.question for row in await session.scalars(select(OpenQuestion))]
    assert all(not w for w in words), words


async def test_an_edit_of_an_answered_question_asks_anew(db: Database) -> None:
    chat = Chat(db, view)
    asked = await chat.ask(TOWN, ALICE, QUESTION)
    await chat.say(CURATORS, CURATOR, "!antwoord V1 Ja, dat mag.")
    edited = await chat.say(TOWN, ALICE, f"!vraag {OTHER}", kind="edit", replaces=asked)
    assert "V2" in texts(edited), texts(edited)
