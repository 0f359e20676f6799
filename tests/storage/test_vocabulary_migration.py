"""Migration 0014: stored Dutch vocabulary becomes English, and back, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import text

from storage import entries as entry_repo
from storage import incidents as incident_repo
from storage import rooms, series
from storage.engine import Database
from storage.ids import RoomId
from storage.rooms import BindingView
from tests.support.entries import entry_input
from tests.support.migrated import migrate_to

T0 = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def _report(category: str, text_: str) -> entry_repo.EntryInput:
    return entry_input(category=category, observed_at=T0, text=text_)


async def _column(db: Database, sql: str) -> list[object]:
    async with db.engine.connect() as conn:
        return list((await conn.execute(text(sql))).scalars())


async def test_0014_rewrites_dutch_values_and_downgrade_restores_them(database_url: str) -> None:
    """Data is written through today's repositories (at the newest schema, since later
    migrations add columns the models need), then taken down to 0013, where it must read
    as 0013 stored it (Dutch), and up through 0014 again (English)."""
    db = Database(database_url)

    try:
        await db.migrate()
        async with db.transaction() as session:
            incident = await incident_repo.open_incident(session, "storm", "Storm", "@a:x")
            assert incident is not None
            incident.phase = "lukewarm"
            municipality = BindingView("municipality", "storm", "Dordrecht", "GREEN", "GREEN")
            await rooms.bind_as(session, RoomId("!mun:x"), municipality, "@a:x")
            entry = await entry_repo.record(
                session, _report("shelter", "Sporthal"), "@l:x", "!l:x", "$1"
            )
            await entry_repo.record(session, _report("other", "Rest"), "@l:x", "!l:x", "$2")
            await entry_repo.revise(
                session, entry, _report("shelter", "Sporthal vol"), "$1e", "@l:x"
            )
            await series.refresh(session, "storm")
        entry_id = entry.id

        # Down to 0013: the words as that version stored them.
        await migrate_to(db, "0013", up=False)
        assert sorted(await _column(db, "SELECT category FROM entries")) == ["opvang", "overig"]
        assert await _column(db, "SELECT phase FROM incidents") == ["lauw"]
        snapshots = await _column(
            db, f"SELECT snapshot FROM entry_revisions WHERE entry_id = {entry_id}"
        )
        assert all("opvang" in str(s) and "shelter" not in str(s) for s in snapshots), snapshots
        # A Dutch role name that chat used to accept, left in a binding.
        async with db.engine.begin() as conn:
            await conn.execute(text("UPDATE room_bindings SET role = 'gemeente'"))

        # Up through 0014: everything stored in English, the caches emptied.
        await migrate_to(db, "0014", up=True)
        assert sorted(await _column(db, "SELECT category FROM entries")) == ["other", "shelter"]
        assert await _column(db, "SELECT phase FROM incidents") == ["lukewarm"]
        assert await _column(db, "SELECT role FROM room_bindings") == ["municipality"]
        snapshots = await _column(
            db, f"SELECT snapshot FROM entry_revisions WHERE entry_id = {entry_id}"
        )
        assert all("shelter" in str(s) and "opvang" not in str(s) for s in snapshots), snapshots
        assert await _column(db, "SELECT category FROM series_latest") == []

        # And on to the newest schema: the caches rebuild from the entries.
        await db.migrate()
        async with db.transaction() as session:
            await series.refresh(session, "storm")
        assert sorted(await _column(db, "SELECT category FROM series_latest")) == [
            "other",
            "shelter",
        ]
    finally:
        await db.close()
