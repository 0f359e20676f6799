"""A severe report that reaches no coordinator is said so to the one who sent it.

Found by the lead's user check (session 10) against the running demo: a liaison sent an
extreme report labelled TLP:RED. RED never leaves the room it was posted in, so no
coordinator room was alerted, and the confirmation said nothing about it: the liaison
believed the coordinators knew (a hidden severe report). The same happens when the
incident has no coordinator room yet, or only rooms whose clearance is too low. The
label stays as chosen (the bot does not lower a partner's marking); the reporter is told,
so that they can warn the coordinators another way or change the label if they may.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from commands.i18n import t
from commands.message import Relation, Reply
from storage.engine import Database
from storage.ids import EventId, RoomId, UserId
from storage.rooms import BindingView
from tests.support.chat import CoreChat, texts
from tests.support.rooms import storm_database

LIAISON = RoomId("!ggd:x")
COORD = RoomId("!coord:x")
ALICE = UserId("@alice:x")
NOT_SEEN = t("nl", "reports.warning_no_coordinator_sees", label="RED").split("{")[0][:40]
NO_ROOM = t("nl", "reports.warning_no_coordinator_room")[:40]


def _report(severity: str, label: str) -> str:
    return f"!melding evacuatie\ngemeente: Dordrecht\nernst: {severity}\ntlp: {label}\nDijk."


@pytest.fixture
async def chat(tmp_path: Path) -> AsyncIterator[CoreChat]:
    """A liaison room and a coordinator room of `storm`, both with clearance AMBER."""
    coord = BindingView("coordinator", "storm", "VR", "AMBER", "AMBER")
    database: Database = await storm_database(
        tmp_path / "sev.db", [(LIAISON, "liaison", "GGD")], more={COORD: coord}
    )
    yield CoreChat(database)
    await database.close()


def _to_coordinators(result: list[object]) -> list[Reply]:
    return [r for r in result if isinstance(r, Reply) and r.room_id == COORD]


async def test_an_extreme_red_report_tells_its_reporter_no_coordinator_was_alerted(
    chat: CoreChat,
) -> None:
    _, result = await chat.handle(LIAISON, ALICE, _report("extreem", "rood"))
    assert result is not None
    assert not _to_coordinators(result[0])  # RED stays in its room, as before
    assert NOT_SEEN in texts(result[0]), texts(result[0])


async def test_an_extreme_amber_report_that_alerted_the_coordinators_has_no_warning(
    chat: CoreChat,
) -> None:
    _, result = await chat.handle(LIAISON, ALICE, _report("extreem", "amber"))
    assert result is not None
    assert _to_coordinators(result[0])
    assert NOT_SEEN not in texts(result[0]) and NO_ROOM not in texts(result[0])


async def test_a_minor_red_report_needs_no_warning(chat: CoreChat) -> None:
    _, result = await chat.handle(LIAISON, ALICE, _report("gering", "rood"))
    assert result is not None
    assert NOT_SEEN not in texts(result[0]) and NO_ROOM not in texts(result[0])


async def test_an_edit_that_makes_a_red_report_extreme_tells_the_reporter(chat: CoreChat) -> None:
    original, _ = await chat.handle(LIAISON, ALICE, _report("gering", "rood"))
    _, result = await chat.handle(
        LIAISON,
        ALICE,
        _report("extreem", "rood"),
        kind="edit",
        relation=Relation(replaces=EventId(original)),
    )
    assert result is not None
    assert NOT_SEEN in texts(result[0]), texts(result[0])


async def test_a_free_text_red_extreme_update_tells_its_reporter(chat: CoreChat) -> None:
    await chat.handle(
        LIAISON,
        ALICE,
        "Dijk bij Wielwijk bezwijkt.\ngemeente: Dordrecht\nernst: extreem\ntlp: rood",
    )
    _, result = await chat.handle(LIAISON, ALICE, "ja")
    assert result is not None
    (entry,) = await chat.entries()
    assert (entry.tlp, entry.severity) == ("RED", "Extreme"), texts(result[0])
    assert NOT_SEEN in texts(result[0]), texts(result[0])


async def test_a_severe_report_in_an_incident_without_coordinator_room_says_so(
    tmp_path: Path,
) -> None:
    database = await storm_database(tmp_path / "alone.db", [(LIAISON, "liaison", "GGD")])
    try:
        _, result = await CoreChat(database).handle(LIAISON, ALICE, _report("ernstig", "amber"))
        assert result is not None
        assert NO_ROOM in texts(result[0]), texts(result[0])
    finally:
        await database.close()
