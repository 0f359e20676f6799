"""Sustained overload through a real Synapse: is every command answered exactly once?

Several people send `!help` into shared rooms at a fixed rate (default 50 per
second for 60 s), from concurrent clients, so the homeserver's storage order
and the events' timestamps disagree now and then and the bot's syncs come back
limited (the catch-up fetch must then cover every gap). When the run is over it
waits for the replies and counts, for every command: answered exactly once,
lost (no reply) or doubled (more than one).

    .venv/bin/python -m bench.overload [--rate 50] [--seconds 60] [--rooms 2] [--people 4]

Bounded: it stops by itself (sending for --seconds, then at most --settle
seconds of waiting). Everything listens on 127.0.0.1 only. Exit status 1 when
anything was lost or doubled.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time

from bench.synapse_world import synapse_world
from tests.conftest import World
from tests.support.history import settle_counts
from tests.support.human import Human


async def setup(world: World, rooms: int, people: int) -> tuple[list[Human], list[str]]:
    humans = [await world.human(f"load{index}") for index in range(people)]
    owner = humans[0]
    room_ids = []
    for index in range(rooms):
        room = await owner.create_room(
            invite=[world.bot_user, *(h.user_id for h in humans[1:])], name=f"load {index}"
        )
        for human in humans[1:]:
            await human.join(room)
        await owner.wait_joined(room, world.bot_user)
        room_ids.append(room)
    assert await owner.wait_until(
        lambda: all(owner.from_sender(world.bot_user, r) for r in room_ids), 60
    ), "no greeting"
    for human in humans:
        world.server.lift_rate_limit(human.user_id)
    return humans, room_ids


async def run(rate: float, seconds: float, rooms: int, people: int, settle: float) -> int:
    async with synapse_world("overload") as (_, world, _):
        bot = world.bot(KNOOPPUNT_ENCRYPTION="false")
        bot.start()
        humans, room_ids = await setup(world, rooms, people)
        owner = humans[0]
        total = int(rate * seconds)
        commands: list[str] = []
        failed_sends = 0

        async def one(index: int) -> None:
            nonlocal failed_sends
            human = humans[index % len(humans)]
            try:
                commands.append(await human.send(room_ids[index % len(room_ids)], "!help"))
            except Exception:
                failed_sends += 1

        started = time.monotonic()
        sends: list[asyncio.Task[None]] = []
        for index in range(total):
            # A fixed schedule, not "one after the other": overload means arrivals
            # do not wait for the bot (or the homeserver) to keep up.
            delay = started + index / rate - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            sends.append(asyncio.create_task(one(index)))
        await asyncio.gather(*sends)
        sent_for = time.monotonic() - started
        replies = await settle_counts(owner, room_ids, world.bot_user, commands, settle)
        answered_for = time.monotonic() - started
        counts = [replies.get(e, 0) for e in commands]
        once = sum(1 for n in counts if n == 1)
        lost = sum(1 for n in counts if n == 0)
        doubled = sum(1 for n in counts if n > 1)
        log = bot.log()
        print(
            f"sustained overload: {rate:g}/s asked for {seconds:g} s, {len(room_ids)} rooms, "
            f"{len(humans)} senders, Synapse on 127.0.0.1"
        )
        print(
            f"  commands sent        : {len(commands)} in {sent_for:.1f} s "
            f"({len(commands) / sent_for:.1f}/s achieved; {failed_sends} send(s) failed)"
        )
        print(f"  answered exactly once: {once}")
        print(f"  lost                 : {lost}")
        print(f"  doubled              : {doubled}")
        print(f"  all answered after   : {answered_for:.1f} s from the first send")
        print(f"  limited syncs back-filled: {log.count('back-filled')}")
        return 0 if lost == 0 and doubled == 0 and failed_sends == 0 else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--rate", type=float, default=50.0, help="commands per second")
    parser.add_argument("--seconds", type=float, default=60.0, help="how long to send")
    parser.add_argument("--rooms", type=int, default=2)
    parser.add_argument("--people", type=int, default=4)
    parser.add_argument("--settle", type=float, default=180.0, help="max wait for replies")
    args = parser.parse_args()
    sys.exit(asyncio.run(run(args.rate, args.seconds, args.rooms, args.people, args.settle)))
