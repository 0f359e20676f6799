"""`curator_room` given as an alias that did not resolve at the start: tried again.

Until it resolves, the bot knows the curator room by its alias only: a question's notice
for the curators would be queued to the alias (no room id, never sent) and the sender
cannot tell the curator room's waiting posts from others (bot/sender.py keeps those
waiting). So the start keeps trying, and once the alias resolves the dispatcher reads
the room id from then on.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

from nio import RoomResolveAliasResponse

from bot.backoff import NETWORK_ERRORS, sleep_unless

log = logging.getLogger("knooppunt.config")

RETRY_SECONDS = 30.0


async def keep_resolving(
    client: Any,
    alias: str,
    stop: asyncio.Event,
    resolved: Callable[[str], None],
    every: float | None = None,
) -> None:
    """Resolve `alias` every `every` seconds (`RETRY_SECONDS`) until it resolves (then
    `resolved(room_id)`) or `stop` is set."""
    while not await sleep_unless(stop, RETRY_SECONDS if every is None else every):
        try:
            response = await client.room_resolve_alias(alias)
        except NETWORK_ERRORS:
            continue
        if isinstance(response, RoomResolveAliasResponse):
            log.warning("curator_room: %s resolves now, to %s", alias, response.room_id)
            resolved(response.room_id)
            return
