"""The health, metrics and portal server starts after the first sync batch (bot/runner.py).

Loading aiohttp.web, the portal and its templates is CPU work that the first reply
after a restart would otherwise wait for. So the server comes up once the first
batch has been handled, and at the latest `HTTP_WAIT` seconds after the start, so
that /healthz answers (503 then) even when the homeserver does not.

The bot runs in this process against a stand-in homeserver: the login is skipped
and the first /sync answers only when the test lets it.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest
from nio import AsyncClient, SyncResponse
from nio.responses import DeviceList, DeviceOneTimeKeyCount, Rooms

import bot.runner
import bot.syncer
from bot.config import ConfigError, Settings
from bot.runner import Bot
from tests.support.ports import free_port, port_open

USER = "@bot:localhost"


class Homeserver:
    """The first /sync waits for `release`; the long polls after it never answer."""

    def __init__(self) -> None:
        self.release = asyncio.Event()
        self.asked = asyncio.Event()

    async def sync(self, *_args: Any, **_kwargs: Any) -> SyncResponse:
        self.asked.set()
        await self.release.wait()
        empty = Rooms({}, {}, {})
        return SyncResponse(
            "s1", empty, DeviceOneTimeKeyCount(None, None), DeviceList([], []), [], []
        )

    async def long_poll(self, *_args: Any, **_kwargs: Any) -> Any:
        await asyncio.Event().wait()


@pytest.fixture
def homeserver(monkeypatch: pytest.MonkeyPatch) -> Homeserver:
    server = Homeserver()

    async def logged_in(client: AsyncClient, *_args: Any) -> None:
        client.restore_login(USER, "DEVICE", "token")

    async def sync(_client: AsyncClient, *args: Any, **kwargs: Any) -> SyncResponse:
        return await server.sync(*args, **kwargs)

    monkeypatch.setattr(bot.runner, "establish", logged_in)
    monkeypatch.setattr(AsyncClient, "sync", sync)
    monkeypatch.setattr(bot.syncer, "trusted_sync", server.long_poll)
    return server


def _settings(data_dir: Path, port: int) -> Settings:
    """A bot of the stand-in homeserver, its HTTP server on `port`."""
    return Settings(
        homeserver="http://127.0.0.1:9",
        user_id=USER,
        password="p",
        encryption=False,
        data_dir=data_dir,
        http_listen=f"127.0.0.1:{port}",
        metrics_listen="",
    )


@pytest.fixture
async def running(tmp_path: Path) -> AsyncIterator[Callable[[int], Bot]]:
    """Starts a bot listening on the given port; stops it (and any error) at the end."""
    tasks: list[asyncio.Task[None]] = []

    def start(port: int) -> Bot:
        started = Bot(_settings(tmp_path, port))
        tasks.append(asyncio.create_task(started.run()))
        return started

    yield start
    for task in tasks:
        task.cancel()
        with pytest.raises((asyncio.CancelledError, ConfigError)):
            await task


async def _within(seconds: float, predicate: Callable[[], bool]) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if await asyncio.to_thread(predicate):
            return True
        await asyncio.sleep(0.05)
    return False


async def test_the_server_waits_for_the_first_batch(
    homeserver: Homeserver,
    running: Callable[[int], Bot],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setattr(bot.runner, "HTTP_WAIT", 60.0)
    caplog.set_level("INFO", logger="bot.runner")
    port = free_port()
    running(port)
    await asyncio.wait_for(homeserver.asked.wait(), 30)
    assert await _within(30, lambda: "handlers loaded" in caplog.text)
    # Everything is wired and the first sync is under way: no server yet.
    assert not await _within(1.0, lambda: port_open(port))
    homeserver.release.set()
    assert await _within(10, lambda: port_open(port))


async def test_without_a_first_batch_the_server_comes_up_after_http_wait(
    homeserver: Homeserver, running: Callable[[int], Bot], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bot.runner, "HTTP_WAIT", 1.0)
    port = free_port()
    running(port)
    await asyncio.wait_for(homeserver.asked.wait(), 30)
    assert await _within(15, lambda: port_open(port))  # the sync never answered


async def test_a_port_in_use_still_stops_the_bot(
    homeserver: Homeserver, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import socket

    monkeypatch.setattr(bot.runner, "HTTP_WAIT", 0.5)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(ConfigError):
            await asyncio.wait_for(Bot(_settings(tmp_path, port)).run(), 30)
