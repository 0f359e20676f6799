"""Against real Synapse: posts for the curators that wait for an upgraded curator room
the bot was never invited to are shown to the admin and to the operator, and delivered
when the invite comes.

A real upgrade leaves the old curator room read-only for the bot, and a post for the
curators only (it names who asked) waits until the bot is in the new room (session 17).
When nobody invites it, the posts waited for ever: only a log line every 30 s said so
(session 18). Now the admin is told in their direct chat with the bot, `knooppunt
outbox` lists what waits and for which room, and the invite still delivers them."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from collections.abc import Callable

import pytest

from tests.conftest import World
from tests.integration.test_health_metrics import _get
from tests.integration.test_room_trust import _binding, _upgrade
from tests.integration.test_upgraded_curator_room_posts import QUESTION
from tests.support.ports import free_port

pytestmark = pytest.mark.integration


def _outbox_listing(world: World) -> str:
    bot = world.bots[0]
    done = subprocess.run(
        [sys.executable, "-m", "bot.cli", "outbox"],
        env={**os.environ, **bot.env},
        cwd=bot.workdir,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


async def _waiting_for_invite(port: int, wanted: Callable[[int], bool]) -> int:
    """/healthz's count of rows waiting for an invite, once `wanted` holds (30 s)."""
    count = -1
    for _ in range(60):
        status, body = await asyncio.to_thread(_get, f"http://127.0.0.1:{port}/healthz")
        if status in (200, 503) and body:
            count = int(json.loads(body).get("outbox_waiting_for_invite", -1))
            if wanted(count):
                break
        await asyncio.sleep(0.5)
    return count


async def test_curator_posts_waiting_for_an_invite_are_told_listed_and_delivered(
    world: World,
) -> None:
    admin = await world.human("admin")
    town = await world.human("gemeente")
    curator = await world.human("redacteur")
    bot_user = world.bot_user
    town_room = await admin.create_room(invite=[bot_user, town.user_id], name="Gemeente Dordrecht")
    desk = await admin.create_room(invite=[bot_user, curator.user_id], name="Redactie")
    port = free_port()
    bot = world.bot(
        KNOOPPUNT_ADMINS=admin.client.user_id,
        KNOOPPUNT_CURATOR_ROOM=desk,
        KNOOPPUNT_HTTP_LISTEN=f"127.0.0.1:{port}",
    )
    bot.start()
    chat = await admin.create_room(invite=[bot_user], direct=True, name="Knooppunt")
    for room, human in ((town_room, town), (desk, curator)):
        await admin.wait_joined(room, bot_user)
        await human.client.join(room)
    await admin.wait_joined(chat, bot_user)
    bind = '!kamer koppel rol=municipality org="Gemeente Dordrecht" tlp=green clearance=green'
    assert "Kamer gekoppeld" in await admin.say(town_room, bind, bot_user)
    bind = "!kamer koppel rol=curator org=KCIO tlp=green clearance=amber"
    assert "Kamer gekoppeld" in await admin.say(desk, bind, bot_user)

    # The curators move to the new room; nobody invites the bot there.
    new_desk = await asyncio.to_thread(_upgrade, world, admin, desk)
    await admin.client.room_invite(new_desk, curator.user_id)
    await curator.client.join(new_desk)
    asked = await town.send(town_room, QUESTION)
    await town.expect(lambda: bool(town.replies_to(asked, bot_user)))

    def waiting_told() -> list[str]:
        return [
            s.body
            for s in admin.from_sender(bot_user, chat)
            if new_desk in s.body and "Berichten voor de redactie wachten" in s.body
        ]

    assert await admin.wait_until(lambda: bool(waiting_told()), 60), bot.log()[-4000:]
    assert "Pietersen" not in waiting_told()[0]  # what waits is not shown in the chat
    listing = await asyncio.to_thread(_outbox_listing, world)
    assert desk in listing and new_desk in listing, listing
    assert "Pietersen" not in listing
    assert await _waiting_for_invite(port, lambda n: n >= 1) >= 1

    def posted(room: str) -> list[str]:
        return [s.body for s in curator.from_sender(bot_user, room) if "Pietersen" in s.body]

    assert posted(desk) == [] and posted(new_desk) == []
    # The invite comes: the binding is carried and the waiting post is delivered there.
    await admin.client.room_invite(new_desk, bot_user)
    await admin.wait_joined(new_desk, bot_user)
    assert await admin.wait_until(lambda: _binding(world, new_desk) is not None, 30)
    assert await curator.wait_until(lambda: bool(posted(new_desk)), 60), bot.log()[-3000:]
    assert posted(desk) == []
    # A sent row is recorded with the next sync token (within 5 s), not at its send.
    for _ in range(30):
        listing = await asyncio.to_thread(_outbox_listing, world)
        if new_desk not in listing:
            break
        await asyncio.sleep(1)
    assert new_desk not in listing, listing
    assert await _waiting_for_invite(port, lambda n: n == 0) == 0
