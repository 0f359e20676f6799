"""The answer to an edit of a message typed in a thread goes in that thread (session
12, leftovers3).

An edit (`m.replace`) carries no thread relation of its own: the original message has
it. The bot answered the edit of a threaded report in the main timeline, as a reply to
the edit, away from the thread where the report and its confirmation stand.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from commands.message import Relation
from storage.engine import Database
from storage.ids import EventId
from tests.support.chat import CoreChat
from tests.support.rooms import storm_database
from tests.unit.test_attack_outbox_access import _Client
from tests.unit.test_unalerted_severe import ALICE, LIAISON, _report

ROOT = EventId("$root")


class _Contents(_Client):
    """Takes every send and keeps its whole content."""

    def __init__(self) -> None:
        super().__init__()
        self.contents: list[tuple[str, dict[str, object]]] = []

    async def room_send(
        self, room_id: str, kind: str, content: dict[str, object], **extra: object
    ) -> object:
        self.contents.append((room_id, content))
        return await super().room_send(room_id, kind, content, **extra)


@pytest.fixture
async def chat(tmp_path: Path) -> AsyncIterator[CoreChat]:
    database: Database = await storm_database(tmp_path / "t.db", [(LIAISON, "liaison", "GGD")])
    yield CoreChat(database)
    await database.close()


async def test_an_edit_of_a_threaded_report_is_answered_in_the_thread(chat: CoreChat) -> None:
    threaded = Relation(reply_to=ROOT, thread_root=ROOT)
    report, handled = await chat.handle(
        LIAISON, ALICE, _report("gering", "amber"), relation=threaded
    )
    assert handled is not None
    first = handled[1][0].content["m.relates_to"]
    assert first["rel_type"] == "m.thread" and first["event_id"] == ROOT, first
    edit = _report("matig", "amber")
    _, handled = await chat.handle(
        LIAISON, ALICE, edit, kind="edit", relation=Relation(replaces=report)
    )
    assert handled is not None and handled[1], handled
    for row in handled[1]:
        relates = row.content.get("m.relates_to") or {}
        assert relates.get("rel_type") == "m.thread", row.content
        assert relates.get("event_id") == ROOT, row.content


async def test_an_edit_of_an_unthreaded_report_stays_out_of_threads(chat: CoreChat) -> None:
    report, _ = await chat.handle(LIAISON, ALICE, _report("gering", "amber"))
    _, handled = await chat.handle(
        LIAISON, ALICE, _report("matig", "amber"), kind="edit", relation=Relation(replaces=report)
    )
    assert handled is not None and handled[1]
    for row in handled[1]:
        assert (row.content.get("m.relates_to") or {}).get("rel_type") != "m.thread", row.content


async def test_the_notice_of_a_voided_threaded_reply_goes_in_its_thread(tmp_path: Path) -> None:
    """A reply in a thread voided before its send (the room lost access while it
    waited): the neutral notice goes where the reply would have gone, in the thread,
    not in the main timeline."""
    from storage.rooms import BindingView
    from tests.unit.test_attack_outbox_access import BOB, _drain, _lower
    from tests.unit.test_unalerted_severe import COORD

    coord = BindingView("coordinator", "storm", "VR", "AMBER", "AMBER")
    database = await storm_database(
        tmp_path / "v.db", [(LIAISON, "liaison", "GGD")], more={COORD: coord}
    )
    try:
        chat = CoreChat(database)
        await chat.send_event(LIAISON, ALICE, _report("gering", "amber"))
        await _drain(database)
        threaded = Relation(reply_to=ROOT, thread_root=ROOT)
        asked, _ = await chat.handle(COORD, BOB, "!meldingen", relation=threaded)
        await _lower(database, COORD, "GREEN")
        client = _Contents()
        await _drain(database, client)
        sent = [content for room, content in client.contents if room == COORD]
        assert len(sent) == 1, sent
        relates = sent[0].get("m.relates_to")
        assert isinstance(relates, dict) and relates.get("rel_type") == "m.thread", sent[0]
        assert relates.get("event_id") == ROOT, relates
        assert relates.get("m.in_reply_to") == {"event_id": asked}, relates
    finally:
        await database.close()


async def test_a_retraction_of_a_threaded_report_is_confirmed_in_the_thread(
    chat: CoreChat,
) -> None:
    """A redaction carries no thread relation either: the confirmation that the report
    is retracted goes in the report's thread."""
    threaded = Relation(reply_to=ROOT, thread_root=ROOT)
    report, _ = await chat.handle(LIAISON, ALICE, _report("gering", "amber"), relation=threaded)
    _, handled = await chat.handle(
        LIAISON, ALICE, "", kind="redaction", relation=Relation(redacts=report)
    )
    assert handled is not None
    messages = [row for row in handled[1] if row.kind == "message"]
    assert messages, handled[1]
    for row in messages:
        relates = row.content.get("m.relates_to") or {}
        assert relates.get("rel_type") == "m.thread", row.content
        assert relates.get("event_id") == ROOT, row.content
