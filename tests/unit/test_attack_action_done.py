"""Attack on closing actions (outside tester, session 11): `!actie klaar A-1` from a
coordinator room that does not manage the action's incident.

Codes are global (A-1, A-2, … across incidents and exercises) and a GREEN action is
visible to every bound room cleared GREEN. Closing checked only "a coordinator
moderator" of *any* room: a drill's coordinator (typing an inject, or a typo for the
drill's own A-11) closed the real incident's action A-1, and a coordination room of
another crisis closed this one's. The action then left `!acties` and the picture's
open actions of the real incident: a task nobody did, shown as done. Closing now
needs what recording needs for that incident (a moderator of a coordinator room
bound to it, or an admin), or the owner or the owner's room; never across an
exercise and reality.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from commands.dispatcher import CommandSettings
from storage import rooms
from storage.ids import RoomId, UserId
from tests.support.chat import CoreChat, bound_views, texts
from tests.support.rooms import incident_database

ADMIN = UserId("@admin:x")
MOD = UserId("@mod:x")  # power 50 in every room of this test
REAL = RoomId("!coord-echt:x")
OTHER = RoomId("!coord-ander:x")  # coordinators of another real crisis
DRILL = RoomId("!coord-oefening:x")
OWNER = RoomId("!rk:x")  # the owner organisation's liaison room
ACTION = "Zandzakken naar dijk Papendrecht"


@pytest.fixture
async def chat(tmp_path: Path) -> AsyncIterator[CoreChat]:
    database = await incident_database(
        tmp_path / "done.db", {"storm": "Storm", "brand": "Brand"}, "test"
    )
    settings = CommandSettings(bot_user_id="@bot:x", admins=frozenset({ADMIN}))
    core = CoreChat(database, bound_views(power_levels={MOD: 50}), settings)
    await say(core, DRILL, '!incident open oef "Oefening dijk" oefening=ja', ADMIN)
    for room, binding in (
        (REAL, "incident=storm org=VR rol=coordinator clearance=amber"),
        (OTHER, "incident=brand org=VR2 rol=coordinator clearance=amber"),
        (DRILL, "incident=oef org=VR rol=coordinator clearance=amber"),
        (OWNER, "incident=storm org=RK rol=liaison clearance=amber"),
    ):
        assert "gekoppeld" in await say(core, room, f"!kamer koppel {binding}", ADMIN)
    async with database.transaction() as session:
        for room in (REAL, OTHER, DRILL, OWNER):
            await rooms.mark_joined(session, room, datetime.now(UTC))
    recorded = await say(
        core, REAL, f"!actie {ACTION}\neigenaar: RK\ndeadline: morgen 9 uur\ntlp: green", MOD
    )
    assert "A-1" in recorded, recorded
    yield core
    await database.close()


async def say(chat: CoreChat, room: RoomId, body: str, sender: UserId = MOD) -> str:
    _, result = await chat.handle(room, sender, body)
    assert result is not None
    return texts(result[0])


async def test_a_drill_coordinator_cannot_close_a_real_action(chat: CoreChat) -> None:
    refused = await say(chat, DRILL, "!actie klaar A-1")
    assert "A-1 afgerond" not in refused and "oefening" in refused.lower(), refused
    assert ACTION in await say(chat, REAL, "!acties"), "the real action was closed from a drill"


async def test_another_incident_s_coordinators_cannot_close_this_one_s_action(
    chat: CoreChat,
) -> None:
    await say(chat, OTHER, "!actie klaar A-1")
    assert ACTION in await say(chat, REAL, "!acties"), "closed by another crisis' coordinators"


async def test_the_incident_s_coordinators_and_the_owner_s_room_still_close_it(
    chat: CoreChat,
) -> None:
    closed = await say(chat, OWNER, "!actie klaar A-1", UserId("@rk:x"))
    assert "A-1" in closed and ACTION not in await say(chat, REAL, "!acties"), closed
    await say(chat, REAL, "!actie Tweede\neigenaar: RK\ndeadline: morgen 9 uur", MOD)
    assert "A-2" in await say(chat, REAL, "!actie klaar A-2")
    assert "Tweede" not in await say(chat, REAL, "!acties")


async def test_an_incident_less_owner_room_still_closes_its_drill_action(
    chat: CoreChat,
) -> None:
    """A room bound without an incident (a municipality's) serves every incident, drills
    included: a drill's action names it as the owner's room, and it gets the action's
    reminders. Its members must still close it there; the mode check, which runs before
    the owner check, refused it as a real room's attempt on an exercise."""
    town = RoomId("!gemeente:x")
    binding = "org=Dordrecht rol=gemeente tlp=green clearance=amber"
    assert "gekoppeld" in await say(chat, town, f"!kamer koppel {binding}", ADMIN)
    async with chat.db.transaction() as session:
        await rooms.mark_joined(session, town, datetime.now(UTC))
    drill = "Oefenactie: evacueer wijk Sterrenburg"
    recorded = await say(
        chat, DRILL, f"!actie {drill}\neigenaar: Dordrecht\ndeadline: morgen 9 uur\ntlp: green"
    )
    assert "A-2" in recorded, recorded
    closed = await say(chat, town, "!actie klaar A-2", UserId("@ambtenaar:x"))
    assert "A-2" in closed and "oefening" not in closed.lower().replace("oefenactie", ""), closed
    assert drill not in await say(chat, DRILL, "!acties"), closed
