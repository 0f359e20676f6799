"""The one rule for "a curator room", read the same way by a command (the message's
live context) and by the sender (just before a post for curators only goes).

An upgraded curator room's old room keeps an inactive copy of its binding; its
commands run under its successor's binding (storage/succession.py), so `!vragen`
there answered as a curator room, naming who asked. The sender read the old room's
inactive stored binding instead, judged it no curator room, voided the reply and posted
a neutral notice: the two halves of one decision disagreed."""

from __future__ import annotations

from datetime import UTC, datetime

from storage import rooms
from storage.engine import Database
from storage.ids import RoomId


async def test_an_upgraded_curator_rooms_old_room_is_one_for_the_sender_too(
    db: Database,
) -> None:
    old, new = RoomId("!redactie:x"), RoomId("!redactie-v2:x")
    async with db.transaction() as session:
        for room in (old, new):
            await rooms.mark_joined(session, room, datetime.now(UTC))
        await rooms.bind(
            session, old, role="curator", incident=None, organisation="VR",
            tlp_default="GREEN", clearance="AMBER", by="@admin:x",
        )  # fmt: skip
        assert await rooms.carry_binding(session, old, new) is not None
    async with db.session() as session:
        context = await rooms.message_context(session, old, "$cmd")
        as_command = context.binding is not None and context.binding.role == "curator"
        for_sender = await rooms.is_curator_room(session, old, None)
        assert await rooms.is_curator_room(session, new, None)
    assert as_command and for_sender
