"""What every handler receives: the message, the room, the settings, the session.

Its own module so that the registry, the dispatcher and the command modules all
depend on it, and none of them on each other.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy.ext.asyncio import AsyncSession

from commands.i18n import Language
from commands.message import Message, Outgoing
from commands.report_parser import Vocabulary
from knowledge.service import KnowledgeCache
from storage import audit
from storage.ids import RoomId, UserId
from storage.regions import RegionTable
from storage.rooms import BindingView
from storage.tlp import RoomAccess

if TYPE_CHECKING:
    # Type only: the registry imports this module to type its handlers.
    from commands.registry import Registry


@dataclass(frozen=True)
class RoomView:
    """What a command needs to know about the room it runs in."""

    room_id: RoomId
    is_direct: bool = False
    role: str | None = None
    encrypted: bool = False
    public: bool = False
    power_levels: dict[str, int] = field(default_factory=dict)
    default_power: int = 0
    binding: BindingView | None = None
    # The room's `redact` power level: who may redact (retract) other people's events.
    redact_level: int = 50
    # Only the bot and one other person in it (bot/room_lifecycle.is_one_to_one): an
    # unbound such room is a direct chat even when its invite lacked `is_direct`.
    one_to_one: bool = False

    def power_of(self, user_id: str) -> int:
        return self.power_levels.get(user_id, self.default_power)

    def may_redact_others(self, user_id: str) -> bool:
        return self.power_of(user_id) >= self.redact_level

    @property
    def access(self) -> RoomAccess:
        """The room's TLP view: its binding's clearance, or CLEAR only when unbound
        (and in a direct chat, bound or not)."""
        return RoomAccess.for_binding(self.room_id, self.binding, self.public, self.is_direct)


# Whether a user is in a room now (joined), from the live room state; None when it is
# not known. The bot gives one (bot/member_probe.py); without it (the console, most
# tests) nothing is judged by it.
MemberProbe = Callable[[str, str], Awaitable[bool | None]]


@dataclass(frozen=True)
class EventFacts:
    """What the homeserver says of an event without reading its content: who sent it and
    the event it answers (a reply's `m.in_reply_to`, kept in the clear in encrypted
    rooms too)."""

    sender: str
    in_reply_to: str | None = None


class FetchFirst(Exception):
    """A probe needs the homeserver while its event is handled, and the handler runs
    inside the event's write transaction (on SQLite that holds the write lock, so every
    other room's report would wait on a network round trip). The caller
    (bot/handling.process_message) rolls the transaction back, awaits `fetch` with no
    transaction open, and handles the event anew in a new transaction, which checks
    everything again (exactly once); the probe then answers from what `fetch` kept
    (`FETCHED`). The dispatcher lets it through (it is no handler failure)."""

    def __init__(self, fetch: Callable[[], Awaitable[None]]) -> None:
        super().__init__("fetch outside the transaction first")
        self.fetch = fetch


# What the probes fetched for the event being handled (bot/handling.process_message sets a
# fresh one per event, so nothing fetched for one event answers for another); None
# outside that (the console, tests without the core): the probes then ask directly.
FETCHED: ContextVar[dict[object, object] | None] = ContextVar("knooppunt_fetched", default=None)


# The facts of an event in a room (room id, event id), from the homeserver; None when
# they cannot be had. The bot gives one (bot/event_probe.py): a 👍 on the bot's offer
# whose send an earlier device never recorded is matched by it (commands/free_text.py).
EventProbe = Callable[[str, str], Awaitable[EventFacts | None]]


@dataclass(frozen=True)
class CommandSettings:
    prefix: str = "!"
    language: Language = "nl"
    admins: frozenset[str] = frozenset()
    late_after: timedelta = timedelta(minutes=5)
    bot_user_id: str = ""
    vocabulary: Vocabulary = field(default_factory=lambda: Vocabulary(RegionTable()))
    # Room that receives open questions (None: every room bound as curator).
    curator_room: str | None = None
    # The curated store in memory, rebuilt when its version in the database changes.
    knowledge: KnowledgeCache = field(default_factory=KnowledgeCache)
    # The web portal (`!portaal`): where its links start, and how long they live.
    public_url: str = "http://127.0.0.1:9180"
    portal_link_hours: float = 12.0
    # Is an asker still in their direct chat (commands/held_answers.py)?
    members: MemberProbe | None = None
    # Who sent an event, and what it answers (a 👍 on an offer of an earlier device).
    events: EventProbe | None = None


@dataclass
class CommandContext:
    message: Message
    room: RoomView
    settings: CommandSettings
    session: AsyncSession | None
    now: datetime
    registry: Registry
    # Domain events a handler reports ("entry.recorded"), for metrics and logs.
    events: list[str] = field(default_factory=list)
    # The command touched an exercise's data (an exercise question answered from a real
    # curator room): all its replies are marked OEFENING (commands/exercise.py).
    concerns_exercise: bool = False
    # The command changed a real incident's data from a room bound to an exercise (a
    # report retracted after its room was rebound): its replies into other real rooms
    # are real ones and stay unmarked; its reply here is marked as always.
    concerns_reality: bool = False

    @property
    def lang(self) -> Language:
        return self.settings.language

    @property
    def prefix(self) -> str:
        return self.settings.prefix

    @property
    def sender(self) -> UserId:
        return self.message.sender

    @property
    def written(self) -> datetime:
        """When the message was written, as far as the bot can tell: its homeserver's
        timestamp, never after the bot's clock. The moment its times count from
        (`tijd: 10 min geleden`, `deadline: over 2 uur`, `16u`): read from a backlog
        hours late, the bot's clock made an owner's earlier resolve the item's latest
        state (the extreme item left the attention list) and an overdue action on time.
        Never later than now: a sender's server whose clock runs ahead must not put a
        report's time in the future, where it would stay the item's latest state."""
        return min(self.message.timestamp, self.now)

    @property
    def is_admin(self) -> bool:
        return self.message.sender in self.settings.admins

    @property
    def power(self) -> int:
        return self.room.power_of(self.message.sender)

    async def audit(
        self,
        session: AsyncSession,
        action: str,
        *,
        subject: str | None = None,
        detail: dict[str, Any] | None = None,
    ) -> None:
        """An audit row for what the sender did here (storage/audit.py): every command
        that changes something says so with its action, subject and detail."""
        await audit.add(session, self.sender, action, self.room.room_id, subject, detail)


MessageHook = Callable[[CommandContext], Awaitable[list[Outgoing]]]
# An edit hook answers the edit, or returns AS_NEW_MESSAGE: the edited message left
# nothing behind (no entry), so its new content is handled as a new message.
AS_NEW_MESSAGE = None
EditHook = Callable[[CommandContext], Awaitable[list[Outgoing] | None]]
