"""A report in a room still bound to a closed incident (note13, from attack6).

It was stored without a word: the liaison believed it was part of a live picture, and
the coordinators (whose subscriptions and attention follow open incidents) never heard
of it. Decided: the report is stored (a report is never lost), the liaison is told the
incident is closed and how it is reopened (`!incident heropen`), and every coordinator
room of that incident that may see the report is told it came in: a severe or extreme
one in its alert, which says the incident is closed, any other in a notice. What a room
may not see it is not told about (the one TLP rule)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import select

from commands.dispatcher import CommandSettings
from commands.message import Reply
from storage import incidents as incident_repo
from storage.engine import Database
from storage.ids import RoomId, UserId
from storage.models import SituationEntry
from storage.rooms import BindingView
from tests.support.chat import CoreChat, bound_views, texts
from tests.support.rooms import storm_database

LIAISON = RoomId("!ggd:x")
COORD = RoomId("!coord:x")
DRILL = RoomId("!drill:x")
ALICE = UserId("@alice:x")
MOD = UserId("@mod:x")


def _report(severity: str, label: str = "amber") -> str:
    return f"!melding evacuatie\ngemeente: Dordrecht\nernst: {severity}\ntlp: {label}\nDijk."


@pytest.fixture
async def chat(tmp_path: Path) -> AsyncIterator[CoreChat]:
    """`storm`, closed; a liaison room and a coordinator room still bound to it."""
    coord = BindingView("coordinator", "storm", "VR", "AMBER", "AMBER")
    database: Database = await storm_database(
        tmp_path / "closed.db", [(LIAISON, "liaison", "GGD")], more={COORD: coord}
    )
    async with database.transaction() as session:
        incident = await incident_repo.get(session, "storm")
        assert incident is not None
        incident.open = False
    views = bound_views(power_levels={MOD: 50})
    yield CoreChat(database, views, CommandSettings(bot_user_id="@bot:x"))
    await database.close()


def _to(room: RoomId, result: list[object]) -> list[Reply]:
    return [r for r in result if isinstance(r, Reply) and r.room_id == room]


async def _stored(db: Database) -> int:
    async with db.session() as session:
        rows = await session.scalars(
            select(SituationEntry).where(SituationEntry.incident == "storm")
        )
        return len(list(rows))


async def test_the_liaison_is_told_the_incident_is_closed_and_the_report_is_kept(
    chat: CoreChat,
) -> None:
    _, result = await chat.handle(LIAISON, ALICE, _report("matig"))
    assert result is not None
    own = texts([r for r in result[0] if isinstance(r, Reply) and r.room_id in (None, LIAISON)])
    assert "M-1" in own and "gesloten" in own, own
    assert "!incident heropen storm" in own and "zijn ingelicht" in own, own
    assert await _stored(chat.db) == 1


async def test_the_coordinators_hear_of_a_moderate_report_into_the_closed_incident(
    chat: CoreChat,
) -> None:
    _, result = await chat.handle(LIAISON, ALICE, _report("matig"))
    assert result is not None
    (notice,) = _to(COORD, result[0])
    assert "M-1" in notice.text and "gesloten" in notice.text, notice.text
    assert notice.tlp == "AMBER"


async def test_an_extreme_report_alerts_and_says_the_incident_is_closed(chat: CoreChat) -> None:
    _, result = await chat.handle(LIAISON, ALICE, _report("extreem"))
    assert result is not None
    (alert,) = _to(COORD, result[0])
    assert alert.notify and "M-1" in alert.text and "gesloten" in alert.text, alert.text


async def test_a_room_that_may_not_see_the_report_hears_nothing(chat: CoreChat) -> None:
    _, result = await chat.handle(LIAISON, ALICE, _report("matig", "rood"))
    assert result is not None
    assert not _to(COORD, result[0])
    # ... and the liaison is not told the coordinators know.
    own = texts(result[0])
    assert "gesloten" in own and "niet ingelicht" in own and "zijn ingelicht" not in own, own


async def test_a_coordinator_reopens_the_incident_and_reports_are_plain_again(
    chat: CoreChat,
) -> None:
    _, result = await chat.handle(COORD, MOD, "!incident heropen storm")
    assert result is not None
    assert "heropend" in texts(result[0]), texts(result[0])
    async with chat.db.session() as session:
        incident = await incident_repo.get(session, "storm")
        assert incident is not None and incident.open and incident.closed_at is None
    _, result = await chat.handle(LIAISON, ALICE, _report("matig"))
    assert result is not None
    assert "gesloten" not in texts(result[0]) and not _to(COORD, result[0])


@pytest.fixture
async def elsewhere(tmp_path: Path) -> AsyncIterator[CoreChat]:
    """`storm`, closed, with no coordinator room any more: its coordinators work on the
    open `storm-2` now (COORD), and a drill runs beside it (DRILL, an exercise)."""
    database: Database = await storm_database(
        tmp_path / "moved.db",
        [(LIAISON, "liaison", "GGD")],
        more={
            COORD: BindingView("coordinator", "storm-2", "VR", "AMBER", "AMBER"),
            DRILL: BindingView("coordinator", "drill", "VR", "AMBER", "AMBER"),
        },
    )
    async with database.transaction() as session:
        await incident_repo.open_incident(session, "storm-2", "Storm 2", "test")
        await incident_repo.open_incident(session, "drill", "Drill", "test", exercise=True)
        incident = await incident_repo.get(session, "storm")
        assert incident is not None
        incident.open = False
    yield CoreChat(database, bound_views(power_levels={MOD: 50}))
    await database.close()


async def test_an_extreme_report_nobody_of_the_closed_incident_saw_reaches_open_coordinators(
    elsewhere: CoreChat,
) -> None:
    _, result = await elsewhere.handle(LIAISON, ALICE, _report("extreem"))
    assert result is not None
    (alert,) = _to(COORD, result[0])
    assert alert.notify and "M-1" in alert.text and "gesloten" in alert.text, alert.text
    assert not _to(DRILL, result[0])  # real and exercise never mix
    own = texts([r for r in result[0] if isinstance(r, Reply) and r.room_id in (None, LIAISON)])
    assert "open incidenten" in own and "niemand is" not in own, own


async def test_a_moderate_or_red_report_stays_with_the_closed_incident(
    elsewhere: CoreChat,
) -> None:
    for body in (_report("matig"), _report("extreem", "rood")):
        _, result = await elsewhere.handle(LIAISON, ALICE, body)
        assert result is not None
        assert not _to(COORD, result[0]) and not _to(DRILL, result[0])
        assert "niet ingelicht" in texts(result[0]), texts(result[0])


async def test_a_fallback_alert_is_withdrawn_when_the_report_is_retracted_or_hidden(
    elsewhere: CoreChat,
) -> None:
    """The open incident's coordinators act on the fallback alert: retracted, or raised
    to a label they may not see, they are told it no longer holds, as the closed
    incident's own coordinators would be (review6: the alert stood, unwithdrawn)."""
    first, _ = await elsewhere.send_event(LIAISON, ALICE, _report("extreem"))
    retracted = await elsewhere.send_event(LIAISON, ALICE, "", kind="redaction", redacts=first)
    (notice,) = _to(COORD, retracted[1] or [])
    assert "ingetrokken" in notice.text.lower(), notice.text
    second, _ = await elsewhere.send_event(LIAISON, ALICE, _report("extreem"))
    raised = await elsewhere.send_event(
        LIAISON, ALICE, _report("extreem", "rood"), kind="edit", replaces=second
    )
    (hidden,) = _to(COORD, raised[1] or [])
    assert "Dijk" not in hidden.text and "vervalt" in hidden.text, hidden.text


