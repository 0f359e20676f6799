"""Attack on `!export` (helper "attack14", session 16): options it did not read.

`!beeld` and `!meldingen` take `incident=`; `!export` read only bare words and ignored
every `key=value`. In a coordinator room bound to storm, `!export incident=stom csv`
(mistyped) or `!export incident=other csv` exported storm's reports under storm's name
without a word, and `!export storm csv categorie=zorg` wrote every category while the
coordinator believed the file held the health reports only. Now `incident=` names the
incident (checked like a bare word) and any other option is refused, nothing exported.
"""

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


async def _replies(chat: CoreChat, body: str) -> tuple[list[Reply], str]:
    _, result = await chat.handle(COORD, ALICE, body)
    assert result is not None
    replies = [r for r in result[0] or [] if isinstance(r, Reply)]
    return [r for r in replies if r.attachment is not None], texts(result[0] or [])


async def test_a_mistyped_incident_option_is_refused_not_the_rooms_incident_exported(
    chat: CoreChat,
) -> None:
    files, said = await _replies(chat, "!export incident=stom csv")
    assert not files and "Onbekend incident" in said, said


async def test_the_incident_option_names_the_incident(chat: CoreChat) -> None:
    files, said = await _replies(chat, "!export incident=storm json")
    names = [f.attachment.filename for f in files if f.attachment]
    assert len(names) == 1 and names[0].startswith("knooppunt-storm-"), said


@pytest.mark.parametrize("body", ["!export storm csv categorie=zorg", "!export csv sinds=4h"])
async def test_a_filter_the_export_does_not_apply_is_refused(chat: CoreChat, body: str) -> None:
    files, said = await _replies(chat, body)
    assert not files, said
    assert "categorie" in said or "sinds" in said, said
