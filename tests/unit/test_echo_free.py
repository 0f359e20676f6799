"""The echo-free long poll (bot/syncer.py, ECHO_FREE, off by default; bot/send_doubt.py):
the bot's own events are left out of its polls while nothing depends on them, and every
place one of them may hide is read again with /messages, which shows every event.

Exactly-once for sends rests on the echo of a send whose outcome this process did not
record: here a send that ended in doubt while a poll without echoes was under way has
its room back-filled from the batch's token, and the echo found there marks its row
sent; while a doubt is open the next poll asks for our own events again."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime
from typing import Any

from nio import AsyncClient, MatrixRoom, RoomMessagesResponse, RoomSendResponse
from sqlalchemy import select

from bot import syncer as syncer_module
from bot.send_doubt import SendDoubts
from bot.syncer import Syncer
from storage import outbox
from storage import rooms as room_repo
from storage.engine import Database
from storage.ids import RoomId
from storage.models import OutboxMessage
from tests.support.sync_bodies import one_room_sync
from tests.unit.test_token_deferral import BOT, ROOM, _event, _setup, _sync

TXN = outbox.txn_id_for("$cmd")


def _echo(txn: str, event_id: str = "$echo") -> dict[str, Any]:
    return {
        "type": "m.room.message",
        "event_id": event_id,
        "sender": BOT,
        "origin_server_ts": 2000,
        "content": {"msgtype": "m.notice", "body": "reply"},
        "unsigned": {"transaction_id": txn},
    }


class Pages:
    """What /messages answers per room (newest first), and who asked from where."""

    def __init__(self, client: AsyncClient) -> None:
        self.chunks: dict[str, list[dict[str, Any]]] = {}
        self.asked: list[tuple[str, str]] = []

        async def room_messages(room_id: str, start: str, **kwargs: Any) -> Any:
            self.asked.append((room_id, start))
            chunk = self.chunks.get(room_id, []) if start != "t-end" else []
            raw = {"chunk": chunk, "start": start, "end": "t-end"}
            return RoomMessagesResponse.from_dict(raw, room_id)

        client.room_messages = room_messages  # type: ignore[method-assign]


async def _joined(db: Database) -> tuple[Syncer, AsyncClient]:
    """The test syncer, in ROOM as nio and the database know it."""
    syncer, client = await _setup(db)
    client.rooms[ROOM] = MatrixRoom(ROOM, BOT)
    async with db.transaction() as session:
        await room_repo.mark_joined(session, RoomId(ROOM), datetime.now(UTC))
    return syncer, client


async def _queued(db: Database) -> int:
    async with db.transaction() as session:
        row = await outbox.add(session, RoomId(ROOM), "message", {"body": "reply"}, TXN)
    assert row is not None
    return row.id


async def _sent_at(db: Database, row_id: int) -> Any:
    async with db.session() as session:
        row = await session.scalar(select(OutboxMessage).where(OutboxMessage.id == row_id))
    assert row is not None
    return row.sent_at


async def _poll(syncer: Syncer, monkeypatch: Any, token: str) -> dict[str, Any] | None:
    """The filter the loop's next long poll from `token` asks with."""
    asked: list[dict[str, Any] | None] = []

    async def fake_sync(client: Any, timeout: int, since: str, sync_filter: Any = None) -> Any:
        asked.append(sync_filter)
        return _sync("s-next")

    monkeypatch.setattr(syncer_module, "trusted_sync", fake_sync)
    monkeypatch.setattr(syncer_module, "ECHO_FREE", True)  # off by default: see there
    await syncer._sync(token, first=False)
    return asked[0]


