"""Outside attack on the bot's room keys when members come and go (real Synapse).

The rooms are created as Element does (`private_chat`: history visibility `shared`), so a
member who comes back, or joins for the first time, is served the events sent before
by the homeserver: only the keys decide what they can read. A member who left must not
read what the bot said while they were gone (the bot's outbound session is replaced when
someone leaves); a newcomer must not read what the bot said before they joined.
"""

from __future__ import annotations

import asyncio

import pytest
from nio import MatrixRoom, MegolmEvent

from tests.conftest import World
from tests.integration.test_cross_signing import SIGNED_LOG, cross_signed_human
from tests.support.human import Human

pytestmark = pytest.mark.integration


def _watch_locked(human: Human, bot_user: str) -> list[str]:
    """Event ids of the bot's messages this person's client could not decrypt."""
    locked: list[str] = []

    async def on_encrypted(room: MatrixRoom, event: MegolmEvent) -> None:
        if event.sender == bot_user:
            locked.append(event.event_id)

    human.client.add_event_callback(on_encrypted, MegolmEvent)  # type: ignore[arg-type]
    return locked


async def _reply_to(world: World, human: Human, room_id: str, body: str) -> str:
    event_id = await human.send(room_id, body)
    assert await human.wait_until(lambda: bool(human.replies_to(event_id, world.bot_user)), 90)
    return human.replies_to(event_id, world.bot_user)[0].event_id


async def _fate(human: Human, locked: list[str], event_id: str) -> bool:
    """Whether `human` could decrypt `event_id` (waits until their client has seen it)."""

    def seen() -> bool:
        return event_id in locked or any(h.event_id == event_id for h in human.seen)

    assert await human.wait_until(seen, 30), f"{human.user_id} never saw {event_id}"
    await asyncio.sleep(2)  # a late room key would not change nio's verdict, but be fair
    return any(h.event_id == event_id for h in human.seen)


async def test_who_left_or_joined_later_reads_only_their_own_time(world: World) -> None:
    bot = world.bot()
    bot.start()
    assert bot.wait_for_log(SIGNED_LOG, 90), bot.log()[-3000:]
    liaison = await cross_signed_human(world, "liaison")
    leaver = await cross_signed_human(world, "leaver")
    room_id = await liaison.create_room([world.bot_user, leaver.user_id], encrypted=True)
    await liaison.wait_joined(room_id, world.bot_user, patience=60)
    await leaver.join(room_id)
    await liaison.wait_joined(room_id, leaver.user_id)
    leaver_locked = _watch_locked(leaver, world.bot_user)
    while_member = await _reply_to(world, liaison, room_id, "!help")
    assert await _fate(leaver, leaver_locked, while_member)  # the control: a member reads it

    await leaver.client.room_leave(room_id)
    await asyncio.sleep(2)  # the bot's next sync carries the leave
    while_away = await _reply_to(world, liaison, room_id, "!hulp")

    newcomer = await cross_signed_human(world, "newcomer")
    newcomer_locked = _watch_locked(newcomer, world.bot_user)
    for person in (leaver, newcomer):
        await liaison.client.room_invite(room_id, person.user_id)
        await person.join(room_id)
        await liaison.wait_joined(room_id, person.user_id)
    assert not await _fate(leaver, leaver_locked, while_away), "the leaver read it"
    assert not await _fate(newcomer, newcomer_locked, while_member), "the newcomer read it"
    assert not await _fate(newcomer, newcomer_locked, while_away), "the newcomer read it"
    after = await _reply_to(world, liaison, room_id, "!help")
    assert await _fate(newcomer, newcomer_locked, after)  # from their join on, they read
