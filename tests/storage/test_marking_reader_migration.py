"""Migration 0027 on SQLite and PostgreSQL: reports, record items, Q&As, guidance and
open questions stored before the marking reader read `tlp=rood`, `TLP-RED`,
`TLP: **AMBER**` or `AMBER + STRICT` are raised to that marking, never lowered."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import cast

from sqlalchemy import Table, insert, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from knowledge.model import QA, Guidance
from knowledge.service import as_new_content
from storage import entries as entry_repo
from storage import knowledge_items, open_questions, tlp
from storage import records as record_repo
from storage.engine import Database
from storage.models import AuditRecord, RecordItem, RecordRevision
from storage.revision_history import revision_columns
from tests.support.migrated import migrate_to, record_entry_before

AT = datetime(2026, 12, 1, tzinfo=UTC)


def _report(words: str, label: str) -> entry_repo.EntryInput:
    return entry_repo.EntryInput(
        incident="storm", category="shelter", organisation="GGD", observed_at=AT,
        municipality="Dordrecht", region=None, location="Sporthal", severity="Moderate",
        status="new", source=None, sector=None, text=words, tlp=label, figures=[],
    )  # fmt: skip


async def seed_record(session: AsyncSession, data: record_repo.RecordInput, event_id: str) -> None:
    """A record item as `records.record` stores it (number 1, revision 1), in the columns
    the table had when it was made (0018): the model has columns added since (0030's
    `done_event_id`), which an insert through the model would name on an older schema."""
    values = {
        "kind": data.kind, "number": 1, "incident": data.incident,
        "organisation": data.organisation, "room_id": "!c:x", "author": "@a:x",
        "source_event_id": event_id, "created_at": AT, "updated_at": AT, "revision": 1,
        "tlp": data.tlp, "tlp_rank": tlp.RANK[data.tlp], "text": data.text,
        "fields": data.fields, "reminder_late": False,
    }  # fmt: skip
    items = cast(Table, RecordItem.__table__)
    item_id = await session.scalar(insert(items).values(**values).returning(items.c.id))
    revision = revision_columns(1, event_id, data.snapshot(), AT, "@a:x")
    await session.execute(
        insert(cast(Table, RecordRevision.__table__)).values(item_id=item_id, **revision)
    )


async def _seed(db: Database) -> None:
    async with db.transaction() as session:
        for n, (words, label) in enumerate(
            [
                ("Evacuatie gepland tlp=rood", "GREEN"),
                ("Opvang vol, TLP: **AMBER**", "GREEN"),
                ("Alles rustig (TLP-CLEAR)", "AMBER"),
                ("Het stoplicht staat op rood", "GREEN"),
            ]
        ):
            await record_entry_before(session, _report(words, label), "@a:x", "!r:x", f"$e{n}")
        decision = record_repo.RecordInput("decision", "storm", "VR", "GREEN", "Dijk dicht TLP/RED")
        await seed_record(session, decision, "$d1")
        items = [
            QA(id="qa-1", question="Welke route?", answer="Via de A9. TLP-RED", tlp="GREEN"),
            QA(id="qa-2", question="Waar?", answer="De Schans. TLP: AMBER + STRICT", tlp="AMBER"),
            QA(id="qa-3", question="Veilig? tlp: amber + strict", answer="Ja.", tlp="GREEN"),
            QA(id="qa-4", question="Open?", answer="Ja (TLP=CLEAR).", tlp="AMBER"),
            Guidance(id="g-1", title="Draaiboek", body="Intern, tlp=oranje.", tlp="GREEN"),
        ]
        await knowledge_items.upsert(session, [as_new_content(i) for i in items], "test")
        for n, (words, label) in enumerate([("Waar is de staf? tlp=rood", "GREEN")]):
            await open_questions.add(
                session, asker="@a:x", room_id="!r:x", event_id=f"$q{n}", question=words,
                label=label, organisation=None, incident=None, nearest=[], asked_at=AT,
            )  # fmt: skip


async def _rows(db: Database, query: str) -> list[tuple[object, ...]]:
    async with db.engine.connect() as conn:
        return [tuple(row) for row in (await conn.execute(text(query))).all()]


async def test_0027_raises_labels_stored_before_the_marking_reader(database_url: str) -> None:
    db = Database(database_url)
    try:
        await migrate_to(db, "0026", up=True)
        await _seed(db)
        async with db.session() as session:
            version = await knowledge_items.store_version(session)
        await migrate_to(db, "0027", up=True)
        entries = await _rows(db, "SELECT tlp, tlp_rank FROM entries ORDER BY id")
        assert entries == [("RED", 4), ("AMBER", 2), ("AMBER", 2), ("GREEN", 1)]
        assert await _rows(db, "SELECT tlp, tlp_rank FROM record_items") == [("RED", 4)]
        # The history too: withdrawing a later edit falls back to a raised snapshot.
        # (Read without the model, which has columns added since: 0030.)
        (snapshot,) = [row[0] for row in await _rows(db, "SELECT snapshot FROM record_revisions")]
        assert (json.loads(snapshot) if isinstance(snapshot, str) else snapshot)["tlp"] == "RED"
        items = await _rows(db, "SELECT id, tlp, version FROM knowledge_items ORDER BY id")
        assert items == [
            ("g-1", "AMBER", 2),
            ("qa-1", "RED", 2),
            ("qa-2", "AMBER+STRICT", 2),
            ("qa-3", "AMBER+STRICT", 2),
            ("qa-4", "AMBER", 1),
        ]
        assert await _rows(db, "SELECT tlp, tlp_rank FROM open_questions") == [("RED", 4)]
        async with db.session() as session:
            stored = await knowledge_items.get(session, "qa-1")
            assert stored is not None and stored.data["tlp"] == "RED"
            # The hash is the model's: importing the same content again changes nothing.
            assert stored.content_hash == QA.model_validate(stored.data).content_hash()
            assert await knowledge_items.store_version(session) == version + 1
            relabelled = await session.scalars(
                select(AuditRecord.subject).where(AuditRecord.action == "knowledge.relabelled")
            )
            assert sorted(relabelled) == ["g-1", "qa-1", "qa-2", "qa-3"]
    finally:
        await db.close()
