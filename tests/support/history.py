"""Count the bot's replies from the homeserver's history, not from a client's sync.

Under load a client's syncs come back limited (ten events per room), and a
person's client does not fill those gaps: counting what it happened to see
would report replies as lost that were sent. The room's full history is what
counts.
"""

from __future__ import annotations

import asyncio
import time

from nio import RoomMessagesResponse

from tests.support.human import Human


async def reply_counts(human: Human, rooms: list[str], bot_user: str) -> dict[str, int]:
    """Replies by the bot per source event, read from the homeserver's full history.

    A client's own sync is no use for counting under overload: its timelines
    come back limited too, and a person's client does not fill the gaps.
    """
    counts: dict[str, int] = {}
    for room in rooms:
        token = human.client.next_batch
        for _ in range(1000):
            response = await human.client.room_messages(room, start=token, limit=1000)
            if not isinstance(response, RoomMessagesResponse):
                raise RuntimeError(f"cannot read {room}: {response}")
            for event in response.chunk:
                if event.sender != bot_user:
                    continue
                relates = event.source.get("content", {}).get("m.relates_to") or {}
                source = (relates.get("m.in_reply_to") or {}).get("event_id")
                if isinstance(source, str):
                    counts[source] = counts.get(source, 0) + 1
            if not response.chunk or not response.end or response.end == token:
                break
            token = response.end
    return counts


async def settle_counts(
    human: Human, rooms: list[str], bot_user: str, commands: list[str], patience: float
) -> dict[str, int]:
    """Poll until every command has a reply (or patience runs out), then count once more."""
    deadline = time.monotonic() + patience
    counts = await reply_counts(human, rooms, bot_user)
    while time.monotonic() < deadline and not all(counts.get(e) for e in commands):
        await asyncio.sleep(5)
        counts = await reply_counts(human, rooms, bot_user)
    await asyncio.sleep(3)  # a late duplicate would show up now
    return await reply_counts(human, rooms, bot_user)
