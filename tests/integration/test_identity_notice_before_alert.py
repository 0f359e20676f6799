"""A coordinator room that only receives alerts hears of an identity reset before the
first alert after a restart (helper leftovers16, gap 4).

After a restart the bot knows a room's members only once that room's state loads: on
its first activity, or before the bot's first send there. The identity-changed notice
was queued when the state loaded, in a task of its own, so in a room nobody writes in
the first alert went out first, unreadable to the reset coordinator, with no word why.
Now the notice goes before it."""

from __future__ import annotations

import asyncio

import pytest

from tests.conftest import World
from tests.integration.test_cross_signing import SIGNED_LOG, cross_signed_human
from tests.support.cross_signing import cross_sign_login
from tests.support.live import ask

pytestmark = pytest.mark.integration

SEVERE = "!melding water\ngemeente: Zwolle\nernst: ernstig\nDijk lekt."


async def test_the_notice_goes_before_the_first_alert_into_a_silent_room(world: World) -> None:
    admin = await cross_signed_human(world, "admin")
    liaison = await cross_signed_human(world, "liaison")
    anna = await cross_signed_human(world, "anna")  # a coordinator who will reset
    bot_user = world.bot_user
    bot = world.bot(KNOOPPUNT_ADMINS=admin.user_id)
    bot.start()
    assert bot.wait_for_log(SIGNED_LOG, 90), bot.log()[-3000:]
    room = await admin.create_room(invite=[bot_user, liaison.user_id], encrypted=True)
    await admin.wait_joined(room, bot_user, patience=60)
    await liaison.join(room)
    await admin.wait_joined(room, liaison.user_id)
    coord = await admin.create_room(invite=[bot_user, anna.user_id], encrypted=True)
    await admin.wait_joined(coord, bot_user, patience=60)
    await anna.join(coord)
    await admin.wait_joined(coord, anna.user_id)
    assert "geopend" in await ask(admin, room, "!incident open storm Storm", bot_user)
    assert "gekoppeld" in await ask(
        admin, room, '!kamer koppel incident=storm org="GGD" rol=liaison', bot_user
    )
    assert "gekoppeld" in await ask(
        admin, coord, "!kamer koppel incident=storm org=VR rol=coordinator", bot_user
    )
    assert await ask(anna, coord, "!hulp", bot_user)  # her identity is pinned

    bot.terminate()
    await cross_sign_login(anna.client, anna.password)  # her reset, while it is down
    seen = len(admin.from_sender(bot_user, coord))
    mark = len(bot.log())
    bot.start()
    assert await asyncio.to_thread(bot.wait_for_log, "IDENTITY CHANGED", 90, mark), bot.log()[
        -3000:
    ]
    await asyncio.sleep(2)
    assert "vastgelegd" in await ask(liaison, room, SEVERE, bot_user)  # alerts coord

    def after() -> list[str]:
        return [m.body for m in admin.from_sender(bot_user, coord)[seen:]]

    def both() -> bool:
        told = after()
        return any("Ernstige melding" in b for b in told) and any(
            "beveiligingssleutels" in b for b in told
        )

    assert await admin.wait_until(both, 60), (after(), bot.log()[-3000:])
    told = after()
    notice = next(n for n, b in enumerate(told) if "beveiligingssleutels" in b)
    alert = next(n for n, b in enumerate(told) if "Ernstige melding" in b)
    assert notice < alert, told
    assert anna.user_id in told[notice]
