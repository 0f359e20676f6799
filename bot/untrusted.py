"""Messages the bot does not act on: from a device it does not trust, or in the clear.

With `encryption_trust: cross-signed` the rule that decides who gets the bot's room
keys (bot/device_trust.py) also decides whose messages count: without it a phished
password and a new login were enough to file reports, answer curators' questions or
relabel as that person. A plain-text message in a room whose state says it is
encrypted is refused in either mode: clients never send one there, and the homeserver
(or anyone holding a member's access token) can inject it under any name.

Each refused message is recorded in the event log as handled (a redelivery does
nothing) and gets one short notice in reply, never silence; except a reaction under
another's message (the bot would not have acted on it), and an m.notice, which
bots send and never answer: a notice to another bot's notice is noise for each of its
messages, and two bots refusing each other's devices would refuse each refusal on end.

Chat (no command) in a coordinator or curator room is never acted on, even from a
trusted device: one notice per room, sender and session is enough there (its
transaction id is derived from them, and the outbox keeps every row, so a restart does
not repeat it); each such message is still refused and recorded. A command, or free
text in a room that reads it (a liaison's update, a municipality's question, a direct
chat), gets its notice each time.

The notice is a room message like any other: encrypted for the devices the bot trusts
(never in the clear, and never with keys for the refused device), so the refused
session itself cannot read it. It therefore names that session (its device id, found by
the keys of the message's session), for the person to recognise on a verified device:
their own new login to verify, or one to sign out (a phished password). A to-device
message to the refused device is not sent: it would have to be encrypted for a device
the bot does not trust, and tells it nothing it needs.
"""

from __future__ import annotations

import hashlib
import logging
import re
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from nio import Event, MatrixRoom, ReactionEvent, RedactionEvent, RoomMessageText
from nio.client.async_client import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from bot import events as ev
from bot.key_upkeep import query_keys
from bot.sender import OutboxSender, queue_notice
from commands.grammar import is_command, strip_reply_fallback, without_address
from commands.i18n import Language, t
from storage import held_redactions, outbox, rooms
from storage.engine import Database
from storage.held_redactions import HELD_FOR, Held
from storage.ids import RoomId

if TYPE_CHECKING:  # a bot without encryption loads no device trust (nor `cryptography`)
    from bot.device_trust import DeviceTrust, Refusal, TrustMode

log = logging.getLogger(__name__)

# Set on a readable event that waited beside an undecryptable one (bot/undecryptable.py
# `park`): it was judged before it was parked, and its re-read copy no longer carries
# nio's decryption details.
CHECKED = "knooppunt_sender_checked"

# Rooms where a message without a command is never acted on (chat among people).
CHAT_ROLES = frozenset({"coordinator", "curator"})
# A device id as shown in a notice: the sender chose it at login; anything else is
# not put into the room.
_SHOWN_DEVICE = re.compile(r"[A-Za-z0-9._-]{1,64}")


