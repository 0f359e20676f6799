"""Outside attack on key handling: a liaison's cross-signing identity reset by someone
else (a phished password is enough: the homeserver lets a password replace the keys).

The attacker logs in as the liaison on a new device, uploads a new master key and signs
that device with it. Before this test the bot checked only that the chain held, not
whose chain it was: it trusted the attacker's device from the next key query on and
shared its room keys with it, so every later TLP:AMBER/RED reply could be read there.
"""

from __future__ import annotations

import asyncio

import pytest
from nio import MatrixRoom, MegolmEvent

from tests.conftest import World
from tests.integration.test_cross_signing import (
    SIGNED_LOG,
    cross_signed_human,
    encrypted_room_with_bot,
    second_device,
)
from tests.support.cross_signing import cross_sign_login
from tests.support.human import Human

pytestmark = pytest.mark.integration


async def _reply_to(world: World, human: Human, room_id: str, body: str) -> str:
    event_id = await human.send(room_id, body)
    assert await human.wait_until(lambda: bool(human.replies_to(event_id, world.bot_user)), 90)
    return human.replies_to(event_id, world.bot_user)[0].event_id


async def test_a_reset_identity_gets_no_room_keys(world: World) -> None:
    bot = world.bot()
    bot.start()
    assert bot.wait_for_log(SIGNED_LOG, 90), bot.log()[-3000:]
    liaison = await cross_signed_human(world, "liaison")
    room_id = await encrypted_room_with_bot(world, liaison)
    await _reply_to(world, liaison, room_id, "!help")  # the bot has seen her identity

    # The attacker: her password, a new device, a new master key signing that device.
    attacker = await second_device(world, liaison)
    await cross_sign_login(attacker.client, liaison.password)
    undecryptable: list[str] = []

    async def on_encrypted(room: MatrixRoom, event: MegolmEvent) -> None:
        if event.sender == world.bot_user:
            undecryptable.append(event.event_id)

    attacker.client.add_event_callback(on_encrypted, MegolmEvent)  # type: ignore[arg-type]
    await asyncio.sleep(3)  # the bot hears of the changed keys in its next sync

    # Her own first device is no longer signed by "her" (new) identity either, so the
    # reply may be unreadable to both: watch for any new event of the bot.
    before = len(undecryptable) + len(attacker.from_sender(world.bot_user, room_id))
    asked = await liaison.send(room_id, "!hulp")

    def bot_answered() -> bool:
        return len(undecryptable) + len(attacker.from_sender(world.bot_user, room_id)) > before

    assert await attacker.wait_until(bot_answered, 60), bot.log()[-3000:]
    await asyncio.sleep(3)  # a late room key would not change nio's verdict, but be fair
    read = attacker.replies_to(asked, world.bot_user)
    assert not read, "the reset identity read the bot's reply"
    assert "IDENTITY CHANGED" in bot.log(), bot.log()[-3000:]


async def test_a_reset_of_the_bots_own_identity_gets_no_forwarded_keys(world: World) -> None:
    """The same with the bot's own password: a device of the bot's own account, signed by a
    new master key, asks for the key of a liaison's message; nio forwards every room key
    to the bot's own *verified* devices, so the bot must never trust another of its own."""
    bot = world.bot()
    bot.start()
    assert bot.wait_for_log(SIGNED_LOG, 90), bot.log()[-3000:]
    liaison = await cross_signed_human(world, "liaison")
    room_id = await encrypted_room_with_bot(world, liaison)
    report = await liaison.send(room_id, "!help")
    assert await liaison.wait_until(lambda: bool(liaison.replies_to(report, world.bot_user)), 90)

    attacker = Human(
        world.server.url, world.bot_user, world.bot_password, world.tmp_path / "evil", True
    )
    locked: dict[str, MegolmEvent] = {}

    async def on_encrypted(room: MatrixRoom, event: MegolmEvent) -> None:
        locked[event.event_id] = event

    attacker.client.add_event_callback(on_encrypted, MegolmEvent)  # type: ignore[arg-type]
    await attacker.login("evil")
    world.humans.append(attacker)
    await cross_sign_login(attacker.client, world.bot_password)
    assert await attacker.wait_until(lambda: report in locked, 30), "never saw the report"
    client = attacker.client
    assert await attacker.wait_until(
        lambda: any(client.device_store.active_user_devices(world.bot_user)), 30
    )
    for device in list(client.device_store.active_user_devices(world.bot_user)):
        client.verify_device(device)  # the attacker trusts "its own" other device
    await asyncio.sleep(3)  # the bot hears of the new device and keys in its next sync
    await client.request_room_key(locked[report])

    def read() -> bool:
        try:
            client.decrypt_event(locked[report])
        except Exception:
            return False
        return True

    for _ in range(4):  # the bot's syncs move on as the liaison keeps writing
        await liaison.send(room_id, "!help")
        if await attacker.wait_until(read, 10):
            break
    assert not read(), "the bot forwarded the liaison's room key to the attacker"
