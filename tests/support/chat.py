"""A conversation with the bot through the exactly-once core (event log, dispatcher,
savepoints, outbox) on a real database and without a homeserver: what the unit tests
that need the whole path of a message share."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from datetime import UTC, datetime

from bot.syncer import process_message
from commands.builtin import build_dispatcher
from commands.dispatcher import CommandSettings, Dispatcher, RoomView
from commands.message import Message, MessageKind, Outgoing, Relation, Reply
from storage.engine import Database
from storage.ids import EventId, RoomId, UserId
from storage.models import OutboxMessage, SituationEntry
from storage.rooms import BindingView

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


# An encrypted room as its binding makes it, nobody with power.
plain_view = bound_views()


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

    async def entries(self) -> list[SituationEntry]:
        from sqlalchemy import select

        async with self.db.session() as session:
            return list(await session.scalars(select(SituationEntry).order_by(SituationEntry.id)))
