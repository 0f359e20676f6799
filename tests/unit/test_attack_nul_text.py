"""Attack on PostgreSQL (session 14, attack8): a NUL character in a message.

A Matrix event's body may hold JSON's `\\u0000` (a paste from a PDF or another system).
PostgreSQL text cannot hold it: a question, an unanswered plain question, a decision,
an assessment, a free-text update or an organisation name with one failed as a whole
("Er ging bij mij iets mis … er is niets opgeslagen"), every time it was sent again,
where SQLite took it. Reports were safe (their parser drops control characters).
The dispatcher now drops NUL from every message once, before any handler reads it.
"""

from __future__ import annotations

import pytest

from commands.dispatcher import Dispatcher
from storage.engine import Database
from storage.ids import RoomId, UserId
from tests.support.chat import texts
from tests.unit.test_picture_follows_entries import (
    ADMIN,
    ALDERMAN,
    COORD_RED,
    LIAISON,
    MUNICIPALITY,
    REPORTER,
    db,
    dispatcher,
    send,
)

__all__ = ["db", "dispatcher"]  # fixtures, imported for pytest
pytestmark = pytest.mark.postgres

CASES: list[tuple[RoomId, UserId, str]] = [
    (MUNICIPALITY, ALDERMAN, "!vraag Hoeveel zxqw\x00 kost een vlinderkooi op Mars?"),
    (MUNICIPALITY, ALDERMAN, "Hoeveel zxqw\x00 kost een vlinderkooi op Mars?"),
    (COORD_RED, ADMIN, "!besluit Dijk\x00 Papendrecht dicht"),
    (COORD_RED, ADMIN, "!oordeel Dijk\x00 Papendrecht houdt het niet"),
    (LIAISON, REPORTER, "Update: dijk\x00 houdt het"),
    (LIAISON, REPORTER, "!melding opvang\ngemeente: Dordrecht\nlocatie: Hal\x00 A\nHal open."),
    (COORD_RED, ADMIN, "!kamer koppel incident=storm org=Ab\x00c rol=coordinator"),
]


@pytest.mark.parametrize(("room", "sender", "body"), CASES)
async def test_a_message_with_a_nul_is_handled_as_without_it(
    db: Database, dispatcher: Dispatcher, room: RoomId, sender: UserId, body: str
) -> None:
    _, replies = await send(db, dispatcher, room, body, sender)
    text = texts(replies)
    assert text and "iets mis" not in text, text
    assert "\x00" not in text