async def test_an_edit_keeps_a_standing_fallback_alert_and_does_not_repeat_it(
    elsewhere: CoreChat,
) -> None:
    first, _ = await elsewhere.send_event(LIAISON, ALICE, _report("extreem"))
    edited = await elsewhere.send_event(
        LIAISON, ALICE, _report("extreem") + " Nog hoger.", kind="edit", replaces=first
    )
    assert not _to(COORD, edited[1] or []), texts(edited[1])


async def test_an_edit_making_the_report_severe_alerts_the_open_coordinators(
    elsewhere: CoreChat,
) -> None:
    first, _ = await elsewhere.send_event(LIAISON, ALICE, _report("matig"))
    edited = await elsewhere.send_event(
        LIAISON, ALICE, _report("extreem"), kind="edit", replaces=first
    )
    (alert,) = _to(COORD, edited[1] or [])
    assert alert.notify and "M-1" in alert.text and "gesloten" in alert.text, alert.text


async def test_a_strict_report_of_another_organisation_stays_out_of_open_coordinators(
    elsewhere: CoreChat,
) -> None:
    _, result = await elsewhere.handle(LIAISON, ALICE, _report("extreem", "amber+strict"))
    assert result is not None
    assert not _to(COORD, result[0]) and "niet ingelicht" in texts(result[0])


