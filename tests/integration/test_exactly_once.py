"""Restarts and crashes never lose or double a reply."""

from __future__ import annotations

import asyncio
import random
import time

import pytest

from tests.conftest import World
from tests.support.human import Human

pytestmark = pytest.mark.integration


async def _rooms_with_bot(world: World, alice: Human, count: int) -> list[str]:
    rooms = []
    for index in range(count):
        room = await alice.create_room(invite=[world.bot_user], name=f"room {index}")
        await alice.wait_joined(room, world.bot_user)
        rooms.append(room)
    # Wait for the greetings, so the rooms are fully set up on the bot side.
    assert await alice.wait_until(lambda: all(alice.from_sender(world.bot_user, r) for r in rooms))
    return rooms


def _reply_counts(alice: Human, bot_user: str, commands: list[str]) -> dict[str, int]:
    return {event_id: len(alice.replies_to(event_id, bot_user)) for event_id in commands}


async def _all_answered(
    alice: Human, bot_user: str, commands: list[str], timeout: float
) -> dict[str, int]:
    await alice.wait_until(lambda: all(alice.replies_to(e, bot_user) for e in commands), timeout)
    await asyncio.sleep(2)  # a late duplicate would show up now
    return _reply_counts(alice, bot_user, commands)


async def test_messages_sent_while_bot_is_down_are_answered_once_and_marked_late(
    world: World,
) -> None:
    bot = world.bot(KNOOPPUNT_LATE_AFTER_SECONDS="3")
    bot.start()
    alice = await world.human("alice")
    rooms = await _rooms_with_bot(world, alice, 3)

    assert bot.terminate() == 0, bot.log()[-2000:]
    assert "stopped" in bot.log()

    commands = []
    for index in range(50):
        commands.append(await alice.send(rooms[index % 3], "!help" if index % 2 else "!hulp"))
    await asyncio.sleep(4)  # older than the late threshold
    bot.start()
    counts = await _all_answered(alice, world.bot_user, commands, timeout=90)
    missing = [e for e, n in counts.items() if n == 0]
    doubled = [e for e, n in counts.items() if n > 1]
    assert not missing and not doubled, (len(missing), len(doubled), bot.log()[-3000:])
    # A timeline of ~17 events per room exceeds the sync limit: the gap was back-filled.
    assert "back-filled" in bot.log()
    late = alice.replies_to(commands[0], world.bot_user)[0]
    assert late.body.startswith("(Late reactie"), late.body


async def test_sigkill_in_the_middle_of_a_burst_answers_every_command_exactly_once(
    world: World,
) -> None:
    bot = world.bot()
    bot.start()
    alice = await world.human("alice")
    rooms = await _rooms_with_bot(world, alice, 3)

    commands: list[str] = []

    async def burst() -> None:
        for index in range(200):
            commands.append(
                await alice.send(rooms[index % 3], random.choice(["!help", "!hulp", "!hlep"]))
            )

    sender = asyncio.create_task(burst())
    # Kill the bot once it has answered part of the burst.
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        answered = sum(1 for e in list(commands) if alice.replies_to(e, world.bot_user))
        if answered >= 40:
            break
        await asyncio.sleep(0.05)
    bot.kill()
    killed_after = sum(1 for e in list(commands) if alice.replies_to(e, world.bot_user))
    assert 0 < killed_after < 200
    await sender
    bot.start()
    counts = await _all_answered(alice, world.bot_user, commands, timeout=120)
    missing = [e for e, n in counts.items() if n == 0]
    doubled = [e for e, n in counts.items() if n > 1]
    assert len(commands) == 200
    assert not missing and not doubled, (len(missing), len(doubled), bot.log()[-3000:])


async def test_a_second_instance_refuses_to_start(world: World) -> None:
    bot = world.bot()
    bot.start()
    assert bot.wait_for_log("running as", timeout=30), bot.log()
    second = world.bot(KNOOPPUNT_DATA_DIR=str(bot.workdir))
    second.workdir = bot.workdir.parent / "second"
    second.log_path = second.workdir / "bot.log"
    second.start()
    assert second.process is not None
    code = second.process.wait(timeout=30)
    second.process = None
    assert code == 2
    assert "another instance" in second.log()
    assert bot.running()
