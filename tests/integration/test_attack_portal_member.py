"""Attack on the portal against the real bot and a real Synapse (outside attacker,
session 5): a member who leaves the room (or is kicked from it) keeps their personal
`!portaal` link, and with it the room's AMBER picture - also what is reported after
they left - until it expires (`portal_link_hours`, up to 744 h). Failed before the bot
revoked a member's links on their leave, kick or ban (bot/membership.on_member_left).
"""

from __future__ import annotations

import asyncio
import time

import pytest

from tests.conftest import World
from tests.integration.test_portal import (
    COORDINATOR_BINDING,
    LIAISON_BINDING,
    _bound_rooms,
    _get,
    _link,
)
from tests.support.live import ask as _ask
from tests.support.ports import free_port

pytestmark = pytest.mark.integration

AFTER_LEAVING = "Na vertrek: noodopvang Vlinderweg verplaatst naar Sporthal Oost."


async def _refused(url: str, patience: float = 30) -> tuple[int, str]:
    """The page's status and text once it is refused (403), or when patience runs out."""
    deadline = time.monotonic() + patience
    while True:
        status, html, _ = await asyncio.to_thread(_get, url)
        if status == 403 or time.monotonic() > deadline:
            return status, html
        await asyncio.sleep(0.5)


async def test_a_member_who_left_the_room_loses_their_portal_link(world: World) -> None:
    port = free_port()
    _admin, (liaison, leaver), (liaison_room, coord_room) = await _bound_rooms(
        world,
        port,
        [
            ("liaison", "GGD", LIAISON_BINDING),
            ("vertrokken", "Coördinatie", COORDINATOR_BINDING),
        ],
    )
    bot_user = world.bot_user
    url = _link(await _ask(leaver, coord_room, "!portaal", bot_user))
    status, _html, _ = await asyncio.to_thread(_get, url)
    assert status == 200  # the baseline: the member's link works
    await leaver.client.room_leave(coord_room)
    # The bot sees the leave in its next sync; then a report arrives after the leave.
    amber = f"!melding opvang\ngemeente: Dordrecht\ntlp: amber\n{AFTER_LEAVING}"
    assert "vastgelegd" in await _ask(liaison, liaison_room, amber, bot_user)
    # Within the portal's rebuild window (a few seconds; patience for a loaded machine).
    status, html = await _refused(url)
    assert "Vlinderweg" not in html, "the former member reads AMBER posted after they left"
    assert status == 403
