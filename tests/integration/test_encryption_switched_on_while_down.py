"""Against real Synapse: a report sent in the clear before its room was switched to
encryption is a report, also when the bot reads both only afterwards.

A plain-text message in a room whose state says it is encrypted is refused (only the
homeserver or a stolen access token can put one there). The bot judged that by the room's
state as nio knows it now, not as it was when the message was sent: a liaison's report
written before an admin switched the room to encryption mid-incident, read after the
switch (the bot was down, or both came in one sync), was refused with the notice about
plain text in an encrypted room, and nothing was recorded. The timeline's order decides
now: what precedes the room's first `m.room.encryption` event was sent in the clear
room; a plain message after it is refused as before."""

from __future__ import annotations

import asyncio

import pytest

from tests.conftest import World
from tests.integration.test_room_trust import _put_state
from tests.integration.test_situation_entries import _count, _setup

pytestmark = pytest.mark.integration

REPORT = """!melding opvang
gemeente: Dordrecht
opvangplekken beschikbaar: 120
Sporthal De Schans ingericht als noodopvang."""


async def test_a_report_sent_before_the_switch_to_encryption_is_recorded(world: World) -> None:
    admin, liaison, _coordinator, room, _coord_room = await _setup(world)
    bot = world.bots[0]
    assert _count(world) == 0
    assert bot.terminate() == 0, bot.log()[-2000:]

    await liaison.send(room, REPORT)
    await _put_state(admin, room, "m.room.encryption", {"algorithm": "m.megolm.v1.aes-sha2"})
    await asyncio.sleep(1)
    bot.start()

    assert await liaison.wait_until(lambda: _count(world) == 1, 60), bot.log()[-4000:]
    await asyncio.sleep(2)
    assert "plain_in_encrypted" not in bot.log()
    assert _count(world) == 1