class UntrustedSenders:
    def __init__(
        self,
        client: AsyncClient,
        db: Database,
        sender: OutboxSender,
        language: Language,
        mode: TrustMode,
        trust: DeviceTrust | None,
        prefix: str = "!",
    ) -> None:
        self.client = client
        self.db = db
        self.sender = sender
        self.language = language
        self.mode = mode
        self.trust = trust
        self.prefix = prefix
        self.refused = 0

    async def refuse(self, room_id: RoomId, event: Event, sent_in_the_clear: bool = False) -> bool:
        """True when `event` is not acted on (refused now, or recorded as refused before).
        `sent_in_the_clear`: the timeline shows it before the room's switch to encryption
        (bot/events.before_encryption), so nio's state, encrypted now, does not count."""
        if getattr(event, CHECKED, False):
            return False
        room: MatrixRoom | None = self.client.rooms.get(room_id)
        encrypted = bool(room and room.encrypted) and not sent_in_the_clear
        if isinstance(event, RedactionEvent) and not getattr(event, "decrypted", False):
            return await self._refuse_redaction(room_id, event, encrypted)
        if not self.client.olm:
            # Without encryption there is no device to judge, but plain text in an
            # encrypted room is still what no client sends there (injected).
            if not encrypted:
                return False
            await self._notice(room_id, event, "plain_in_encrypted")
            return True
        from bot.device_trust import refusal

        reason = refusal(self.client, event, room_id, encrypted, self.mode)
        if reason == "untrusted_device" and self.trust is not None:
            # The device may be new, or its check still under way: learn it, then judge.
            await query_keys(self.client)
            await self.trust.settled()
            reason = refusal(self.client, event, room_id, encrypted, self.mode)
        if reason is None:
            return False
        await self._notice(room_id, event, reason)
        return True

    async def _refuse_redaction(
        self, room_id: RoomId, event: RedactionEvent, encrypted: bool
    ) -> bool:
        """A redaction is never encrypted (the server must read it), so nothing says which
        device sent it: under `cross-signed`, in an encrypted room, it counts only while
        every known session of its sender is trusted (a phished password's new login
        must not take back a report or an answer). A stolen token of a trusted session
        still passes: nothing in the event tells it apart. Refused, it is kept, and
        counts once the person verifies the session or confirms it with a 👍 on the
        notice (bot/held_redactions.py): clients cannot delete a deleted message again."""
        if self.mode != "cross-signed" or not self.client.olm or not encrypted:
            return False
        if self.trust is not None:  # a new login may not be known yet: learn it first
            await query_keys(self.client)
            await self.trust.settled()
        from bot.device_trust import untrusted_sessions

        sessions = untrusted_sessions(self.client, event.sender)
        if sessions == []:
            return False
        await self._notice(room_id, event, "untrusted_redaction", sessions or [])
        return True

    def _pins_outage(self, reason: Refusal) -> str | None:
        """While the identity pin file is unreadable the bot trusts nobody's devices
        (bot/identity_pins.py): a refusal for an untrusted session is then the bot's
        fault, not the person's, and is told so, once per room (the token of the
        broken file in its transaction id)."""
        if reason not in ("untrusted_device", "untrusted_redaction") or self.trust is None:
            return None
        return self.trust.pins.outage

    async def _notice(
        self, room_id: RoomId, event: Event, reason: Refusal, sessions: list[str] | None = None
    ) -> None:
        outage = self._pins_outage(reason)
        if outage is not None:
            reason = "identity_pins_unreadable"
        async with self.db.transaction() as session:
            if not await ev.claim(session, event, room_id, reason):
                return  # handled before: it was told then
            if isinstance(event, ReactionEvent) and not await outbox.reaction_matters(
                session, room_id, event.reacts_to
            ):
                # Under a message the bot would not act on a reaction to.
                log.warning(
                    "room %s: did not act on reaction %s (%s)", room_id, event.event_id, reason
                )
                return
            if isinstance(event, RedactionEvent) and not await outbox.replied_to(
                session, room_id, event.redacts
            ):
                # Of a message the bot never acted on: nothing would have been taken back.
                log.warning(
                    "room %s: did not act on redaction %s (%s)", room_id, event.event_id, reason
                )
                return
            if isinstance(event, RedactionEvent):
                # Kept, to count once the sessions are verified (bot/held_redactions.py).
                await held_redactions.hold(session, _held(room_id, event, sessions or []))
            if _is_notice(event):
                log.warning(
                    "room %s: did not act on notice %s (%s)", room_id, event.event_id, reason
                )
                return
            text = self._text(event, reason, sessions or [])
            # A redaction is answered under the message it named (a reply to a redaction
            # shows as nothing).
            answered = event.redacts if isinstance(event, RedactionEvent) else event.event_id
            row = await queue_notice(
                session,
                room_id,
                text,
                self.language,
                f"pins-unreadable:{room_id}:{outage}"
                if outage is not None
                else await self._notice_key(session, room_id, event, reason),
                in_reply_to=answered,
                source_event_id=event.event_id,
            )
        self.refused += 1
        log.warning(
            "room %s: did not act on %s from %s (%s)", room_id, event.event_id, event.sender, reason
        )
        if row is not None:
            self.sender.submit([row])

    def _device_id(self, event: Event) -> str | None:
        """The sending device's id, found by the keys of the message's session."""
        sender_key = getattr(event, "sender_key", None)
        if not sender_key or not getattr(event, "decrypted", False):
            return None
        for device in self.client.device_store.active_user_devices(event.sender):
            if device.curve25519 == sender_key:
                return str(device.id)
        return None

    def _text(self, event: Event, reason: Refusal, sessions: list[str]) -> str:
        if reason == "untrusted_redaction":
            listed = [s for s in sessions if _SHOWN_DEVICE.fullmatch(s)][:5]
            unknown = t(self.language, "untrusted_session_unknown")
            hours = int(HELD_FOR.total_seconds() // 3600)
            return t(self.language, reason, sessions=", ".join(listed) or unknown, hours=hours)
        if reason != "untrusted_device":
            return t(self.language, reason)
        device = self._device_id(event)
        shown = device if device and _SHOWN_DEVICE.fullmatch(device) else None
        return t(
            self.language,
            reason,
            session=shown or t(self.language, "untrusted_session_unknown"),
        )

    async def _notice_key(
        self, session: AsyncSession, room_id: RoomId, event: Event, reason: Refusal
    ) -> str:
        """The notice's transaction key: per message, or per room, sender and session for
        chat in a room that never acts on chat (then queued once; later ones are None)."""
        per_message = f"refused:{event.event_id}"
        if not isinstance(event, RoomMessageText) or self._is_command(event):
            return per_message
        view = await rooms.view_of(session, room_id)
        if view is None or view[0] is None or view[2] or view[0].role not in CHAT_ROLES:
            return per_message
        device = getattr(event, "sender_key", None) or ""
        said = hashlib.sha256(f"{room_id}\x00{event.sender}\x00{device}".encode()).hexdigest()
        return f"refused-chat:{reason}:{said[:32]}"

    def _is_command(self, event: RoomMessageText) -> bool:
        content = event.source.get("content") or {}
        new = content.get("m.new_content") if isinstance(content, dict) else None
        body = new.get("body") if isinstance(new, dict) else event.body
        text = strip_reply_fallback(str(body or ""))
        return is_command(without_address(text, self.prefix), self.prefix)


def _held(room_id: RoomId, event: RedactionEvent, sessions: list[str]) -> Held:
    # Kept from now, for HELD_FOR (bot/held_redactions.py): not from the event's own
    # time, which the sender's homeserver sets.
    return Held(
        event.event_id,
        room_id,
        event.sender,
        tuple(sessions),
        dict(event.source),
        held_at=datetime.now(UTC),
    )


def _is_notice(event: Event) -> bool:
    """Whether `event` is an m.notice, or an edit into one (a bot's message)."""
    content = event.source.get("content")
    if not isinstance(content, dict):
        return False
    new_content = content.get("m.new_content")
    if isinstance(new_content, dict) and new_content.get("msgtype") == "m.notice":
        return True
    return content.get("msgtype") == "m.notice"
