"""Review 19a: which heard-of line a visible follow-up hides (one line per item,
`alerts._followed_up_in_view`) must be decided by what the room may see.

A GREEN coordinator room heard of M-2 (AMBER, extreme) and sees its GREEN follow-up
M-3, so the line leaves M-2 out (the item shows once, by M-3). Then M-2's AMBER writer
edits it into another AMBER item (`betreft: M-1`, a report the room never heard of).
Nothing the room may see changed, and it was sent nothing. Before the fix the hiding
asked whether M-2 still opens its item (M-2's own state, AMBER): it no longer did, so
`!beeld` named "M-2 (extreem)" again and the portal page's live marker moved at the
moment of the AMBER edit: the room learnt that the AMBER report was edited and left
its item."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from commands.dispatcher import CommandSettings
from commands.message import Relation, Reply
from storage import portal_view
from storage.engine import Database
from storage.ids import RoomId, UserId
from storage.rooms import BindingView
from tests.support.chat import CoreChat
from tests.support.rooms import storm_database

LIAISON = RoomId("!ggd:x")
GREEN = RoomId("!green:x")
ALICE = UserId("@alice:x")
HEARD = "Boven de clearance van deze kamer"
OTHER = "!melding water\ngemeente: Kampen\nernst: matig\ntlp: amber\nGeheime dijk."
SEVERE = "!melding zorg\ngemeente: Zwolle\nernst: extreem\ntlp: amber\nGeheim ziekenhuis vol."
FOLLOW_UP = "!melding zorg\nbetreft: M-2\nernst: extreem\ntlp: groen\nZiekenhuis Zwolle vol."
MOVED = SEVERE.replace("tlp: amber", "tlp: amber\nbetreft: M-1")


@pytest.fixture
async def chat(tmp_path: Path) -> AsyncIterator[CoreChat]:
    more = {GREEN: BindingView("coordinator", "storm", "VR", "GREEN", "GREEN")}
    database: Database = await storm_database(
        tmp_path / "edit.db", [(LIAISON, "liaison", "GGD")], more=more
    )
    settings = CommandSettings(bot_user_id="@bot:x", public_url="https://portal.example")
    yield CoreChat(database, settings=settings)
    await database.close()


async def _replies(
    chat: CoreChat, room: RoomId, body: str, relation: Relation | None = None
) -> tuple[str, list[Reply]]:
    kind = "edit" if relation is not None else "message"
    event, result = await chat.handle(room, ALICE, body, kind=kind, relation=relation)
    assert result is not None
    return event, [r for r in result[0] if isinstance(r, Reply)]


async def _seen(chat: CoreChat) -> tuple[str, str]:
    """The room's heard-of line in `!beeld` and its portal page's live marker."""
    _, (picture, *_) = await _replies(chat, GREEN, "!beeld")
    line = next((x for x in picture.text.splitlines() if HEARD in x), "")
    async with chat.db.session() as session:
        view = await portal_view.room_view(session, GREEN)
        assert view is not None
        marker = await portal_view.change_marker(session, view)
    return line, marker


async def test_an_unseen_edit_moving_a_heard_of_report_changes_nothing_for_the_room(
    chat: CoreChat,
) -> None:
    await _replies(chat, LIAISON, OTHER)
    event, _ = await _replies(chat, LIAISON, SEVERE)
    _, out = await _replies(chat, LIAISON, FOLLOW_UP)
    assert any(r.room_id == GREEN and "M-3" in r.text for r in out), out
    before = await _seen(chat)
    assert before[0] == "", before  # the item shows once, by M-3
    _, out = await _replies(chat, LIAISON, MOVED, Relation(replaces=event))
    assert any("bijgewerkt" in r.text and "vervolg op M-1" in r.text for r in out), out
    assert not [r.text for r in out if r.room_id == GREEN]  # the room was told nothing
    after = await _seen(chat)
    assert "M-2" not in after[0], after[0]
    assert after == before
