"""The rooms a room replaced, as the hot path reads them: `message_context` joins the
kv mark `earlier:<room>` by a concatenation in SQL, which each backend spells its own
way; `access_of` reads it apart. Both must give the same chain on both backends."""

from __future__ import annotations

from datetime import UTC, datetime

from storage import rooms
from storage.engine import Database
from storage.ids import RoomId


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
