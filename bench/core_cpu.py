"""CPU of the exactly-once core alone: `process_message` for `!help` over 100 rooms.

The part of bench/load.py's sustained case the bot adds to a bare matrix-nio client
(claim the event, dispatch, queue the reply, commit), without a homeserver: process
CPU (every thread, aiosqlite's included) per event on a SQLite file, the dispatcher
as the bot builds it (no savepoints). Five rounds of --events; the smallest is the
figure (the others carry the machine's noise). For old against new code, run it from
each checkout's directory in turn, with PYTHONPATH set to it as well: `python -m` puts
the current directory first on sys.path, before PYTHONPATH, so run from one worktree it
measures that worktree's code whatever PYTHONPATH says.

    .venv/bin/python -m bench.core_cpu [--events 500] [--profile cumulative]
    (cd /tmp/old && PYTHONPATH=/tmp/old /path/to/.venv/bin/python -m bench.core_cpu)
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import gc
import pstats
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from bot.handling import process_message
from commands.builtin import build_dispatcher
from commands.dispatcher import CommandSettings, Dispatcher
from commands.message import Message, Relation
from storage import rooms as room_repo
from storage.engine import Database, default_sqlite_url
from storage.ids import EventId, RoomId, UserId
from tests.support.chat import plain_view

ROOMS = [RoomId(f"!room{i}:bench") for i in range(100)]
ROUNDS = 5


async def _one(db: Database, dispatcher: Dispatcher, index: int) -> None:
    message = Message(
        EventId(f"$e{index}"),
        ROOMS[index % len(ROOMS)],
        UserId("@someone:bench"),
        "!help",
        datetime.now(UTC),
        relation=Relation(),
    )
    assert await process_message(db, dispatcher, message, plain_view) is not None


async def main(events: int, profile: str | None) -> None:
    with tempfile.TemporaryDirectory() as folder:
        db = Database(default_sqlite_url(Path(folder)))
        await db.migrate()
        dispatcher = build_dispatcher(CommandSettings(bot_user_id="@bot:bench"), savepoints=False)
        async with db.transaction() as session:
            for room in ROOMS:
                await room_repo.ensure(session, room)
        for index in range(300):  # warm: caches, compiled statements
            await _one(db, dispatcher, index)
        gc.collect()
        rounds = []
        for round_ in range(ROUNDS):
            began = time.process_time()
            for index in range(events):
                await _one(db, dispatcher, 1000 + round_ * events + index)
            rounds.append((time.process_time() - began) * 1000 / events)
        shown = " ".join(f"{ms:.3f}" for ms in rounds)
        print(f"CPU per event (ms), {ROUNDS} rounds of {events}: {shown}; least {min(rounds):.3f}")
        if profile:
            profiler = cProfile.Profile(time.thread_time)
            profiler.enable()
            for index in range(events):
                await _one(db, dispatcher, 100_000 + index)
            profiler.disable()
            pstats.Stats(profiler).sort_stats(profile).print_stats(40)
        await db.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=500)
    parser.add_argument("--profile", help="also print a cProfile (sort key, e.g. tottime)")
    args = parser.parse_args()
    asyncio.run(main(args.events, args.profile))
