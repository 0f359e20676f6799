"""Attacks on `!antwoord V… qa=<id>` (outside attacker, session 15).

A question asked in a municipality room under GREEN; afterwards the room's clearance is
lowered to CLEAR (rebound). The curator answers with a CLEAR Q&A. The answer is a reply
to the question and carries the question's label (GREEN): the room may no longer see it,
so the send-time check voids it. On main the curator was told "verstuurd" and the
question was closed as answered: the asker got nothing and nobody knew. Yet that Q&A
answer is exactly what the bot's refusal of a text answer tells the curator to send
("beantwoord hem met een Q&A van ten hoogste TLP:CLEAR", commands/answer_remedy.py).
The Q&A reply quotes nothing of the question (a reply to the asker's own message, in
their own room, with their own code): it carries the Q&A's label.
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


async def test_a_qa_answer_the_askers_room_may_no_longer_see_is_not_told_as_sent(
    db: Database,
) -> None:
    chat = CoreChat(db, view)
    _, result = await chat.handle(TOWN, ALICE, f"!vraag {QUESTION}")
    assert result is not None and "V1" in texts(result[0]), texts(result[0])
    async with db.transaction() as session:
        lowered = BindingView("municipality", "storm", "Gemeente Dordrecht", "CLEAR", "CLEAR")
        await bind_room(session, TOWN, lowered)
    # A text answer takes the question's label: refused, and the line names the way
    # that reaches the room, a Q&A of at most TLP:CLEAR.
    _, result = await chat.handle(CURATORS, BOB, "!antwoord V1 Bij de gemeentewerf.")
    line = texts(result[0]) if result else ""
    assert "Niet verstuurd" in line and "qa=<id>" in line and "TLP:CLEAR" in line, line
    _, result = await chat.handle(CURATORS, BOB, "!antwoord V1 qa=demo-opvang-melden")
    assert result is not None
    async with db.session() as session:
        access = await rooms.access_of(session, TOWN)
        row = await open_questions.get(session, 1)
        assert row is not None
        status = row.status
    # Whatever goes to the asker's room, the room may see it now (else it is voided).
    to_town = [r for r in result[0] if getattr(r, "room_id", None) == TOWN]
    for reply in to_town:
        label = getattr(reply, "tlp", None) or "CLEAR"
        assert tlp.may_see(access, label, str(CURATORS), None), (label, texts(to_town))
    queued = [row for row in result[1] if row.room_id == TOWN]
    assert queued and all(tlp.may_see(access, row.tlp or "CLEAR", "", None) for row in queued)
    # The curator followed the bot's own advice: the answer goes, and says so.
    assert to_town, texts(result[0])
    assert status == "answered", status
