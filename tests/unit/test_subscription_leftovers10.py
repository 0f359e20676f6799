"""Scheduled pictures (leftovers10, the last session's known gaps): a command with two
intervals took the last without a word; a room unbound, or bound without an incident,
was told it is "bound to another incident" (or nothing at all); a room demoted from
coordinator to liaison kept getting the coordinators' picture."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from storage import outbox, rooms
from storage import subscriptions as subscription_repo
from storage.engine import Database
from tests.support.chat import CoreChat, texts
from tests.unit.test_attack_formatting import ALICE, COORD, chat
from tests.unit.test_attack_scheduled_public import ROOM, subscribed_coordinator_room
from tests.unit.test_scheduler import RecordingSender, scheduler

__all__ = ["chat"]  # fixture, imported for pytest


@pytest.mark.parametrize(
    "command", ["!abonneer beeld elke 4h elke 6h", "!abonneer beeld elke 4h om 08:00 om 09:00"]
)
async def test_two_intervals_or_two_times_are_refused(chat: CoreChat, command: str) -> None:
    _, result = await chat.handle(COORD, ALICE, command)
    assert result is not None
    said = texts(result[0])
    assert "Gebruik" in said or "twee" in said, said
    async with chat.db.session() as session:
        assert not await subscription_repo.for_room(session, COORD)


async def _bodies(db: Database) -> list[str]:
    async with db.session() as session:
        return [row.content["body"] for row in await outbox.pending(session)]


async def _rebound(db: Database, change: str) -> None:
    async with db.transaction() as session:
        if change == "unbound":
            await rooms.unbind(session, ROOM)
            return
        await rooms.bind(
            session, ROOM, role="liaison" if change == "demoted" else "coordinator",
            incident=None if change == "no_incident" else "storm", organisation="VR",
            tlp_default="AMBER", clearance="AMBER", by="@a:x",
        )  # fmt: skip


@pytest.mark.parametrize("change", ["unbound", "no_incident", "demoted"])
async def test_a_room_no_longer_a_coordinator_room_of_the_incident_is_told_once(
    tmp_path: Path, change: str
) -> None:
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 's.db'}")
    await db.migrate()
    try:
        first = datetime.now(UTC) + timedelta(hours=1)
        async with db.transaction() as session:
            await subscribed_coordinator_room(session, first)
        await scheduler(db, RecordingSender()).tick(first)
        assert len(await _bodies(db)) == 1  # the baseline
        await _rebound(db, change)
        for hour in (1, 2):
            await scheduler(db, RecordingSender()).tick(first + timedelta(hours=hour))
        later = (await _bodies(db))[1:]
        assert len(later) == 1, later  # one notice, no picture
        assert "rust" in later[0] and "ander incident" not in later[0], later[0]
        assert "Situatiebeeld" not in later[0], later[0]
    finally:
        await db.close()
