"""The heard-of line of a picture (session 18: the severe reports a coordinator room got
only a redacted alert of, `storage.alerts.heard_of`) after the room was bound anew
(session 19, helper "trust19").

The room's CURRENT binding decides what its picture says. The line repeats an alert
the room got as a coordinator room of the report's incident; bound to another incident
(`!beeld storm` still answers there), or no longer a coordinator room (a liaison room
now), it is no such room: the old incident's reports are not named. A room raised so
that it may see the report has it in the picture itself, not also as heard of."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from commands.message import Reply
from storage import incidents as incident_repo
from storage.engine import Database
from storage.ids import RoomId, UserId
from storage.rooms import BindingView
from tests.support.chat import CoreChat, bound_views
from tests.support.rooms import bind_room, storm_database

LIAISON = RoomId("!ggd:x")
GREEN = RoomId("!green:x")
ALICE = UserId("@alice:x")
HEARD = "Boven de clearance van deze kamer"
SEVERE = "!melding zorg\ngemeente: Zwolle\nernst: extreem\ntlp: amber\nGeheim ziekenhuis vol."


@pytest.fixture
async def chat(tmp_path: Path) -> AsyncIterator[CoreChat]:
    more = {GREEN: BindingView("coordinator", "storm", "VR", "GREEN", "GREEN")}
    database: Database = await storm_database(
        tmp_path / "rebound.db", [(LIAISON, "liaison", "GGD")], more=more
    )
    async with database.transaction() as session:
        await incident_repo.open_incident(session, "flood", "Flood", "test")
    yield CoreChat(database)
    await database.close()


async def _picture(chat: CoreChat, room: RoomId, command: str) -> Reply:
    _, result = await chat.handle(room, ALICE, command)
    assert result is not None
    (reply, *_) = [r for r in result[0] if isinstance(r, Reply)]
    return reply


async def _alerted(chat: CoreChat) -> None:
    _, result = await chat.handle(LIAISON, ALICE, SEVERE)
    assert result is not None
    heads = [r.text for r in result[0] if isinstance(r, Reply) and r.room_id == GREEN]
    assert heads and heads[0].startswith("⚠ Extreme melding M-1"), heads
    line = next(x for x in (await _picture(chat, GREEN, "!beeld")).text.splitlines() if HEARD in x)
    assert "M-1 (extreem)" in line, line


async def _rebind(chat: CoreChat, binding: BindingView) -> None:
    async with chat.db.transaction() as session:
        await bind_room(session, GREEN, binding)


async def test_a_room_moved_to_another_incident_hears_no_longer_of_the_old_ones_reports(
    chat: CoreChat,
) -> None:
    """`!beeld storm` from a room bound to flood now: storm's picture as that room may
    see it, without what it heard as storm's coordinator room. (`!beeld` answers in
    coordinator rooms only; the portal and scheduled pictures of other roles are in
    test_picture19_heard_of_portal.py.)"""
    await _alerted(chat)
    await _rebind(chat, BindingView("coordinator", "flood", "VR", "GREEN", "GREEN"))
    for command in ("!beeld storm", "!beeld"):
        picture = await _picture(chat, GREEN, command)
        assert "Situatiebeeld" in picture.text, picture.text
        assert HEARD not in picture.text and "M-1" not in picture.text, (command, picture.text)
        assert "M-1" not in (picture.html or ""), command


async def test_bound_back_the_standing_alert_is_named_again(chat: CoreChat) -> None:
    """The alert still stands (it was never withdrawn): bound back as the incident's
    coordinator room, the room is again one that would be told, and its picture says so."""
    await _alerted(chat)
    await _rebind(chat, BindingView("coordinator", "flood", "VR", "GREEN", "GREEN"))
    assert HEARD not in (await _picture(chat, GREEN, "!beeld storm")).text
    await _rebind(chat, BindingView("coordinator", "storm", "VR", "GREEN", "GREEN"))
    assert "M-1 (extreem)" in (await _picture(chat, GREEN, "!beeld")).text


async def test_raised_so_that_it_may_see_the_report_the_line_gives_way_to_the_report(
    chat: CoreChat,
) -> None:
    await _alerted(chat)
    await _rebind(chat, BindingView("coordinator", "storm", "VR", "GREEN", "AMBER"))
    picture = await _picture(chat, GREEN, "!beeld")
    assert HEARD not in picture.text, picture.text
    assert "ziekenhuis" in picture.text and picture.text.count("(M-1)") == 1, picture.text


async def test_lowered_below_hearing_nothing_is_named(chat: CoreChat) -> None:
    """Public now (or unbound): the room sees CLEAR only and hears of nothing labelled."""
    await _alerted(chat)
    chat.view = bound_views(public={GREEN})
    picture = await _picture(chat, GREEN, "!beeld")
    assert HEARD not in picture.text and "M-1" not in picture.text, picture.text


async def test_lowered_below_the_report_the_room_still_hears_of_what_it_was_alerted_of(
    chat: CoreChat,
) -> None:
    """An AMBER coordinator room got the full alert of M-1; its clearance lowered to
    GREEN, it may no longer see M-1 but may hear of it, as any GREEN coordinator room:
    the alert is history it saw, and the picture names the report as heard of (code and
    severity, nothing of it) rather than read as if nothing severe were open."""
    await _rebind(chat, BindingView("coordinator", "storm", "VR", "GREEN", "AMBER"))
    _, result = await chat.handle(LIAISON, ALICE, SEVERE)
    assert result is not None
    full = [r.text for r in result[0] if isinstance(r, Reply) and r.room_id == GREEN]
    assert full and "ziekenhuis" in full[0], full
    await _rebind(chat, BindingView("coordinator", "storm", "VR", "GREEN", "GREEN"))
    picture = await _picture(chat, GREEN, "!beeld")
    line = next((x for x in picture.text.splitlines() if HEARD in x), "")
    assert "M-1 (extreem)" in line, picture.text
    for words in ("ziekenhuis", "Zwolle", "GGD", "AMBER"):
        assert words not in picture.text, words
