"""Migration 0014: stored Dutch vocabulary becomes English, and back, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

from alembic import command
from sqlalchemy import text

from storage import entries as entry_repo
from storage import incidents as incident_repo
from storage import rooms, series
from storage.engine import Database
from storage.ids import RoomId
from storage.migrate import alembic_config

T0 = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def _report(category: str, text_: str) -> entry_repo.EntryInput:
    return entry_repo.EntryInput(
        incident="storm",
        category=category,
        organisation="GGD",
        observed_at=T0,
        municipality="Dordrecht",
        region=None,
        location=None,
        severity="Moderate",
        status="new",
        source=None,
        sector=None,
        text=text_,
        tlp="GREEN",
        figures=[],
    )


async def _column(db: Database, sql: str) -> list[object]:
    async with db.engine.connect() as conn:
        return list((await conn.execute(text(sql))).scalars())


async def test_0014_rewrites_dutch_values_and_downgrade_restores_them(database_url: str) -> None:
    db = Database(database_url)
    try:
        async with db.engine.begin() as conn:
            await conn.run_sync(lambda c: command.upgrade(alembic_config(c), "0013"))
        # The data as 0013 stored it: Dutch categories and phases (the schema is the same).
        async with db.transaction() as session:
            incident = await incident_repo.open_incident(session, "storm", "Storm", "@a:x")
            assert incident is not None
            incident.phase = "lauw"
            await rooms.bind(
                session,
                RoomId("!mun:x"),
                role="gemeente",
                incident="storm",
                organisation="Dordrecht",
                tlp_default="GREEN",
                clearance="GREEN",
                by="@a:x",
            )
            entry = await entry_repo.record(
                session, _report("opvang", "Sporthal"), "@l:x", "!l:x", "$1"
            )
            await entry_repo.record(session, _report("overig", "Rest"), "@l:x", "!l:x", "$2")
            await entry_repo.revise(
                session, entry, _report("opvang", "Sporthal vol"), "$1e", "@l:x"
            )
            await series.refresh(session, "storm")
        assert sorted(await _column(db, "SELECT category FROM series_latest")) == [
            "opvang",
            "overig",
        ]

        await db.migrate()
        assert sorted(await _column(db, "SELECT category FROM entries")) == ["other", "shelter"]
        assert await _column(db, "SELECT phase FROM incidents") == ["lukewarm"]
        assert await _column(db, "SELECT role FROM room_bindings") == ["municipality"]
        async with db.session() as session:
            history = await entry_repo.revisions(session, entry.id)
        assert [r.snapshot["category"] for r in history] == ["shelter", "shelter"]
        # The caches are rebuilt from the entries, with the new words.
        assert await _column(db, "SELECT category FROM series_latest") == []
        async with db.transaction() as session:
            await series.refresh(session, "storm")
        assert sorted(await _column(db, "SELECT category FROM series_latest")) == [
            "other",
            "shelter",
        ]

        async with db.engine.begin() as conn:
            await conn.run_sync(lambda c: command.downgrade(alembic_config(c), "0013"))
        assert sorted(await _column(db, "SELECT category FROM entries")) == ["opvang", "overig"]
        assert await _column(db, "SELECT phase FROM incidents") == ["lauw"]
        async with db.session() as session:
            history = await entry_repo.revisions(session, entry.id)
        assert [r.snapshot["category"] for r in history] == ["opvang", "opvang"]
    finally:
        await db.close()
