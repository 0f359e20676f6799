"""Messages in an old room after its upgrade (tombstone) are read (note13, from attack5).

A verified upgrade carries the binding to the new room and marks the old one left, but
the bot stays in the old room, and members go on writing there: those whose client has
not followed yet, moderators (an upgrade leaves the old room writable for them), and
whatever came in the same sync batch after the tombstone. Those messages met an
inactive binding and were read as an unbound room's: a `!melding` was refused as "room
not bound", free text ignored, and the sync loop treated the room as not served.

Decided: the old room works under the binding of the room that replaced it (incident,
organisation, role), never seeing more than either binding allows (the lower
clearance, the higher default label), its replies saying where the room went on. When
the successor is unbound or lowered, the old room follows at once.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from commands.message import Reply
from storage import rooms
from storage.engine import Database
from storage.ids import RoomId, UserId
from storage.models import SituationEntry
from storage.rooms import BindingView
from tests.support.chat import CoreChat, texts
from tests.support.rooms import storm_database

OLD = RoomId("!ggd-v1:x")
NEW = RoomId("!ggd-v2:x")
ALICE = UserId("@alice:x")
REPORT = "!melding zorg\ngemeente: Dordrecht\nernst: matig\nHuisartsenpost dicht."


async def _upgrade(db: Database) -> None:
    async with db.transaction() as session:
        await rooms.mark_joined(session, NEW, datetime.now(UTC))
        assert await rooms.carry_binding(session, OLD, NEW) is not None
        await rooms.mark_left(session, OLD, "upgraded")


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = await storm_database(tmp_path / "up.db", [(OLD, "liaison", "GGD")], active=True)
    await _upgrade(database)
    yield database
    await database.close()


async def test_a_report_in_the_old_room_after_the_upgrade_is_a_report(db: Database) -> None:
    chat = CoreChat(db)
    _, result = await chat.handle(OLD, ALICE, REPORT)
    assert result is not None
    said = texts(result[0])
    assert "M-1" in said and NEW in said, said
    async with db.session() as session:
        entry = (await session.scalars(select(SituationEntry))).one()
    assert (entry.incident, entry.organisation, entry.room_id) == ("storm", "GGD", OLD)
    assert all(r.room_id in (None, OLD) for r in result[0] if isinstance(r, Reply))


async def test_the_sync_loop_reads_the_old_room_in_order(db: Database) -> None:
    async with db.session() as session:
        marks = await rooms.marks(session, [OLD])
    assert marks[OLD].active  # its gap is read from its last event, its leave handled


async def test_the_old_room_never_sees_more_than_either_binding(db: Database) -> None:
    async with db.transaction() as session:
        await rooms.bind_as(
            session, NEW, BindingView("liaison", "storm", "GGD", "GREEN", "RED"), "admin"
        )
    async with db.session() as session:
        access = await rooms.access_of(session, OLD)
        context = await rooms.message_context(session, OLD, "$x")
    assert access.bound and access.clearance == "AMBER", access  # not raised to RED
    assert context.binding is not None and context.binding.tlp_default == "AMBER"
    async with db.transaction() as session:
        await rooms.unbind(session, NEW)
    async with db.session() as session:
        access = await rooms.access_of(session, OLD)
        context = await rooms.message_context(session, OLD, "$y")
    assert not access.bound and context.binding is None  # the successor unbound: so is it


async def test_the_old_room_does_not_follow_its_successor_into_another_organisation(
    db: Database,
) -> None:
    """The old room's members were vetted for GGD: rebound to another organisation (or
    role) since, the new room's AMBER+STRICT words of that organisation are not theirs
    (review6: the old room took the successor's organisation and saw them)."""
    async with db.transaction() as session:
        await rooms.bind_as(
            session,
            NEW,
            BindingView("liaison", "storm", "Politie", "AMBER", "AMBER+STRICT"),
            "admin",
        )
    async with db.session() as session:
        access = await rooms.access_of(session, OLD)
        context = await rooms.message_context(session, OLD, "$x")
    assert not access.bound and context.binding is None, (access, context)
    async with db.transaction() as session:
        await rooms.bind_as(
            session, NEW, BindingView("coordinator", "storm", "GGD", "AMBER", "AMBER"), "admin"
        )
    async with db.session() as session:
        context = await rooms.message_context(session, OLD, "$y")
    assert context.binding is None, context  # a liaison room is no coordinator room