def test_a_doubt_closes_only_when_the_rows_fate_is_known() -> None:
    doubts = SendDoubts()
    first = doubts.begin()
    doubts.end(first, "t1", "!a", sent=True)
    assert not doubts.any()
    second = doubts.begin()
    doubts.end(second, "t2", "!b", sent=False)  # e.g. a network error: taken or not?
    third = doubts.begin()
    doubts.end(third, "t3", "!c", sent=False)
    assert doubts.rooms(started_by=second) == {"!b"}
    assert doubts.rooms(started_by=third) == {"!b", "!c"}
    doubts.forget_ended(doubts.noted)  # a poll with echoes: t2 and t3 wait for a retry
    assert doubts.any()
    retry = doubts.begin()
    doubts.end(retry, "t2", "!b", sent=True)  # the same transaction id, recorded
    doubts.echo_seen("t3")  # its echo, in a poll with our own events
    assert not doubts.any()
    # A row given up after a send in doubt: closed once a later poll showed our events.
    fourth = doubts.begin()
    doubts.end(fourth, "t4", "!d", sent=False)
    doubts.ended_unsent("t4", "!d", doubts.started)
    noted = doubts.noted
    doubts.forget_ended(noted - 1)  # a poll that began before it ended
    assert doubts.rooms(started_by=fourth) == {"!d"}
    doubts.forget_ended(noted)
    assert not doubts.any()


async def test_the_poll_leaves_out_our_events_only_while_no_send_is_in_doubt(
    db: Database, monkeypatch: Any
) -> None:
    syncer, client = await _setup(db)
    echo_free = await _poll(syncer, monkeypatch, "s0")
    assert echo_free is not None
    assert echo_free["room"]["timeline"]["not_senders"] == [BOT]
    # Everything else as the ordinary filter asks.
    assert echo_free["presence"] == syncer_module.SYNC_FILTER["presence"]
    assert echo_free["room"]["timeline"]["limit"] == 50
    # Not while replies wait to be sent (a backlog drains): see ECHO_FREE.
    syncer.sender._under_way = 1
    assert await _poll(syncer, monkeypatch, "s0") == syncer_module.SYNC_FILTER
    syncer.sender._under_way = 0
    number = syncer.sender.doubts.begin()
    syncer.sender.doubts.end(number, TXN, ROOM, sent=False)
    assert await _poll(syncer, monkeypatch, "s0") == syncer_module.SYNC_FILTER
    # That poll shows the echo: the doubt is closed, the next poll leaves our events out.
    assert await syncer._after_echo_free_poll(_sync("s1", _echo(TXN)))
    assert await syncer._handle_batch(_sync("s1", _echo(TXN)), "s0", False, False)
    syncer._resolve_doubts()
    assert not syncer.sender.doubts.any()
    assert await _poll(syncer, monkeypatch, "s1") == echo_free
    await client.close()


async def test_a_send_in_doubt_during_an_echo_free_poll_is_settled_by_its_echo(
    db: Database, monkeypatch: Any
) -> None:
    """The send failed (a network error, say) after the homeserver took it; the poll left
    its echo out. The batch waits for the send, back-fills its room from the batch's
    token (the room is not in the batch at all), and the echo marks the row sent."""
    syncer, client = await _joined(db)
    pages = Pages(client)
    row_id = await _queued(db)
    await _poll(syncer, monkeypatch, "s0")
    assert syncer._poll.echo_free
    number = syncer.sender.doubts.begin()  # the send under way when the poll answers

    async def fail_later() -> None:
        await asyncio.sleep(0.05)
        pages.chunks[ROOM] = [_echo(TXN)]  # the homeserver took it after all
        syncer.sender.doubts.end(number, TXN, ROOM, sent=False)

    failing = asyncio.ensure_future(fail_later())
    response = _sync("s1")
    response.rooms.join.clear()  # the echo was all there was: the room is not in it
    assert await syncer._after_echo_free_poll(response)
    await failing
    assert syncer._poll.refill == {ROOM}
    assert await syncer._handle_batch(response, "s0", False, False)
    assert pages.asked[0] == (ROOM, "s1")  # from the batch's token back
    await syncer._store_token(response, False, time.monotonic())
    assert await _sent_at(db, row_id) is not None
    assert not syncer.sender.doubts.any()  # closed by the echo
    await client.close()


