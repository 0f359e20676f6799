"""Against real Synapse: what the bot owes a room is not lost across the room's upgrade.

The homeserver's own upgrade (POST /rooms/{id}/upgrade) leaves the old room read-only for
ordinary members, the bot included, and its people go on in the new room. A coordinator
alert queued to the old coordinator room after the upgrade (a severe report from a
liaison) was sent there and refused M_FORBIDDEN: given up, nobody told (only posts for
the curators followed an upgrade, session 17). Now, while the bot waits for its invite to
the new room, the alert waits (listed as waiting for that invite); once the bot has
joined the new room it goes there, and nothing of it is refused in the old room. (The
bot's own notice asking to be invited stays addressed to the old room, where members who
did not move yet read it; refused there, it is audited, and the admins are told in their
direct chats: test_upgrade_pending_notice.py.)"""

from __future__ import annotations

import asyncio

import pytest

from tests.conftest import World
from tests.integration.test_room_trust import _binding, _db, _upgrade, _upgrade_actions
from tests.integration.test_situation_entries import _setup

pytestmark = pytest.mark.integration

SEVERE = """!melding opvang
gemeente: Dordrecht
opvangplekken beschikbaar: 120
ernst: ernstig
tlp: green
Sporthal De Schans vol, 40 mensen buiten."""


async def test_an_alert_for_an_upgraded_room_waits_for_the_invite_and_goes_there(
    world: World,
) -> None:
    admin, liaison, _coordinator, room, coord_room = await _setup(world)
    bot_user = world.bot_user
    bot = world.bots[0]

    new_room = await asyncio.to_thread(_upgrade, world, admin, coord_room)
    assert await admin.wait_until(lambda: "room.upgrade_pending" in _upgrade_actions(world), 30)
    await asyncio.sleep(2)  # the old room's raised power levels reach the bot

    report = await liaison.send(room, SEVERE)
    assert await liaison.wait_until(lambda: bool(liaison.replies_to(report, bot_user)), 30)
    await asyncio.sleep(4)  # a send into the old room would have been refused by now

    with _db(world) as db:
        refused = db.execute(
            "SELECT count(*) FROM outbox WHERE room_id = ? AND failed_at IS NOT NULL "
            "AND content LIKE '%Dordrecht%'",
            (coord_room,),
        ).fetchone()[0]
        waiting = db.execute(
            "SELECT count(*) FROM outbox WHERE room_id = ? AND sent_at IS NULL "
            "AND failed_at IS NULL",
            (coord_room,),
        ).fetchone()[0]
    assert refused == 0, bot.log()[-4000:]
    assert waiting >= 1

    await admin.client.room_invite(new_room, bot_user)
    await admin.wait_joined(new_room, bot_user)
    assert await admin.wait_until(lambda: _binding(world, new_room) is not None, 30)

    def alerts() -> list[str]:
        return [s.body for s in admin.from_sender(bot_user, new_room) if "Dordrecht" in s.body]

    assert await admin.wait_until(lambda: bool(alerts()), 30), bot.log()[-4000:]
    with _db(world) as db:
        left = db.execute(
            "SELECT count(*) FROM outbox WHERE room_id = ? AND sent_at IS NULL "
            "AND failed_at IS NULL",
            (coord_room,),
        ).fetchone()[0]
        refused = db.execute(
            "SELECT count(*) FROM outbox WHERE room_id = ? AND failed_at IS NOT NULL "
            "AND content LIKE '%Dordrecht%'",
            (coord_room,),
        ).fetchone()[0]
    assert left == 0 and refused == 0
