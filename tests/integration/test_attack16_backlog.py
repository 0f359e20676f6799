"""People's messages around a stop of the bot: what they sent, edited and deleted while
it was down is handled as they left it, each report answered once, late and saying so.

Against a real Synapse: the bot (`knooppunt run`) is stopped, people act, the bot is
started again; the stored entries, the event log and the replies people see are checked.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3

import pytest
from nio import RoomRedactResponse

from tests.conftest import World
from tests.integration.test_edit_trust import _db, _entries, _processed
from tests.support.human import Human, edit_content
from tests.support.live import ask as _ask

pytestmark = pytest.mark.integration

LATE = "(Late reactie"
REPORT = "!melding water\ngemeente: Zwolle\nernst: matig\nDijk lekt bij gemaal {n}."
FIRST_EDIT = "!melding water\ngemeente: Zwolle\nernst: ernstig\nDijk lekt bij gemaal {n}, erger."
LAST_EDIT = (
    "!melding water\ngemeente: Kampen\nernst: zeer ernstig\nDijk bezwijkt bij gemaal {n}."
)
DELETED = "!melding stroom\ngemeente: Zwolle\nernst: matig\nGeheime storing trafo Noord."


async def _setup(world: World, encrypted: bool = False) -> tuple[Human, Human, str, str]:
    """An admin, a liaison in a bound liaison room, a bound coordinators' room; the bot
    marks a reply late after 3 s."""
    admin = await world.human("admin", encryption=encrypted)
    liaison = await world.human("liaison", encryption=encrypted)
    bot = world.bot(KNOOPPUNT_ADMINS=admin.user_id, KNOOPPUNT_LATE_AFTER_SECONDS="3")
    bot.start()
    room = await admin.create_room(
        invite=[world.bot_user, liaison.user_id], encrypted=encrypted, name="GGD"
    )
    await admin.wait_joined(room, world.bot_user)
    await liaison.join(room)
    await admin.wait_joined(room, liaison.user_id)
    coord = await admin.create_room(invite=[world.bot_user], encrypted=encrypted, name="Coörd")
    await admin.wait_joined(coord, world.bot_user)
    assert "geopend" in await _ask(admin, room, "!incident open storm Storm", world.bot_user)
    assert "gekoppeld" in await _ask(
        admin,
        room,
        '!kamer koppel incident=storm org="GGD" rol=liaison tlp=amber clearance=amber',
        world.bot_user,
    )
    assert "gekoppeld" in await _ask(
        admin,
        coord,
        "!kamer koppel incident=storm org=VR rol=coordinator clearance=amber",
        world.bot_user,
    )
    return admin, liaison, room, coord


def _by_source(world: World) -> dict[str, sqlite3.Row]:
    return {str(row["source_event_id"]): row for row in _entries(world)}


def _bot_bodies(world: World, room: str) -> list[str]:
    with _db(world) as db:
        rows = db.execute(
            "SELECT content FROM outbox WHERE room_id = ? AND kind = 'message'", (room,)
        )
        return [str(json.loads(row[0]).get("body", "")) for row in rows]


async def _redact(human: Human, room: str, event_id: str) -> str:
    response = await human.client.room_redact(room, event_id)
    assert isinstance(response, RoomRedactResponse), response
    return response.event_id


async def test_edits_and_a_deletion_made_while_the_bot_was_down(world: World) -> None:
    """Report, edit, another person's deletion of an earlier report, a second edit: all
    while the bot is down. The stored report is the last edit; the deleted report is
    gone from the picture (its words too); each report has one reply, and it is late."""
    admin, liaison, room, coord = await _setup(world)
    bot = world.bots[0]
    doomed = await liaison.send(room, DELETED)
    assert await liaison.wait_until(lambda: bool(liaison.replies_to(doomed, world.bot_user)))
    assert bot.terminate() == 0, bot.log()[-2000:]

    report = await liaison.send(room, REPORT.format(n=1))
    first = await liaison.send(
        room, "* " + FIRST_EDIT.format(n=1), extra=edit_content(report, FIRST_EDIT.format(n=1))
    )
    deletion = await _redact(admin, room, doomed)
    last = await liaison.send(
        room, "* " + LAST_EDIT.format(n=1), extra=edit_content(report, LAST_EDIT.format(n=1))
    )
    await asyncio.sleep(4)  # older than the late threshold
    bot.start()
    for event_id in (report, first, deletion, last):
        await _processed(world, event_id, patience=60)
    await asyncio.sleep(2)  # a doubled reply would show up now

    entries = _by_source(world)
    stored = entries[report]
    assert (stored["municipality"], stored["severity"], stored["revision"]) == (
        "Kampen",
        "Extreme",
        3,
    ), dict(stored)
    assert "bezwijkt" in stored["text"], dict(stored)
    assert entries[doomed]["retracted_at"] is not None, dict(entries[doomed])
    # One reply to the report, late and saying so; the edits are answered late too.
    replies = liaison.replies_to(report, world.bot_user)
    assert len(replies) == 1, [r.body for r in replies]
    assert replies[0].body.startswith(LATE), replies[0].body
    for edit in (first, last):
        answers = liaison.replies_to(edit, world.bot_user)
        assert len(answers) <= 1, [a.body for a in answers]
        assert all(a.body.startswith(LATE) for a in answers), [a.body for a in answers]
    # The picture holds the last edit and nothing of the deleted report.
    picture = await _ask(admin, coord, "!beeld", world.bot_user)
    assert "Geheime storing" not in picture and "trafo" not in picture, picture
    assert "Kampen" in picture, picture
