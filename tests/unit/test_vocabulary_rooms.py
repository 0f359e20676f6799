"""Stored in English, read as before: a Dutch room still sees opvang, zorg, ernstig, koud,
an English room shelter, health, severe, cold (migration 0014 changed only storage)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from commands.builtin import build_registry
from commands.dispatcher import CommandSettings, Dispatcher, RoomView
from commands.i18n import Language
from storage.engine import Database
from storage.ids import RoomId
from storage.models import Incident, SituationEntry
from storage.rooms import BindingView
from tests.support.chat import dispatch, texts
from tests.support.rooms import incident_database

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
MOD = "@mod:x"
LIAISON = RoomView(
    room_id=RoomId("!ggd:x"),
    role="liaison",
    binding=BindingView("liaison", "storm", "GGD", "GREEN", "GREEN"),
)
COORDINATOR = RoomView(
    room_id=RoomId("!coord:x"),
    role="coordinator",
    binding=BindingView("coordinator", "storm", "VR", "AMBER", "AMBER"),
    power_levels={MOD: 50},
)


@pytest.fixture
async def db(tmp_path: Path):  # type: ignore[no-untyped-def]
    database = await incident_database(tmp_path / "t.db", {"storm": "Storm"}, MOD)
    yield database
    await database.close()


async def run(db: Database, body: str, room: RoomView, lang: Language = "nl") -> str:
    d = Dispatcher(build_registry(), CommandSettings(bot_user_id="@bot:x", language=lang))
    event_id = f"$e{body}{room.room_id}{lang}"
    _, replies = await dispatch(db, d, room, MOD, body, NOW, event_id=event_id)
    return texts(replies)


async def test_english_storage_dutch_and_english_words_in_rooms(db: Database) -> None:
    told = await run(
        db, "!melding opvang\ngemeente: Dordrecht\nernst: ernstig\nSporthal vol.", LIAISON
    )
    assert "opvang" in told and "ernstig" in told and "nieuw" in told
    told = await run(db, "!report health\nmunicipality: Dordrecht\nHospital busy.", LIAISON, "en")
    assert "health" in told and "zorg" not in told
    assert "fase lauw" in await run(db, "!incident fase storm lauw", COORDINATOR)
    async with db.session() as session:
        stored = sorted(await session.scalars(select(SituationEntry.category)))
        phase = (await session.get(Incident, "storm")).phase  # type: ignore[union-attr]
    assert stored == ["health", "shelter"] and phase == "lukewarm"

    dutch = await run(db, "!beeld storm", COORDINATOR)
    assert "fase lauw" in dutch and "ernstig" in dutch

    def title(lines: list[str], name: str) -> int:
        """Where a category's section starts: its title line, 'opvang: 1 actueel (…)'."""
        return next(i for i, line in enumerate(lines) if line.startswith(f"{name}: "))

    lines = dutch.splitlines()
    # Categories under their Dutch names, in Dutch alphabetical order.
    assert title(lines, "opvang") < title(lines, "zorg"), dutch
    assert "shelter" not in dutch and "health" not in dutch
    english = await run(db, "!summary storm", COORDINATOR, "en")
    assert "phase lukewarm" in english and "severe" in english
    english_lines = english.splitlines()
    assert title(english_lines, "health") < title(english_lines, "shelter"), english
    assert not any(line.startswith("opvang") for line in english_lines)

    listed = await run(db, "!meldingen storm categorie=opvang", COORDINATOR)
    assert "opvang" in listed and "M-1" in listed and "M-2" not in listed
    assert "fase lauw" in await run(db, "!incident lijst", COORDINATOR)
    assert "phase lukewarm" in await run(db, "!incident list", COORDINATOR, "en")
