"""Outside attack on the bot's own keys: its crypto store is lost, its database kept.

An operator restores the database from a backup but not `data_dir/crypto`, or a volume
holding only the store is replaced. The bot restores its stored login (same device id)
with a brand-new key store: new identity keys for a device the homeserver and every
partner's client know under other keys. What must not happen is an encrypted room in
which the bot can no longer read or be read without anyone being told.
"""

from __future__ import annotations

import shutil

import pytest

from tests.conftest import World
from tests.integration.test_cross_signing import (
    SIGNED_LOG,
    cross_signed_human,
    encrypted_room_with_bot,
)

pytestmark = pytest.mark.integration


async def test_a_lost_crypto_store_still_answers_encrypted_rooms(world: World) -> None:
    bot = world.bot()
    bot.start()
    assert bot.wait_for_log(SIGNED_LOG, 90), bot.log()[-3000:]
    liaison = await cross_signed_human(world, "liaison")
    room_id = await encrypted_room_with_bot(world, liaison)
    assert await liaison.say(room_id, "!help", world.bot_user, patience=90)

    assert bot.terminate() == 0
    shutil.rmtree(bot.workdir / "crypto")
    bot.start()
    assert bot.wait_for_log("running as", timeout=60), bot.log()[-3000:]
    event_id = await liaison.send(room_id, "!hulp")
    got = await liaison.wait_until(lambda: bool(liaison.replies_to(event_id, world.bot_user)), 90)
    assert got, bot.log()[-4000:]
