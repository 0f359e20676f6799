"""`curator_room` as an alias that did not resolve at the start stayed the alias for
the whole run: a question's notice for the curators was queued to `#redactie:x` (no
room id, never sent). The start now keeps trying and the dispatcher reads the room id
once it resolves."""

from __future__ import annotations

import asyncio

from nio import RoomResolveAliasError, RoomResolveAliasResponse

from bot.curator_alias import keep_resolving

ALIAS = "#redactie:x"


class _Client:
    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.asked = 0

    async def room_resolve_alias(self, alias: str) -> object:
        self.asked += 1
        if self.asked <= self.failures:
            return RoomResolveAliasError("M_NOT_FOUND")
        return RoomResolveAliasResponse(alias, "!kcio:x", ["x"])


async def test_the_alias_is_tried_again_until_it_resolves() -> None:
    found: list[str] = []
    client = _Client(failures=2)
    await asyncio.wait_for(keep_resolving(client, ALIAS, asyncio.Event(), found.append, 0.001), 2)
    assert found == ["!kcio:x"] and client.asked == 3


async def test_a_stop_ends_the_tries() -> None:
    stop = asyncio.Event()
    stop.set()
    found: list[str] = []
    await asyncio.wait_for(keep_resolving(_Client(99), ALIAS, stop, found.append, 0.001), 2)
    assert found == []
