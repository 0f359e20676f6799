"""An edit's confirmation in a room that turned public since the report (note13, from
session 12): a public room sees CLEAR only, its own posts too (storage/tlp.py), so the
diff does not repeat the previous version's words when they were labelled above CLEAR;
the new words are the edit's own, just written there. `restricted` counts as public
(anyone in another room may join). Checked against the one rule: a regression guard
(no leak was found; the rule's line in `_revise_entry` had no test)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from commands.message import Relation
from storage.engine import Database
from storage.ids import EventId, RoomId, UserId
from tests.support.chat import CoreChat, bound_views, texts
from tests.support.rooms import storm_database

ROOM = RoomId("!ggd:x")
ALICE = UserId("@alice:x")
OLD_WORDS = "Huisartsenpost Zwijndrecht dicht wegens besmetting"


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = await storm_database(tmp_path / "pub.db", [(ROOM, "liaison", "GGD")])
    yield database
    await database.close()


def _report(label: str, text: str) -> str:
    return f"!melding zorg\ngemeente: Dordrecht\ntlp: {label}\n{text}"


async def _edit_after_going_public(db: Database, label: str) -> str:
    private = CoreChat(db, bound_views())
    original, _ = await private.handle(ROOM, ALICE, _report(label, OLD_WORDS))
    public = CoreChat(db, bound_views(public={ROOM}), prefix="$pub")
    _, result = await public.handle(
        ROOM,
        ALICE,
        _report("clear", "Huisartsenpost weer open."),
        kind="edit",
        relation=Relation(replaces=EventId(original)),
    )
    assert result is not None
    return texts(result[0])


@pytest.mark.parametrize("label", ["green", "amber"])
async def test_the_diff_leaves_out_the_words_a_public_room_may_not_see(
    db: Database, label: str
) -> None:
    said = await _edit_after_going_public(db, label)
    assert "Huisartsenpost weer open" in said, said  # the edit's own words
    assert "Zwijndrecht" not in said and "besmetting" not in said, said


async def test_a_clear_report_still_shows_its_diff(db: Database) -> None:
    said = await _edit_after_going_public(db, "clear")
    assert "Zwijndrecht" in said, said
