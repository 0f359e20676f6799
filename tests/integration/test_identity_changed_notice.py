"""A liaison who resets her identity (helper e2ee2; attack10's open point): until an
operator accepts the new key the bot gives her no room keys, so she saw only "Unable to
decrypt" and nobody in the room knew why. Now the rooms she shares with the bot get one
neutral notice per changed identity (no fingerprints; an operator must confirm the new
key), once, not per message."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys

import pytest

from tests.conftest import World
from tests.integration.test_cross_signing import SIGNED_LOG, cross_signed_human
from tests.support.cross_signing import cross_sign_login
from tests.support.human import Human

pytestmark = pytest.mark.integration


def _identity_notices(watcher: Human, room_id: str, bot: str, who: str) -> list[str]:
    return [
        h.body
        for h in watcher.from_sender(bot, room_id)
        if "beveiligingssleutels" in h.body and who in h.body
    ]


async def test_a_changed_identity_is_announced_once_in_the_shared_rooms(world: World) -> None:
    bot = world.bot()
    bot.start()
    assert bot.wait_for_log(SIGNED_LOG, 90), bot.log()[-3000:]
    liaison = await cross_signed_human(world, "liaison")
    colleague = await cross_signed_human(world, "colleague")
    room_id = await liaison.create_room([world.bot_user, colleague.user_id], encrypted=True)
    await liaison.wait_joined(room_id, world.bot_user, patience=60)
    await colleague.join(room_id)
    await liaison.wait_joined(room_id, colleague.user_id)
    asked = await liaison.send(room_id, "!hulp")  # the bot sees (and pins) her identity
    assert await liaison.wait_until(lambda: bool(liaison.replies_to(asked, world.bot_user)), 90)

    # She resets her identity (a new master key signs her device), as after a lost key.
    await cross_sign_login(liaison.client, liaison.password)

    def announced() -> bool:
        return bool(_identity_notices(colleague, room_id, world.bot_user, liaison.user_id))

    assert await colleague.wait_until(announced, 60), bot.log()[-3000:]
    notice = _identity_notices(colleague, room_id, world.bot_user, liaison.user_id)[0]
    assert "beheerder" in notice  # who has to act
    # Once: her next messages (refused) and later key queries bring no second notice.
    await liaison.send(room_id, "!hulp")
    await liaison.send(room_id, "!hulp")
    await asyncio.sleep(6)
    assert len(_identity_notices(colleague, room_id, world.bot_user, liaison.user_id)) == 1


async def test_an_accepted_identity_counts_without_a_restart(world: World) -> None:
    """`knooppunt crypto accept-identity` run beside the running bot: her next message is
    acted on and she can read the answer, with no restart in between."""
    bot = world.bot()
    bot.start()
    assert bot.wait_for_log(SIGNED_LOG, 90), bot.log()[-3000:]
    liaison = await cross_signed_human(world, "liaison")
    room_id = await liaison.create_room([world.bot_user], encrypted=True)
    await liaison.wait_joined(room_id, world.bot_user, patience=60)
    asked = await liaison.send(room_id, "!hulp")
    assert await liaison.wait_until(lambda: bool(liaison.replies_to(asked, world.bot_user)), 90)

    await cross_sign_login(liaison.client, liaison.password)  # her identity reset
    assert await asyncio.to_thread(bot.wait_for_log, "IDENTITY CHANGED", 60), bot.log()[-3000:]

    accepted = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "bot.cli", "crypto", "accept-identity", liaison.user_id],
        env={**os.environ, **bot.env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert accepted.returncode == 0, accepted.stdout + accepted.stderr
    assert await asyncio.to_thread(bot.wait_for_log, "identity pins changed on disk", 60)

    asked = await liaison.send(room_id, "!hulp")
    assert await liaison.wait_until(lambda: bool(liaison.replies_to(asked, world.bot_user)), 90), (
        bot.log()[-3000:]
    )
    answer = liaison.replies_to(asked, world.bot_user)[0].body
    assert "geverifieerde" not in answer and "!" in answer, answer  # the help list, readable


async def test_after_a_restart_a_room_is_told_when_it_next_becomes_active(world: World) -> None:
    """The bot restarts, then learns of her reset: it knows a room's members only once
    that room's state loads (on its first activity), and the notice went only to rooms
    loaded at that moment, so none (leftovers12). Now a room is told when it loads."""
    bot = world.bot()
    bot.start()
    assert bot.wait_for_log(SIGNED_LOG, 90), bot.log()[-3000:]
    liaison = await cross_signed_human(world, "liaison")
    colleague = await cross_signed_human(world, "colleague")
    room_id = await liaison.create_room([world.bot_user, colleague.user_id], encrypted=True)
    await liaison.wait_joined(room_id, world.bot_user, patience=60)
    await colleague.join(room_id)
    await liaison.wait_joined(room_id, colleague.user_id)
    asked = await liaison.send(room_id, "!hulp")  # the bot sees (and pins) her identity
    assert await liaison.wait_until(lambda: bool(liaison.replies_to(asked, world.bot_user)), 90)

    bot.terminate()
    await cross_sign_login(liaison.client, liaison.password)  # her reset, while it is down
    mark = len(bot.log())
    bot.start()
    assert await asyncio.to_thread(bot.wait_for_log, "IDENTITY CHANGED", 90, mark), bot.log()[
        -3000:
    ]
    await asyncio.sleep(2)
    asked = await colleague.send(room_id, "!hulp")  # the room's first activity since
    assert await colleague.wait_until(
        lambda: bool(colleague.replies_to(asked, world.bot_user)), 90
    ), bot.log()[-3000:]

    def announced() -> bool:
        return bool(_identity_notices(colleague, room_id, world.bot_user, liaison.user_id))

    assert await colleague.wait_until(announced, 30), bot.log()[-3000:]
