"""Turning matrix-nio events into the plain `Message` objects `commands/` takes."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from nio import (
    Event,
    ReactionEvent,
    RedactionEvent,
    RoomEncryptedMedia,
    RoomMemberEvent,
    RoomMessageEmote,
    RoomMessageMedia,
    RoomMessageNotice,
    RoomMessageText,
)
from sqlalchemy.ext.asyncio import AsyncSession

from commands.message import Message, Relation
from storage import event_log
from storage.ids import EventId, RoomId, UserId
from storage.outbox import TXN_PREFIX, thread_root


def event_time(event: Event) -> datetime:
    return datetime.fromtimestamp(event.server_timestamp / 1000, tz=UTC)


async def claim(
    session: AsyncSession, event: Event, room_id: RoomId, effect: str, sender: str | None = None
) -> bool:
    """Record `event` as handled with `effect`, unless it was handled before: True when
    this call claimed it (do the work in the same transaction), False when not (do
    nothing). `sender`: who the log names, the event's sender unless given."""
    event_id = EventId(event.event_id)
    if await event_log.is_processed(session, event_id):
        return False
    who = UserId(sender or event.sender)
    await event_log.record(session, event_id, room_id, who, effect, event_time(event))
    return True


def own_transaction_id(event: Event) -> str | None:
    """The outbox transaction id of one of the bot's own events (its echo), if any."""
    txn = getattr(event, "transaction_id", None) or (event.source.get("unsigned") or {}).get(
        "transaction_id"
    )
    return txn if isinstance(txn, str) and txn.startswith(TXN_PREFIX) else None


def is_own_join(event: Event, bot_user_id: str) -> bool:
    """The membership event that makes the bot a member (not a profile change)."""
    return (
        isinstance(event, RoomMemberEvent)
        and event.state_key == bot_user_id
        and event.membership == "join"
        and event.prev_membership != "join"
    )


def is_member_leaving(event: Event, bot_user_id: str) -> bool:
    """Another member leaves the room, is kicked or banned: what they held through their
    membership (their portal links) ends with it."""
    return (
        isinstance(event, RoomMemberEvent)
        and event.state_key != bot_user_id
        and event.membership in ("leave", "ban")
    )


def _mentions(content: dict[str, Any], body: str, bot_user_id: str, bot_name: str | None) -> bool:
    mentions = content.get("m.mentions")
    if isinstance(mentions, dict):
        users = mentions.get("user_ids")
        if isinstance(users, list) and bot_user_id in users:
            return True
    lowered = body.lower()
    if bot_user_id.lower() in lowered:
        return True
    return bool(bot_name) and bot_name is not None and _as_word(bot_name, body)


def _as_word(name: str, body: str) -> bool:
    """`name` in `body` as a word of its own (an Element pill puts the display name in
    the body so): "Kno" is not in "knoop", "bot" not in "botsing" or "robot"."""
    pattern = rf"(?<![\w-]){re.escape(name)}(?![\w-])"
    return re.search(pattern, body, re.IGNORECASE) is not None


def _edit(
    content: dict[str, Any],
    replaces: EventId,
    msgtype: str,
    base: dict[str, Any],
    bot: str,
    bot_name: str | None,
) -> Message:
    """An edit (`m.replace`): its new content is the message, the original its relation.
    It mentions the bot as a new message does (`_mentions`), by its new content (an
    edit of "Knooppunt: !melding …" keeps the pill that makes its command the bot's), or
    by `m.mentions` on the edit event itself, where clients name the newly mentioned.
    Counted only through the new content's `m.mentions`, an edit that wrote the bot's
    id in its body ("@bot:x !beeld") was no command."""
    new_content = content.get("m.new_content") or {}
    if not isinstance(new_content, dict):
        new_content = {}
    new_body = new_content.get("body", "")
    new_body = new_body if isinstance(new_body, str) else ""
    mentioned = _mentions(new_content, new_body, bot, bot_name) or _mentions(content, "", bot, None)
    return Message(
        body=new_body,
        kind="edit",
        msgtype=str(new_content.get("msgtype", msgtype)),
        relation=Relation(replaces=replaces),
        mentions_bot=mentioned,
        **base,
    )


def _reply_target(relates: dict[str, Any]) -> object:
    """The event a message replies to. In a thread, `m.in_reply_to` with
    `is_falling_back` is only the fallback for clients without threads (the thread's
    latest event, whatever it is): the writer replied to nothing in it, so the message
    is about the thread's root (a thread on report M-1 holds follow-ups of M-1), never
    about the report that happened to come last. A thread message without any
    `m.in_reply_to` is about the root as well."""
    in_reply = relates.get("m.in_reply_to") or {}
    target = in_reply.get("event_id") if isinstance(in_reply, dict) else None
    if relates.get("rel_type") == "m.thread" and (
        target is None or relates.get("is_falling_back") is True
    ):
        return thread_root(relates)  # a malformed root: a reply to nothing
    return target


