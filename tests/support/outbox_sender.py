"""The outbox sender run for a test: no homeserver (the test's client takes the sends),
a backoff of milliseconds, a fixed number of wakes."""

from __future__ import annotations

import asyncio

from bot.backoff import Backoff
from bot.sender import OutboxSender
from storage import outbox
from storage.engine import Database


async def run_rounds(sender: OutboxSender, rounds: int) -> None:
    """Run `sender` for `rounds` wakes 10 ms apart, then stop it."""
    sender._backoff = Backoff(initial=0.001, maximum=0.002)
    sender.ready.set()
    stop = asyncio.Event()
    task = asyncio.create_task(sender.run(stop))
    for _ in range(rounds):
        sender.wake()
        await asyncio.sleep(0.01)
    stop.set()
    await task


async def pending_rooms(db: Database) -> list[str]:
    """The rooms of the rows still waiting in the outbox."""
    async with db.session() as session:
        return [row.room_id for row in await outbox.pending(session)]
