"""Review of round 1 (helper "review10", session 16): the drill marker repeated in any
case ("Oefening oefening oefening", commands/exercise.py) was matched across a sentence
end and a line break, so a real report that mentions a drill twice ("... voor een
oefening. Oefening van morgen gaat niet door") was refused in the real room as drill
words. The repeated marker is one phrase: on one line, joined by blanks or commas.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from storage.ids import RoomId, UserId
from tests.support.chat import CoreChat, texts
from tests.support.rooms import storm_database

REAL = RoomId("!real:x")
ALICE = UserId("@alice:x")


@pytest.fixture
async def chat(tmp_path: Path) -> AsyncIterator[CoreChat]:
    database = await storm_database(tmp_path / "real.db", [(REAL, "liaison", "GGD")])
    yield CoreChat(database)
    await database.close()


@pytest.mark.parametrize(
    "text",
    [
        "Sporthal was geboekt voor een oefening. Oefening van morgen gaat niet door.",
        "Sporthal was geboekt voor een oefening\nOefening van morgen gaat niet door.",
        "Sporthal was geboekt voor een oefening? Oefening gaat niet door.",
    ],
)
async def test_a_drill_named_twice_in_sentences_is_a_real_report(chat: CoreChat, text: str) -> None:
    body = f"!melding opvang\ngemeente: Dordrecht\n{text}\n40 mensen opgevangen."
    _, result = await chat.handle(REAL, ALICE, body)
    assert result is not None
    assert len(await chat.entries()) == 1, texts(result[0])
