"""The sync loop under stress: nothing lost when timestamps lie, nothing silent, nobody starved.

Issue "trust", points 4, 9 and 14.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import World
from tests.support.appservice import AppserviceSynapse
from tests.support.history import settle_counts
from tests.support.human import Human

pytestmark = pytest.mark.integration


@pytest.fixture
def as_synapse(tmp_path: Path, signing_key_cache: Path) -> Iterator[AppserviceSynapse]:
    server = AppserviceSynapse(tmp_path / "synapse-as")
    server.generate_key(signing_key_cache)
    server.start()
    yield server
    server.stop()


async def _room_with_bot(world: World, human: Human, **kwargs: bool) -> str:
    room = await human.create_room(invite=[world.bot_user], **kwargs)
    await human.wait_joined(room, world.bot_user)
    assert await human.wait_until(lambda: bool(human.from_sender(world.bot_user, room)), 30)
    return room


# ---------------------------------------------------------------- point 4


async def test_gap_event_stored_later_but_stamped_earlier_is_answered(
    as_synapse: AppserviceSynapse, tmp_path: Path
) -> None:
    """Storage order, not `origin_server_ts`, decides what the catch-up fetch must cover."""
    world = World(as_synapse, tmp_path / "world")
    try:
        bot = world.bot()
        bot.start()
        alice = await world.human("alice")
        room = await _room_with_bot(world, alice)
        await alice.client.room_invite(room, as_synapse.forger)
        await asyncio.to_thread(as_synapse.as_join, room)
        first = await alice.send(room, "!help")
        assert await alice.wait_until(lambda: bool(alice.replies_to(first, world.bot_user)), 30)
        newest_seen_ts = await asyncio.to_thread(as_synapse.event_ts, room, first)

        assert bot.terminate() == 0, bot.log()[-2000:]
        # Stored after everything the bot has seen, stamped a minute before it.
        forged = await asyncio.to_thread(as_synapse.as_send, room, "!help", newest_seen_ts - 60_000)
        # More than a sync timeline holds, so the forged command lands in the gap.
        later = [await alice.send(room, "!hulp") for _ in range(15)]
        bot.start()
        commands = [forged, *later]
        replies = await settle_counts(alice, [room], world.bot_user, commands, 60)
        missing = [e for e in commands if not replies.get(e)]
        doubled = [e for e in commands if replies.get(e, 0) > 1]
        assert "back-filled" in bot.log()
        assert not missing and not doubled, (
            f"forged lost: {forged in missing}",
            len(missing),
            len(doubled),
            bot.log()[-3000:],
        )
    finally:
        await world.close()


# ---------------------------------------------------------------- point 9


async def test_encrypted_message_to_a_bot_without_encryption_gets_one_notice(
    world: World,
) -> None:
    bot = world.bot(KNOOPPUNT_ENCRYPTION="false")
    bot.start()
    alice = await world.human("alice", encryption=True)
    room = await _room_with_bot(world, alice, encrypted=True, direct=True)

    def notices() -> list[str]:
        return [
            s.body
            for s in alice.from_sender(world.bot_user, room)
            if "kan geen versleutelde" in s.body
        ]

    started = time.monotonic()
    await alice.send(room, "!help")
    assert await alice.wait_until(lambda: bool(notices()), 45), bot.log()[-3000:]
    # At once, not after the 60 s grace for keys that may still come: 30 s tells them
    # apart and leaves a loaded 2-core CI machine room for its sync round trips.
    assert time.monotonic() - started < 30
    await alice.send(room, "!hulp")
    await alice.send(room, "nog een vraag")
    await asyncio.sleep(3)
    assert len(notices()) == 1, notices()

    # Exactly once across restarts too.
    assert bot.terminate() == 0
    bot.start()
    assert bot.wait_for_log("running as", timeout=30)
    await alice.send(room, "!help")
    await asyncio.sleep(4)
    assert len(notices()) == 1, (notices(), bot.log()[-2000:])
    assert "cannot read encrypted messages" in bot.log()


# ---------------------------------------------------------------- point 14


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


async def test_one_users_flood_does_not_slow_another_room(world: World) -> None:
    bot = world.bot()
    bot.start()
    flooder = await world.human("flooder")
    bystander = await world.human("bystander")
    flood_room = await _room_with_bot(world, flooder)
    quiet_room = await _room_with_bot(world, bystander)

    flood: list[str] = []

    async def send_flood() -> None:
        # One client sending as fast as the homeserver takes it, as the reported flood did.
        for _ in range(150):
            flood.append(await flooder.send(flood_room, "!help"))

    latencies: list[float] = []  # from the send until the reply
    after_stored: list[float] = []  # from "stored by the homeserver" until the reply

    async def ask() -> None:
        start = time.monotonic()
        event_id = await bystander.send(quiet_room, "!hulp")
        stored = time.monotonic()
        assert await bystander.wait_until(
            lambda: bool(bystander.replies_to(event_id, world.bot_user)), 60
        )
        reply_at = bystander.replies_to(event_id, world.bot_user)[0].at
        latencies.append(reply_at - start)
        after_stored.append(reply_at - stored)

    # The bystander's latency without a flood, on this machine, right now.
    for _ in range(6):
        await ask()
        await asyncio.sleep(0.2)
    idle_p95 = _p95(after_stored)
    latencies.clear()
    after_stored.clear()

    flooding = asyncio.create_task(send_flood())
    await asyncio.sleep(0.5)
    for _ in range(12):
        await ask()
        await asyncio.sleep(0.2)
    await flooding
    replies = await settle_counts(flooder, [flood_room], world.bot_user, flood, 120)
    missing = [e for e in flood if not replies.get(e)]
    doubled = [e for e in flood if replies.get(e, 0) > 1]
    assert len(flood) == 150 and not missing and not doubled, (len(missing), len(doubled))
    # The bound is on what the flood costs the bystander, counted from the moment
    # the homeserver had the question: under 1 s on top of the idle p95. (On a
    # loaded test machine every homeserver round trip slows down, flood or not;
    # bench/flood.py reports the whole round trip and the plain 1 s target.)
    # Before the fix the flood's replies went first: p95 6-7 s.
    assert _p95(after_stored) < idle_p95 + 1.0, (
        f"bystander p95 {_p95(after_stored):.2f}s after stored (idle {idle_p95:.2f}s), "
        f"{_p95(latencies):.2f}s from the send; median {statistics.median(latencies):.2f}s",
        [round(x, 2) for x in after_stored],
    )
