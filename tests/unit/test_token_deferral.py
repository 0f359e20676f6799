"""The sync token of calm batches (issue "Fast under load"): a batch of plain messages,
each committed with its event-log entry, writes no token, marks or sent rows of its own;
they are written together with the next batch that is not calm, after TOKEN_EVERY
seconds, or at a stop. What is written is always what today's handled batches say."""

from __future__ import annotations

import time
from typing import Any

from nio import AsyncClient, SyncResponse

from bot import syncer as syncer_module
from bot.config import Settings
from bot.sender import OutboxSender
from bot.syncer import Syncer
from bot.wiring import build_dispatcher
from storage import event_log, outbox, sync_state
from storage import rooms as room_repo
from storage.engine import Database
from storage.ids import RoomId
from tests.support.sync_bodies import one_room_sync

ROOM = "!a:localhost"
BOT = "@bot:localhost"


def _event(i: int, **extra: Any) -> dict[str, Any]:
    return {
        "type": "m.room.message",
        "event_id": f"$e{i}",
        "sender": "@ann:localhost",
        "origin_server_ts": 1000 + i,
        "content": {"msgtype": "m.text", "body": "!help"},
        **extra,
    }


def _sync(token: str, *events: dict[str, Any]) -> SyncResponse:
    return one_room_sync(ROOM, *events, next_batch=token)


async def _setup(db: Database) -> tuple[Syncer, AsyncClient]:
    settings = Settings(homeserver="http://127.0.0.1:9", user_id=BOT, password="p")
    client = AsyncClient("http://127.0.0.1:9", BOT)
    sender = OutboxSender(client, db, encryption=False)
    syncer = Syncer(client, db, build_dispatcher(settings), sender, settings)
    syncer.room_states.mark_loaded([ROOM])  # no state request to the (absent) homeserver
    syncer.undecryptable.waiting_for_keys = False  # as after the first batch of a run
    async with db.transaction() as session:
        await room_repo.note_event(session, RoomId(ROOM), "$e0", 1000)
        await sync_state.set_next_batch(session, BOT, "s0")
    return syncer, client


async def _batch(syncer: Syncer, response: SyncResponse, since: str, stored_at: float) -> float:
    assert await syncer._handle_batch(response, since, False, False)
    stored_at = await syncer._store_token(response, False, stored_at)
    syncer._last_seen.clear()
    syncer._marks = {}
    return stored_at


async def _stored(db: Database) -> tuple[str | None, str | None]:
    async with db.session() as session:
        token = await sync_state.get_next_batch(session, BOT)
        mark = (await room_repo.marks(session, [ROOM]))[ROOM]
    return token, mark.last_event_id


async def test_plain_batches_write_their_token_with_the_next_batch_that_is_not(
    db: Database,
) -> None:
    syncer, client = await _setup(db)
    stored_at = time.monotonic()
    stored_at = await _batch(syncer, _sync("s1", _event(1)), "s0", stored_at)
    stored_at = await _batch(syncer, _sync("s2", _event(2)), "s1", stored_at)
    async with db.session() as session:
        # Each event is committed with its log entry and its reply ...
        assert await event_log.is_processed(session, "$e1")  # type: ignore[arg-type]
        assert await event_log.is_processed(session, "$e2")  # type: ignore[arg-type]
        assert len(await outbox.by_source(session, "$e2")) == 1
    # ... but the token and the room's mark wait: a replay from s0 is a no-op.
    assert await _stored(db) == ("s0", "$e0")
    # A reply sent meanwhile is marked sent with the token, not on its own.
    async with db.session() as session:
        row = (await outbox.by_source(session, "$e1"))[0]
    syncer.sender._unrecorded[row.id] = (row.txn_id, "$reply1")
    # A batch that is not plain (a state event) writes what came before it first.
    topic = _event(3, type="m.room.topic", state_key="", content={"topic": "t"})
    await _batch(syncer, _sync("s3", topic), "s2", stored_at)
    assert await _stored(db) == ("s3", "$e3")
    async with db.session() as session:
        assert (await outbox.by_source(session, "$e1"))[0].result_event_id == "$reply1"
    assert syncer.sender.unrecorded() == {}
    await client.close()


async def test_the_written_token_is_written_first_when_a_later_batch_is_not_calm(
    db: Database,
) -> None:
    """The token of the calm batches is in the database before a batch that is not calm
    is handled (its other writers, and a gap's back-fill, read the marks from there)."""
    syncer, client = await _setup(db)
    await _batch(syncer, _sync("s1", _event(1)), "s0", time.monotonic())
    topic = _event(2, type="m.room.topic", state_key="", content={"topic": "t"})
    assert await syncer._handle_batch(_sync("s2", topic), "s1", False, False)
    assert await _stored(db) == ("s1", "$e1")
    await client.close()


async def test_calm_batches_are_written_after_token_every_seconds_and_at_a_stop(
    db: Database,
) -> None:
    syncer, client = await _setup(db)
    long_ago = time.monotonic() - syncer_module.TOKEN_EVERY - 1
    stored_at = await _batch(syncer, _sync("s1", _event(1)), "s0", long_ago)
    assert await _stored(db) == ("s1", "$e1")
    assert stored_at > long_ago
    await _batch(syncer, _sync("s2", _event(2)), "s1", stored_at)
    assert await _stored(db) == ("s1", "$e1")
    await syncer._store_deferred({})  # what run() does when it stops
    assert await _stored(db) == ("s2", "$e2")
    await client.close()
