"""The rooms a room replaced, as the hot path reads them: `message_context` joins the
kv mark `earlier:<room>` by a concatenation in SQL, which each backend spells its own
way; `access_of` reads it apart. Both must give the same chain on both backends."""

from __future__ import annotations

from datetime import UTC, datetime

from storage import incidents, network, rooms, tlp
from storage.engine import Database
from storage.ids import RoomId
from storage.models import Room, RoomBinding


async def test_message_context_and_access_read_the_rooms_a_room_replaced(db: Database) -> None:
    first, second, third = RoomId("!a:x"), RoomId("!a-v2:x"), RoomId("!a-v3:x")
    async with db.transaction() as session:
        for room in (first, second, third):
            await rooms.mark_joined(session, room, datetime.now(UTC))
        await rooms.bind(
            session, first, role="liaison", incident=None, organisation="GGD",
            tlp_default="AMBER", clearance="AMBER", by="@admin:x",
        )  # fmt: skip
        assert await rooms.carry_binding(session, first, second) is not None
        assert await rooms.carry_binding(session, second, third) is not None
    async with db.session() as session:
        context = await rooms.message_context(session, third, "$new")
        access = await rooms.access_of(session, third)
        untouched = await rooms.message_context(session, first, "$old")
    assert context.binding is not None and context.binding.earlier == (first, second)
    assert access.earlier == (first, second)
    # The first room's binding is inactive now: it works under the last room's binding
    # (storage/succession.py; before, it was read as unbound and its reports refused).
    assert untouched.binding is not None and untouched.binding.replaced_by == third


async def test_domino_partner_rooms_own_the_posts_of_the_rooms_they_replaced(
    db: Database,
) -> None:
    """A liaison room upgraded after it posted a RED cause: the cause is still its own
    (`storage.network.bound_rooms` read its binding without the rooms it replaced, so
    the domino code judged the room's own cause another room's and sent it a redacted
    alert about its own report)."""
    first, second = RoomId("!liaison:x"), RoomId("!liaison-v2:x")
    async with db.transaction() as session:
        await incidents.open_incident(session, "storm", "Storm", "@admin:x")
        for room in (first, second):
            await rooms.mark_joined(session, room, datetime.now(UTC))
        await rooms.bind(
            session, first, role="liaison", incident="storm", organisation="Enexis",
            tlp_default="AMBER", clearance="AMBER", by="@admin:x",
        )  # fmt: skip
        assert await rooms.carry_binding(session, first, second) is not None
    async with db.session() as session:
        (bound,) = await network.bound_rooms(session, "storm", "liaison")
    assert bound.room_id == second and bound.access.own(first)
    assert tlp.may_see(bound.access, "RED", first, "Enexis")


async def test_role_views_own_the_posts_of_the_rooms_they_replaced(db: Database) -> None:
    """A curator (or coordinator) room upgraded after it asked a RED question: the
    question is still its own. `role_views` (the curator and coordinator rooms that
    receive questions and alerts) read each binding without the rooms it replaced."""
    first, second = RoomId("!curators:x"), RoomId("!curators-v2:x")
    async with db.transaction() as session:
        for room in (first, second):
            await rooms.mark_joined(session, room, datetime.now(UTC))
        await rooms.bind(
            session, first, role="curator", incident=None, organisation=None,
            tlp_default="AMBER", clearance="AMBER", by="@admin:x",
        )  # fmt: skip
        assert await rooms.carry_binding(session, first, second) is not None
    async with db.session() as session:
        ((room_id, view, public, direct),) = await rooms.role_views(session, "curator")
    access = tlp.RoomAccess.for_binding(room_id, view, public, direct)
    assert room_id == second and access.own(first)
    assert tlp.may_see(access, "RED", first, None)


async def test_message_context_sees_the_sessions_unflushed_changes(db: Database) -> None:
    """`message_context` reads on the session's connection (not `session.execute`), and
    still flushes what the session holds first, as `session.execute`'s autoflush did: a
    room and its binding added in the same transaction are what it reads."""
    room = RoomId("!fresh:x")
    async with db.transaction() as session:
        session.add(Room(room_id=room))
        session.add(
            RoomBinding(room_id=room, role="liaison", organisation="GGD", bound_by="@admin:x")
        )
        assert session.new
        context = await rooms.message_context(session, room, "$first")
    assert context.binding is not None and context.binding.organisation == "GGD"
    assert not context.already_processed
