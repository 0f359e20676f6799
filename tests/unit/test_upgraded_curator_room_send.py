"""A post for curators only (it names who asked) waits while its curator room is upgraded.

The old room works under its successor's binding (storage/succession.py; the bot stays
in it), so while the new room is a curator room the post still goes to the old one: its
members are the curators who were there when it was queued, as a `!beeld` typed there
shows the same. Once the new room is unbound or bound in another role, the old room
counts as unbound: the send check voids the post, audits it as no curator room any more
and tells the room in a neutral notice. The question itself is not lost: it stays open,
for `!vragen` and the pictures of every curator room (session 16, helper smleak; the
long run of the confidentiality machine raised this case). Since session 17 the send
itself moves such a post to the new room once the bot has joined it
(tests/unit/test_upgraded_curator_room_follow.py); the check here judges the old room."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.sender import OutboxSender
from commands.dispatcher import CommandSettings
from storage import incidents, open_questions, rooms
from storage.engine import Database
from storage.ids import RoomId, UserId
from storage.models import AuditRecord, OutboxMessage, utcnow
from tests.support.chat import CoreChat, bound_views

CURATORS = RoomId("!redactie:x")
SUCCESSOR = RoomId("!redactie-v2:x")
TOWN = RoomId("!gemeente:x")


class _NoRooms:
    def __init__(self) -> None:
        self.rooms: dict[str, object] = {}


async def _notice_waiting_for_the_curators(db: Database) -> list[OutboxMessage]:
    """The town asks; the curators' notice (naming who asked) is queued, then the curator
    room is upgraded before it goes (what bot/room_lifecycle.py stores)."""
    async with db.transaction() as session:
        await incidents.open_incident(session, "storm", "Storm", "@admin:x")
        for room in (TOWN, CURATORS):
            await rooms.mark_joined(session, room, utcnow())
        await rooms.bind(
            session, TOWN, role="municipality", incident="storm", organisation="Dordrecht",
            tlp_default="GREEN", clearance="GREEN", by="@admin:x",
        )  # fmt: skip
        await rooms.bind(
            session, CURATORS, role="curator", incident=None, organisation="VR",
            tlp_default="GREEN", clearance="AMBER", by="@admin:x",
        )  # fmt: skip
    chat = CoreChat(db, bound_views(), CommandSettings(bot_user_id="@bot:x"))
    await chat.handle(TOWN, UserId("@wethouder:x"), "!vraag Hoeveel kost een vlinderkooi op Mars?")
    async with db.transaction() as session:
        waiting = list(
            (
                await session.scalars(
                    select(OutboxMessage).where(
                        OutboxMessage.room_id == CURATORS, OutboxMessage.curators_only
                    )
                )
            ).all()
        )
        await rooms.carry_binding(session, CURATORS, SUCCESSOR)
        await rooms.mark_left(session, CURATORS, "upgraded")
        await rooms.mark_joined(session, SUCCESSOR, utcnow())
    assert waiting, "no post for the curators"
    return waiting


async def test_it_goes_to_the_old_room_while_the_new_one_is_a_curator_room(db: Database) -> None:
    waiting = await _notice_waiting_for_the_curators(db)
    sender = OutboxSender(_NoRooms(), db, encryption=False)  # type: ignore[arg-type]
    assert [await sender.may_still_go(row) for row in waiting] == [True] * len(waiting)


@pytest.mark.parametrize("change", ["unbound", "municipality"])
async def test_it_is_voided_once_the_new_room_is_no_curator_room(db: Database, change: str) -> None:
    waiting = await _notice_waiting_for_the_curators(db)
    async with db.transaction() as session:
        if change == "unbound":
            await rooms.unbind(session, SUCCESSOR)
        else:
            await rooms.bind(
                session, SUCCESSOR, role="municipality", incident="storm", organisation="VR",
                tlp_default="GREEN", clearance="AMBER", by="@admin:x",
            )  # fmt: skip
    sender = OutboxSender(_NoRooms(), db, encryption=False)  # type: ignore[arg-type]
    for row in waiting:
        assert not await sender.may_still_go(row)
        await sender._void(row)
    async with db.session() as session:
        audits = (
            await session.scalars(select(AuditRecord).where(AuditRecord.action == "outbox.voided"))
        ).all()
        # Not silent: audited as no curator room any more, and the question stays open
        # for the curators (`!vragen`, their pictures) wherever a curator room is.
        assert audits and all((a.detail or {}).get("curators_only") for a in audits)
        assert await open_questions.count_open(session) == 1
