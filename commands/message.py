"""The plain objects that cross the boundary between `bot/` and `commands/`."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Literal

from storage.ids import EventId, RoomId, UserId

MessageKind = Literal["message", "edit", "redaction", "reaction"]


@dataclass(frozen=True)
class Relation:
    reply_to: EventId | None = None
    replaces: EventId | None = None
    redacts: EventId | None = None
    # A reaction (`m.annotation`): the event it reacts to; the key (👍) is the body.
    annotates: EventId | None = None
    # A message in a Matrix thread: the thread's root (the bot answers in the thread).
    thread_root: EventId | None = None


@dataclass(frozen=True)
class Message:
    event_id: EventId
    room_id: RoomId
    sender: UserId
    body: str
    timestamp: datetime
    kind: MessageKind = "message"
    msgtype: str = "m.text"
    relation: Relation = field(default_factory=Relation)
    mentions_bot: bool = False
    # The file a caption came with (an image, a video, a file: its `filename`). The bot
    # reads the caption as the message and keeps no file; its reply says so.
    attachment: str | None = None
    # An edit whose original the same sync batch shows deleted, and by whom (a deletion
    # made while the bot was down, handled after the edit): the edit changes nothing.
    original_redacted_by: UserId | None = None


@dataclass(frozen=True)
class Attachment:
    filename: str
    mimetype: str
    data: bytes


@dataclass(frozen=True)
class Redaction:
    """Redact the bot's own reply to `source_event_id` (e.g. the confirmation of a retracted report)."""

    source_event_id: EventId
    reason: str = ""
    # The room of the reply to take back: the bot's first reply to the source event in
    # that room (a curator post of a withdrawn question). None: the event's own room.
    room_id: RoomId | None = None
    # The outbox row of the one reply to take back, where the source event has several
    # replies in that room (an answer to two askers in one room, or sent in parts):
    # None takes back the first.
    reply_row: int | None = None


@dataclass(frozen=True)
class Reply:
    """What to send back: plain text plus HTML that is safe by construction.

    `notify=True` sends `m.text` with `m.mentions` for `mentions`; otherwise the
    reply is an `m.notice`, which never notifies and which bots ignore.
    """

    text: str
    html: str
    room_id: RoomId | None = None
    reply_to: EventId | None = None
    notify: bool = False
    mentions: tuple[UserId, ...] = ()
    attachment: Attachment | None = None
    # The root of the thread the reply goes in (the answered message was in one).
    thread_root: EventId | None = None
    # The highest label of everything the reply shows, set by the code that built it
    # from the items it shows (an answer's related titles, suggestions, a curator post's
    # nearest items): what the outbox row keeps and the sender checks against the room
    # just before the send. Reading the label back from the reply's own banner missed
    # content shown without one. None: the banner its text names (`TLP:AMBER`) is all.
    tlp: str | None = None
    # For curators only (`for_curators`): it names who asked a question (their Matrix
    # id), shown in curator rooms only. The sender checks it as it checks the label: a
    # room that is no curator room by the time of the send does not get it.
    curators_only: bool = False
    # A kept answer delivered (commands/held_answers.py): the question's id, so that a
    # reply the sender voids before it goes keeps the answer again for the asker.
    kept_question: int | None = None


def for_curators(reply: Reply) -> Reply:
    """`reply`, kept for curator rooms (`Reply.curators_only`)."""
    return reply if reply.curators_only else replace(reply, curators_only=True)


Outgoing = Reply | Redaction