async def test_the_closed_incidents_own_alert_is_withdrawn_when_the_edit_hides_it(
    chat: CoreChat,
) -> None:
    """An extreme report into the closed incident alerts its own coordinator room; the
    liaison then raises it to TLP:RED. That room may no longer see it, so its alert must
    be withdrawn (as in an open incident). Checked (review7) because since c02fdb8 a
    report no coordinator room of the closed incident may see makes the open
    incidents' rooms the alerts' walk, which leaves the own room out of it: it held."""
    first, sent = await chat.send_event(LIAISON, ALICE, _report("extreem"))
    assert _to(COORD, sent or [])
    raised = await chat.send_event(
        LIAISON, ALICE, _report("extreem", "rood"), kind="edit", replaces=first
    )
    (hidden,) = _to(COORD, raised[1] or [])
    assert "Dijk" not in hidden.text and "vervalt" in hidden.text, hidden.text


COORD_GREEN = RoomId("!coord-green:x")


async def test_a_heard_of_alert_in_a_closed_incident_is_kept_beside_the_fallback(
    tmp_path: Path,
) -> None:
    """The closed incident's own coordinator room is cleared for GREEN: it may only hear
    of an AMBER extreme report. The report goes in full to the open incident's
    coordinators (the fallback: no room of the closed incident may see it), and the own
    room still gets the redacted alert, as in an open incident; the reporter's line
    counts only the full alerts as told."""
    database: Database = await storm_database(
        tmp_path / "heard.db",
        [(LIAISON, "liaison", "GGD")],
        more={
            COORD: BindingView("coordinator", "storm-2", "VR", "AMBER", "AMBER"),
            COORD_GREEN: BindingView("coordinator", "storm", "VR", "GREEN", "GREEN"),
        },
    )
    try:
        async with database.transaction() as session:
            await incident_repo.open_incident(session, "storm-2", "Storm 2", "test")
            incident = await incident_repo.get(session, "storm")
            assert incident is not None
            incident.open = False
        chat = CoreChat(database, bound_views(power_levels={MOD: 50}))
        _, result = await chat.handle(LIAISON, ALICE, _report("extreem"))
        assert result is not None
        (alert,) = _to(COORD, result[0])
        assert "Dijk" in alert.text and "gesloten" in alert.text, alert.text
        (heard,) = _to(COORD_GREEN, result[0])
        assert "M-1" in heard.text and "Dijk" not in heard.text and heard.tlp == "GREEN"
        own = texts([r for r in result[0] if isinstance(r, Reply) and r.room_id in (None, LIAISON)])
        assert "open incidenten" in own, own
    finally:
        await database.close()
