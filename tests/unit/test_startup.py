"""Start-up (bot/startup.py): the first /sync and its rooms' state are asked for while the
handlers load, the sync loop takes that response instead of asking again, and nothing
heavy is loaded before garbage collection is paused."""

from __future__ import annotations

import asyncio
import gc
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from nio import AsyncClient, Event, RoomGetStateResponse, SyncResponse
from nio.responses import DeviceList, DeviceOneTimeKeyCount, RoomInfo, Rooms, Timeline

from bot import startup
from bot.room_state import RoomStates
from bot.startup import FirstSync

ROOT = Path(__file__).resolve().parents[2]
BOT = "@bot:localhost"


def _event(sender: str, n: int, kind: str = "m.room.message", **extra: Any) -> Event:
    source: dict[str, Any] = {
        "type": kind,
        "sender": sender,
        "event_id": f"$e{n}",
        "origin_server_ts": 1,
        "content": {"msgtype": "m.text", "body": "!help"},
        **extra,
    }
    event = Event.parse_event(source)
    assert isinstance(event, Event)
    return event


def _own_join(n: int) -> Event:
    return _event(BOT, n, "m.room.member", state_key=BOT, content={"membership": "join"})


def _sync(rooms: dict[str, tuple[list[Event], bool]], next_batch: str = "s2") -> SyncResponse:
    join = {
        room_id: RoomInfo(Timeline(events, limited, "p1" if limited else None), [], [], [])
        for room_id, (events, limited) in rooms.items()
    }
    return SyncResponse(
        next_batch,
        Rooms({}, join, {}),
        DeviceOneTimeKeyCount(None, None),
        DeviceList([], []),
        [],
        [],
    )


