# ruff: noqa: F811 (the fixtures imported from test_closed_incident_report are parameters)
"""A closed incident, as its coordinators see it (leftovers10, from the last session's
known gaps): its picture says it is closed, its scheduled pictures pause after one last
post marked closed (until `!incident heropen`), an edit of a report in it says so as a
new report does, and after a reopen an edit does not call a fallback alert "moved"."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from commands.message import Reply
from storage import incidents as incident_repo
from storage import outbox
from storage.engine import Database
from tests.support.chat import CoreChat, texts
from tests.unit.test_attack_scheduled_public import subscribed_coordinator_room
from tests.unit.test_closed_incident_report import (  # noqa: F401
    ALICE,
    COORD,
    LIAISON,
    MOD,
    _report,
    chat,
    elsewhere,
)
from tests.unit.test_scheduler import RecordingSender, scheduler


def _to(room: str, result: list[object] | None) -> list[Reply]:
    return [r for r in result or [] if isinstance(r, Reply) and r.room_id == room]


async def test_the_picture_of_a_closed_incident_says_it_is_closed(chat: CoreChat) -> None:
    _, result = await chat.handle(COORD, MOD, "!beeld")
    assert result is not None
    first_line = texts(result[0]).splitlines()[0]
    assert "gesloten" in first_line.lower(), first_line


async def test_the_picture_of_an_open_incident_says_nothing_of_closing(chat: CoreChat) -> None:
    await chat.handle(COORD, MOD, "!incident heropen storm")
    _, result = await chat.handle(COORD, MOD, "!beeld")
    assert result is not None
    assert "gesloten" not in texts(result[0]), texts(result[0])


async def _bodies(db: Database) -> list[str]:
    async with db.session() as session:
        return [row.content["body"] for row in await outbox.pending(session)]


async def _set_open(db: Database, is_open: bool) -> None:
    async with db.transaction() as session:
        incident = await incident_repo.get(session, "storm")
        assert incident is not None
        incident.open = is_open
        incident.closed_at = None if is_open else datetime.now(UTC)


async def test_scheduled_pictures_pause_after_one_last_picture_until_reopened(
    tmp_path: Path,
) -> None:
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 's.db'}")
    await db.migrate()
    try:
        first = datetime.now(UTC) + timedelta(hours=1)
        async with db.transaction() as session:
            await subscribed_coordinator_room(session, first)
        await scheduler(db, RecordingSender()).tick(first)
        assert len(await _bodies(db)) == 1  # the baseline: it posts while open
        await _set_open(db, False)
        await scheduler(db, RecordingSender()).tick(first + timedelta(hours=1))
        last = (await _bodies(db))[1:]
        assert len(last) == 1, last
        assert "gesloten" in last[0] and "!incident heropen storm" in last[0], last[0]
        for hour in (2, 3):
            await scheduler(db, RecordingSender()).tick(first + timedelta(hours=hour))
        assert len(await _bodies(db)) == 2, (await _bodies(db))[2:]
        await _set_open(db, True)
        await scheduler(db, RecordingSender()).tick(first + timedelta(hours=4))
        resumed = (await _bodies(db))[2:]
        assert len(resumed) == 1 and "gesloten" not in resumed[0], resumed
    finally:
        await db.close()


async def test_closing_tells_the_room_its_subscriptions_pause(chat: CoreChat) -> None:
    await chat.handle(COORD, MOD, "!incident heropen storm")
    await chat.handle(COORD, MOD, "!abonneer beeld elke 4h")
    _, result = await chat.handle(COORD, MOD, "!incident sluit storm")
    assert result is not None
    said = texts(result[0])
    assert "gesloten" in said and "abonnement" in said.lower() and "heropen" in said, said


async def test_an_edit_of_a_report_in_the_closed_incident_says_it_is_closed(
    chat: CoreChat,
) -> None:
    first, _ = await chat.send_event(LIAISON, ALICE, _report("matig"))
    _, edited = await chat.send_event(
        LIAISON, ALICE, _report("extreem"), kind="edit", replaces=first
    )
    own = texts([r for r in edited or [] if isinstance(r, Reply) and r.room_id in (None, LIAISON)])
    assert "gesloten" in own and "!incident heropen storm" in own, own
    (alert,) = _to(COORD, edited)
    assert alert.notify and "gesloten" in alert.text, alert.text


async def test_after_a_reopen_an_edit_does_not_call_the_fallback_alert_moved(
    elsewhere: CoreChat,
) -> None:
    """The extreme report went to the open incident's coordinators (none of the closed
    incident's own could see it). Reopened, the report did not move anywhere: an edit
    must not tell those coordinators it "moved to another incident"."""
    first, sent = await elsewhere.send_event(LIAISON, ALICE, _report("extreem"))
    assert _to(COORD, sent)
    await elsewhere.handle(LIAISON, MOD, "!incident heropen storm")
    async with elsewhere.db.transaction() as session:
        incident = await incident_repo.get(session, "storm")
        assert incident is not None
        incident.open, incident.closed_at = True, None
    _, edited = await elsewhere.send_event(
        LIAISON, ALICE, _report("extreem") + " Nog hoger.", kind="edit", replaces=first
    )
    said = texts(_to(COORD, edited))
    assert "verplaatst" not in said and "ander incident" not in said, said


async def test_after_a_reopen_deleting_an_edit_does_not_call_the_fallback_alert_moved(
    elsewhere: CoreChat,
) -> None:
    """As above, for the edit taken back: going back a revision kept the incident."""
    first, sent = await elsewhere.send_event(LIAISON, ALICE, _report("extreem"))
    assert _to(COORD, sent)
    async with elsewhere.db.transaction() as session:
        incident = await incident_repo.get(session, "storm")
        assert incident is not None
        incident.open, incident.closed_at = True, None
    edit, _ = await elsewhere.send_event(
        LIAISON, ALICE, _report("extreem") + " Nog hoger.", kind="edit", replaces=first
    )
    _, withdrawn = await elsewhere.send_event(LIAISON, ALICE, "", kind="redaction", redacts=edit)
    said = texts(_to(COORD, withdrawn))
    assert "ander incident" not in said, said
