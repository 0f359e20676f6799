"""Migration 0025 on SQLite and PostgreSQL: coordinator alerts sent before it are taken
from the audit (standing, or told already when their report no longer holds), and a
Q&A whose text carries a TLP marking above its label is raised to it (never lowered)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select, text

from knowledge.model import QA
from knowledge.service import as_new_content
from storage import audit, knowledge_items
from storage.engine import Database
from storage.models import SituationEntry
from tests.support.migrated import migrate_to

AT = datetime(2026, 12, 1, tzinfo=UTC)


def _entry(n: int, severity: str, retracted: bool) -> SituationEntry:
    return SituationEntry(
        incident="stroom-nh", category="energy", reporter="@a:x", room_id="!r:x",
        source_event_id=f"$e{n}", observed_at=AT, recorded_at=AT, updated_at=AT,
        severity=severity, status="new", text="x", tlp="AMBER", tlp_rank=2,
        retracted_at=AT if retracted else None,
    )  # fmt: skip


def _qa(item_id: str, question: str, answer: str, label: str) -> QA:
    return QA(id=item_id, question=question, answer=answer, tlp=label, tags=["open-vraag"])


async def _seed(db: Database) -> None:
    async with db.transaction() as session:
        session.add_all(
            [_entry(1, "Extreme", False), _entry(2, "Severe", True), _entry(3, "Minor", False)]
        )
        await session.flush()
        for code, severity in [("M-1", "Severe"), ("M-1", "Extreme"), ("M-2", "Severe")]:
            await audit.add(
                session, "bot", "alert.sent", "!coord:x", subject=code,
                detail={"severity": severity, "tlp": "AMBER"},
            )  # fmt: skip
        await audit.add(session, "bot", "alert.sent", "!coord:x", subject="M-3", detail={})
        items = [
            _qa("vraag-1", "Welke route nemen de bussen?", "Via de A9. TLP:RED", "GREEN"),
            _qa("vraag-2", "Waar is de noodopvang? (TLP:CLEAR)", "In de sporthal.", "AMBER"),
            _qa("vraag-3", "Staat het stoplicht op rood?", "Ja, bij de sluis.", "GREEN"),
        ]
        await knowledge_items.upsert(session, [as_new_content(i) for i in items], "test")


async def test_0025_takes_coordinator_alerts_from_the_audit_and_raises_marked_qas(
    database_url: str,
) -> None:
    db = Database(database_url)
    try:
        await db.migrate()
        await _seed(db)
        async with db.session() as session:
            version = await knowledge_items.store_version(session)
        await migrate_to(db, "0024", up=False)
        await migrate_to(db, "0025", up=True)
        async with db.engine.connect() as conn:
            alerts = (
                await conn.execute(
                    text(
                        "SELECT cause_entry_id, room_id, severity_rank, label, "
                        "withdrawn_at IS NULL FROM coordinator_alerts ORDER BY cause_entry_id"
                    )
                )
            ).all()
            items = (
                await conn.execute(text("SELECT id, tlp, version FROM knowledge_items ORDER BY id"))
            ).all()
        # M-1 stands (extreme, the highest it was alerted about); M-2 was retracted and
        # M-3 is minor now: told already, so no notice is owed for them.
        assert [tuple(a) for a in alerts] == [
            (1, "!coord:x", 4, "AMBER", True),
            (2, "!coord:x", 3, "AMBER", False),
            (3, "!coord:x", 3, None, False),
        ]
        assert [tuple(i) for i in items] == [
            ("vraag-1", "RED", 2),
            ("vraag-2", "AMBER", 1),
            ("vraag-3", "GREEN", 1),
        ]
        async with db.session() as session:
            stored = await knowledge_items.get(session, "vraag-1")
            assert stored is not None and stored.data["tlp"] == "RED"
            # The hash is the model's: importing the same content again changes nothing.
            assert stored.content_hash == QA.model_validate(stored.data).content_hash()
            assert await knowledge_items.store_version(session) == version + 1
            relabelled = await session.scalar(
                select(text("detail"))
                .select_from(text("audit_log"))
                .where(text("action = 'knowledge.relabelled'"))
            )
            assert relabelled is not None
    finally:
        await db.close()
