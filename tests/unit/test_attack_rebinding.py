"""Attacks across a rebinding (session 9): a room an admin rebinds between a real
incident and an exercise keeps its earlier reports and items, and their edits must not
carry words typed in one mode into the other (exercise isolation: DESIGN.md)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import select

from commands.message import Relation
from storage import incidents, rooms
from storage.engine import Database
from storage.ids import EventId, RoomId, UserId
from storage.models import OutboxMessage, RecordItem
from storage.rooms import BindingView
from tests.support.chat import CoreChat, bound_views, texts
from tests.support.rooms import storm_database

LIAISON = RoomId("!liaison:x")
COORD = RoomId("!coord:x")
ALICE = UserId("@alice:x")
MOD = UserId("@mod:x")
ADMIN = UserId("@admin:x")
REPORT = "!melding stroom\ngemeente: Zwijndrecht\nernst: {severity}\nNog 800 huishoudens {word}"


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = await storm_database(
        tmp_path / "rebind.db",
        [(LIAISON, "liaison", "Stedin"), (COORD, "coordinator", "VRZHZ")],
        active=True,
    )
    async with database.transaction() as session:
        await incidents.open_incident(session, "oef", "Oefening", "test", exercise=True)
    yield database
    await database.close()


async def rebind(db: Database, room: RoomId, role: str, incident: str, org: str) -> None:
    async with db.transaction() as session:
        await rooms.bind_as(
            session, room, BindingView(role, incident, org, "AMBER", "AMBER"), ADMIN
        )


async def rows_to(db: Database, room: RoomId) -> str:
    async with db.session() as session:
        rows = await session.scalars(select(OutboxMessage).where(OutboxMessage.room_id == room))
        return "\n".join(str(r.content.get("body", "")) for r in rows)


async def test_an_edit_typed_in_a_drill_does_not_change_a_real_report(db: Database) -> None:
    """Alice reported for the real incident; her room now works in the drill. Her edit
    (typed in the drill, severe) must not become the real report's text, nor reach the
    real coordinators as a severe-report alert."""
    chat = CoreChat(db)
    original, _ = await chat.handle(LIAISON, ALICE, REPORT.format(severity="matig", word="echt"))
    await rebind(db, LIAISON, "liaison", "oef", "Stedin")
    edited = REPORT.format(severity="extreem", word="zeoefenwoord")
    _, result = await chat.handle(
        LIAISON, ALICE, edited, kind="edit", relation=Relation(replaces=EventId(original))
    )
    assert result is not None and "het echte incident storm" in texts(result[0])
    (entry,) = await chat.entries()
    assert "zeoefenwoord" not in entry.text and entry.revision == 1
    assert "zeoefenwoord" not in await rows_to(db, COORD)


async def test_an_edit_typed_in_reality_does_not_change_a_drill_report(db: Database) -> None:
    await rebind(db, LIAISON, "liaison", "oef", "Stedin")
    chat = CoreChat(db)
    original, _ = await chat.handle(LIAISON, ALICE, REPORT.format(severity="matig", word="oef"))
    await rebind(db, LIAISON, "liaison", "storm", "Stedin")
    edited = REPORT.format(severity="matig", word="zrechtwoord")
    await chat.handle(
        LIAISON, ALICE, edited, kind="edit", relation=Relation(replaces=EventId(original))
    )
    (entry,) = await chat.entries()
    assert "zrechtwoord" not in entry.text and entry.revision == 1


async def test_an_edit_typed_in_a_drill_does_not_change_a_real_decision(db: Database) -> None:
    chat = CoreChat(db, bound_views(power_levels={MOD: 50}))
    decide = "!besluit Sporthal blijft open {word}\ntlp: amber"
    original, result = await chat.handle(COORD, MOD, decide.format(word="echt"))
    assert result is not None and "B-1 vastgelegd" in texts(result[0])
    await rebind(db, COORD, "coordinator", "oef", "VRZHZ")
    await chat.handle(
        COORD,
        MOD,
        decide.format(word="zeoefenwoord"),
        kind="edit",
        relation=Relation(replaces=EventId(original)),
    )
    async with db.session() as session:
        item = await session.scalar(select(RecordItem))
    assert item is not None and "zeoefenwoord" not in item.text and item.revision == 1


async def severe_report_then_drill(db: Database, chat: CoreChat) -> EventId:
    """Alice's severe real report (the coordinators get its alert); her room then works
    in the drill. The report's event id."""
    original, _ = await chat.handle(LIAISON, ALICE, REPORT.format(severity="ernstig", word="echt"))
    assert "Ernstige melding" in await rows_to(db, COORD)
    await rebind(db, LIAISON, "liaison", "oef", "Stedin")
    return original


async def test_retracting_a_real_report_from_a_drill_room_tells_reality_unmarked(
    db: Database,
) -> None:
    """Alice takes back her real report from the room that now works in the drill: it is
    retracted, and the real coordinators' notice that their alert no longer holds is a
    real one (marked OEFENING, it would read as part of the drill, the alert as standing)."""
    chat = CoreChat(db)
    original = await severe_report_then_drill(db, chat)
    before = await rows_to(db, COORD)
    await chat.handle(LIAISON, ALICE, "", kind="redaction", relation=Relation(redacts=original))
    (entry,) = await chat.entries()
    assert entry.retracted_at is not None
    notice = (await rows_to(db, COORD))[len(before) :]
    assert "M-1" in notice and "OEFENING" not in notice, notice
    assert "OEFENING" in await rows_to(db, LIAISON)  # the room's own reply is the drill's


async def test_redacting_an_edit_of_a_real_report_from_a_drill_room_alerts_unmarked(
    db: Database,
) -> None:
    """Alice had edited her report down to moderate; her room now works in the drill and
    she redacts that edit: the report is severe again and the real coordinators' alert
    is a real one."""
    chat = CoreChat(db)
    original, _ = await chat.handle(LIAISON, ALICE, REPORT.format(severity="ernstig", word="echt"))
    edit, _ = await chat.handle(
        LIAISON,
        ALICE,
        REPORT.format(severity="matig", word="echt"),
        kind="edit",
        relation=Relation(replaces=EventId(original)),
    )
    await rebind(db, LIAISON, "liaison", "oef", "Stedin")
    before = await rows_to(db, COORD)
    await chat.handle(LIAISON, ALICE, "", kind="redaction", relation=Relation(redacts=edit))
    (entry,) = await chat.entries()
    assert entry.revision == 1 and entry.severity == "Severe"
    alert = (await rows_to(db, COORD))[len(before) :]
    assert "OEFENING" not in alert, alert
