"""Attacks on open questions (outside attacker, session 5): duplicate-question linking
must not quote to asker B the words of a question asker A put to the bot in a direct
chat. A direct chat is one person's private channel; its questions reach the curators
and appear in no picture outside curator rooms, so they must not reach another room as
"your question was already asked: <A's words>" either."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from storage.engine import Database
from storage.ids import RoomId, UserId
from storage.rooms import BindingView
from tests.support.chat import CoreChat, bound_views, texts
from tests.support.rooms import bind_room, storm_database

DM = RoomId("!dm-alice:x")
TOWN = RoomId("!gemeente:x")
TOWN2 = RoomId("!gemeente-2:x")
CURATORS = RoomId("!redactie:x")
ALICE = UserId("@alice:x")
BOB = UserId("@bob:x")
PRIVATE = "Mag mijn dementerende moeder Truus Jansen mee naar de noodopvang in de Vlinderhal?"
SIMILAR = "Mag mijn dementerende moeder mee naar de noodopvang in de Vlinderhal?"


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = await storm_database(tmp_path / "q.db", [(CURATORS, "curator", "VR")], active=True)
    async with database.transaction() as session:
        # A municipality room as they are bound: GREEN by default, cleared for GREEN.
        town = BindingView("municipality", "storm", "Gemeente Dordrecht", "GREEN", "GREEN")
        await bind_room(session, TOWN, town)
        other = BindingView("municipality", "storm", "Gemeente Zwijndrecht", "GREEN", "GREEN")
        await bind_room(session, TOWN2, other)
    yield database
    await database.close()


view = bound_views(direct={DM})


async def test_a_direct_chat_question_is_not_quoted_to_another_room(db: Database) -> None:
    chat = CoreChat(db, view)
    _, result = await chat.handle(DM, ALICE, PRIVATE)
    assert result is not None and "V1" in texts(result[0]), texts(result[0])
    _, result = await chat.handle(TOWN, BOB, f"!vraag {SIMILAR}")
    assert result is not None
    to_town = texts([r for r in result[0] if getattr(r, "room_id", None) in (None, TOWN)])
    assert "V2" in to_town, to_town  # the baseline: Bob's question is taken in
    assert "Truus" not in to_town and "dementerende moeder Truus" not in to_town, to_town
    assert "V1" not in to_town, to_town


async def test_two_municipality_rooms_questions_are_still_linked(db: Database) -> None:
    """The guard's other side: a question from a bound GREEN municipality room may go to
    another GREEN municipality room, so a repeat is linked and told as before."""
    chat = CoreChat(db, view)
    _, result = await chat.handle(TOWN2, ALICE, f"!vraag {SIMILAR}")
    assert result is not None and "V1" in texts(result[0])
    _, result = await chat.handle(TOWN, BOB, f"!vraag {SIMILAR}")
    assert result is not None
    to_town = texts([r for r in result[0] if getattr(r, "room_id", None) in (None, TOWN)])
    assert "V1" in to_town and "gekoppeld" in to_town, to_town
