"""Carrying a binding on a room upgrade never overwrites another room's binding."""

from __future__ import annotations

from pathlib import Path

import pytest

from storage import rooms
from storage.engine import Database
from storage.ids import RoomId


@pytest.fixture
async def db(tmp_path: Path):  # type: ignore[no-untyped-def]
    database = Database(f"sqlite+aiosqlite:///{tmp_path / 't.db'}")
    await database.migrate()
    yield database
    await database.close()


async def test_carry_never_overwrites_a_bound_room(db: Database) -> None:
    rogue, partner = RoomId("!rogue:x"), RoomId("!partner:x")
    async with db.transaction() as session:
        for room, org, clearance in ((rogue, "Kwaad", "GREEN"), (partner, "GGD", "AMBER+STRICT")):
            await rooms.bind(
                session,
                room,
                role="liaison",
                incident=None,
                organisation=org,
                tlp_default="AMBER",
                clearance=clearance,
                by="@admin:x",
            )
    async with db.transaction() as session:
        assert await rooms.carry_binding(session, rogue, partner) is None
    async with db.session() as session:
        kept = await rooms.binding(session, partner)
        assert kept is not None and (kept.organisation, kept.clearance) == ("GGD", "AMBER+STRICT")
        source = await rooms.binding(session, rogue)
        assert source is not None and source.active and source.organisation == "Kwaad"
        old = await rooms.get(session, rogue)
        assert old is not None and old.replaced_by is None


async def test_a_second_tombstone_does_not_revive_a_binding_changed_since(db: Database) -> None:
    """A room upgraded once keeps only an inactive copy of its binding. An admin of the
    old room can still send it another tombstone; that must not bind a third room with
    the old copy (nor give it the old room's posts) after an admin unbound or lowered
    the room that really replaced it."""
    old, first, second = RoomId("!a:x"), RoomId("!a-v2:x"), RoomId("!a-v3:x")
    async with db.transaction() as session:
        await rooms.bind(
            session, old, role="liaison", incident=None, organisation="GGD",
            tlp_default="AMBER", clearance="AMBER+STRICT", by="@admin:x",
        )  # fmt: skip
    async with db.transaction() as session:
        assert await rooms.carry_binding(session, old, first) is not None
    async with db.transaction() as session:
        assert await rooms.unbind(session, first)  # the coordinators revoke it in chat
    async with db.transaction() as session:
        assert await rooms.carry_binding(session, old, second) is None
    async with db.session() as session:
        assert await rooms.binding(session, second) is None
        assert await rooms.earlier_rooms(session, second) == ()
        replaced = await rooms.get(session, old)
        assert replaced is not None and replaced.replaced_by == first


async def test_a_second_tombstone_tells_its_room_nothing_of_a_binding(db: Database) -> None:
    """The lifecycle's carry after a second tombstone: nothing was carried, so the third
    room gets no 'I carried the binding' notice (it would claim a binding it lacks)."""
    from types import SimpleNamespace
    from typing import Any

    from sqlalchemy import select

    from bot.room_lifecycle import RoomLifecycle, Verdict
    from storage.ids import UserId
    from storage.models import OutboxMessage
    from storage.rooms import BindingView

    old, first, second = RoomId("!b:x"), RoomId("!b-v2:x"), RoomId("!b-v3:x")
    async with db.transaction() as session:
        view = BindingView("liaison", None, "GGD", "AMBER", "AMBER")
        await rooms.bind_as(session, old, view, "@admin:x")
    client: Any = SimpleNamespace(rooms={})
    lifecycle = RoomLifecycle(client, db, UserId("@bot:x"), "nl", lambda: None)
    async with db.transaction() as session:
        await lifecycle._carry(session, Verdict(old, first, None), "@admin:x")
        await lifecycle._carry(session, Verdict(old, second, None), "@admin:x")
    async with db.session() as session:
        told = {row.room_id for row in await session.scalars(select(OutboxMessage))}
        assert await rooms.binding(session, second) is None
    assert told == {first}, told


async def test_an_unbound_direct_chats_open_question_follows_its_upgrade(db: Database) -> None:
    """Found by the guard machine (session 15): an unbound room's upgrade carried none of
    its duties, so the open question of an upgraded direct chat stayed in the old chat,
    and the curators' answer went there (the room the asker left for the new one)."""
    from datetime import UTC, datetime

    from storage import open_questions

    old, new = RoomId("!dm:x"), RoomId("!dm-v2:x")
    async with db.transaction() as session:
        await rooms.mark_joined(session, old, datetime.now(UTC), is_direct=True)
        row = await open_questions.add(
            session, asker="@anna:x", room_id=old, event_id="$q", question="Waar?",
            label="GREEN", organisation=None, incident=None, nearest=[],
            asked_at=datetime.now(UTC), unbound=True,
        )  # fmt: skip
        number = row.id
    async with db.transaction() as session:
        assert await rooms.carry_binding(session, old, new) is None  # nothing to bind
    async with db.session() as session:
        moved = await open_questions.get(session, number)
        assert moved is not None and moved.room_id == new
        # ... and the new chat knows the old one (an edit there still finds the question).
        assert await rooms.earlier_rooms(session, new) == (old,)
