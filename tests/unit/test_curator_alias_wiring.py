"""The start's wiring of the `curator_room` alias retry (leftovers5's gap, session 14).

bot/curator_alias.py is tested on its own (tests/unit/test_curator_alias_retry.py), and
the sender's handling of rows for an unresolved alias too; nothing failed when the
runner stopped starting the retry or stopped handing the dispatcher's curator room to
the sender. Here the whole bot starts (in this process, against a stand-in homeserver
whose alias lookup fails at the start and twice more): the dispatcher and the sender
must end up with the room id, and the sender must know the alias its early posts were
queued to."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from nio import AsyncClient, RoomResolveAliasError, RoomResolveAliasResponse, SyncResponse

import bot.curator_alias
import bot.runner
import bot.syncer
from bot.config import Settings
from bot.runner import Bot, Handlers
from bot.sender import OutboxSender

USER = "@bot:localhost"
ALIAS = "#redactie:localhost"
ROOM = "!kcio:localhost"


class _Homeserver:
    """Logs in without a homeserver; no sync ever answers; the alias resolves on the
    fourth lookup (the start's and two retries fail)."""

    def __init__(self) -> None:
        self.lookups = 0

    async def resolve(self, alias: str) -> Any:
        self.lookups += 1
        if self.lookups <= 3:
            return RoomResolveAliasError("M_NOT_FOUND")
        return RoomResolveAliasResponse(alias, ROOM, ["localhost"])


async def _never(*_args: Any, **_kwargs: Any) -> SyncResponse:
    await asyncio.Event().wait()
    raise AssertionError("unreachable")


@pytest.fixture
def homeserver(monkeypatch: pytest.MonkeyPatch) -> _Homeserver:
    server = _Homeserver()

    async def logged_in(client: AsyncClient, *_args: Any) -> None:
        client.restore_login(USER, "DEVICE", "token")

    async def sync(_client: AsyncClient, *args: Any, **kwargs: Any) -> SyncResponse:
        return await _never()

    monkeypatch.setattr(bot.runner, "establish", logged_in)
    monkeypatch.setattr(AsyncClient, "sync", sync)

    async def resolve(_client: AsyncClient, alias: str) -> Any:
        return await server.resolve(alias)

    monkeypatch.setattr(AsyncClient, "room_resolve_alias", resolve)
    monkeypatch.setattr(bot.syncer, "trusted_sync", _never)
    monkeypatch.setattr(bot.curator_alias, "RETRY_SECONDS", 0.05)
    return server


async def _within(seconds: float, predicate: Callable[[], bool]) -> bool:
    for _ in range(int(seconds / 0.05)):
        if predicate():
            return True
        await asyncio.sleep(0.05)
    return predicate()


async def test_the_start_keeps_resolving_the_curator_alias_and_hands_the_room_on(
    homeserver: _Homeserver, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assembled: list[Handlers] = []
    assemble = Bot._assemble

    def keep(self: Bot) -> Handlers:
        assembled.append(assemble(self))
        return assembled[-1]

    monkeypatch.setattr(Bot, "_assemble", keep)
    told: list[bool] = []
    monkeypatch.setattr(OutboxSender, "curator_room_resolved", lambda _self: told.append(True))
    settings = Settings(
        homeserver="http://127.0.0.1:9",
        user_id=USER,
        password="p",
        encryption=False,
        data_dir=tmp_path,
        http_listen="",
        curator_room=ALIAS,
    )
    task = asyncio.create_task(Bot(settings).run())
    try:
        assert await _within(30, lambda: homeserver.lookups >= 1), "the start never looked"
        handlers = assembled[0]
        assert handlers.sender.curator_alias == ALIAS
        assert await _within(10, lambda: handlers.dispatcher.settings.curator_room == ROOM), (
            homeserver.lookups,
            handlers.dispatcher.settings.curator_room,
        )
        assert handlers.sender.curator_room() == ROOM
        assert told == [True]  # its waiting posts go now, not at their next look
        assert homeserver.lookups == 4
    finally:
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
