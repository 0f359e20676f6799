"""Migration 0024: an open question asked before questions read TLP markings, whose
text says "TLP:RED", is raised to RED (never lowered), on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import text

from storage import open_questions
from storage.engine import Database
from tests.support.migrated import migrate_to


async def test_0024_raises_marked_open_questions_and_lowers_none(database_url: str) -> None:
    db = Database(database_url)

    try:
        await db.migrate()
        async with db.transaction() as session:
            for n, (words, label) in enumerate(
                [
                    ("Welke route nemen de bussen? TLP:RED", "GREEN"),
                    ("Waar is de noodopvang? (TLP:CLEAR)", "AMBER"),
                    ("Staat het stoplicht op rood bij de sluis?", "GREEN"),
                ]
            ):
                await open_questions.add(
                    session,
                    asker="@a:x",
                    room_id="!r:x",
                    event_id=f"$q{n}",
                    question=words,
                    label=label,
                    organisation=None,
                    incident=None,
                    nearest=[],
                    asked_at=datetime(2026, 12, 1, tzinfo=UTC),
                )
        await migrate_to(db, "0023", up=False)
        await migrate_to(db, "0024", up=True)
        async with db.engine.connect() as conn:
            rows = (
                await conn.execute(text("SELECT tlp, tlp_rank FROM open_questions ORDER BY id"))
            ).all()
        assert [tuple(row) for row in rows] == [("RED", 4), ("AMBER", 2), ("GREEN", 1)]
    finally:
        await db.close()
