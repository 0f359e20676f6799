"""Sends outbox rows to the homeserver, in order, exactly once.

Each row carries a transaction id derived from its source event, so a resend
after a crash is deduplicated by the homeserver while it still remembers the id;
the outbox row (marked sent on success, or when the bot's own echo with that
transaction id shows up in a sync) is what prevents double posts after that.
"""

from __future__ import annotations

import asyncio
import base64
import collections
import contextlib
import dataclasses
import io
import json
import logging
import re
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Collection, Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

from nio import ErrorResponse, LocalProtocolError, UploadResponse
from nio.client.async_client import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from bot import late_send
from bot.admin_chats import admin_chats, for_admin
from bot.admin_chats import prepare as admin_chats_prepare
from bot.backoff import NETWORK_ERRORS, Backoff, sleep_unless
from bot.key_upkeep import ready_to_encrypt
from bot.metrics import Metrics
from bot.send_trouble import ServerTrouble
from commands import alert_delivery, exercise
from commands.i18n import Language, t
from commands.message import Outgoing, Redaction, Reply
from commands.render import plain, text_to_html
from storage import audit, event_log, open_questions, outbox, portal_links, relabel, tlp
from storage import rooms as room_repo
from storage.engine import Database
from storage.exercise import MARKER
from storage.ids import EventId, RoomId
from storage.models import OutboxMessage
from storage.outbox import OutboxKind, RowLabel
from storage.tlp import RoomAccess

log = logging.getLogger(__name__)

# Errors that will not go away by retrying the same request.
PERMANENT = {"M_FORBIDDEN", "M_NOT_FOUND", "M_TOO_LARGE", "M_BAD_JSON", "M_NOT_JSON", "M_UNKNOWN"}
MAX_ATTEMPTS = 12
# How long a row may meet server errors while its own room takes later rows before its
# failures count toward MAX_ATTEMPTS (bot/send_trouble.py): far longer than an outage.
SERVER_ERROR_BUDGET = 3600.0
# A reply's body and HTML as the homeserver receives them (JSON, non-ASCII escaped) stay
# under this: an event may be 64 KiB in all, and in an encrypted room the content goes
# as base64 ciphertext, a third larger (60,000 plain bytes came to about 80 KiB there).
MAX_EVENT_BYTES = 40_000
# Rooms sent to at the same time. The homeserver orders event creation per
# room, so under a flood a send into the flooded room waits behind the flood;
# one send per room at a time keeps other rooms' replies off that line.
PARALLEL_ROOMS = 4
# With more rows than this waiting or under way, the sync loop does not wait for them.
DRAIN_WAIT_BACKLOG = 3
# Seconds between reads of the outbox table while idle and not woken (see _fill_queue).
TABLE_READ_EVERY = 5.0


def _server_error(response: ErrorResponse) -> bool:
    """A 5xx answer, or one without an error code or HTTP status to go by."""
    http = getattr(getattr(response, "transport_response", None), "status", None)
    if isinstance(http, int):
        return http >= 500
    return not response.status_code


class NotSentYet(Exception):
    """A row waits: a redaction for the reply it redacts to be sent first, a message into
    an encrypted room for the key store (encryption on, a new login under way)."""


class PlainIntoEncrypted(Exception):
    """Encryption is off (nio has no olm) and the room is end-to-end encrypted: a row
    showing anything labelled above CLEAR would go to the homeserver as plain text."""


class CuratorRoomUnknown(Exception):
    """A row for curators only cannot go yet: the configured curator room is an alias
    that does not resolve, or its curator room was upgraded to a room the bot has not
    joined yet (`_follow_upgrade`). Judged neither way, it waits."""


# How long a row for curators only waits before it looks again (CuratorRoomUnknown).
CURATOR_ALIAS_RETRY = 30.0
# What follows a room's upgrade to the room that replaced it (`_follow_owed`): what is
# said to its people. Redactions, joins and leaves concern the old room itself.
FOLLOWING_KINDS = frozenset({"message", "file"})


# The first TLP banner of a reply ("TLP:AMBER — Beeld …"): every part of it carries it.
_BANNER = re.compile(r"TLP:(?:CLEAR|GREEN|AMBER\+STRICT|AMBER|RED)")


