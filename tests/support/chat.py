"""A conversation with the bot through the exactly-once core (event log, dispatcher,
savepoints, outbox) on a real database and without a homeserver: what the unit tests
that need the whole path of a message share."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator, Callable, Collection, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.syncer import process_message
from commands.builtin import build_dispatcher
from commands.dispatcher import CommandSettings, Dispatcher, RoomView
from commands.message import Message, MessageKind, Outgoing, Relation, Reply
from storage import incidents, rooms
from storage.engine import Database
from storage.ids import EventId, RoomId, UserId
from storage.models import OutboxMessage, SituationEntry
from storage.rooms import BindingView
from tests.support.rooms import storm_database

RoomViewFn = Callable[[RoomId, bool, BindingView | None], RoomView]
Handled = tuple[list[Outgoing], list[OutboxMessage]]


def bound_views(
    *,
    direct: Collection[RoomId] = (),
    public: Collection[RoomId] = (),
    power_levels: Mapping[str, int] | None = None,
) -> RoomViewFn:
    """Encrypted rooms as their bindings make them (role from the binding): a room is a
    direct chat when the core says so or it is in `direct`, public when in `public`;
    `power_levels` hold in every room (nobody has power without them)."""

    def view(room_id: RoomId, is_direct: bool, binding: BindingView | None) -> RoomView:
        return RoomView(
            room_id=room_id,
            is_direct=is_direct or room_id in direct,
            role=binding.role if binding else None,
            binding=binding,
            encrypted=True,
            public=room_id in public,
            power_levels=dict(power_levels or {}),
        )

    return view


def binding_view(bindings: Mapping[RoomId, BindingView]) -> Callable[[RoomId], RoomView]:
    """A module's `view(room)`: the room as `bindings` makes it, encrypted."""

    def view(room_id: RoomId) -> RoomView:
        binding = bindings[room_id]
        return RoomView(room_id=room_id, role=binding.role, encrypted=True, binding=binding)

    return view


# An encrypted room as its binding makes it, nobody with power.
plain_view = bound_views()


def dispatcher_fixture(**settings: Any) -> Any:
    """A module's `dispatcher` fixture: the built-in commands as bot user `@knooppunt:x`
    with these settings (`dispatcher = dispatcher_fixture(admins=frozenset({ADMIN}))`)."""

    def dispatcher() -> Dispatcher:
        return build_dispatcher(CommandSettings(bot_user_id="@knooppunt:x", **settings))

    return pytest.fixture(name="dispatcher")(dispatcher)


_dispatched = itertools.count(1)


async def dispatch(
    db: Database,
    dispatcher: Dispatcher,
    room: RoomView,
    sender: str,
    body: str,
    now: datetime | None = None,
    *,
    event_id: str | None = None,
    kind: MessageKind = "message",
    relation: Relation | None = None,
) -> tuple[EventId, list[Outgoing]]:
    """One message straight to the dispatcher, in one transaction, without the event log
    and the outbox: the event's id (`$d1`, `$d2`, … unless `event_id` says otherwise) and
    what the handler returned. `now` is the message's time and the handler's clock."""
    at = now or datetime.now(UTC)
    eid = EventId(event_id or f"$d{next(_dispatched)}")
    message = Message(
        eid, room.room_id, UserId(sender), body, at, kind=kind, relation=relation or Relation()
    )
    async with db.transaction() as session:
        return eid, await dispatcher.handle(message, room, session, at)


def texts(replies: list[Outgoing] | None) -> str:
    return "\n".join(r.text for r in replies or [] if isinstance(r, Reply))


