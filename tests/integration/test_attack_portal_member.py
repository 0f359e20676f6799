"""Attack on the portal against the real bot and a real Synapse (outside attacker,
session 5): a member who leaves the room (or is kicked from it) keeps their personal
`!portaal` link, and with it the room's AMBER picture - also what is reported after
they left - until it expires (`portal_link_hours`, up to 744 h). Failed before the bot
revoked a member's links on their leave, kick or ban (bot/membership.on_member_left).
"""

from __future__ import annotations

import asyncio
import re

import pytest

from tests.conftest import World
from tests.integration.test_portal import _get, _room
from tests.support.live import ask as _ask
from tests.support.ports import free_port

pytestmark = pytest.mark.integration

AFTER_LEAVING = "Na vertrek: noodopvang Vlinderweg verplaatst naar Sporthal Oost."


async def test_a_member_who_left_the_room_loses_their_portal_link(world: World) -> None:
    port = free_port()
    admin = await world.human("admin")
    liaison = await world.human("liaison")
    leaver = await world.human("vertrokken")
    bot = world.bot(
        KNOOPPUNT_ADMINS=admin.client.user_id, KNOOPPUNT_HTTP_LISTEN=f"127.0.0.1:{port}"
    )
    bot.start()
    liaison_room = await _room(world, admin, liaison, "GGD")
    coord_room = await _room(world, admin, leaver, "Coördinatie")
    bot_user = world.bot_user
    assert "geopend" in await _ask(admin, liaison_room, "!incident open storm Storm", bot_user)
    for room, binding in (
        (liaison_room, 'org="GGD ZHZ" rol=liaison tlp=amber clearance=amber'),
        (coord_room, "org=VRZHZ rol=coordinator clearance=amber"),
    ):
        assert "gekoppeld" in await _ask(
            admin, room, f"!kamer koppel incident=storm {binding}", bot_user
        )
    reply = await _ask(leaver, coord_room, "!portaal", bot_user)
    match = re.search(r"(http://127\.0\.0\.1:\d+/p/[A-Za-z0-9_-]+)", reply)
    assert match, reply
    url = match.group(1)
    status, _html, _ = await asyncio.to_thread(_get, url)
    assert status == 200  # the baseline: the member's link works
    await leaver.client.room_leave(coord_room)
    # The bot sees the leave in its next sync; then a report arrives after the leave.
    amber = f"!melding opvang\ngemeente: Dordrecht\ntlp: amber\n{AFTER_LEAVING}"
    assert "vastgelegd" in await _ask(liaison, liaison_room, amber, bot_user)
    await asyncio.sleep(3)  # past the portal's rebuild window
    status, html, _ = await asyncio.to_thread(_get, url)
    assert "Vlinderweg" not in html, "the former member reads AMBER posted after they left"
    assert status == 403
