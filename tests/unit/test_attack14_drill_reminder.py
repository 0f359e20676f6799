"""Attack on action reminders in an exercise (helper "attack14", session 16).

Everything the bot says in a room bound to an exercise starts with OEFENING, and an
exercise's content never reaches a room working in reality. The scheduler's action
reminder was the one message that skipped the marker: a drill action's reminder
("Oefenactie: evacueer wijk Sterrenburg", deadline, owner mentioned) came unmarked,
and after its owner room was rebound to no incident (reality) it still went there,
unmarked, read as a real task. Now it is marked, and it does not cross into reality.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from storage import outbox, rooms
from storage.engine import Database
from storage.models import AuditRecord
from tests.support.rooms import incident_database
from tests.unit.test_attack_records import DRILL, DRILL_ACTION, REAL, REAL_ACTION, setup
from tests.unit.test_scheduler import RecordingSender, scheduler


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = await incident_database(tmp_path / "rem.db", {"storm": "Storm"}, "test")
    yield database
    await database.close()


async def _reminders(db: Database, before: int) -> dict[str, list[str]]:
    await scheduler(db, RecordingSender()).remind(datetime.now(UTC) + timedelta(days=2))
    async with db.session() as session:
        rows = list(await outbox.pending(session))[before:]
    said: dict[str, list[str]] = {}
    for row in rows:
        said.setdefault(row.room_id, []).append(str(row.content.get("body", "")))
    return said


async def _pending(db: Database) -> int:
    async with db.session() as session:
        return len(await outbox.pending(session))


async def test_a_drill_actions_reminder_is_marked_oefening(db: Database) -> None:
    await setup(db)
    said = await _reminders(db, await _pending(db))
    drill = [body for body in said.get(DRILL, []) if DRILL_ACTION in body]
    assert len(drill) == 1 and drill[0].startswith("OEFENING"), said
    real = [body for body in said.get(REAL, []) if REAL_ACTION in body]
    assert len(real) == 1 and "OEFENING" not in real[0], said  # a real one stays unmarked


async def test_a_drill_actions_reminder_does_not_follow_its_room_into_reality(
    db: Database,
) -> None:
    await setup(db)
    async with db.transaction() as session:
        await rooms.bind(
            session, DRILL, role="coordinator", incident=None, organisation="VR",
            tlp_default="AMBER", clearance="AMBER", by="@a:x",
        )  # fmt: skip
    said = await _reminders(db, await _pending(db))
    assert not any(DRILL_ACTION in body for body in said.get(DRILL, [])), said
    async with db.session() as session:
        skipped = list(
            await session.scalars(
                select(AuditRecord.subject).where(AuditRecord.action == "action.reminder_skipped")
            )
        )
    assert skipped, "the skipped reminder is audited"
