"""Room version 12 (Synapse's default since 1.135, what Element creates): the room's
creators hold unlimited power and are not listed in `m.room.power_levels` (the
homeserver refuses a power levels event that lists them). The bot read a member's
power from that list alone, so the person who made the room counted as power 0:
their redaction of another member's report (a report posted in error, or with words
that must not stand) was deleted in the room but stayed in every picture and list of
every cleared room, and `!incident open` in their coordination room was refused.

Against a real Synapse: the room is created as version 12 by a member who is no
config admin.
"""

from __future__ import annotations

import asyncio

import pytest
from nio import RoomCreateResponse

from tests.conftest import World
from tests.integration.test_edit_trust import _ask, _entries, _processed

pytestmark = pytest.mark.integration

REPORT = "!melding water\ngemeente: Zwolle\nernst: matig\nDijk lekt bij gemaal."


async def test_the_creator_of_a_version_12_room_may_retract_a_report(world: World) -> None:
    admin = await world.human("admin")
    owner = await world.human("owner")  # made the room; no config admin
    liaison = await world.human("liaison")
    bot = world.bot(KNOOPPUNT_ADMINS=admin.user_id)
    bot.start()
    created = await owner.client.room_create(
        name="GGD",
        room_version="12",
        invite=[world.bot_user, admin.user_id, liaison.user_id],
    )
    assert isinstance(created, RoomCreateResponse), created
    room = created.room_id
    await owner.wait_joined(room, world.bot_user)
    for human in (admin, liaison):
        await human.join(room)
        await owner.wait_joined(room, human.user_id)
    assert "geopend" in await _ask(admin, room, "!incident open storm Storm", world.bot_user)
    assert "gekoppeld" in await _ask(
        admin, room, '!kamer koppel incident=storm org="GGD" rol=liaison', world.bot_user
    )
    report = await liaison.send(room, REPORT)
    await _processed(world, report)
    assert len(_entries(world)) == 1

    redaction = await owner.client.room_redact(room, report, reason="verkeerde melding")
    event_id = getattr(redaction, "event_id", None)
    assert isinstance(event_id, str), redaction  # the homeserver lets the creator
    await _processed(world, event_id)
    await asyncio.sleep(0.5)
    (entry,) = _entries(world)
    assert entry["retracted_at"] is not None, dict(entry)

    # After a restart the bot learns the room's state on demand: the creator still counts.
    assert bot.terminate() == 0, bot.log()[-2000:]
    bot.start()
    second = await liaison.send(room, REPORT.replace("lekt", "lekt weer"))
    await _processed(world, second, patience=60)
    redaction = await owner.client.room_redact(room, second)
    event_id = getattr(redaction, "event_id", None)
    assert isinstance(event_id, str), redaction
    await _processed(world, event_id)
    await asyncio.sleep(0.5)
    assert all(entry["retracted_at"] is not None for entry in _entries(world)), [
        dict(entry) for entry in _entries(world)
    ]
