"""Attack 15: "Gewijzigd sinds vorig beeld" left out changes beyond 200 without a word.

After a busy shift (more than 200 reports since the room's previous picture), the
section listed the 200 newest codes and read as complete: what was resolved or
retracted earlier in the shift was not there. The section now says it left the oldest
out, and where to find them.
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
        tmp_path / "changes.db", [(LIAISON, "liaison", "COA")], more={COORD: coord}
    )
    yield CoreChat(database)
    await database.close()


async def _picture(chat: CoreChat) -> str:
    _, result = await chat.handle(COORD, ALICE, "!beeld")
    assert result is not None
    return "\n".join(r.text for r in result[0] if isinstance(r, Reply))


async def test_the_changes_section_says_when_it_left_changes_out(chat: CoreChat) -> None:
    await chat.handle(LIAISON, ALICE, "!melding opvang\nlocatie: Sporthal\nOpen.")
    await _picture(chat)
    for n in range(1, MAX_STATES + 2):
        await chat.handle(LIAISON, ALICE, f"!melding opvang\nlocatie: Opvang {n}\nOpen.")
    text = await _picture(chat)
    assert f"Alleen de {MAX_STATES} nieuwste wijzigingen" in text, text[-1500:]


async def test_no_notice_when_every_change_is_listed(chat: CoreChat) -> None:
    await chat.handle(LIAISON, ALICE, "!melding opvang\nlocatie: Sporthal\nOpen.")
    await _picture(chat)
    await chat.handle(LIAISON, ALICE, "!melding opvang\nlocatie: Opvang 1\nOpen.")
    assert "nieuwste wijzigingen" not in await _picture(chat)
