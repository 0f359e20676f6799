"""The portal's build worker brings the series tables up to date without holding the
write lock while it reads (`series.refresh_with_short_lock`).

At 100,000 entries the fold-in's look-ups took 80-500 ms; inside one write
transaction every report waited behind them (bench/portal.py: the report path's p95
with 50 live viewers). On SQLite and PostgreSQL.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.web import builds
from storage import series
from storage.engine import Database
from storage.models import FigureLatest, ItemLatest, SeriesLatest, SituationEntry
from tests.storage.test_series_refresh_race import _entry

AT = datetime(2026, 12, 3, 10, 0, tzinfo=UTC)


async def _store(db: Database, *entries: SituationEntry) -> None:
    async with db.transaction() as session:
        session.add_all(entries)


async def _rows(db: Database, incident: str) -> list[tuple[object, ...]]:
    found: list[tuple[object, ...]] = []
    async with db.session() as session:
        for table in (SeriesLatest, FigureLatest, ItemLatest):
            rows = await session.execute(
                select(table.key, table.entry_id).where(table.incident == incident)
            )
            found += sorted((table.__tablename__, *row) for row in rows)
    return found


async def test_a_report_is_written_while_the_portal_refresh_reads(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    await _store(db, *(_entry("storm", n, AT + timedelta(minutes=n)) for n in range(3)))
    assert await builds.refresh_series(db, "storm")  # the watermark exists from here on
    await _store(db, _entry("storm", 3, AT + timedelta(minutes=3)))

    reading, written = asyncio.Event(), asyncio.Event()
    stale = series._stale

    async def slow_stale(session: object, incident: str) -> set[int]:
        reading.set()  # the refresh is reading now; a report arrives meanwhile
        await asyncio.wait_for(written.wait(), 5)
        return await stale(session, incident)  # type: ignore[arg-type]

    async def report() -> None:
        await reading.wait()
        await _store(db, _entry("storm", 4, AT + timedelta(minutes=4)))
        written.set()

    monkeypatch.setattr(series, "_stale", slow_stale)
    writer = asyncio.create_task(report())
    refreshed = await builds.refresh_series(db, "storm")
    # Held behind a write lock, the report would have waited for the refresh, which
    # waited for the report: neither finishes within the refresh's 5 s patience.
    assert refreshed and writer.done() and writer.exception() is None
    monkeypatch.setattr(series, "_stale", stale)

    # The report written meanwhile is folded in by the next refresh, and the rows are
    # what a rebuild from scratch makes of the same entries.
    assert await builds.refresh_series(db, "storm")
    kept = await _rows(db, "storm")
    assert ("series_latest", "storm", 5) in [(t, k.split("\x1f")[0], e) for t, k, e in kept]
    async with db.transaction() as session:
        await series._rebuild(session, "storm")
    assert await _rows(db, "storm") == kept


async def test_a_retraction_and_a_new_report_fold_in_as_a_rebuild_would(db: Database) -> None:
    await _store(db, *(_entry("dijk", n, AT + timedelta(minutes=n)) for n in range(4)))
    await series.refresh_with_short_lock(db, "dijk")
    async with db.transaction() as session:
        gone = await session.scalar(
            select(SituationEntry).where(SituationEntry.place == "plaats 2")
        )
        assert gone is not None
        gone.retracted_at = gone.updated_at = AT + timedelta(minutes=10)
    await _store(db, _entry("dijk", 5, AT + timedelta(minutes=11)))
    await series.refresh_with_short_lock(db, "dijk")
    kept = await _rows(db, "dijk")
    assert len([row for row in kept if row[0] == "series_latest"]) == 4  # 5 places, 1 retracted
    async with db.transaction() as session:
        await series._rebuild(session, "dijk")
    assert await _rows(db, "dijk") == kept


@pytest.mark.parametrize("short_lock", [True, False], ids=["portal-worker", "in-transaction"])
async def test_a_report_written_after_the_clock_went_back_is_folded_in(
    db: Database, short_lock: bool
) -> None:
    """The watermark is the newest `updated_at` folded in (wall time). A report the bot
    wrote after its clock went back an hour (NTP, a failover to a host behind) has an
    `updated_at` below it: both refresh paths left it out for good (its series and its
    item missing from every picture). Folded in by its id (written since the last
    refresh), as a rebuild would."""

    async def refresh() -> None:
        if short_lock:
            await series.refresh_with_short_lock(db, "dijk")
        else:
            async with db.transaction() as session:
                await series.refresh(session, "dijk")

    await _store(db, *(_entry("dijk", n, AT + timedelta(minutes=n)) for n in range(3)))
    await refresh()  # the watermark stands at AT + 2 min from here on
    await _store(db, _entry("dijk", 3, AT - timedelta(hours=1)))
    await refresh()
    kept = await _rows(db, "dijk")
    assert ("series_latest", 4) in [(t, e) for t, _, e in kept], kept
    assert ("item_latest", 4) in [(t, e) for t, _, e in kept], kept
    async with db.transaction() as session:
        await series._rebuild(session, "dijk")
    assert await _rows(db, "dijk") == kept
    # Once folded in, the next refresh finds nothing new to fold in.
    async with db.session() as session:
        mark = await series._id_mark(session, "dijk")
    assert mark == 4
