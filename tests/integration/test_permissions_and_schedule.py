"""Against real Synapse: the permission table, and a subscription whose posts arrive,
survive a restart without a double post, and stop on !opzeggen."""

from __future__ import annotations

import asyncio
import re
import time

import pytest

from tests.conftest import World
from tests.support.live import ask as _ask
from tests.support.live import room_with as _room_with

pytestmark = pytest.mark.integration


async def test_permission_table(world: World) -> None:
    admin, _ = await world.admin_and_bot()
    municipal, liaison, moderator, member = await world.people(
        "gemeente", "liaison", "moderator", "member"
    )
    bot_user = world.bot_user

    municipality_room = await _room_with(world, admin, [municipal], "Gemeente")
    liaison_room = await _room_with(world, admin, [liaison], "GGD")
    # The moderator owns the coordination room (power 100 as creator); the admin is invited.
    coord_room = await _room_with(world, moderator, [admin, member], "Coord")

    await _ask(admin, liaison_room, "!incident open storm Storm", bot_user)
    await _ask(
        admin,
        municipality_room,
        "!kamer koppel incident=storm org=Dordrecht rol=municipality clearance=green",
        bot_user,
    )
    await _ask(
        admin,
        liaison_room,
        "!kamer koppel incident=storm org=GGD rol=liaison clearance=amber",
        bot_user,
    )
    await _ask(
        admin,
        coord_room,
        "!kamer koppel incident=storm org=VR rol=coordinator clearance=amber",
        bot_user,
    )

    # A municipality-role user cannot run !beeld or !export.
    for command in ("!beeld", "!export csv"):
        answer = await _ask(municipal, municipality_room, command, bot_user)
        assert answer.startswith(
            "Dat mag hier niet: dit commando werkt alleen in een coördinatiekamer"
        ), answer
    # A liaison cannot bind rooms or change a clearance.
    answer = await _ask(
        liaison,
        liaison_room,
        "!kamer koppel incident=storm org=GGD rol=liaison clearance=red",
        bot_user,
    )
    assert answer == "Dat mag hier niet: alleen beheerders (admins in de configuratie) mogen dit."
    # Neither can a room moderator who is not a config admin.
    answer = await _ask(
        moderator,
        coord_room,
        "!kamer koppel incident=storm org=VR rol=coordinator clearance=red",
        bot_user,
    )
    assert answer.startswith("Dat mag hier niet: alleen beheerders")
    shown = await _ask(admin, coord_room, "!kamer toon", bot_user)
    assert "clearance AMBER" in shown  # unchanged
    # A moderator (power 50+) of a coordination room can open an incident; a plain member cannot.
    answer = await _ask(moderator, coord_room, "!incident open dijk Dijkdoorbraak", bot_user)
    assert "geopend" in answer
    answer = await _ask(member, coord_room, "!incident open dijk2 Tweede dijk", bot_user)
    assert answer.startswith(
        "Dat mag hier niet: hiervoor heb je moderatorrechten (machtsniveau 50)"
    )
    # !help shows only what the caller may run here.
    help_member = await _ask(municipal, municipality_room, "!hulp", bot_user)
    assert "!beeld" not in help_member and "!kamer" not in help_member and "!hulp" in help_member
    help_coord = await _ask(member, coord_room, "!hulp", bot_user)
    assert "!beeld" in help_coord and "!kamer" not in help_coord
    # The coordination member may read the picture.
    assert (await _ask(member, coord_room, "!beeld", bot_user)).startswith("TLP:")


# The bot's scheduler runs twelve times faster than real time (a test-only clock, see
# bot/scheduler.py): a one-minute slot comes every 5 s. Which slot is due, exactly once
# per slot, `om 08:00` and summer time are unit-tested in tests/unit/test_scheduler.py;
# this test checks that the posts really arrive through Synapse, that a restart neither
# repeats nor loses them, and that !opzeggen stops them.
RATE = 12
SLOT = 60 / RATE
# How long to wait for posts at most: a restart under load takes longer than a few slots.
PATIENCE = max(6 * SLOT, 60)


async def test_subscription_posts_survive_restart_and_stop(world: World) -> None:
    admin = await world.human("admin")
    bot = world.bot(
        KNOOPPUNT_ADMINS=admin.client.user_id,
        KNOOPPUNT_TEST_SCHEDULER_CLOCK=f"{RATE}@{time.time()}",
    )
    bot.start()
    bot_user = world.bot_user
    room = await _room_with(world, admin, [], "Coord")
    await _ask(admin, room, "!incident open storm Storm", bot_user)
    await _ask(
        admin, room, "!kamer koppel incident=storm org=VR rol=coordinator clearance=amber", bot_user
    )
    answer = await _ask(admin, room, "!abonneer beeld elke 1m", bot_user)
    assert re.search(r"Abonnement \d+: situatiebeeld storm elke 1m", answer), answer

    def pictures() -> list[float]:
        return [
            s.at
            for s in admin.from_sender(bot_user, room)
            if s.body.startswith("TLP:")
            and "Situatiebeeld" in s.body
            and not s.content.get("m.relates_to")
        ]

    assert await admin.wait_until(lambda: len(pictures()) >= 1, PATIENCE)

    # Restart just after a post: the slot is not posted again, and the next ones still come.
    assert bot.terminate() == 0
    before_restart = len(pictures())
    bot.start()
    assert await admin.wait_until(lambda: len(pictures()) >= before_restart + 2, PATIENCE)

    # One post per slot, across the restart. Arrival times are no proof on a busy
    # machine (a post delayed by a few seconds lands close to the next one), so compare
    # what arrived with the slots the bot queued, which its log names.
    def queued_slots() -> list[str]:
        return re.findall(r"posted for slot (\S+)", bot.log())

    assert await admin.wait_until(lambda: len(pictures()) >= len(queued_slots()), PATIENCE)
    slots = queued_slots()
    assert len(slots) == len(set(slots)), slots  # no slot queued twice
    assert len(pictures()) <= len(queued_slots()), (pictures(), slots)  # none sent twice

    answer = await _ask(admin, room, "!opzeggen", bot_user)
    assert answer.startswith("Opgezegd:")
    await asyncio.sleep(1)  # a picture already on its way may still arrive
    count = len(pictures())
    await asyncio.sleep(2 * SLOT)  # two more slots would have come by now
    assert len(pictures()) == count
