"""A coordinator room that may only hear of a severe report gets a redacted alert.

The incident's coordinator room is cleared for GREEN; a partner reports an extreme
situation under AMBER. The room may not see the report, and was told nothing at all:
its picture had no line of it, and no alert came. A domino alert already has a redacted
form for a room that may only hear of its cause (`tlp.may_hear_of`); the coordinators'
alert now has one too: that a severe or extreme report exists in their incident, its
code, that its content is above the room's clearance and whom to ask - no words, no
figures, no place. Sent once, under GREEN, recorded as a redacted alert, withdrawn as a
full one is; never for RED, and for AMBER+STRICT only within its organisation.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from commands.i18n import t
from commands.message import Reply
from storage.engine import Database
from storage.ids import RoomId, UserId
from storage.rooms import BindingView
from tests.support.chat import CoreChat, texts
from tests.support.rooms import storm_database

LIAISON = RoomId("!ggd:x")
COORD = RoomId("!coord-green:x")
ALICE = UserId("@alice:x")
NOT_SEEN = "niet gewaarschuwd"  # reports.warning_no_coordinator_sees
ONLY_HEARD = "alleen gehoord"  # reports.warning_coordinators_only_heard
SECRET = ("Dijk", "Dordrecht", "Wielwijk", "120")


def _report(severity: str, label: str) -> str:
    return (
        f"!melding evacuatie\ngemeente: Dordrecht\nlocatie: Wielwijk\nernst: {severity}\n"
        f"tlp: {label}\ngeëvacueerd: 120\nDijk bezwijkt."
    )


async def _chat(tmp_path: Path, organisation: str = "VR") -> AsyncIterator[CoreChat]:
    coord = BindingView("coordinator", "storm", organisation, "GREEN", "GREEN")
    database: Database = await storm_database(
        tmp_path / f"heard-{organisation}.db", [(LIAISON, "liaison", "GGD")], more={COORD: coord}
    )
    yield CoreChat(database)
    await database.close()


@pytest.fixture
async def chat(tmp_path: Path) -> AsyncIterator[CoreChat]:
    """A GGD liaison room (clearance AMBER) and the incident's coordinator room of the
    Veiligheidsregio, cleared for GREEN."""
    async for one in _chat(tmp_path):
        yield one


def _to_coordinators(result: object) -> list[Reply]:
    assert isinstance(result, list)
    return [r for r in result if isinstance(r, Reply) and r.room_id == COORD]


async def test_an_amber_extreme_report_alerts_a_green_coordinator_room_redacted(
    chat: CoreChat,
) -> None:
    _, result = await chat.handle(LIAISON, ALICE, _report("extreem", "amber"))
    assert result is not None
    (entry,) = await chat.entries()
    (alert,) = _to_coordinators(result[0])
    assert alert.notify and alert.tlp == "GREEN", alert
    assert entry.code in alert.text and "extreme" in alert.text.lower(), alert.text
    for word in SECRET:
        assert word not in alert.text and word not in (alert.html or ""), alert.text
    assert "TLP:AMBER" not in alert.text and "GGD" not in alert.text, alert.text
    # The reporter is not told that no coordinator was warned: one heard of it; but
    # neither that the coordinators have it (they do not see it).
    reply = texts(result[0][:1])
    assert NOT_SEEN not in reply, reply
    assert NOT_SEEN in t("nl", "reports.warning_no_coordinator_sees", label="AMBER")
    assert ONLY_HEARD in reply, reply


async def test_the_redacted_alert_is_sent_once_and_withdrawn_on_retraction(
    chat: CoreChat,
) -> None:
    original, result = await chat.handle(LIAISON, ALICE, _report("ernstig", "amber"))
    assert result is not None and _to_coordinators(result[0])
    edited = _report("ernstig", "amber").replace("bezwijkt", "bezwijkt verder")
    _, again = await chat.send_event(LIAISON, ALICE, edited, kind="edit", replaces=original)
    assert not _to_coordinators(again), texts(again)
    _, gone = await chat.send_event(LIAISON, ALICE, "", kind="redaction", redacts=original)
    (notice,) = _to_coordinators(gone)
    assert "vervalt" in notice.text and notice.tlp == "GREEN", notice.text
    for word in SECRET:
        assert word not in notice.text, notice.text


async def test_an_edit_below_severe_withdraws_it(chat: CoreChat) -> None:
    original, _ = await chat.handle(LIAISON, ALICE, _report("extreem", "amber"))
    _, lowered = await chat.send_event(
        LIAISON, ALICE, _report("gering", "amber"), kind="edit", replaces=original
    )
    (notice,) = _to_coordinators(lowered)
    assert "niet meer ernstig" in notice.text, notice.text


async def test_an_edit_to_red_withdraws_it_and_says_nothing_more(chat: CoreChat) -> None:
    original, _ = await chat.handle(LIAISON, ALICE, _report("extreem", "amber"))
    _, raised = await chat.send_event(
        LIAISON, ALICE, _report("extreem", "rood"), kind="edit", replaces=original
    )
    (notice,) = _to_coordinators(raised)
    assert "vervalt" in notice.text and "(M-" not in notice.text, notice.text


async def test_an_edit_to_green_gives_the_room_the_full_alert(chat: CoreChat) -> None:
    original, _ = await chat.handle(LIAISON, ALICE, _report("extreem", "amber"))
    _, lowered = await chat.send_event(
        LIAISON, ALICE, _report("extreem", "groen"), kind="edit", replaces=original
    )
    shown = texts(_to_coordinators(lowered))  # type: ignore[arg-type]
    assert "Dijk bezwijkt" in shown, shown


async def test_red_is_never_heard_of(chat: CoreChat) -> None:
    _, result = await chat.handle(LIAISON, ALICE, _report("extreem", "rood"))
    assert result is not None
    assert not _to_coordinators(result[0])
    assert t("nl", "reports.warning_no_coordinator_sees", label="RED")[:40] in texts(result[0])


async def test_amber_strict_is_heard_of_only_within_its_organisation(tmp_path: Path) -> None:
    async for chat in _chat(tmp_path, organisation="VR"):
        _, result = await chat.handle(LIAISON, ALICE, _report("extreem", "amber+strict"))
        assert result is not None
        assert not _to_coordinators(result[0]), texts(result[0])
    async for chat in _chat(tmp_path, organisation="GGD"):
        _, result = await chat.handle(LIAISON, ALICE, _report("extreem", "amber+strict"))
        assert result is not None
        (alert,) = _to_coordinators(result[0])
        assert "GGD" in alert.text, alert.text  # its own organisation: no secret
        for word in SECRET:
            assert word not in alert.text, alert.text
