"""The owner look-up by user (`records.owner_room_of_user`) reads processed_events by
sender through an index, not by scanning every event of the bound rooms.

The table grows by one row per handled message; the look-up runs for each
`!actie` naming a user. Checked with SQLite's query plan of the very statement
the look-up executes.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import event

from storage import incidents, records, rooms
from storage.engine import Database
from storage.ids import RoomId


async def test_owner_lookup_by_user_uses_an_index_on_sender(tmp_path: Path) -> None:
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'k.db'}")
    await db.migrate()
    try:
        async with db.transaction() as session:
            await incidents.open_incident(session, "storm", "Storm", "@a:x")
            await rooms.mark_joined(session, RoomId("!l:x"), datetime.now(UTC))
            await rooms.bind(
                session, RoomId("!l:x"), role="liaison", incident="storm",
                organisation="GGD", tlp_default="GREEN", clearance="AMBER", by="@a:x",
            )  # fmt: skip
        seen: list[tuple[str, Any]] = []

        def capture(_conn: Any, _cursor: Any, statement: str, params: Any, *_: Any) -> None:
            if "processed_events" in statement:
                seen.append((statement, params))

        event.listen(db.engine.sync_engine, "before_cursor_execute", capture)
        async with db.session() as session:
            await records.owner_room_of_user(session, "@rk:x", "storm")
        event.remove(db.engine.sync_engine, "before_cursor_execute", capture)
        assert len(seen) == 1
        statement, params = seen[0]
        async with db.engine.connect() as conn:
            plan = (await conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, params)).all()
        details = " ".join(str(row[-1]) for row in plan)
        assert "ix_processed_events_sender" in details, details
    finally:
        await db.close()
