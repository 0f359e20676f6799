"""Attacks on judgement, decision and action records (outside attacker, session 5):
`!acties` naming an incident of the other mode (exercise vs reality), or a room bound
without an incident listing every incident's actions of both modes."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from commands.dispatcher import CommandSettings
from storage import rooms
from storage.engine import Database
from storage.ids import RoomId, UserId
from tests.support.chat import CoreChat, texts
from tests.support.rooms import incident_database

ADMIN = UserId("@admin:x")
REAL = RoomId("!coord-echt:x")
DRILL = RoomId("!coord-oefening:x")
TOWN = RoomId("!gemeente:x")  # a municipality room bound without an incident
REAL_ACTION = "Echte actie: zandzakken naar dijk Papendrecht"
DRILL_ACTION = "Oefenactie: evacueer wijk Sterrenburg"


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = await incident_database(tmp_path / "rec.db", {"storm": "Storm"}, "test")
    yield database
    await database.close()


async def setup(db: Database) -> CoreChat:
    chat = CoreChat(db, settings=CommandSettings(bot_user_id="@bot:x", admins=frozenset({ADMIN})))

    async def say(room: RoomId, body: str) -> str:
        _, result = await chat.handle(room, ADMIN, body)
        assert result is not None
        return texts(result[0])

    assert "geopend" in await say(DRILL, '!incident open oef "Oefening dijk" oefening=ja')
    for room, binding in (
        (REAL, "incident=storm org=VR rol=coordinator clearance=amber"),
        (DRILL, "incident=oef org=VR rol=coordinator clearance=amber"),
        (TOWN, "org=Dordrecht rol=gemeente tlp=green clearance=amber"),
    ):
        assert "gekoppeld" in await say(room, f"!kamer koppel {binding}")
    async with db.transaction() as session:
        for room in (REAL, DRILL, TOWN):
            await rooms.mark_joined(session, room, datetime.now(UTC))  # the bot is in it
    assert "A-" in await say(
        REAL, f"!actie {REAL_ACTION}\neigenaar: VR\ndeadline: 23:59\ntlp: green"
    )
    assert "A-" in await say(
        DRILL, f"!actie {DRILL_ACTION}\neigenaar: VR\ndeadline: 23:59\ntlp: green"
    )
    chat.say = say  # type: ignore[attr-defined]
    return chat


async def test_a_real_room_does_not_list_an_exercise_s_actions_as_real(db: Database) -> None:
    chat = await setup(db)
    real = await chat.say(REAL, "!acties oef")  # type: ignore[attr-defined]
    assert "Oefenactie" not in real and "oefening" in real.lower(), real  # says why
    drill = await chat.say(DRILL, "!acties storm")  # type: ignore[attr-defined]
    assert "Echte actie" not in drill, drill


async def test_a_room_without_an_incident_lists_only_its_own_mode(db: Database) -> None:
    chat = await setup(db)
    listed = await chat.say(TOWN, "!acties")  # type: ignore[attr-defined]
    assert "Oefenactie" not in listed, listed
    assert "Echte actie" in listed  # the baseline: it is a real room


async def test_an_exercise_room_cannot_record_an_action_in_the_real_incident(
    db: Database,
) -> None:
    """`incident: storm` in an exercise room: refused (as a report naming it is), never a
    real action that the real coordination room then lists as real, and vice versa."""
    chat = await setup(db)
    say = chat.say  # type: ignore[attr-defined]
    refused = await say(
        DRILL, "!actie Oefenactie twee: sluit brug\nincident: storm\neigenaar: VR\ndeadline: 23:59"
    )
    assert "oefening" in refused.lower() and "A-3" not in refused, refused
    assert "sluit brug" not in await say(REAL, "!acties")
    refused = await say(REAL, "!besluit Echte sluiting sluis\nincident: oef\nbesloten door: ROT")
    assert "oefening" in refused.lower() and "B-1" not in refused, refused


async def test_kamer_cannot_name_an_exercise_room_as_a_real_action_s_owner(
    db: Database,
) -> None:
    """`kamer: <exercise room>` on a real action: the owner's notice would arrive in the
    exercise marked OEFENING, a real task read as a drill. Refused, like a room the bot
    does not know for this incident."""
    chat = await setup(db)
    _, result = await chat.handle(
        REAL,
        ADMIN,
        f"!actie Echte actie twee: pompen naar Sliedrecht\neigenaar: VR\nkamer: {DRILL}\n"
        "deadline: 23:59",
    )
    assert result is not None
    assert not [r for r in result[0] if getattr(r, "room_id", None) == DRILL], texts(result[0])
    assert "A-3" not in texts(result[0]), texts(result[0])