def reply_parts(reply: Reply) -> list[Reply]:
    """A reply too large for one event as several, each under MAX_EVENT_BYTES.

    Split between lines (a line longer than a part is cut). The first part is the
    reply's own start with "(1/3)" after its first line; each later part starts with
    the OEFENING marker where the reply has one (everything in an exercise room says
    so) and the reply's TLP banner, then "(2/3)". The HTML of a split reply is its
    text's: its own markup cannot be cut safely. Before, a reply this large was cut to
    its first 20,000 bytes: a picture with many open severe items lost every item
    after the cut, and every section after them, without a word. A reply that notifies
    does so with its first part only; the others are notices (they never ping).
    """
    if _wire_size(reply.text) + _wire_size(reply.html) <= MAX_EVENT_BYTES:
        return [reply]
    chunks = _chunks(reply.text.split("\n"), (MAX_EVENT_BYTES - 400) // 2)
    first_line = reply.text.split("\n", 1)[0]
    marker = first_line.split(" — ", 1)[0] + " — " if first_line.startswith(MARKER) else ""
    # The banner is on the first line, or the second under a late reply's note.
    banner = _BANNER.search(first_line) or _BANNER.search("\n".join(reply.text.split("\n", 2)[:2]))
    lead = f"{marker}{banner.group(0) if banner else ''}".removesuffix(" — ")
    # A late reply's note (its first line, after the marker): on every part, under its
    # "(2/3)" line, or a reader who saw a later part alone read it as current.
    late = late_send.LATE_NOTE.fullmatch(first_line.removeprefix(marker))
    under = f"\n{late.group(0)}" if late else ""
    parts = []
    for index, chunk in enumerate(chunks, start=1):
        count = f"({index}/{len(chunks)})"
        if index == 1:
            head, _, rest = chunk.partition("\n")
            text = f"{head} {count}\n{rest}"
            parts.append(dataclasses.replace(reply, text=text, html=text_to_html(text)))
        else:
            text = f"{lead} {count}{under}\n{chunk}".lstrip()
            # Only the first part notifies: the rest are notices, which never ping (one
            # alert in ten parts pinged its reader ten times).
            html = text_to_html(text)
            parts.append(
                dataclasses.replace(reply, text=text, html=html, notify=False, mentions=())
            )
    return parts


async def undelivered_parts(session: AsyncSession, reply: Reply) -> list[Reply]:
    """`reply_parts(reply)`, less the parts an earlier delivery of the same kept answer
    sent (`Reply.kept_question`). A kept answer in parts whose later part was voided
    after an earlier one went is kept again (`_keep_again`); delivered anew in full, the
    asker read the part that had reached them twice. The first part that goes notifies
    as the whole reply would. Another reply is split as it is."""
    parts = reply_parts(reply)
    if reply.kept_question is None or len(parts) == 1:
        return parts
    sent = {
        row.content.get("body")
        for row in await outbox.kept_deliveries(session, reply.kept_question)
        if row.sent_at is not None
    }
    left = [part for part in parts if part.text not in sent]
    if left and left[0] is not parts[0]:
        left[0] = dataclasses.replace(left[0], notify=reply.notify, mentions=reply.mentions)
    return left


def _chunks(lines: list[str], budget: int) -> list[str]:
    """`lines` joined into chunks whose text and escaped HTML each stay within `budget`."""

    def size(line: str) -> int:
        return max(_wire_size(line), _wire_size(text_to_html(line))) + 5

    chunks: list[list[str]] = [[]]
    used = 0
    for line in lines:
        while size(line) > budget:  # one line longer than a part: cut it
            cut = len(line) * budget // size(line) - 1
            lines_of_cut, line = line[:cut], line[cut:]
            chunks.append([lines_of_cut])
            used = budget
        if used + size(line) > budget and chunks[-1]:
            chunks.append([])
            used = 0
        chunks[-1].append(line)
        used += size(line)
    return ["\n".join(chunk) for chunk in chunks if chunk]


def _wire_size(text: str) -> int:
    """Bytes of `text` as a JSON string with non-ASCII escaped (as matrix-nio sends it)."""
    return len(json.dumps(text))


# The event content field naming the kept answer a reply delivers (`Reply.kept_question`).
KEPT_QUESTION = outbox.KEPT_QUESTION


def reply_content(reply: Reply) -> dict[str, Any]:
    """The `m.room.message` content for a reply: notice unless it must notify someone."""
    text, html = reply.text, reply.html
    if _wire_size(text) + _wire_size(html) > MAX_EVENT_BYTES:
        # Never build an event the homeserver refuses (replies are split before they are
        # queued, `reply_parts`; this is the last guard): cut both, keep them consistent.
        while _wire_size(text) + _wire_size(text_to_html(text)) > MAX_EVENT_BYTES:
            text = text[: len(text) * 3 // 4]
        text += "…"
        html = text_to_html(text)
    content: dict[str, Any] = {
        "msgtype": "m.text" if reply.notify else "m.notice",
        "body": text,
        "format": "org.matrix.custom.html",
        "formatted_body": html,
        "m.mentions": {"user_ids": list(reply.mentions)} if reply.notify else {},
    }
    if reply.reply_to:
        content["m.relates_to"] = {"m.in_reply_to": {"event_id": reply.reply_to}}
    if reply.kept_question is not None:
        # Read back by `_void`: a kept answer whose delivery is voided is kept again.
        content[KEPT_QUESTION] = reply.kept_question
    if reply.thread_root:
        content["m.relates_to"] = thread_relation(reply.thread_root, reply.reply_to)
    return content


def thread_relation(root: str, reply_to: str | None) -> dict[str, Any]:
    """`m.relates_to` of a message in the thread of `root` (Matrix spec, "Threading").
    A reply to a given event stays one (`is_falling_back: false`: thread clients show
    it as a reply too); without one the root is the fallback for clients without
    threads, which then show the message as a reply to it."""
    return {
        "rel_type": "m.thread",
        "event_id": root,
        "is_falling_back": reply_to is None,
        "m.in_reply_to": {"event_id": reply_to or root},
    }


async def queue_notice(
    session: AsyncSession,
    room_id: RoomId,
    text: str,
    lang: Language,
    txn_key: str,
    thread_root: str | None = None,
    **relation: str,
) -> OutboxMessage | None:
    """A notice of the bot's own (a greeting, an upgrade, an unreadable message), not a
    command's reply: marked when the room is bound to an exercise, then queued as
    `queue_reply` does (`relation`: its `in_reply_to` and `source_event_id`; with
    `thread_root` it goes in that thread, as a reply to `in_reply_to` there)."""
    notice = await exercise.mark_for_room(session, room_id, plain(text), lang)
    if thread_root is not None:
        answered = relation.pop("in_reply_to", None)
        notice = dataclasses.replace(
            notice,
            thread_root=EventId(thread_root),
            reply_to=EventId(answered) if answered else None,
        )
    return await queue_reply(session, room_id, notice, txn_key, **relation)


async def tell_admins(
    session: AsyncSession,
    client: AsyncClient,
    admins: Collection[str],
    user_id: str,
    text: str,
    lang: Language,
    txn_key: str,
) -> list[RoomId]:
    """A notice for the configured admins, in each of their direct chats with the bot
    (bot/admin_chats.py; their state loaded before, `admin_chats.prepare`). With none, it
    is queued for each admin (the row's room id is the admin's user id): it waits,
    listed by `knooppunt outbox` and counted on /healthz, and goes to the admin's direct
    chat once they open one (`OutboxSender._to_admin_chat`). Before, it was not queued
    at all, only logged. Returns the chats it went to (empty: it waits)."""
    chats = await admin_chats(session, client, admins, user_id)
    for chat in chats:
        await queue_notice(session, chat, text, lang, f"{txn_key}:{chat}")
    if not chats:
        for admin in sorted(admins):
            await queue_notice(session, RoomId(admin), text, lang, f"{txn_key}:{admin}")
    return chats


def _where_it_went(row: OutboxMessage) -> dict[str, str]:
    """Where a row would have gone, for a notice in its place: the event it answered
    and, for a reply in a thread, the thread (else the notice lands in the main
    timeline, away from the conversation it belongs to)."""
    relates = row.content.get("m.relates_to") or {}
    if not isinstance(relates, dict):
        return {}
    answered = (relates.get("m.in_reply_to") or {}).get("event_id")
    relation = {"in_reply_to": str(answered)} if answered else {}
    root = outbox.thread_root(relates)
    if root is not None:
        if relates.get("is_falling_back") is True:
            relation = {}  # the fallback names the root, not an event it answered
        relation["thread_root"] = root
    return relation


async def queue_reply(
    session: AsyncSession,
    room_id: RoomId,
    reply: Reply,
    txn_key: str,
    in_reply_to: str | None = None,
    source_event_id: str | None = None,
) -> OutboxMessage | None:
    """`reply` queued once under the transaction id of `txn_key` (None when it was
    queued before), as an answer to `in_reply_to` when given; the first row of a reply
    sent in parts (`queue_reply_parts`: the others are read from the table)."""
    rows = await queue_reply_parts(session, room_id, reply, txn_key, in_reply_to, source_event_id)
    return rows[0] if rows else None


async def queue_reply_parts(
    session: AsyncSession,
    room_id: RoomId,
    reply: Reply,
    txn_key: str,
    in_reply_to: str | None = None,
    source_event_id: str | None = None,
) -> list[OutboxMessage]:
    """`queue_reply` for every part of the reply (`reply_parts`): the rows queued now."""
    rows: list[OutboxMessage] = []
    access = await room_repo.access_of(session, room_id)
    label = RowLabel.built_for(access, reply_label(reply), reply.curators_only)
    for index, part in enumerate(reply_parts(reply)):
        content = reply_content(part)
        if in_reply_to is not None:
            content["m.relates_to"] = {"m.in_reply_to": {"event_id": in_reply_to}}
        # The first part keeps the reply's own transaction id (as before parts existed).
        txn_id = outbox.txn_id_for(txn_key if index == 0 else f"{txn_key}\x00part{index}")
        row = await outbox.add(
            session, room_id, "message", content, txn_id, source_event_id, label=label
        )
        if row is not None:
            rows.append(row)
    return rows


def reply_label(reply: Reply) -> str:
    """The highest label a reply shows: the one the code that built it gave it from the
    items it shows (`Reply.tlp`), or the one its text names (every reply that shows
    labelled content carries its highest label as a banner), an attachment's included,
    whichever is higher (the text only ever raises it: a reply that names a label
    without showing it is judged by what its room could be shown, `tlp.shown_part`)."""
    label = tlp.highest([tlp.named_label(reply.text), reply.tlp or "CLEAR"])
    if reply.attachment is not None:
        data = reply.attachment.data.decode("utf-8", errors="replace")
        label = tlp.highest([label, tlp.named_label(data), tlp.named_in_file(data)])
    return label


def _judged_late(
    row: OutboxMessage, label: RowLabel, access: RoomAccess, late: list[relabel.Raise]
) -> RowLabel:
    """The row's label under the raises committed since its transaction began, which may
    have missed it (storage/relabel.py); kept on the row, which a void names."""
    before = (label.tlp, label.shared, label.organisation)
    raised = relabel.raised_label(row, before, access, late)
    if raised == before:
        return label
    row.tlp, row.tlp_shared, row.tlp_org = raised
    return RowLabel(*raised, label.curators)


def row_label(row: OutboxMessage) -> RowLabel | None:
    """What a row shows, as stored when it was queued; None: nothing to check (no reply).
    A row queued before labels were stored (migration 0028) is judged by the label its
    text names, all of it as other rooms' posts: nothing says it was the room's own."""
    if row.kind not in ("message", "file"):
        return None
    if row.tlp is not None:
        return RowLabel(row.tlp, row.tlp_shared or row.tlp, row.tlp_org, bool(row.curators_only))
    content = row.content
    text = str((content.get("caption") or content).get("body", ""))
    if row.kind == "file":
        data = base64.b64decode(content.get("data_b64", "")).decode("utf-8", errors="replace")
        text += "\n" + data
    label = tlp.named_label(text)
    if row.kind == "file":
        label = tlp.highest([label, tlp.named_in_file(text)])
    return RowLabel(label, label, None)


async def _keep_again(session: AsyncSession, row: OutboxMessage) -> None:
    """A row that delivered a kept answer ends unsent (voided, or given up for good): the
    answer is kept again for the asker's next private chat (commands/held_answers.py)."""
    kept = row.content.get(KEPT_QUESTION) if row.kind == "message" else None
    if isinstance(kept, int):
        await open_questions.keep_again(session, kept)


def _refuse_plain(row: OutboxMessage) -> None:
    """Raise PlainIntoEncrypted for a labelled row about to go unencrypted into an
    encrypted room (encryption is off). Neutral rows (CLEAR) still go: the notice that
    this bot cannot read encrypted messages is one."""
    label = row_label(row)
    if label is not None and label.tlp != "CLEAR":
        raise PlainIntoEncrypted(
            f"TLP:{label.tlp} in plain text into end-to-end encrypted room {row.room_id} "
            "(encryption is off)"
        )


def outgoing_row(item: Outgoing, default_room: str) -> tuple[OutboxKind, RoomId, dict[str, Any]]:
    """The outbox row (kind, room, content) for a reply, an attachment or a redaction."""
    if isinstance(item, Redaction):
        content: dict[str, Any] = {"source_event_id": item.source_event_id, "reason": item.reason}
        if item.reply_row is not None:
            content["reply_row"] = item.reply_row
        return "redact", RoomId(item.room_id or default_room), content
    room = RoomId(item.room_id or default_room)
    if item.attachment is not None:
        content = {
            "filename": item.attachment.filename,
            "mimetype": item.attachment.mimetype,
            "data_b64": base64.b64encode(item.attachment.data).decode(),
            "caption": reply_content(item),
        }
        return "file", room, content
    return "message", room, reply_content(item)


class FairQueue:
    """Rows waiting to be sent: one queue per room, rooms served in turn.

    Within a room rows keep their order (replies read in sequence; a redaction
    follows the reply it removes). Between rooms, each turn takes one row, so a
    reply in a quiet room never waits behind a busy room's backlog.
    """

    def __init__(self) -> None:
        self._rooms: collections.OrderedDict[str, collections.deque[OutboxMessage]] = (
            collections.OrderedDict()
        )
        self._ids: set[int] = set()

    def __len__(self) -> int:
        return len(self._ids)

    def add(self, row: OutboxMessage) -> None:
        if row.id in self._ids:
            return
        self._ids.add(row.id)
        rows = self._rooms.setdefault(row.room_id, collections.deque())
        # Rows come from memory and from the table: keep each room in queue (id) order.
        place = len(rows)
        while place and rows[place - 1].id > row.id:
            place -= 1
        rows.insert(place, row)

    def pop(
        self,
        busy: Collection[str] = (),
        held: Callable[[OutboxMessage], bool] = lambda row: False,
    ) -> OutboxMessage | None:
        """The next row of the first room in turn that is not `busy`; it goes to the back.
        A `held` row stays where it is and the room's next row goes in its place."""
        for room_id, rows in self._rooms.items():
            if room_id in busy:
                continue
            index = next((i for i, row in enumerate(rows) if not held(row)), None)
            if index is not None:
                break
        else:
            return None
        row = rows[index]
        del rows[index]
        if rows:
            self._rooms.move_to_end(room_id)
        else:
            del self._rooms[room_id]
        self._ids.discard(row.id)
        return row

    def clear(self) -> None:
        self._rooms.clear()
        self._ids.clear()


class OutboxSender:
    # The configured admins, told in their direct chats with the bot when posts for the
    # curators wait for an invite to an upgraded curator room; the upgrades (old room,
    # new room) told so far by this process (`_tell_curators_waiting`). Immutable
    # defaults: each sender replaces its own.
    admins: frozenset[str] = frozenset()
    _told_waiting: frozenset[tuple[str, str]] = frozenset()
    # Upgraded rooms that refused a send (M_FORBIDDEN) before nio saw their raised power
    # levels: what is owed to them follows the upgrade too (`_follows_upgrade`).
    _refused_upgraded: frozenset[str] = frozenset()

    def __init__(self, client: AsyncClient, db: Database, encryption: bool) -> None:
        self.client = client
        self.db = db
        self.encryption = encryption
        self.ready = asyncio.Event()  # set after the first sync: see run()
        # Transaction ids this process has sent and recorded: their echoes in the
        # next sync need no database round trip (bounded, oldest forgotten first).
        self._sent_txns: collections.OrderedDict[str, None] = collections.OrderedDict()
        # Transaction ids of the sends under way: their echo can come back in a sync
        # before the send returns (see `sending`).
        self._sending_txns: set[str] = set()
        # Server errors: an outage, a partial one, or a row the server cannot take.
        self._trouble = ServerTrouble(SERVER_ERROR_BUDGET)
        self._wakeup = asyncio.Event()
        # Rows committed just now, handed over in memory so a reply does not
        # wait for a queue query; the database remains the source of truth.
        self._fresh: collections.deque[OutboxMessage] = collections.deque()
        # Rows this process sent (bounded, oldest forgotten first): never sent twice.
        self._done: collections.OrderedDict[int, None] = collections.OrderedDict()
        # Rows sent but not yet marked sent in the database: row id -> (txn id, event id).
        # They are written in one statement with the next sync token (see the module
        # docstring of bot/syncer.py), or at the start of the next batch: not in a
        # transaction of their own per reply. Until then their echo is recognised
        # here, and a restart replays the sync that shows the echo, which marks them.
        self._unrecorded: dict[int, tuple[str, str | None]] = {}
        self._queue = FairQueue()
        self._under_way = 0  # sends in progress
        # Read the table at the next turn even while sends are under way, so rows
        # queued elsewhere are not held back by a long stream of fresh replies.
        self._look = True
        self._last_read = 0.0
        self._drained = asyncio.Event()
        self._drained.set()
        self._backoff = Backoff(initial=0.5, maximum=30.0)
        self.sent_count = 0
        self.metrics: Metrics | None = None
        self.rate_limited_count = 0
        # Loads a room's state into nio before the first send there after a start
        # (bot/room_state.py): encryption shares the room key with its members.
        self.room_ready: Callable[[Iterable[str]], Awaitable[None]] | None = None
        # Rows to send into a room before any other, asked once its state is loaded:
        # the notice that a member's identity changed (bot/identity_notice.py).
        self.first_notices: Callable[[str], Awaitable[list[OutboxMessage]]] | None = None
        # The language of the bot's own notices (an alert that did not reach its room).
        self.language: Language = "nl"
        # A reply sent this long after its message says it is late (bot/late_send.py).
        self.late_after = timedelta(seconds=300)
        # The curator room the configuration names (its alias resolved at the start):
        # a curator room as much as one bound as such (rows for curators only).
        self.curator_room: Callable[[], str | None] = lambda: None
        # The alias the configuration gives as `curator_room` (None: a room id or none).
        # Until it resolves, the dispatcher queues the curators' posts to the alias
        # itself: such a row waits, and goes to the room it names once it resolves.
        self.curator_alias: str | None = None
        # Rows voided because their room is no curator room any more (`_void` says so).
        self._not_curators: set[int] = set()
        # Rows for curators only that wait while `curator_room` is an alias the start
        # could not resolve (row id: when to look again, monotonic). bot/curator_alias.py
        # keeps resolving it and `curator_room` returns the room id from then on.
        self._awaiting_curators: dict[int, float] = {}

    def wake(self) -> None:
        """Rows were queued in the database only (greetings, schedules): read it soon."""
        self._look = True
        self._wakeup.set()

    def rooms_moved(self) -> None:
        """A room's binding followed its upgrade (bot/room_lifecycle.py), or a tombstone
        was judged: the rows that wait for an upgrade to be followed are looked at now,
        not at their next look (`CURATOR_ALIAS_RETRY`)."""
        self._awaiting_curators.clear()
        self.wake()

    def curator_room_resolved(self) -> None:
        """The curator room's alias resolves now (bot/curator_alias.py): the rows that wait
        for it go at once, in their order, not at their next look (`CURATOR_ALIAS_RETRY`)."""
        self._awaiting_curators.clear()
        self.wake()

    def submit(self, rows: list[OutboxMessage]) -> None:
        """Offer rows that were just committed; they are sent before the next queue read."""
        self._fresh.extend(rows)
        self._drained.clear()
        self._wakeup.set()

    async def wait_drained(self, within: float) -> None:
        """Wait (briefly) until the rows handed over in memory have been sent.

        The sync loop calls this before its next long poll: a /sync racing our
        own send makes the homeserver answer the send later. Not under a
        backlog, though: then waiting only delays the next sync, and with it
        the commands of every other room.
        """
        if self._drained.is_set() or self.backlog() > DRAIN_WAIT_BACKLOG:
            return
        # asyncio.timeout, not wait_for: no task of its own for each sync batch.
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(within):
                await self._drained.wait()

    def backlog(self) -> int:
        """Rows waiting to be sent or under way (held in memory)."""
        return len(self._fresh) + len(self._queue) + self._under_way

    def recorded_sent(self, txn_id: str) -> bool:
        """Whether this process sent the row with `txn_id` and recorded it (or will, see
        `unrecorded`, before the sync token moves past the batch that holds its echo)."""
        return txn_id in self._sent_txns

    def txns_in_hand(self) -> set[str]:
        """The transaction ids this process is sending or has sent (an earlier device's
        echo is never matched to one of them: bot/syncer.py `_earlier_device_echo`)."""
        return {*self._sending_txns, *self._sent_txns}

    def sending(self, txn_id: str) -> bool:
        """Whether the row with `txn_id` is being sent by this process right now: its
        echo needs no write until the sync token is (bot/syncer.py), by which time the
        send has usually returned and recorded it."""
        return txn_id in self._sending_txns

    def unrecorded(self) -> dict[int, str | None]:
        """Rows sent but not yet marked sent: row id -> the event id it became."""
        return {row_id: event_id for row_id, (_txn, event_id) in self._unrecorded.items()}

    def recorded(self, marks: Collection[int]) -> None:
        """The rows in `marks` were marked sent in a committed transaction."""
        for row_id in marks:
            self._unrecorded.pop(row_id, None)

    async def record_sent(self) -> None:
        """Mark the rows sent so far as sent, in one transaction (nothing to do: no query)."""
        marks = self.unrecorded()
        if not marks:
            return
        async with self.db.transaction() as session:
            await outbox.mark_sent_many(session, marks)
        self.recorded(marks)

    async def _fill_queue(self, idle: bool) -> None:
        """Take the rows handed over in memory; read the table when asked to or idle.

        Before the first sync only rows committed by this process go out: those
        cannot have been sent before (their event was not in the log). Rows
        left in the table by an earlier run wait for that sync, which may show
        their echoes and mark them sent instead. So the first replies after a
        restart do not wait for the whole first batch.
        """
        while self._fresh:
            self._queue.add(self._fresh.popleft())
        if not self.ready.is_set():
            return
        # Idle, the table is read only when woken for rows queued elsewhere, or now
        # and then as a safety net: not every time the last send finishes, which
        # under a steady trickle of commands meant a window query per reply.
        overdue = time.monotonic() - self._last_read > TABLE_READ_EVERY
        if self._look or (idle and not len(self._queue) and overdue):
            self._look = False
            self._last_read = time.monotonic()
            if idle and not len(self._queue):
                self._drained.set()
            async with self.db.session() as session:
                read = await outbox.pending_by_room(session)
            for waiting in read:
                if (
                    waiting.id not in self._done
                    and waiting.id not in self._unrecorded
                    and not self._waits_for_curators(waiting.id)
                ):
                    self._queue.add(waiting)
            if len(read) < outbox.PENDING_READ_LIMIT:
                # The whole queue was read: a row in trouble not in it was settled.
                self._trouble.waiting({row.id for row in read})

    def _next_row(self, busy: Collection[str]) -> OutboxMessage | None:
        """The next row to send from a room with no send under way; None when none can go."""
        while (row := self._queue.pop(busy, self._held)) is not None:
            if row.id not in self._done:
                return row
        return None

    def _held(self, row: OutboxMessage) -> bool:
        return self._trouble.held(row.id, row.room_id)

    def _forget_queue(self) -> None:
        """Drop what is held in memory: the next turn reads the queue from the database.

        After a failed or refused send the row's state (attempts, failure) has
        changed in the database, which stays the source of truth.
        """
        self._queue.clear()
        self._fresh.clear()
        self._look = True
        self._drained.set()

    async def run(self, stop: asyncio.Event) -> None:
        # Until the first sync only this run's rows go out: see _fill_queue.
        # One send under way per room (rows of a room go out in order), up to
        # PARALLEL_ROOMS rooms at once.
        sending: dict[asyncio.Task[bool], OutboxMessage] = {}
        # Waited for beside the sends: the stop once, a wake-up anew only after one came
        # (not two new tasks a turn: under load there is a turn per send and per reply).
        stopper = asyncio.ensure_future(stop.wait())
        waiter: asyncio.Future[Any] | None = None
        try:
            while not stop.is_set():
                self._wakeup.clear()
                try:
                    await self._fill_queue(idle=not sending)
                except Exception:
                    log.exception("outbox: cannot read pending rows")
                    await sleep_unless(stop, self._backoff.next_delay())
                    continue
                busy = {row.room_id for row in sending.values()}
                while len(sending) < PARALLEL_ROOMS:
                    row = self._next_row(busy)
                    if row is None:
                        break
                    busy.add(row.room_id)
                    sending[asyncio.create_task(self._send_one(row, stop))] = row
                self._under_way = len(sending)
                if not sending and not len(self._queue):
                    self._drained.set()
                if waiter is None or waiter.done():
                    waiter = asyncio.ensure_future(self._wakeup.wait())
                due = self._trouble.next_due()
                done, _ = await asyncio.wait(
                    {*sending, waiter, stopper},
                    timeout=None if sending else min(5, due if due is not None else 5),
                    return_when=asyncio.FIRST_COMPLETED,
                )
                await self._sends_done(done, sending, stop)
                self._under_way = len(sending)
                if not sending and not self._fresh and not len(self._queue):
                    self._drained.set()
        finally:
            stopper.cancel()
            if waiter is not None:
                waiter.cancel()
            for task in sending:
                task.cancel()
            if sending:
                await asyncio.gather(*sending, return_exceptions=True)
            # A clean stop leaves nothing for the next start's replay to mark.
            with contextlib.suppress(Exception):
                await self.record_sent()

    async def _sends_done(
        self,
        done: Collection[asyncio.Future[Any]],
        sending: dict[asyncio.Task[bool], OutboxMessage],
        stop: asyncio.Event,
    ) -> None:
        """Take the finished sends out of `sending`; after one that did not go on, the
        queue is read from the database again."""
        for task in done:
            if task not in sending:
                continue
            row = sending.pop(task)
            try:
                went_on = task.result()
            except Exception:  # e.g. the database, while recording the outcome
                log.exception("outbox: row %s: outcome not recorded", row.id)
                went_on = False
                await sleep_unless(stop, self._backoff.next_delay())
            if not went_on:
                self._forget_queue()

    async def _send_one(self, row: OutboxMessage, stop: asyncio.Event) -> bool:
        """True to go on with the next row, False to re-read the queue (after waiting)."""
        self._sending_txns.add(row.txn_id)
        try:
            return await self._send_row(row, stop)
        finally:
            self._sending_txns.discard(row.txn_id)

    async def _send_row(self, row: OutboxMessage, stop: asyncio.Event) -> bool:
        started = time.monotonic()
        try:
            await self._curators_room(row)
            if not await self.may_still_go(row):
                await self._void(row)
                return True
            if not await self._send_first(row, stop):
                return False
            response = await self._perform(row)
        except LocalProtocolError as exc:
            # With encryption on, nio needs a sync to have seen the room first.
            return await self._not_ready(row, str(exc), stop)
        except NotSentYet:
            await sleep_unless(stop, 0.5)
            return False
        except PlainIntoEncrypted as exc:
            log.error("outbox: row %s not sent: %s", row.id, exc)
            await self._give_up(row, f"refused: {exc}")
            return True
        except CuratorRoomUnknown:
            log.warning("outbox: row %s waits for its room (an alias, or an upgrade)", row.id)
            self._awaiting_curators[row.id] = time.monotonic() + CURATOR_ALIAS_RETRY
            return True  # the next rows go on; this one is read again after the wait
        except NETWORK_ERRORS as exc:
            delay = self._backoff.next_delay()
            log.warning("outbox: homeserver unreachable (%s); retrying in %.1fs", exc, delay)
            await sleep_unless(stop, delay)
            return False
        except Exception as exc:
            log.exception("outbox: sending row %s failed", row.id)
            await self._failed_attempt(row, repr(exc))
            await sleep_unless(stop, self._backoff.next_delay())
            return False

        if isinstance(response, ErrorResponse):
            return await self._refused(row, response, stop)

        event_id = getattr(response, "event_id", None) if response is not None else None
        if log.isEnabledFor(logging.DEBUG):
            age = (datetime.now(UTC) - row.created_at).total_seconds() * 1000
            took = (time.monotonic() - started) * 1000
            log.debug(
                "outbox: row %s sent %.1f ms after it was queued (send %.1f ms)", row.id, age, took
            )
        self._remember_done(row.id)
        if self.metrics is not None:
            self.metrics.reply_latency.observe((datetime.now(UTC) - row.created_at).total_seconds())
        self._unrecorded[row.id] = (row.txn_id, event_id)
        self._sent_txns[row.txn_id] = None
        if len(self._sent_txns) > 10_000:
            self._sent_txns.popitem(last=False)
        self._backoff.reset()
        self.sent_count += 1
        self._trouble.taken(row.id, row.room_id)
        if row.kind == "message":
            # Last: the send is already recorded (in memory) whatever happens here.
            await self._forget_tokens(row)
        return True

    async def _forget_tokens(self, row: OutboxMessage) -> None:
        """A sent `!portaal` reply keeps its place in the outbox, not its link's token
        (the database keeps only the token's hash: a copy of it must open no page). One
        small write per link handed out; nothing for any other reply. Should the bot stop
        before the row is marked sent, its echo marks it; only when that echo is lost too
        does the reply go again, without a working link (the member asks anew)."""
        content = portal_links.without_tokens(row.content)
        if content is None:
            return
        try:
            async with self.db.transaction() as session:
                await outbox.replace_content(session, row.id, content)
        except Exception:  # the reply is sent; the copy stays until the link expires
            log.exception("outbox: row %s: its link's token not forgotten", row.id)

    @contextlib.asynccontextmanager
    async def _ending(self, row_id: int) -> AsyncIterator[None]:
        """The write that ends a row (voided, refused for good). Should it fail (the
        database busy or failing over), the row is no longer remembered as done: still
        pending in the table, it is judged or sent again at the next read and its end
        written then. Remembered as done, it stayed pending and unrecorded until a
        restart, and a coordinator alert's reporter was never told it did not arrive."""
        try:
            yield
        except BaseException:
            self._done.pop(row_id, None)
            raise

    def _remember_done(self, row_id: int) -> None:
        self._done[row_id] = None
        if len(self._done) > 10_000:
            self._done.popitem(last=False)

    async def _refused(
        self, row: OutboxMessage, response: ErrorResponse, stop: asyncio.Event
    ) -> bool:
        """The homeserver said no: wait as asked when rate limited, give a row up for good
        on a permanent refusal, else count a failed attempt and back off. True to go on."""
        status = str(response.status_code or "")
        if status == "M_LIMIT_EXCEEDED" or response.retry_after_ms:
            self.rate_limited_count += 1
            delay = (response.retry_after_ms or 1000) / 1000
            log.info("outbox: rate limited by homeserver; waiting %.2fs as asked", delay)
            await sleep_unless(stop, delay)
            return False
        if _server_error(response):
            # A server error (Synapse's 500 says M_UNKNOWN; a proxy's 502/503 page has no
            # code) is an outage, a partial one or, rarely, the row's own problem
            # (bot/send_trouble.py). Before, M_UNKNOWN dropped the row at once, and later
            # any server error counted once other rows went through: a row that met a
            # broken worker twelve times was lost.
            return await self._server_error(row, status, response, stop)
        if (
            status == "M_FORBIDDEN"
            and row.kind in FOLLOWING_KINDS
            and row.room_id not in self._refused_upgraded
            and getattr(self.client.rooms.get(row.room_id), "replacement_room", None)
        ):
            # Upgraded, and its raised power levels not seen yet: the row follows the
            # upgrade (`_follow_owed`) instead of being given up.
            log.warning("outbox: room %s refused row %s after its upgrade", row.room_id, row.id)
            self._refused_upgraded = self._refused_upgraded | {row.room_id}
            return False
        if status in PERMANENT:
            log.error("outbox: row %s refused for good: %s %s", row.id, status, response.message)
            await self._give_up(row, f"{status} {response.message}")
            return True
        await self._failed_attempt(row, f"{status} {response.message}")
        await sleep_unless(stop, self._backoff.next_delay())
        return False

    async def _server_error(
        self, row: OutboxMessage, status: str, response: ErrorResponse, stop: asyncio.Event
    ) -> bool:
        """An outage is waited out here, the room and all, however long it lasts; otherwise
        the row steps aside (its room's later rows go on) and counts as a failed attempt
        only when it is its own problem. False: read the queue again."""
        verdict = self._trouble.server_error(row.id, row.room_id)
        if verdict == "outage":
            delay = self._backoff.next_delay()
            log.warning("outbox: homeserver error (%s); retrying in %.1fs", status or "-", delay)
            await sleep_unless(stop, delay)
        self._trouble.step_aside(row.id, row.room_id, self._backoff)
        if verdict == "own":
            await self._failed_attempt(row, f"{status} {response.message}")
        elif verdict == "aside":
            log.warning(
                "outbox: row %s met a server error (%s) while others went through; "
                "its room's later rows go first for now", row.id, status or "-",
            )  # fmt: skip
        return False

    async def may_still_go(self, row: OutboxMessage) -> bool:
        """Whether the room may still see what the row shows, under its binding as it is
        now (storage/tlp.py decides): it may have lost access while the row waited (a
        backlog, a rate limit, an outage, a restart that lowered its clearance). A row
        that shows nothing labelled goes without a query."""
        label = row_label(row)
        if label is None:
            return True
        if label.curators and not await self._still_curators(row):
            return False
        if not relabel.all_kept_since(row.created_at):
            # It waited past a raise no longer kept in memory (storage/relabel.py): the
            # table holds its label as every raise left it.
            async with self.db.session() as session:
                now = await outbox.current_label(session, row.id)
            if now is not None:  # kept on the row: a void names the label it went by
                label = now
                row.tlp, row.tlp_shared, row.tlp_org = now.tlp, now.shared, now.organisation
        late = relabel.late_raises(row.created_at)
        if label.tlp == "CLEAR" and not late:
            return True
        async with self.db.session() as session:
            access = await room_repo.access_of(session, RoomId(row.room_id), self.curator_room())
        if late:
            label = _judged_late(row, label, access, late)
        if label.tlp == "CLEAR":
            return True
        if not access.public and self._public_now(row.room_id, access.direct):
            # The stored flag follows while the sync loop handles the batch that changed
            # the room's rules (or a direct chat's members); nio's state has them already.
            access = dataclasses.replace(access, public=True)
        return tlp.may_still_see(access, label.tlp, label.shared, label.organisation)

    async def _still_curators(self, row: OutboxMessage) -> bool:
        """Whether a row for curators only (who asked a question) may still go: its room
        is still a curator room (it may have been rebound as a municipality's room).
        Raises CuratorRoomUnknown when that cannot be told (an alias that does not
        resolve): voided, the real curator room would lose its posts."""
        configured = self.curator_room()
        unresolved = configured is not None and configured.startswith("#")
        async with self.db.session() as session:
            still = await room_repo.is_curator_room(
                session, row.room_id, None if unresolved else configured
            )
        if not still and unresolved:
            raise CuratorRoomUnknown(row.id)
        if not still:
            self._not_curators.add(row.id)  # what `_void` names
        return still

    async def _to_curator_room(self, row: OutboxMessage) -> None:
        """A row queued to the curator room's alias (before it resolved) goes to the room
        the alias names now; raises CuratorRoomUnknown while it does not resolve."""
        configured = self.curator_room()
        if configured is None or configured.startswith("#"):
            raise CuratorRoomUnknown(row.id)
        async with self.db.transaction() as session:
            await outbox.move_to_room(session, row.id, RoomId(configured))
        log.info("outbox: row %s goes to %s, which %s names now", row.id, configured, row.room_id)
        row.room_id = configured

    async def _curators_room(self, row: OutboxMessage) -> None:
        """Where a row for the curators goes now: the room its alias names, or the room
        that replaced its room (raises CuratorRoomUnknown while that cannot go yet)."""
        if for_admin(row.room_id):
            await self._to_admin_chat(row)
            return
        if self.curator_alias is not None and row.room_id == self.curator_alias:
            await self._to_curator_room(row)
        if row.curators_only:
            await self._follow_upgrade(row)
        elif row.kind in FOLLOWING_KINDS and self._follows_upgrade(row.room_id):
            await self._follow_owed(row)

    async def _to_admin_chat(self, row: OutboxMessage) -> None:
        """A notice for an admin who had no direct chat with the bot (`tell_admins`) goes
        to their direct chat once there is one; until then it waits (CuratorRoomUnknown),
        listed by `knooppunt outbox` and counted on /healthz."""
        user_id = str(self.client.user_id)
        admin = row.room_id
        if self.room_ready is not None:
            await admin_chats_prepare(self.db, {admin}, self.room_ready)
        async with self.db.session() as session:
            chats = await admin_chats(session, self.client, {admin}, user_id)
        if not chats:
            log.warning(
                "outbox: row %s waits for a direct chat of the admin %s with the bot (they "
                "open one by inviting it); see `knooppunt outbox`",
                row.id,
                admin,
            )
            raise CuratorRoomUnknown(row.id)
        async with self.db.transaction() as session:
            await outbox.move_to_room(session, row.id, chats[0])
        log.info("outbox: row %s for the admin %s goes to their chat %s", row.id, admin, chats[0])
        row.room_id = chats[0]

    def _follows_upgrade(self, room_id: str) -> bool:
        """Whether what is owed to `room_id` goes to the room that replaced it: it was
        tombstoned and the bot may no longer write in it (a real upgrade raises the old
        room's power levels; a room that stays writable, a tombstone sent by hand, keeps
        its rows, as its moderators may still write there)."""
        room = self.client.rooms.get(room_id)
        new = getattr(room, "replacement_room", None)
        if room is None or not isinstance(new, str) or not new:
            return False
        if room_id in self._refused_upgraded:
            return True
        return not room.power_levels.can_user_send_message(str(self.client.user_id))

    async def _follow_owed(self, row: OutboxMessage) -> None:
        """A reply, alert or notice queued to a room that was upgraded and is read-only
        for the bot now goes to the room that replaced it, where its people are: it
        waits (CuratorRoomUnknown; `knooppunt outbox` and the health page count it) until
        the bot has joined the new room (its binding carried), then moves there, no
        longer as a reply to an event of the old room. Before, it was sent into the old
        room, refused M_FORBIDDEN and given up. The bot's own notice about the upgrade
        (asking to be invited) stays addressed to the old room: it is for the members
        who did not move yet; refused there, it is audited and the admins are told. A
        tombstone the bot refused for good (a room not verified as the successor) leaves
        the row where it was: nothing may follow it there."""
        room = self.client.rooms.get(row.room_id)
        async with self.db.session() as session:
            if row.source_event_id is not None:
                about = await event_log.seen(session, row.source_event_id)
                if about is not None and about.effect.startswith("room.upgrade"):
                    return
            found = await room_repo.replacement(session, row.room_id)
            if found is None:
                new = str(getattr(room, "replacement_room", "") or "")
                if not new or await room_repo.upgrade_refused(session, row.room_id, new):
                    return
                log.warning(
                    "outbox: row %s waits: its room %s was upgraded to %s, which the bot "
                    "has not joined yet (invite it there)",
                    row.id,
                    row.room_id,
                    new,
                )
                raise CuratorRoomUnknown(row.id)
        new_room, joined = found
        # Carried at the bot's join, which is recorded just after (nio knows it already).
        if not joined and new_room not in self.client.rooms:
            log.info("outbox: row %s waits for the bot's join of %s", row.id, new_room)
            raise CuratorRoomUnknown(row.id)
        content = dict(row.content)
        # A reply to an event of the old room would point at nothing in the new one.
        content.pop("m.relates_to", None)
        async with self.db.transaction() as session:
            await outbox.move_to_room(session, row.id, RoomId(new_room), content)
        log.info("outbox: row %s goes to %s, which replaced %s", row.id, new_room, row.room_id)
        row.room_id = new_room
        row.content = content

    async def _follow_upgrade(self, row: OutboxMessage) -> None:
        """A post for curators only queued to a curator room that was upgraded goes to
        the room that replaced it: a real upgrade leaves the old room read-only for the
        bot too, and the curators write in the new one (it went to the old room, refused
        there or read by nobody). It waits (CuratorRoomUnknown) until the bot has joined
        the new room, and while a tombstone the bot has not followed yet is pending (it
        must be invited first). A new room that is no curator room gets nothing: the
        send check then voids it in the old room as before (the question stays open)."""
        configured = self.curator_room()
        resolved = None if configured is not None and configured.startswith("#") else configured
        async with self.db.session() as session:
            found = await room_repo.replacement(session, row.room_id)
            if found is None:
                room = self.client.rooms.get(row.room_id)
                new = getattr(room, "replacement_room", None)
                if not isinstance(new, str) or not new:
                    return
                if await room_repo.upgrade_refused(session, row.room_id, new):
                    return  # not followed for good: the old room stays the curators'
                log.warning(
                    "outbox: row %s waits: its curator room %s was upgraded to %s, which the "
                    "bot has not joined yet (invite it there)",
                    row.id,
                    row.room_id,
                    new,
                )
                await self._tell_curators_waiting(row.room_id, new)
                raise CuratorRoomUnknown(row.id)
            new_room, joined = found
            curators = await room_repo.is_curator_room(session, new_room, resolved)
            own = await room_repo.binding(session, RoomId(row.room_id))
        if not curators:
            if own is None and row.room_id == resolved:
                # The configured room, unbound: its successor is nobody's curator room
                # until the operator names it; the post waits, it is not voided.
                log.warning(
                    "outbox: row %s waits: curator_room %s was upgraded to %s; set "
                    "curator_room to %s in the configuration",
                    row.id,
                    row.room_id,
                    new_room,
                    new_room,
                )
                raise CuratorRoomUnknown(row.id)
            return
        if not joined:
            log.info("outbox: row %s waits for the bot's join of %s", row.id, new_room)
            raise CuratorRoomUnknown(row.id)
        async with self.db.transaction() as session:
            await outbox.move_to_room(session, row.id, RoomId(new_room))
        log.info("outbox: row %s goes to %s, which replaced %s", row.id, new_room, row.room_id)
        row.room_id = new_room

    async def _tell_curators_waiting(self, old: str, new: str) -> None:
        """Posts for the curators wait for an invite to `new`, which replaced their room
        `old`: the admins are told once, in their direct chats with the bot, and it is
        audited (`outbox.curators_waiting`). Before, only this log said so, every 30 s,
        and the posts could wait for ever (session 18). The posts themselves stay queued:
        they go once the bot is invited there (`_follow_upgrade`); `knooppunt outbox`
        lists them, and the health page counts them."""
        if (old, new) in self._told_waiting:
            return
        self._told_waiting = self._told_waiting | {(old, new)}
        await admin_chats_prepare(self.db, self.admins, self.room_ready)
        async with self.db.transaction() as session:
            text = t(self.language, "curators_waiting_admin", old=old, new=new)
            key = f"curators-waiting:{old}:{new}"
            user_id = str(self.client.user_id)
            chats = await tell_admins(
                session, self.client, self.admins, user_id, text, self.language, key
            )
            detail = {"admins_told": len(chats)}
            await audit.add(
                session, "bot", "outbox.curators_waiting", old, subject=new, detail=detail
            )
        if not chats:
            log.warning(
                "outbox: posts for the curators wait for the bot's invite to %s (replacing "
                "%s) and no admin has a direct chat with the bot: the notice waits for "
                "one (an admin invites the bot to a direct chat); see `knooppunt outbox`",
                new,
                old,
            )
        self.wake()

    def _waits_for_curators(self, row_id: int) -> bool:
        until = self._awaiting_curators.get(row_id)
        if until is None:
            return False
        if until <= time.monotonic():
            del self._awaiting_curators[row_id]
            return False
        return True

    def _public_now(self, room_id: str, direct: bool = False) -> bool:
        room = self.client.rooms.get(room_id)
        join_rule = getattr(room, "join_rule", None)
        history = getattr(room, "history_visibility", None)
        if not isinstance(join_rule, str) and not isinstance(history, str):
            return False  # its state is not known here: the stored flag decides
        members = getattr(room, "member_count", None) if direct else None
        return tlp.is_public(
            join_rule,
            history,
            getattr(room, "guest_access", None),
            members if isinstance(members, int) else None,
        )

    async def _void(self, row: OutboxMessage) -> None:
        """The row ends unsent because its room may no longer see it: logged and audited
        by its code (never its words), and the room told so in a neutral notice."""
        label = row_label(row)
        shown = label.tlp if label is not None else "CLEAR"
        if row.id in self._not_curators:
            self._not_curators.discard(row.id)
            error = "voided: the room is no curator room any more"
            detail = {"row": row.id, "kind": row.kind, "curators_only": True}
        else:
            error = f"voided: the room may no longer see TLP:{shown}"
            detail = {"row": row.id, "kind": row.kind, "tlp": shown}
        log.warning("outbox: row %s in %s %s", row.id, row.room_id, error)
        self._trouble.forget(row.id)
        self._remember_done(row.id)  # a copy read from the table meanwhile must not go
        async with self._ending(row.id), self.db.transaction() as session:
            await outbox.record_attempt(session, row.id, error, True)
            await audit.add(
                session, "bot", "outbox.voided", row.room_id, subject=row.txn_id, detail=detail
            )
            relation = _where_it_went(row)
            # One notice for the rows one event (or one scheduled post, its parts queued
            # together) left: not one for every part of a long reply.
            cause = row.source_event_id or row.created_at.strftime("%Y-%m-%dT%H:%M:%S")
            key = f"outbox-voided:{row.room_id}:{cause}"
            text = t(self.language, "outbox.voided")
            await queue_notice(session, RoomId(row.room_id), text, self.language, key, **relation)
            await self._tell_reporter(session, row, error, voided=True)
            await _keep_again(session, row)
        self.wake()

    async def _perform(self, row: OutboxMessage) -> Any:
        content = row.content
        if self.room_ready is not None and row.kind in ("message", "file", "redact"):
            await self.room_ready([row.room_id])
        if row.kind in ("message", "file") and self._encrypted(row.room_id):
            if not self.client.olm and self.encryption:
                # Encryption is on and its key store not loaded: a new login under way
                # (bot/session.py drops the old device's store first). nio would send
                # plain text now; the row waits for the store instead of being refused.
                raise NotSentYet
            if not self.client.olm:
                _refuse_plain(row)
            await ready_to_encrypt(self.client, getattr(self.client, "trust", None))
        if row.kind == "message":
            content = await late_send.content_to_send(
                self.db, row, datetime.now(UTC), self.late_after, self.language
            )
            return await self.client.room_send(
                row.room_id,
                "m.room.message",
                content,
                tx_id=row.txn_id,
                ignore_unverified_devices=True,
            )
        if row.kind == "redact":
            target = await self._redaction_target(content, row.room_id)
            if target is None:
                return None  # nothing (left) to redact
            return await self.client.room_redact(
                row.room_id, target, reason=content.get("reason") or None, tx_id=row.txn_id
            )
        if row.kind == "file":
            return await self._send_file(row)
        if row.kind == "join":
            return await self.client.join(content.get("room", row.room_id))
        if row.kind == "leave":
            return await self.client.room_leave(row.room_id)
        raise ValueError(f"unknown outbox kind {row.kind!r}")

    def _encrypted(self, room_id: str) -> bool:
        room = self.client.rooms.get(room_id)
        return bool(room is not None and room.encrypted)

    async def _redaction_target(self, content: dict[str, Any], room_id: str) -> str | None:
        """The event id of our reply to the source event in `room_id` (the room the
        redaction is sent in): the row named `reply_row`, else the first; waits until it
        was sent."""
        if "event_id" in content:
            return str(content["event_id"])
        async with self.db.session() as session:
            rows = await outbox.by_source(session, content["source_event_id"])
        for row in rows:
            if row.kind not in ("message", "file") or row.room_id != room_id:
                continue
            if content.get("reply_row") not in (None, row.id):
                continue
            if row.id in self._unrecorded:
                return self._unrecorded[row.id][1]
            if row.result_event_id:
                return row.result_event_id
            if row.failed_at is not None:
                return None
            raise NotSentYet(row.id)
        return None

    async def _send_first(self, row: OutboxMessage, stop: asyncio.Event) -> bool:
        """Send what must precede `row` in its room (`first_notices`); False when one of
        them did not go (the queue is read again, `row` waits behind it)."""
        if self.first_notices is None or row.kind not in ("message", "file"):
            return True
        if self.room_ready is not None:
            await self.room_ready([row.room_id])  # its load queues the notices
        for first in await self.first_notices(row.room_id):
            if first.id == row.id or first.id in self._done:
                continue
            if not await self._send_one(first, stop):
                return False
        return True

    async def _send_file(self, row: OutboxMessage) -> Any:
        content = row.content
        data = base64.b64decode(content["data_b64"])
        if row.room_id not in self.client.rooms:
            # Fail closed: a room nio does not know (its state not loaded, or refused)
            # may be encrypted, and the upload itself is the leak (the file stays in the
            # homeserver's media store whatever the send after it does). The row waits,
            # or is given up once the room is not joined (`_not_ready`), as a text row
            # does when nio refuses a room it does not know.
            raise LocalProtocolError(f"No such room with id {row.room_id} found.")
        # The room's state decides, as for a text row (`_perform` refused a labelled
        # row already when this room is encrypted and encryption is off).
        encrypt = self._encrypted(row.room_id)
        # The upload request itself is plain text to the homeserver: an encrypted file goes
        # unnamed and untyped (as Element sends them); its name and type travel inside the
        # encrypted event. A name such as knooppunt-<incident>-<time>.csv says too much.
        upload, keys = await self.client.upload(
            io.BytesIO(data),
            content_type="application/octet-stream" if encrypt else content["mimetype"],
            filename=None if encrypt else content["filename"],
            encrypt=encrypt,
            filesize=len(data),
        )
        if not isinstance(upload, UploadResponse):
            return upload
        message: dict[str, Any] = {
            "msgtype": "m.file",
            "body": content["filename"],
            "filename": content["filename"],
            "info": {"mimetype": content["mimetype"], "size": len(data)},
        }
        if encrypt and keys is not None:
            message["file"] = {**keys, "url": upload.content_uri}
        else:
            message["url"] = upload.content_uri
        caption = content.get("caption") or {}
        if caption.get("m.relates_to"):
            message["m.relates_to"] = caption["m.relates_to"]
        return await self.client.room_send(
            row.room_id, "m.room.message", message, tx_id=row.txn_id, ignore_unverified_devices=True
        )

    async def _not_ready(self, row: OutboxMessage, reason: str, stop: asyncio.Event) -> bool:
        async with self.db.session() as session:
            room = await room_repo.get(session, RoomId(row.room_id))
        if room is None or not room.active:
            await self._give_up(row, f"room not joined: {reason}")
            return True
        await self._failed_attempt(row, reason)
        await sleep_unless(stop, 1.0)
        return False

    async def _failed_attempt(self, row: OutboxMessage, error: str) -> None:
        if row.attempts + 1 >= MAX_ATTEMPTS:
            self._trouble.forget(row.id)
            log.error(
                "outbox: giving up on row %s after %s attempts: %s", row.id, MAX_ATTEMPTS, error
            )
            await self._give_up(row, error)
            return
        async with self.db.transaction() as session:
            await outbox.record_attempt(session, row.id, error, False)

    async def _give_up(self, row: OutboxMessage, error: str) -> None:
        """The row ends unsent. A coordinator alert's reporter is told in the same
        transaction (commands/alert_delivery.py), or they would believe the coordinators
        knew about the report."""
        self._trouble.forget(row.id)
        self._remember_done(row.id)  # a copy read from the table meanwhile must not go
        async with self._ending(row.id), self.db.transaction() as session:
            await outbox.record_attempt(session, row.id, error, True)
            # Never ended without a trace beyond the log: the audit names the row (an
            # upgrade notice refused by the old room's raised power levels was only
            # logged, session 18).
            detail = {"error": error[:300], "kind": row.kind}
            await audit.add(
                session, "bot", "outbox.refused", row.room_id, subject=row.txn_id, detail=detail
            )
            told = await self._tell_reporter(session, row, error)
            await _keep_again(session, row)
        if told:
            self.wake()

    async def _tell_reporter(
        self, session: AsyncSession, row: OutboxMessage, error: str, voided: bool = False
    ) -> bool:
        """When the ended row was a coordinator (or domino) alert, its reporter's room is
        told it did not reach them (`voided`: as their room may no longer see it); True
        when a notice was queued."""
        notice = await alert_delivery.undelivered_alert(session, row, error, self.language, voided)
        if notice is None or notice.room_id is None:
            return False
        key = f"alert-undelivered:{row.txn_id}"
        await queue_notice(
            session, notice.room_id, notice.text, self.language, key,
            in_reply_to=str(notice.reply_to),
        )  # fmt: skip
        if self.metrics is not None:
            reason = "voided" if voided else "refused"
            self.metrics.alerts_undelivered.labels(reason=reason).inc()
        return True
