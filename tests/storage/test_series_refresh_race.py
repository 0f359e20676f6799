"""Two first refreshes of an incident at once must not collide.

A `!beeld`, the scheduler and a portal view can each bring the series tables of
a fresh incident up to date at the same moment; each used to insert the
incident's `picture_watermark` row and the second failed with a UNIQUE
violation. On SQLite and PostgreSQL.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from storage import series
from storage.engine import Database
from storage.models import PictureWatermark, SeriesLatest, SituationEntry


def _entry(incident: str, n: int, at: datetime) -> SituationEntry:
    return SituationEntry(
        incident=incident,
        category="opvang",
        organisation="GGD",
        reporter="@r:x",
        room_id="!r:x",
        source_event_id=f"$e{incident}{n}",
        observed_at=at,
        recorded_at=at,
        updated_at=at,
        place=f"plaats {n}",
        severity="normal",
        status="open",
        text=f"melding {n}",
        tlp="GREEN",
        tlp_rank=1,
        revision=1,
        item_id=n + 1,
    )


async def _three_refreshes_at_once(
    db: Database, incident: str, entries: list[SituationEntry]
) -> tuple[datetime | None, int | None]:
    """Store `entries`, refresh the incident three times at once: (the watermark, how
    many series rows the incident has)."""
    async with db.transaction() as session:
        session.add_all(entries)

    async def refresh() -> None:
        async with db.transaction() as session:
            await series.refresh(session, incident)

    await asyncio.gather(*(refresh() for _ in range(3)))
    async with db.session() as session:
        watermark = await session.get(PictureWatermark, incident)
        rows = await session.scalar(select(func.count()).where(SeriesLatest.incident == incident))
    return (watermark.updated_at if watermark else None), rows


async def test_two_first_refreshes_at_once_do_not_collide(db: Database) -> None:
    at = datetime(2026, 12, 3, 10, 0, tzinfo=UTC)
    for round_ in range(5):
        incident = f"storm{round_}"
        first = [_entry(incident, n, at + timedelta(minutes=n)) for n in range(3)]
        assert await _three_refreshes_at_once(db, incident, first) == (
            at + timedelta(minutes=2),
            3,
        )
        # Later refreshes at once fold in the same new entry: no collision either.
        later = [_entry(incident, 3, at + timedelta(minutes=3))]
        assert await _three_refreshes_at_once(db, incident, later) == (
            at + timedelta(minutes=3),
            4,
        )
