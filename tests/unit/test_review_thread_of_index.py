"""Review of session 12: finding the thread an edit answers in is an index look-up.

`outbox.thread_of` (04b0603, d575ce1) runs for every edit and redaction in the sync
loop. The outbox keeps every row it ever sent, and `source_event_id` has no index: the
query read every row of the room (measured on SQLite, 20,000 rows in the room: median
13 ms, p95 28 ms per edit, growing with the room's history). The bot's replies to an
event have stable transaction ids (`txn_id_for(event, index)`), unique and indexed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import event

from storage import outbox
from storage.ids import RoomId
from tests.support.migrated import migrated_sqlite

ROOM = RoomId("!liaison:x")


async def test_thread_of_reads_the_rows_by_their_transaction_ids(tmp_path: Path) -> None:
    db = await migrated_sqlite(tmp_path / "thread.db")
    try:
        content = {
            "msgtype": "m.notice",
            "body": "Vastgelegd.",
            "m.relates_to": {"rel_type": "m.thread", "event_id": "$root"},
        }
        async with db.transaction() as session:
            await outbox.add(
                session, ROOM, "message", content, outbox.txn_id_for("$asked", 0), "$asked"
            )
        statements: list[tuple[str, Any]] = []

        def seen(conn: Any, cursor: Any, statement: str, parameters: Any, *args: Any) -> None:
            if statement.lstrip().upper().startswith("SELECT"):
                statements.append((statement, parameters))

        engine = db.engine.sync_engine
        event.listen(engine, "before_cursor_execute", seen)
        try:
            async with db.session() as session:
                assert await outbox.thread_of(session, ROOM, "$asked") == "$root"
                assert await outbox.thread_of(session, ROOM, "$other") is None
        finally:
            event.remove(engine, "before_cursor_execute", seen)
        assert statements
        async with db.engine.connect() as conn:
            for statement, parameters in statements:
                plan = (
                    await conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)
                ).all()
                details = " ".join(str(row[-1]) for row in plan)
                assert "ix_outbox_room_id" not in details and "SCAN" not in details, details
    finally:
        await db.close()


async def test_the_rows_of_an_event_are_an_index_look_up(tmp_path: Path) -> None:
    """`outbox.by_source` (a redaction's target, a withdrawn question's posts) and
    `forget_sent_words` select by `source_event_id`: indexed since migration 0029
    (before, every row of the outbox was read)."""
    db = await migrated_sqlite(tmp_path / "source.db")
    try:
        async with db.transaction() as session:
            for n in range(3):
                content = {"msgtype": "m.notice", "body": "Vastgelegd."}
                await outbox.add(
                    session, ROOM, "message", content, outbox.txn_id_for(f"$e{n}", 0), f"$e{n}"
                )
        async with db.engine.connect() as conn:
            plan = (
                await conn.exec_driver_sql(
                    "EXPLAIN QUERY PLAN SELECT * FROM outbox WHERE source_event_id = ?", ("$e1",)
                )
            ).all()
        details = " ".join(str(row[-1]) for row in plan)
        assert "ix_outbox_source_event_id" in details, details
        async with db.session() as session:
            assert [row.source_event_id for row in await outbox.by_source(session, "$e1")] == [
                "$e1"
            ]
    finally:
        await db.close()