def before_encryption(events: Iterable[Event]) -> set[str]:
    """The events of a room's timeline (in its order) sent while the room was still in
    the clear: those before its first `m.room.encryption` state event, when that event is
    among them (it replaces no earlier one: no `prev_content`). A plain message is refused
    in an encrypted room (bot/untrusted.py), judged by nio's state as it is after the
    whole batch; one sent before the switch (the bot down meanwhile, or both in one sync)
    was refused with it. A re-sent encryption event (one that replaces another) starts no
    clear part: the room was encrypted before it."""
    seen: list[str] = []
    for event in events:
        source = event.source
        if source.get("type") == "m.room.encryption" and source.get("state_key") == "":
            unsigned = source.get("unsigned")
            replaced = isinstance(unsigned, dict) and (
                bool(unsigned.get("prev_content")) or bool(unsigned.get("replaces_state"))
            )
            return set() if replaced else set(seen)
        seen.append(event.event_id)
    return set()


def redactions_in(events: Iterable[Event]) -> dict[str, str]:
    """The events that `events` show redacted, each with who redacted it: the target of
    each redaction among them, and each event that comes back redacted itself
    (`unsigned.redacted_because`, as a back-filled gap serves a message deleted while
    the bot was down)."""
    found: dict[str, str] = {}
    for event in events:
        source = event.source
        content = source.get("content")
        redacts = source.get("redacts") or (
            content.get("redacts") if isinstance(content, dict) else None
        )
        if source.get("type") == "m.room.redaction" and isinstance(redacts, str):
            found[redacts] = event.sender
        unsigned = source.get("unsigned")
        because = unsigned.get("redacted_because") if isinstance(unsigned, dict) else None
        if isinstance(because, dict) and isinstance(because.get("sender"), str):
            found.setdefault(event.event_id, because["sender"])
    return found


def referred_ids(event: Event) -> set[str]:
    """The events `event` names: the message it edits, replies to, is threaded under or
    reacts to, or the event it redacts (read from the event as sent, so an encrypted
    event's relation, which is in the clear, counts too)."""
    source = event.source
    found: set[object] = set()
    redacts = source.get("redacts")
    content = source.get("content")
    if isinstance(content, dict):
        redacts = redacts or content.get("redacts")
        relates = content.get("m.relates_to")
        if isinstance(relates, dict):
            in_reply = relates.get("m.in_reply_to")
            found.add(relates.get("event_id"))
            found.add(in_reply.get("event_id") if isinstance(in_reply, dict) else None)
    found.add(redacts)
    return {target for target in found if isinstance(target, str)}


def to_message(
    event: Event, room_id: str, bot_user_id: str, bot_name: str | None = None
) -> Message | None:
    """A `Message` for text-like events and redactions; None for everything else."""
    base = {
        "event_id": EventId(event.event_id),
        "room_id": RoomId(room_id),
        "sender": UserId(event.sender),
        "timestamp": event_time(event),
    }
    if isinstance(event, RedactionEvent):
        if getattr(event, "decrypted", False):
            # A real redaction is never encrypted (the server must read it and checks who
            # sent it); one that came out of decryption is a forgery the server never saw.
            return None
        return Message(
            body="",
            kind="redaction",
            msgtype="m.redaction",
            relation=Relation(redacts=EventId(event.redacts)),
            **base,  # type: ignore[arg-type]
        )
    if isinstance(event, ReactionEvent):
        # The key (👍) is the body; the command layer decides what a reaction means.
        return Message(
            body=event.key if isinstance(event.key, str) else "",
            kind="reaction",
            msgtype="m.reaction",
            relation=Relation(annotates=EventId(event.reacts_to)),
            **base,  # type: ignore[arg-type]
        )
    content = event.source.get("content", {})
    if not isinstance(content, dict):
        return None
    readable, attachment = _readable(event, content)
    if not readable:
        return None
    relates = content.get("m.relates_to") or {}
    if not isinstance(relates, dict):
        relates = {}
    msgtype = str(content.get("msgtype", "m.text"))
    body = content.get("body", "")
    body = body if isinstance(body, str) else ""
    if relates.get("rel_type") == "m.replace" and isinstance(relates.get("event_id"), str):
        replaces = EventId(relates["event_id"])
        return _edit(content, replaces, msgtype, base, bot_user_id, bot_name)
    reply_to = _reply_target(relates)
    root = thread_root(relates)
    return Message(
        body=body,
        msgtype=msgtype,
        relation=Relation(
            reply_to=EventId(reply_to) if isinstance(reply_to, str) else None,
            thread_root=EventId(root) if isinstance(root, str) else None,
        ),
        mentions_bot=_mentions(content, body, bot_user_id, bot_name),
        attachment=attachment,
        **base,  # type: ignore[arg-type]
    )


def _readable(event: Event, content: dict[str, Any]) -> tuple[bool, str | None]:
    """Whether the bot reads `event` as a message, and the file's name when it is a file
    with a caption (a report sent as the caption of a photo of the breach was dropped)."""
    if isinstance(event, (RoomMessageText, RoomMessageNotice, RoomMessageEmote)):
        return True, None
    if not isinstance(event, (RoomMessageMedia, RoomEncryptedMedia)):
        return False, None
    new = content.get("m.new_content")  # an edited caption
    attachment = _captioned(new if isinstance(new, dict) else content)
    return attachment is not None, attachment


def _captioned(content: dict[str, Any]) -> str | None:
    """The file name of a media message that carries a caption, else None. Since Matrix
    1.10 a file's `body` is its caption when a `filename` is given that differs from it;
    without one, the body is only the file's name."""
    body, filename = content.get("body"), content.get("filename")
    if isinstance(body, str) and isinstance(filename, str) and body.strip() != filename:
        return filename
    return None
