"""Attacks on `!antwoord V… qa=<id>` (outside attacker, session 15).

A question asked in a municipality room under GREEN; afterwards the room is made public
(or rebound with clearance CLEAR). A text answer takes the question's label and is
refused, with the advice "beantwoord hem met een Q&A van ten hoogste TLP:CLEAR"
(commands/answer_remedy.py). The curator sends a CLEAR Q&A. On main that reply carried
the question's GREEN label: a public room sees CLEAR only, its own posts included, so
the send-time check (`tlp.may_still_see`, as bot/sender.py applies it) voided it while
the curator was told "verstuurd" and the question was closed. (A room cleared lower
still sees its own question's label: that case held before too.) The Q&A reply quotes
nothing of the question (a reply to the asker's own message, in their own room, with
their own code): it carries the Q&A's label.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from knowledge import service
from storage import open_questions, rooms, tlp
from storage.engine import Database
from storage.ids import RoomId, UserId
from storage.rooms import BindingView
from tests.support.chat import CoreChat, bound_views, texts
from tests.support.rooms import bind_room, storm_database

TOWN = RoomId("!dordrecht:x")
CURATORS = RoomId("!redactie:x")
ALICE = UserId("@alice:x")
BOB = UserId("@bob:x")
SAMPLE = Path(__file__).resolve().parents[2] / "knowledge" / "sample"
QUESTION = "Hoeveel zandzakken krijgt Papendrecht vandaag?"


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    town = BindingView("municipality", "storm", "Gemeente Dordrecht", "GREEN", "GREEN")
    database = await storm_database(
        tmp_path / "q.db", [(CURATORS, "curator", "VR")], active=True, more={TOWN: town}
    )
    await service.import_path(database, SAMPLE, "test")
    yield database
    await database.close()


view = bound_views()


@pytest.mark.parametrize("change", ["public", "clearance"])
async def test_the_advised_qa_answer_is_not_voided_at_the_send(db: Database, change: str) -> None:
    chat = CoreChat(db, view)
    _, result = await chat.handle(TOWN, ALICE, f"!vraag {QUESTION}")
    assert result is not None and "V1" in texts(result[0]), texts(result[0])
    async with db.transaction() as session:
        if change == "public":
            room = await rooms.get(session, TOWN)
            assert room is not None
            room.public = True
        else:
            lowered = BindingView("municipality", "storm", "Gemeente Dordrecht", "CLEAR", "CLEAR")
            await bind_room(session, TOWN, lowered)
    # A text answer takes the question's label: refused, and the line names the way
    # that reaches the room, a Q&A of at most TLP:CLEAR.
    _, refused = await chat.handle(CURATORS, BOB, "!antwoord V1 Bij de gemeentewerf.")
    line = texts(refused[0]) if refused else ""
    assert "Niet verstuurd" in line and "qa=<id>" in line and "TLP:CLEAR" in line, line
    _, result = await chat.handle(CURATORS, BOB, "!antwoord V1 qa=demo-opvang-melden")
    assert result is not None and "verstuurd naar @alice:x" in texts(result[0])
    async with db.session() as session:
        access = await rooms.access_of(session, TOWN)
        question = await open_questions.get(session, 1)
        assert question is not None and question.status == "answered", question
    # What the sender checks just before the send (bot/sender.py may_still_go).
    queued = [row for row in result[1] if row.room_id == TOWN]
    assert queued, texts(result[0])
    for row in queued:
        shown, shared = row.tlp or "CLEAR", row.tlp_shared or row.tlp or "CLEAR"
        assert tlp.may_still_see(access, shown, shared, row.tlp_org), (shown, shared, access)
