"""Attack on the portal's entry page (helper "paths", session 12): its revision history
showed words under a label their writer had since taken back.

Found by the confidentiality guard once it also opened printable pages (its draws
changed): a liaison posts a report as TLP:RED, edits only its label down to CLEAR, then
deletes that edit (redaction: "I did not mean to lower it"), and later edits the report
into new GREEN words. `!beeld`, `!meldingen` and exports show the GREEN words only; the
entry page `/p/<token>/e/<id>` listed every revision under the label that revision had,
so the withdrawn CLEAR revision put the RED words in front of every room that may see
GREEN. The same for words a later edit raised (GREEN, then the same words AMBER, then
new GREEN words): the first revision still showed them under GREEN. A revision's words
are now judged by the label their writer last gave them (the newest standing revision
that holds them), and a withdrawn revision's words are not shown at all.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.web import render
from storage import portal_view
from storage.engine import Database
from storage.ids import RoomId, UserId
from storage.rooms import BindingView
from tests.support.chat import CoreChat
from tests.support.rooms import storm_database

LIAISON = RoomId("!ggd:x")
COORD = RoomId("!coord:x")
GREEN_ROOM = RoomId("!gemeente:x")
ALICE = UserId("@alice:x")


def _report(label: str, words: str) -> str:
    return f"!melding opvang\ngemeente: Dordrecht\ntlp: {label}\n{words}"


@pytest.fixture
async def chat(tmp_path: Path) -> AsyncIterator[CoreChat]:
    database: Database = await storm_database(
        tmp_path / "hist.db",
        [(LIAISON, "liaison", "GGD")],
        more={
            COORD: BindingView("coordinator", "storm", "VR", "AMBER", "AMBER"),
            GREEN_ROOM: BindingView("municipality", "storm", "Dordrecht", "GREEN", "GREEN"),
        },
    )
    yield CoreChat(database)
    await database.close()


async def _page(chat: CoreChat, room: RoomId) -> str:
    async with chat.db.session() as session:
        view = await portal_view.room_view(session, room)
        assert view is not None
        shown = await portal_view.entry_with_history(session, view, 1)
    assert shown is not None, "the entry itself is GREEN: the room sees it"
    return render.entry_page(shown, datetime.now(UTC), "nl", "/p/x")


async def test_a_withdrawn_lowering_does_not_show_the_red_words(chat: CoreChat) -> None:
    original, _ = await chat.send_event(LIAISON, ALICE, _report("rood", "Zxrood Vlinderweg."))
    lowered, _ = await chat.send_event(
        LIAISON, ALICE, _report("clear", "Zxrood Vlinderweg."), kind="edit", replaces=original
    )
    await chat.send_event(LIAISON, ALICE, "", kind="redaction", redacts=lowered)
    await chat.send_event(
        LIAISON, ALICE, _report("groen", "Nieuwe tekst."), kind="edit", replaces=original
    )
    for room in (COORD, GREEN_ROOM):
        page = await _page(chat, room)
        assert "Nieuwe tekst." in page
        assert "Vlinderweg" not in page, room


async def test_words_a_later_edit_raised_stay_raised_in_the_history(chat: CoreChat) -> None:
    original, _ = await chat.send_event(LIAISON, ALICE, _report("groen", "Zxeerst Vlinderweg."))
    await chat.send_event(
        LIAISON, ALICE, _report("amber", "Zxeerst Vlinderweg."), kind="edit", replaces=original
    )
    await chat.send_event(
        LIAISON, ALICE, _report("groen", "Nieuwe tekst."), kind="edit", replaces=original
    )
    assert "Vlinderweg" not in await _page(chat, GREEN_ROOM)
    # The AMBER room may see the words under the label they were raised to.
    assert "Vlinderweg" in await _page(chat, COORD)
