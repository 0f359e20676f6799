"""Posts to the configured `curator_room` while it has no binding.

The operator named the room in the configuration, so the curators' post of a question
goes there cleared to GREEN (commands/questions.curator_targets). Its outbox row was
labelled with the room's stored view instead (unbound: CLEAR of other rooms' posts),
so the asking room's GREEN question counted as the curator room's own post. A raise of
what the post shows while it waits (storage/relabel.py) then passed the row by (it
"could not show" other rooms' GREEN) and the post went under its old label. The row
now says the GREEN content is other rooms', as the question routing decided."""

from __future__ import annotations

from sqlalchemy import select

from bot.sender import OutboxSender
from commands.dispatcher import CommandSettings
from storage import incidents, outbox, rooms
from storage.engine import Database
from storage.ids import RoomId, UserId
from storage.models import OutboxMessage
from tests.support.chat import CoreChat, bound_views

CURATORS = RoomId("!redactie:x")
TOWN = RoomId("!gemeente:x")


async def test_a_question_posted_to_the_unbound_configured_curator_room_is_labelled_shared(
    db: Database,
) -> None:
    async with db.transaction() as session:
        await incidents.open_incident(session, "storm", "Storm", "@admin:x")
        await rooms.ensure(session, CURATORS)
        await rooms.bind(
            session, TOWN, role="municipality", incident="storm", organisation="Dordrecht",
            tlp_default="GREEN", clearance="GREEN", by="@admin:x",
        )  # fmt: skip
    settings = CommandSettings(bot_user_id="@bot:x", curator_room=CURATORS)
    chat = CoreChat(db, bound_views(), settings)
    await chat.handle(TOWN, UserId("@wethouder:x"), "!vraag Hoeveel kost een vlinderkooi op Mars?")
    async with db.session() as session:
        posted = (
            await session.scalars(select(OutboxMessage).where(OutboxMessage.room_id == CURATORS))
        ).all()
    assert posted, "no curator post"
    assert {(row.tlp, row.tlp_shared) for row in posted} == {("GREEN", "GREEN")}


class _NoRooms:
    def __init__(self) -> None:
        self.rooms: dict[str, object] = {}


async def test_a_question_queued_while_the_curator_alias_is_unresolved_is_judged_when_it_goes(
    db: Database,
) -> None:
    """`curator_room: "#redactie:x"` before the alias resolves: the question routing
    counts it GREEN-cleared (the operator named it) and queues the post to the alias.
    Its row said (GREEN, CLEAR), the room's own post, so when the alias resolved to a
    curator room bound CLEAR, the send check let the asking room's GREEN question in
    (a room always sees its own posts). Labelled as other rooms' GREEN, it is voided."""
    alias, real = "#redactie:x", RoomId("!echte-redactie:x")
    async with db.transaction() as session:
        await incidents.open_incident(session, "storm", "Storm", "@admin:x")
        await rooms.bind(
            session, TOWN, role="municipality", incident="storm", organisation="Dordrecht",
            tlp_default="GREEN", clearance="GREEN", by="@admin:x",
        )  # fmt: skip
        await rooms.bind(
            session, real, role="curator", incident=None, organisation="VR",
            tlp_default="CLEAR", clearance="CLEAR", by="@admin:x",
        )  # fmt: skip
    settings = CommandSettings(bot_user_id="@bot:x", curator_room=alias)
    chat = CoreChat(db, bound_views(), settings)
    await chat.handle(TOWN, UserId("@wethouder:x"), "!vraag Hoeveel kost een vlinderkooi op Mars?")
    async with db.transaction() as session:
        posted = (
            await session.scalars(select(OutboxMessage).where(OutboxMessage.room_id == alias))
        ).all()
        assert posted, "no curator post"
        assert {(row.tlp, row.tlp_shared) for row in posted} == {("GREEN", "GREEN")}
        for row in posted:
            await outbox.move_to_room(session, row.id, real)
    sender = OutboxSender(_NoRooms(), db, encryption=False)  # type: ignore[arg-type]
    sender.curator_room = lambda: real
    async with db.session() as session:
        moved = (
            await session.scalars(select(OutboxMessage).where(OutboxMessage.room_id == real))
        ).all()
    assert moved and not [row.id for row in moved if await sender.may_still_go(row)]
