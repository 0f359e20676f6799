"""The sync loop's per-batch shortcuts (issue "Fast under load"): a steady stream of
plain messages reads no room marks and records no sent replies before it is handled;
anything else goes to the database as before."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from nio import SyncResponse

from bot.syncer import Syncer
from storage import rooms
from storage.engine import Database
from storage.ids import RoomId, UserId
from tests.support.sync_bodies import one_room_sync

ROOM = "!a:localhost"
BOT = "@bot:localhost"


def _event(i: int, **extra: Any) -> dict[str, Any]:
    content: dict[str, Any] = {"msgtype": "m.text", "body": "!help"}
    content.update(extra.pop("content", {}))
    return {
        "type": "m.room.message",
        "event_id": f"$e{i}",
        "sender": "@ann:localhost",
        "origin_server_ts": 1000 + i,
        "content": content,
        **extra,
    }


def _sync(*events: dict[str, Any], limited: bool = False, leave: bool = False) -> SyncResponse:
    return one_room_sync(ROOM, *events, limited=limited, leave=leave)


def _syncer(db: Database | None = None, waiting: bool = False) -> Syncer:
    syncer = Syncer.__new__(Syncer)
    syncer.db = db  # type: ignore[assignment]
    syncer.undecryptable = SimpleNamespace(waiting_for_keys=waiting)  # type: ignore[assignment]
    syncer._mark_cache = {}
    syncer._marks = {}
    syncer._last_seen = {}
    syncer._plain = False
    syncer.user_id = UserId(BOT)
    return syncer


def test_only_plain_messages_make_a_plain_batch() -> None:
    syncer = _syncer()
    assert syncer._plain_batch(_sync(_event(1), _event(2)))
    assert not syncer._plain_batch(_sync(_event(1), limited=True))
    assert not syncer._plain_batch(_sync(_event(1), leave=True))
    member = {
        "type": "m.room.member",
        "event_id": "$m",
        "sender": BOT,
        "state_key": BOT,
        "origin_server_ts": 5,
        "content": {"membership": "join"},
    }
    assert not syncer._plain_batch(_sync(_event(1), member))
    assert not _syncer(waiting=True)._plain_batch(_sync(_event(1)))


def test_only_a_batch_that_refers_back_records_sent_replies_first() -> None:
    syncer = _syncer()
    assert not syncer._refers_back(_sync(_event(1), _event(2)))
    reply = _event(3, content={"m.relates_to": {"m.in_reply_to": {"event_id": "$r"}}})
    assert syncer._refers_back(_sync(_event(1), reply))
    redaction = {
        "type": "m.room.redaction",
        "event_id": "$x",
        "sender": "@ann:localhost",
        "origin_server_ts": 9,
        "redacts": "$r",
        "content": {},
    }
    assert syncer._refers_back(_sync(redaction))
    assert syncer._refers_back(_sync(_event(1), limited=True))
    # The echo of one of our replies (a reply itself) beside a new command: it looks
    # nothing up, so the command's batch needs no write before it is handled.
    echo = _event(4, sender=BOT, content={"m.relates_to": {"m.in_reply_to": {"event_id": "$e1"}}})
    assert not syncer._refers_back(_sync(_event(5), echo))
    assert syncer._refers_back(_sync(_event(5), reply, echo))


async def test_plain_batches_use_the_marks_they_wrote_others_read_the_database(
    db: Database,
) -> None:
    room = RoomId(ROOM)
    async with db.transaction() as session:
        await rooms.note_event(session, room, "$a0", 1)
    syncer = _syncer(db)
    syncer._plain = True
    syncer._marks = await syncer._read_marks({room: None})  # type: ignore[dict-item]
    assert syncer._marks[ROOM].last_event_id == "$a0"
    syncer._last_seen = {room: ("$a1", 2)}
    syncer._remember_marks({ROOM: True})
    # Written behind the loop's back (as bot/membership.py would in a batch that is not plain).
    async with db.transaction() as session:
        await rooms.note_event(session, room, "$elsewhere", 3)
    cached = await syncer._read_marks({room: None})  # type: ignore[dict-item]
    assert cached[ROOM].last_event_id == "$a1" and cached[ROOM].public
    syncer._plain = False
    fresh = await syncer._read_marks({room: None})  # type: ignore[dict-item]
    assert fresh[ROOM].last_event_id == "$elsewhere"
    assert syncer._mark_cache == {}