class Client(AsyncClient):
    """Counts the homeserver requests; /sync answers with `batch` after `delay`."""

    def __init__(self, batch: SyncResponse) -> None:
        super().__init__("http://127.0.0.1:9", BOT)
        self.user_id = BOT  # as after the login
        self.batch = batch
        self.syncs: list[dict[str, Any]] = []
        self.states: list[str] = []
        self.delay = 0.01
        self.refuse: set[str] = set()

    async def sync(self, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        names = ("timeout", "sync_filter", "since", "full_state", "set_presence")
        self.syncs.append({**dict(zip(names, args, strict=False)), **kwargs})
        await asyncio.sleep(self.delay)
        return self.batch

    async def room_get_state(self, room_id: str) -> Any:  # type: ignore[override]
        self.states.append(room_id)
        await asyncio.sleep(self.delay)
        if room_id in self.refuse:
            from nio import RoomGetStateError

            return RoomGetStateError("busy", "M_UNKNOWN")
        member = {
            "type": "m.room.member",
            "state_key": BOT,
            "sender": BOT,
            "event_id": f"${room_id}m",
            "origin_server_ts": 1,
            "content": {"membership": "join"},
        }
        return RoomGetStateResponse([member], room_id)


BUSY = {
    "!talk:localhost": ([_event("@ann:localhost", 1)], False),
    "!gap:localhost": ([_event(BOT, 2)], True),
    "!echo:localhost": ([_event(BOT, 3)], False),  # only our own echo: no state needed
    "!new:localhost": ([_own_join(4), _event("@ann:localhost", 5)], False),  # full state came
}


def started(token: str | None, delay: float = 0.01) -> tuple[Client, FirstSync]:
    """A client whose /sync answers BUSY after `delay` s, its first sync asked for early."""
    client = Client(_sync(BUSY))
    client.delay = delay
    first = FirstSync(client, RoomStates(client))
    first.start(token)
    return client, first


async def eventually(predicate: Callable[[], bool], within: float = 10.0) -> None:
    """Wait for `predicate` (not a fixed time: a loaded machine may be slow to get there)."""
    async with asyncio.timeout(within):
        while True:
            if predicate():
                return
            await asyncio.sleep(0.01)


async def test_the_loops_first_sync_is_the_one_asked_for_early_with_its_rooms_state() -> None:
    client = Client(_sync(BUSY))
    states = RoomStates(client)
    first = FirstSync(client, states)
    first.start("s1")
    # While the handlers are still loading, the answer and the rooms' states come in.
    await eventually(lambda: len(client.states) == 2)
    assert len(client.syncs) == 1
    assert client.syncs[0]["since"] == "s1" and client.syncs[0]["timeout"] == 0
    # Only the rooms the sync loop will judge, not those with our echo or our new join.
    assert sorted(client.states) == ["!gap:localhost", "!talk:localhost"]

    # The sync loop's first call (bot/syncer.py: timeout 0, the stored token).
    response = await client.sync(timeout=0, since="s1", full_state=None)
    assert response is client.batch and first.taken
    assert len(client.syncs) == 1, "the first sync was asked for twice"
    await states.ensure(["!talk:localhost", "!gap:localhost"])
    assert len(client.states) == 2, "a prefetched room's state was asked for again"
    # Later calls go to the homeserver as always.
    await client.sync(timeout=30_000, since="s2")
    assert [call["since"] for call in client.syncs] == ["s1", "s2"]
    await client.close()


async def test_the_loop_waits_for_a_first_sync_still_under_way() -> None:
    client, _first = started("s1", delay=0.2)
    response = await client.sync(timeout=0, since="s1", full_state=None)
    assert response is client.batch and len(client.syncs) == 1
    await client.close()


async def test_a_different_first_call_asks_the_homeserver_itself() -> None:
    client, first = started("s1")
    await asyncio.sleep(0)  # the early request is out
    await client.sync(timeout=0, since="s0", full_state=None)  # another token
    assert [call["since"] for call in client.syncs] == ["s1", "s0"]
    assert not first.taken
    assert "sync" not in client.__dict__  # the client's own method again
    await client.close()


async def test_without_a_token_the_full_state_sync_is_taken_and_no_state_fetched() -> None:
    client, first = started(None)
    await asyncio.sleep(0.05)
    assert client.syncs[0]["full_state"] is True
    assert client.states == []  # the full-state sync brought every room's state
    await client.sync(timeout=0, since=None, full_state=True)
    assert first.taken and len(client.syncs) == 1
    await client.close()


async def test_a_stop_before_the_loop_asks_cancels_the_early_sync() -> None:
    client, first = started("s1", delay=5)
    await asyncio.sleep(0.01)
    first.cancel()
    assert "sync" not in client.__dict__
    await client.close()


async def test_a_failed_prefetch_is_asked_again_by_the_loop_and_fails_there() -> None:
    from bot.backfill import BatchAborted

    client = Client(_sync({"!busy:localhost": ([_event("@ann:localhost", 1)], False)}))
    client.refuse = {"!busy:localhost"}
    states = RoomStates(client)
    states.prefetch(client.batch, BOT)
    await asyncio.sleep(0.1)  # failed in the background, without an error escaping
    assert client.states == ["!busy:localhost"]
    with pytest.raises(BatchAborted):  # the sync loop's own ensure: the batch is replayed
        await states.ensure(["!busy:localhost"])
    assert client.states == ["!busy:localhost", "!busy:localhost"]
    await client.close()


def test_gc_is_paused_until_resumed_and_what_was_built_is_frozen() -> None:
    assert gc.isenabled()
    frozen = gc.get_freeze_count()
    startup.pause_gc()
    try:
        assert not gc.isenabled()
        built = [object() for _ in range(10)]
    finally:
        startup.resume_gc()
    assert gc.isenabled() and gc.get_freeze_count() > frozen and built
    startup.resume_gc()  # a second resume changes nothing
    assert gc.isenabled()
    gc.unfreeze()


def _loaded_after(code: str) -> set[str]:
    result = subprocess.run(
        [sys.executable, "-c", f"{code}\nimport sys\nprint('\\n'.join(sorted(sys.modules)))"],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        cwd=ROOT,
        check=True,
    )
    return set(result.stdout.split())


def _within(loaded: set[str], *packages: str) -> list[str]:
    return sorted(m for m in loaded if any(m == p or m.startswith(p + ".") for p in packages))


def test_before_run_bot_pauses_gc_nothing_heavy_is_loaded() -> None:
    """What `knooppunt run` imports before `run_bot` pauses garbage collection: the
    command line, the settings (pydantic) and the entry module; not nio, SQLAlchemy,
    the handlers, nor `cryptography`."""
    loaded = _loaded_after(
        "import bot.cli.main, bot.config, bot.logging_setup, bot.app\n"
        "bot.config.load_settings(None)"
    )
    assert "bot.app" in loaded and "pydantic" in loaded
    heavy = ("nio", "sqlalchemy", "aiohttp", "commands", "knowledge", "cryptography", "bot.runner")
    assert _within(loaded, *heavy) == []


def test_without_encryption_the_bot_loads_no_cross_signing() -> None:
    loaded = _loaded_after(
        "import bot.runner, bot.startup\nbot.startup.load_handlers()\n"
        "from bot.config import Settings\n"
        "s = Settings(homeserver='http://127.0.0.1:9', user_id='@b:x', password='p', "
        "encryption=False, data_dir=__import__('tempfile').mkdtemp())\n"
        "bot.runner.make_client(s)"
    )
    assert "bot.syncer" in loaded and "commands.dispatcher" in loaded
    assert _within(loaded, "cryptography", "bot.cross_signing", "bot.device_trust") == []
    # Nor what only some commands or the HTTP server need (see test_load_paths.py).
    assert _within(loaded, "numpy", "bm25s", "markdown_it", "aiohttp.web", "bot.http") == []
