"""One user's flood against everyone else: does a bystander in another room still get served?

First an idle run: a bystander asks `!hulp` in their own room, one question at
a time, and we time each reply (from before the send until the reply arrives).
Then the same while another user floods their room with --flood commands, sent
one after the other as fast as the homeserver takes them. Prints median and
p95 of both runs, their ratio, and whether every flood command was answered
exactly once. Target: bystander p95 under 1 s during the flood, nothing lost.

    .venv/bin/python -m bench.flood [--flood 300] [--asks 20]

Bounded (a fixed number of messages, then at most --settle seconds of waiting),
127.0.0.1 only. Exit status 1 when the target is missed or a command was lost
or doubled.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time

from bench.roundtrip import p95
from bench.synapse_world import synapse_world
from tests.support.history import settle_counts
from tests.support.human import Human

STORED: list[float] = []  # per question: from "stored by the homeserver" to the reply


async def ask(bystander: Human, room: str, bot_user: str) -> float:
    """Seconds from before the bystander's send until the reply arrives."""
    start = time.monotonic()
    event_id = await bystander.send(room, "!hulp")
    stored = time.monotonic()
    if not await bystander.wait_until(lambda: bool(bystander.replies_to(event_id, bot_user)), 60):
        return float("inf")
    reply_at = bystander.replies_to(event_id, bot_user)[0].at
    STORED.append(reply_at - stored)
    return reply_at - start


def line(name: str, values: list[float]) -> str:
    return (
        f"  {name:<22}: median {statistics.median(values) * 1000:7.0f} ms   "
        f"p95 {p95(values) * 1000:7.0f} ms   max {max(values) * 1000:7.0f} ms   (n={len(values)})"
    )


async def run(flood_size: int, asks: int, settle: float) -> int:
    async with synapse_world("flood") as (server, world, _):
        bot = world.bot(
            KNOOPPUNT_ENCRYPTION="false",
            KNOOPPUNT_LOG_LEVEL=__import__("os").environ.get("KNOOPPUNT_BENCH_LOG", "INFO"),
        )
        bot.start()
        flooder = await world.human("flooder")
        bystander = await world.human("bystander")
        server.lift_rate_limit(flooder.user_id)
        rooms = []
        for human in (flooder, bystander):
            room = await human.create_room(invite=[world.bot_user])
            await human.wait_joined(room, world.bot_user)
            assert await human.wait_until(
                lambda h=human, r=room: bool(h.from_sender(world.bot_user, r))
            )
            rooms.append(room)
        flood_room, quiet_room = rooms

        for _ in range(3):  # warm up
            await ask(bystander, quiet_room, world.bot_user)
        idle = []
        STORED.clear()
        for _ in range(asks):
            idle.append(await ask(bystander, quiet_room, world.bot_user))
            await asyncio.sleep(0.2)

        flood: list[str] = []

        async def send_flood() -> None:
            for _ in range(flood_size):
                flood.append(await flooder.send(flood_room, "!help"))

        started = time.monotonic()
        flooding = asyncio.create_task(send_flood())
        await asyncio.sleep(0.5)
        idle_stored = list(STORED)
        STORED.clear()
        during = []
        # Ask throughout the flood (and at least `asks` times).
        while not flooding.done() or len(during) < asks:
            during.append(await ask(bystander, quiet_room, world.bot_user))
            await asyncio.sleep(0.2)
        await flooding
        flood_sent = time.monotonic() - started
        replies = await settle_counts(flooder, [flood_room], world.bot_user, flood, settle)
        counts = [replies.get(e, 0) for e in flood]
        once = sum(1 for n in counts if n == 1)
        lost = sum(1 for n in counts if n == 0)
        doubled = sum(1 for n in counts if n > 1)
        print(
            f"flood vs. bystander, Synapse on 127.0.0.1; flood of {len(flood)} commands "
            f"from one user, sent in {flood_sent:.1f} s"
        )
        print(line("bystander, idle", idle))
        print(line("bystander, flood", during))
        # The same, counted from the moment the homeserver had stored the question
        # (its send returned): what is left when the bystander's own send is slow.
        print(line("  after stored, idle", idle_stored))
        print(line("  after stored, flood", list(STORED)))
        ratio_median = statistics.median(during) / statistics.median(idle)
        print(
            f"  ratio flood/idle      : median {ratio_median:.2f}x   p95 "
            f"{p95(during) / p95(idle):.2f}x"
        )
        print(f"  flood answered once   : {once}   lost: {lost}   doubled: {doubled}")
        ok = p95(during) < 1.0 and lost == 0 and doubled == 0
        print(f"  target (p95 < 1 s, nothing lost or doubled): {'met' if ok else 'MISSED'}")
        return 0 if ok else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--flood", type=int, default=300, help="commands in the flood")
    parser.add_argument("--asks", type=int, default=20, help="bystander questions per run")
    parser.add_argument("--settle", type=float, default=180.0, help="max wait for replies")
    args = parser.parse_args()
    sys.exit(asyncio.run(run(args.flood, args.asks, args.settle)))