async def test_a_send_recorded_before_the_batch_needs_no_back_fill(
    db: Database, monkeypatch: Any
) -> None:
    syncer, client = await _joined(db)
    pages = Pages(client)
    await _poll(syncer, monkeypatch, "s0")
    number = syncer.sender.doubts.begin()
    syncer.sender.doubts.end(number, TXN, ROOM, sent=True)
    response = _sync("s1", _event(1))
    assert await syncer._after_echo_free_poll(response)
    assert syncer._poll.refill == set()
    assert await syncer._handle_batch(response, "s0", False, False)
    assert pages.asked == []
    await client.close()


async def test_a_row_given_up_during_a_poll_with_echoes_keeps_the_next_one_with_echoes(
    db: Database, monkeypatch: Any
) -> None:
    """Its last attempt's echo may come after that poll's token: only a later poll shows
    it."""
    syncer, client = await _setup(db)
    first = syncer.sender.doubts.begin()
    syncer.sender.doubts.end(first, TXN, ROOM, sent=False)
    assert await _poll(syncer, monkeypatch, "s0") == syncer_module.SYNC_FILTER
    syncer.sender.doubts.ended_unsent(TXN, ROOM, first)  # given up while it was under way
    assert await syncer._after_echo_free_poll(_sync("s1"))
    assert await syncer._handle_batch(_sync("s1"), "s0", False, True)
    syncer._resolve_doubts()
    assert syncer.sender.doubts.any()
    assert await _poll(syncer, monkeypatch, "s1") == syncer_module.SYNC_FILTER
    assert await syncer._handle_batch(_sync("s2"), "s1", False, True)
    syncer._resolve_doubts()
    assert not syncer.sender.doubts.any()
    await client.close()


async def test_a_room_with_state_in_an_echo_free_batch_is_back_filled_whole(
    db: Database, monkeypatch: Any
) -> None:
    """Our own join (or state event) is not in an echo-free timeline, only in the state
    section: the room's events are read again, our own with them, and each is handled
    once, in order (not the timeline's events a second time)."""
    syncer, client = await _joined(db)
    pages = Pages(client)
    await _poll(syncer, monkeypatch, "s0")
    topic = _event(2, type="m.room.topic", state_key="", content={"topic": "t"})
    own = _event(3, sender=BOT, type="m.room.name", state_key="", content={"name": "n"})
    pages.chunks[ROOM] = [_event(4), own, _event(1)]  # newest first
    response = one_state_sync(_event(1), _event(4), state=[topic])
    assert await syncer._after_echo_free_poll(response)
    assert syncer._poll.refill == {ROOM}
    handled: list[str] = []
    original = syncer._handle_event

    async def noting(room_id: RoomId, event: Any) -> None:
        handled.append(event.event_id)
        await original(room_id, event)

    monkeypatch.setattr(syncer, "_handle_event", noting)
    assert await syncer._handle_batch(response, "s0", False, False)
    assert handled == ["$e1", "$e3", "$e4"]
    await client.close()


def one_state_sync(*events: dict[str, Any], state: list[dict[str, Any]]) -> Any:
    return one_room_sync(ROOM, *events, next_batch="s1", state=state)


async def test_the_sender_notes_a_send_that_failed_and_closes_it_when_a_retry_is_recorded(
    db: Database, monkeypatch: Any
) -> None:
    syncer, client = await _setup(db)
    sender = syncer.sender
    await _queued(db)
    async with db.session() as session:
        row = (await outbox.pending(session))[0]
    attempts: list[str] = []

    async def perform(queued: Any) -> Any:
        attempts.append(queued.txn_id)
        if len(attempts) == 1:
            raise TimeoutError  # the homeserver may have taken it
        return RoomSendResponse("$sent", ROOM)

    monkeypatch.setattr(sender, "_perform", perform)
    stop = asyncio.Event()
    monkeypatch.setattr(sender._backoff, "next_delay", lambda: 0.0)
    assert not await sender._send_one(row, stop)
    assert sender.doubts.rooms(sender.doubts.started) == {ROOM}
    assert await sender._send_one(row, stop)
    assert not sender.doubts.any()
    await client.close()
