"""A report written in a room after its upgrade is a report (note13, from attack5),
against a real Synapse: the homeserver's own upgrade (POST /rooms/{id}/upgrade) leaves
the old room writable for its moderators, and the bot stays in it. Before, the old
room's binding was inactive once carried, so a `!melding` there was refused as "room
not bound" (nothing stored). Now it is stored under the new room's binding."""

from __future__ import annotations

import asyncio

import pytest

from tests.conftest import World
from tests.integration.test_room_trust import _binding, _db, _upgrade
from tests.support.live import ask as _ask
from tests.support.live import room_with as _room_with

pytestmark = pytest.mark.integration


def _entries_in(world: World, room: str) -> list[tuple[str, str]]:
    with _db(world) as db:
        return [
            (row[0], row[1])
            for row in db.execute(
                "SELECT incident, organisation FROM entries WHERE room_id = ?", (room,)
            )
        ]


async def test_a_report_in_the_old_room_after_a_real_upgrade_is_stored(world: World) -> None:
    admin, _ = await world.admin_and_bot()
    bot_user = world.bot_user
    room = await _room_with(world, admin, [], "GGD")
    await _ask(admin, room, "!incident open storm Storm", bot_user)
    assert "gekoppeld" in await _ask(
        admin, room, "!kamer koppel incident=storm org=GGD rol=liaison clearance=amber", bot_user
    )
    new_room = await asyncio.to_thread(_upgrade, world, admin, room)
    await admin.client.room_invite(new_room, bot_user)
    await admin.wait_joined(new_room, bot_user)
    assert await admin.wait_until(lambda: _binding(world, new_room) is not None, 30)
    assert _binding(world, room) == ("GGD", "AMBER", 0)  # carried: the old copy inactive
    # The admin's client has not followed yet: they report in the old room.
    await admin.send(
        room, "!melding zorg\ngemeente: Dordrecht\nernst: matig\nHuisartsenpost dicht."
    )
    assert await admin.wait_until(lambda: bool(_entries_in(world, room)), 30)
    assert _entries_in(world, room) == [("storm", "GGD")]
