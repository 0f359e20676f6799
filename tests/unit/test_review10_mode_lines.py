"""Review of round 1 (helper "review10", session 16): the words that say a report is
real, on a line of their own above the fields, as people write them.

Round 1 made "GÉÉN OEFENING", "NIET EEN OEFENING", "OEFENING BEËINDIGD" such a line
(commands/report_parser.py `_MODE_LINE`), so `ernst: extreem` below it stays a field.
The commonest Dutch form, "DIT IS GEEN OEFENING", NATO's "NO DUFF", "THIS IS NOT A
DRILL" (each read as real by commands/exercise.py) and "GÉÉN" typed with combining
accents (as some keyboards send it) were still read as the start of the text: the first
report of a real emergency was refused ("'ernst: extreem' staat onder de tekst").
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
    "said",
    [
        "DIT IS GEEN OEFENING",
        "Dit is géén oefening!",
        "NO DUFF",
        "NO DUFF NO DUFF NO DUFF",
        "THIS IS NOT A DRILL",
        "GE\u0301E\u0301N OEFENING",
    ],
)
async def test_a_real_line_above_the_fields_keeps_the_fields(chat: CoreChat, said: str) -> None:
    body = f"!melding evacuatie\n{said}\ngemeente: Dordrecht\nernst: extreem\nDijk weg."
    _, result = await chat.handle(REAL, ALICE, body)
    assert result is not None
    entries = await chat.entries()
    assert [(e.municipality, e.severity) for e in entries] == [("Dordrecht", "Extreme")], texts(
        result[0]
    )
