"""Attack 15: a picture with more than 200 series lost whole categories without a word.

"Laatste stand per categorie" read at most 200 series, ordered by category: with 200
shelter locations in `opvang` (a large evacuation), the `stroom`, `water` and `zorg`
sections were simply missing, and the picture read as complete. The limit now holds
per category, so every category keeps its section (with "… meer" where it is long).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from commands.message import Reply
from storage.engine import Database
from storage.ids import RoomId, UserId
from storage.picture import MAX_STATES
from storage.rooms import BindingView
from tests.support.chat import CoreChat
from tests.support.rooms import storm_database

LIAISON = RoomId("!coa:x")
COORD = RoomId("!coord:x")
ALICE = UserId("@alice:x")


@pytest.fixture
async def chat(tmp_path: Path) -> AsyncIterator[CoreChat]:
    coord = BindingView("coordinator", "storm", "VR", "AMBER", "AMBER")
    database: Database = await storm_database(
        tmp_path / "series.db", [(LIAISON, "liaison", "COA")], more={COORD: coord}
    )
    yield CoreChat(database)
    await database.close()


async def _picture(chat: CoreChat, command: str) -> str:
    _, result = await chat.handle(COORD, ALICE, command)
    assert result is not None
    return "\n".join(r.text for r in result[0] if isinstance(r, Reply))


@pytest.mark.parametrize("command", ["!beeld", "!beeld sinds=1d"])
async def test_every_category_keeps_its_section(chat: CoreChat, command: str) -> None:
    for n in range(1, MAX_STATES + 2):
        body = f"!melding opvang\nlocatie: Opvanglocatie {n}\nOpen."
        await chat.handle(LIAISON, ALICE, body)
    water = "!melding water\ngemeente: Dordrecht\nlocatie: Kade\nernst: matig\nKade loopt onder."
    await chat.handle(LIAISON, ALICE, water)
    text = await _picture(chat, command)
    assert "Kade loopt onder" in text, text[-2000:]
    assert f"opvang: {MAX_STATES + 1} actueel" in text, text[:400]
    assert f"en {MAX_STATES + 1 - 12} meer" in text, text[-2000:]
