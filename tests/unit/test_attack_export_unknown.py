"""Attack on `!export` (helper attack9, session 14): a mistyped incident (`!export stom
csv` for storm) gave an empty file and "0 meldingen", as if the incident held nothing,
while `!beeld stom` says the incident is unknown. The name was not checked at all, so
any word became part of the file's name (`knooppunt-<word>-….csv`). Now refused as
`!beeld` does; the right name still exports."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from commands.message import Reply
from storage.ids import RoomId, UserId
from tests.support.chat import CoreChat, texts
from tests.support.rooms import storm_database

COORD = RoomId("!vr:x")
ALICE = UserId("@alice:x")


@pytest.fixture
async def chat(tmp_path: Path) -> AsyncIterator[CoreChat]:
    database = await storm_database(tmp_path / "exp.db", [(COORD, "coordinator", "VR")])
    yield CoreChat(database)
    await database.close()


@pytest.mark.parametrize("body", ["!export stom csv", "!export ../../etc csv", "!export json x"])
async def test_an_unknown_incident_is_refused_without_a_file(chat: CoreChat, body: str) -> None:
    _, result = await chat.handle(COORD, ALICE, body)
    assert result is not None
    replies = result[0] or []
    files = [r for r in replies if isinstance(r, Reply) and r.attachment is not None]
    assert not files and "Onbekend incident" in texts(replies), texts(replies)


@pytest.mark.parametrize("body", ["!export storm csv", "!export STORM json", "!export edxl"])
async def test_the_right_incident_still_exports(chat: CoreChat, body: str) -> None:
    _, result = await chat.handle(COORD, ALICE, body)
    assert result is not None
    replies = result[0] or []
    assert [r for r in replies if isinstance(r, Reply) and r.attachment is not None], texts(replies)
