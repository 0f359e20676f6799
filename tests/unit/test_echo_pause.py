"""While the sender drains a backlog, the echoes of its own replies do not make the sync
loop poll again at once (issue "Fast under load", backlog drain): each /sync costs the
homeserver about as much as a send, so a poll per few echoes halved the send rate."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest
from nio import AsyncClient, SyncResponse

from bot import syncer as syncer_module
from bot.config import Settings
from bot.sender import OutboxSender
from bot.syncer import Syncer
from bot.wiring import build_dispatcher
from storage.engine import Database
from tests.support.sync_bodies import one_room_sync

ROOM = "!a:localhost"
BOT = "@bot:localhost"


def _event(i: int, sender: str) -> dict[str, Any]:
    return {
        "type": "m.room.message",
        "event_id": f"$e{i}",
        "sender": sender,
        "origin_server_ts": 1000 + i,
        "content": {"msgtype": "m.notice", "body": "reply"},
    }


def _sync(*events: dict[str, Any], state: list[dict[str, Any]] | None = None) -> SyncResponse:
    return one_room_sync(ROOM, *events, state=state)


def _syncer(db: Database) -> Syncer:
    settings = Settings(homeserver="http://127.0.0.1:9", user_id=BOT, password="p")
    client = AsyncClient("http://127.0.0.1:9", BOT)
    return Syncer(client, db, build_dispatcher(settings), OutboxSender(client, db, False), settings)


async def test_only_own_events_tells_echo_batches_apart(db: Database) -> None:
    syncer = _syncer(db)
    assert syncer._only_own_events(_sync(_event(1, BOT), _event(2, BOT)))
    assert not syncer._only_own_events(_sync(_event(1, BOT), _event(2, "@ann:localhost")))
    member = {
        "type": "m.room.member",
        "event_id": "$m",
        "sender": "@ann:localhost",
        "state_key": "@ann:localhost",
        "origin_server_ts": 1,
        "content": {"membership": "join"},
    }
    assert not syncer._only_own_events(_sync(_event(1, BOT), state=[member]))


async def test_pause_waits_while_the_sender_has_a_backlog(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    syncer = _syncer(db)
    monkeypatch.setattr(syncer_module, "ECHO_PAUSE", 0.6)
    backlog = [syncer_module.ECHO_PAUSE_BACKLOG + 1]
    monkeypatch.setattr(syncer.sender, "backlog", lambda: backlog[0])
    started = time.monotonic()
    await syncer._pause_while_sending()
    assert time.monotonic() - started >= 0.55  # the whole pause: the backlog stayed

    # The backlog drops: the next poll goes out then, not at the pause's end.
    async def drop() -> None:
        await asyncio.sleep(0.1)
        backlog[0] = 0

    monkeypatch.setattr(syncer_module, "ECHO_PAUSE", 30.0)
    started = time.monotonic()
    await asyncio.gather(syncer._pause_while_sending(), drop())
    assert time.monotonic() - started < 5.0

    # A stop ends the pause.
    backlog[0] = 100
    syncer.stop.set()
    started = time.monotonic()
    await syncer._pause_while_sending()
    assert time.monotonic() - started < 5.0


async def test_no_pause_without_a_backlog(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    syncer = _syncer(db)
    monkeypatch.setattr(syncer_module, "ECHO_PAUSE", 30.0)
    monkeypatch.setattr(syncer.sender, "backlog", lambda: syncer_module.ECHO_PAUSE_BACKLOG)
    started = time.monotonic()
    await syncer._pause_while_sending()
    assert time.monotonic() - started < 5.0


def test_the_long_poll_asks_for_more_than_ten_timeline_events() -> None:
    # Echoes gathered during a pause must not come back as a limited timeline (a gap
    # to back-fill with /messages requests).
    assert syncer_module.SYNC_FILTER["room"]["timeline"]["limit"] >= 50