class CoreChat:
    """Messages in numbered events (`$ev1`, `$ev2`, … unless `prefix` says otherwise);
    `restart` gives a new dispatcher, as a restarted bot has, with nothing in memory."""

    def __init__(
        self,
        db: Database,
        view: RoomViewFn = plain_view,
        settings: CommandSettings | None = None,
        *,
        savepoints: bool = False,
        prefix: str = "$ev",
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.db = db
        self.view = view
        self.settings = settings or CommandSettings(bot_user_id="@bot:x")
        self.savepoints = savepoints
        self.prefix = prefix
        self.clock = clock
        self.count = 0
        self.restart()

    def restart(self) -> None:
        self.dispatcher: Dispatcher = build_dispatcher(self.settings, savepoints=self.savepoints)

    async def handle(
        self,
        room: RoomId,
        sender: UserId,
        body: str,
        *,
        kind: MessageKind = "message",
        msgtype: str = "m.text",
        relation: Relation | None = None,
        event_id: str | None = None,
    ) -> tuple[EventId, Handled | None]:
        """The event's id and what the core made of it (None: handled before)."""
        self.count += 1
        eid = EventId(event_id or f"{self.prefix}{self.count}")
        message = Message(
            eid,
            room,
            sender,
            body,
            self.clock(),
            kind=kind,
            msgtype=msgtype,
            relation=relation or Relation(),
        )
        return eid, await process_message(self.db, self.dispatcher, message, self.view)

    async def send_event(
        self,
        room: RoomId,
        sender: UserId,
        body: str,
        *,
        kind: MessageKind = "message",
        msgtype: str | None = None,
        event_id: str | None = None,
        replaces: str | None = None,
        redacts: str | None = None,
        annotates: str | None = None,
        reply_to: str | None = None,
    ) -> tuple[EventId, list[Outgoing] | None]:
        """`handle` with the relations given as event ids: the event's id and the replies
        (None: handled before). A reaction is an `m.reaction` unless `msgtype` says so."""
        relation = Relation(
            reply_to=EventId(reply_to) if reply_to else None,
            replaces=EventId(replaces) if replaces else None,
            redacts=EventId(redacts) if redacts else None,
            annotates=EventId(annotates) if annotates else None,
        )
        if msgtype is None:
            msgtype = "m.reaction" if kind == "reaction" else "m.text"
        eid, result = await self.handle(
            room, sender, body, kind=kind, msgtype=msgtype, relation=relation, event_id=event_id
        )
        return eid, None if result is None else result[0]

    async def react(
        self,
        room: RoomId,
        sender: UserId,
        to: str,
        key: str = "👍",
        *,
        event_id: str | None = None,
    ) -> tuple[EventId, Handled | None]:
        """A reaction (`m.annotation`, `key`) to the event `to`; `event_id` delivers the
        same reaction again (a replayed batch, another worker)."""
        relation = Relation(annotates=EventId(to))
        return await self.handle(
            room,
            sender,
            key,
            kind="reaction",
            msgtype="m.reaction",
            relation=relation,
            event_id=event_id,
        )

    async def entries(self) -> list[SituationEntry]:
        from sqlalchemy import select

        async with self.db.session() as session:
            return list(await session.scalars(select(SituationEntry).order_by(SituationEntry.id)))


class OneRoomChat(CoreChat):
    """A chat where one person mostly speaks in one room: `post` sends as `sender` in
    `room` unless told otherwise."""

    def __init__(
        self, db: Database, view: RoomViewFn, *, room: RoomId, sender: UserId, **core: Any
    ) -> None:
        super().__init__(db, view, **core)
        self.room, self.sender = room, sender

    async def post(
        self, body: str, sender: UserId | None = None, room: RoomId | None = None, **event: Any
    ) -> tuple[EventId, list[Outgoing] | None]:
        """`send_event` (the relations as event ids): the event's id and the replies."""
        return await self.send_event(room or self.room, sender or self.sender, body, **event)


def real_and_drill_chat_fixture(real: RoomId, drill: RoomId) -> Any:
    """A module's `chat` fixture: `real` a liaison room of GGD on the real incident
    `storm`, `drill` one on the open exercise `oef` (`chat = real_and_drill_chat_fixture(
    REAL, DRILL)`), the database closed after the test."""

    async def chat(tmp_path: Path) -> AsyncIterator[CoreChat]:
        database = await storm_database(tmp_path / "chat.db", [(real, "liaison", "GGD")])
        async with database.transaction() as session:
            await incidents.open_incident(session, "oef", "Oefening", "test", exercise=True)
            binding = BindingView("liaison", "oef", "GGD", "AMBER", "AMBER")
            await rooms.bind_as(session, drill, binding, "@admin:x")
        yield CoreChat(database)
        await database.close()

    return pytest.fixture(name="chat")(chat)


def storm_chat_fixture(
    bound: Sequence[tuple[RoomId, str, str]], *, more: Mapping[RoomId, BindingView] | None = None
) -> Any:
    """A module's `chat` fixture on `storm_database(…, bound, more=more)`, the database
    closed after the test (`chat = storm_chat_fixture([(LIAISON, "liaison", "GGD")])`)."""

    async def chat(tmp_path: Path) -> AsyncIterator[CoreChat]:
        database = await storm_database(tmp_path / "chat.db", bound, more=more)
        yield CoreChat(database)
        await database.close()

    return pytest.fixture(name="chat")(chat)
