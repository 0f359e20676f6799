"""Review 19a: a FULL alert to a coordinator room whose clearance was lowered below the
report since is, for that room, an alert of a report it only hears of (session 19 names
such a report in its pictures as heard of): what it is told of the report afterwards
must be what a room that got the redacted alert is told, no more.

An AMBER coordinator room got the full alert of M-1 (AMBER, extreme) and was lowered to
GREEN. Before the fix it was still treated as a room that sees M-1:
- an AMBER text edit of M-1 (label unchanged) withdrew its alert as "edited to a label
  this room may not see ... ask the reporter" and alerted it anew, redacted: the room
  learnt that the AMBER report was edited, when (and was told a label changed);
- M-1 raised to RED: the same notice told that M-1 still stands under a label the room
  may not even hear of (the leak review 17a closed for redacted alerts);
- an AMBER follow-up resolving (or lowering) the item: not told at all (a room that
  sees M-1 sees the item in its picture; this one does not), so its pictures went on
  naming "M-1 (extreem)" as open, where a room with the redacted alert is told, without
  the follow-up's code."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from commands.message import Relation, Reply
from storage.engine import Database
from storage.ids import RoomId, UserId
from storage.rooms import BindingView
from tests.support.chat import CoreChat
from tests.support.rooms import bind_room, storm_database

LIAISON = RoomId("!ggd:x")
COORD = RoomId("!coord:x")
ALICE = UserId("@alice:x")
SEVERE = "!melding zorg\ngemeente: Zwolle\nernst: extreem\ntlp: amber\nGeheim ziekenhuis vol."
RESOLVED = "!melding zorg\nbetreft: M-1\nstatus: opgelost\ntlp: amber\nWeer ruimte."
LOWERED = "!melding zorg\nbetreft: M-1\nernst: matig\ntlp: amber\nWat ruimte."
RED = SEVERE.replace("tlp: amber", "tlp: rood")


@pytest.fixture
async def chat(tmp_path: Path) -> AsyncIterator[CoreChat]:
    more = {COORD: BindingView("coordinator", "storm", "VR", "GREEN", "AMBER")}
    database: Database = await storm_database(
        tmp_path / "lowered.db", [(LIAISON, "liaison", "GGD")], more=more
    )
    yield CoreChat(database)
    await database.close()


async def _to_coord(
    chat: CoreChat, body: str, relation: Relation | None = None
) -> tuple[str, list[Reply]]:
    kind = "edit" if relation is not None else "message"
    event, result = await chat.handle(LIAISON, ALICE, body, kind=kind, relation=relation)
    assert result is not None
    return event, [r for r in result[0] if isinstance(r, Reply) and r.room_id == COORD]


async def _fully_alerted_then_lowered(chat: CoreChat) -> str:
    event, (alert, *_) = await _to_coord(chat, SEVERE)
    assert "M-1" in alert.text and "ziekenhuis" in alert.text, alert.text
    async with chat.db.transaction() as session:
        await bind_room(session, COORD, BindingView("coordinator", "storm", "VR", "GREEN", "GREEN"))
    return event


HEARD = "Boven de clearance van deze kamer"


async def _heard_line(chat: CoreChat) -> str:
    _, result = await chat.handle(COORD, ALICE, "!beeld")
    assert result is not None
    (picture, *_) = [r for r in result[0] if isinstance(r, Reply)]
    return next((x for x in picture.text.splitlines() if HEARD in x), "")


async def test_an_unseen_edit_tells_the_lowered_room_nothing(chat: CoreChat) -> None:
    event = await _fully_alerted_then_lowered(chat)
    assert "M-1 (extreem)" in await _heard_line(chat)
    edited = SEVERE.replace("vol.", "vol, nu ook de gangen.")
    _, told = await _to_coord(chat, edited, Relation(replaces=event))
    assert not told, [r.text for r in told]
    assert "M-1 (extreem)" in await _heard_line(chat)


@pytest.mark.parametrize("follow_up", [RESOLVED, LOWERED])
async def test_a_follow_up_above_the_lowered_room_is_told_as_heard(
    chat: CoreChat, follow_up: str
) -> None:
    await _fully_alerted_then_lowered(chat)
    _, told = await _to_coord(chat, follow_up)
    assert len(told) == 1, [r.text for r in told]
    (notice,) = told
    assert notice.tlp == "GREEN", notice.tlp
    assert "M-2" not in notice.text and "M-1" not in notice.text, notice.text
    assert "Melding" not in notice.text.split("\n", 1)[1], notice.text
    assert await _heard_line(chat) == ""


async def test_a_report_raised_to_red_reads_as_gone(chat: CoreChat) -> None:
    event = await _fully_alerted_then_lowered(chat)
    _, (notice, *_) = await _to_coord(chat, RED, Relation(replaces=event))
    assert notice.tlp == "GREEN", notice.tlp
    assert "ingetrokken of valt niet meer onder wat deze kamer mag horen" in notice.text, (
        notice.text
    )
    assert "melder" not in notice.text, notice.text
    assert await _heard_line(chat) == ""
