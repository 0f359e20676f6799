"""Migration 0029 on SQLite and PostgreSQL: outbox rows get `curators_only` (false for
rows queued before) and `source_event_id` an index; down and up again keep the rows.
Labels stored before a report's fields were read for markings, and before the strict
label was read however it is punctuated, are raised to the marking (never lowered)."""

from __future__ import annotations

import dataclasses

from sqlalchemy import inspect, select, text

from knowledge.model import QA
from knowledge.service import as_new_content
from storage import entries as entry_repo
from storage import knowledge_items, open_questions
from storage import records as record_repo
from storage.engine import Database
from storage.models import AuditRecord
from tests.storage.test_marking_reader_migration import AT, _report, seed_record
from tests.support.migrated import migrate_to, record_entry_before

_ROW = (
    "INSERT INTO outbox (txn_id, room_id, kind, content, source_event_id, created_at, "
    "attempts, tlp, tlp_shared) VALUES ('kp1.a', '!r:x', 'message', '{\"body\": \"x\"}', "
    "'$e1', '2026-12-04 10:00:00', 0, 'GREEN', 'GREEN')"
)


async def _rows(db: Database, query: str) -> list[tuple[object, ...]]:
    async with db.engine.connect() as conn:
        return [tuple(row) for row in (await conn.execute(text(query))).all()]


async def _outbox_indexes(db: Database) -> set[str]:
    async with db.engine.connect() as conn:
        found = await conn.run_sync(lambda c: inspect(c).get_indexes("outbox"))
    return {str(index["name"]) for index in found}


async def test_0029_marks_old_rows_for_everyone_and_indexes_their_events(
    database_url: str,
) -> None:
    db = Database(database_url)
    try:
        await migrate_to(db, "0028", up=True)
        async with db.engine.begin() as conn:
            await conn.execute(text(_ROW))
        await migrate_to(db, "0029", up=True)
        assert await _rows(db, "SELECT txn_id, curators_only FROM outbox") == [("kp1.a", False)]
        assert "ix_outbox_source_event_id" in await _outbox_indexes(db)
        await migrate_to(db, "0028", up=False)
        assert "ix_outbox_source_event_id" not in await _outbox_indexes(db)
        await migrate_to(db, "0029", up=True)
        assert await _rows(db, "SELECT txn_id, curators_only FROM outbox") == [("kp1.a", False)]
    finally:
        await db.close()


async def _seed_markings(db: Database) -> None:
    async with db.transaction() as session:
        reports = [
            _report("Gemaal uitgevallen.", "GREEN"),
            dataclasses.replace(
                _report("Gemaal uitgevallen.", "GREEN"),
                source="Situatierapport Waterschap, TLP:RED",
            ),
            dataclasses.replace(_report("Pomp kapot.", "GREEN"), location="gemaal [TLP:AMBER]"),
            _report("Intern: TLP:AMBER/STRICT", "AMBER"),
            _report("Zie de staf (TLP:AMBER – STRICT)", "GREEN"),
            _report("Openbaar bericht, TLP:GREEN", "RED"),
        ]
        for n, report in enumerate(reports):
            await record_entry_before(session, report, "@a:x", "!r:x", f"$e{n}")
        decision = record_repo.RecordInput(
            "decision", "storm", "VR", "AMBER", "Dijk dicht TLP:AMBER (STRICT)"
        )
        await seed_record(session, decision, "$d1")
        qa = QA(
            id="qa-s", question="Welke route?", answer="Via de A9. TLP:AMBER/STRICT", tlp="AMBER"
        )
        await knowledge_items.upsert(session, [as_new_content(qa)], "test")
        await open_questions.add(
            session, asker="@a:x", room_id="!r:x", event_id="$q1",
            question="Waar is de staf? TLP:AMBER&STRICT", label="GREEN", organisation=None,
            incident=None, nearest=[], asked_at=AT,
        )  # fmt: skip


async def test_0029_raises_labels_read_before_field_markings_and_strict_spellings(
    database_url: str,
) -> None:
    db = Database(database_url)
    try:
        await migrate_to(db, "0028", up=True)
        await _seed_markings(db)
        await migrate_to(db, "0029", up=True)
        entries = await _rows(db, "SELECT tlp, tlp_rank FROM entries ORDER BY id")
        strict = ("AMBER+STRICT", 3)
        assert entries == [("GREEN", 1), ("RED", 4), ("AMBER", 2), strict, strict, ("RED", 4)]
        # The models name columns added since (0032's `entry_figures.bound`): read at head.
        await migrate_to(db, "head", up=True)
        async with db.session() as session:
            entry = await entry_repo.by_source_event(session, "$e1")
            assert entry is not None
            # Its first revision too: withdrawing a later edit falls back to it.
            assert (await entry_repo.current_input(session, entry)).tlp == "RED"
        assert await _rows(db, "SELECT tlp FROM record_items") == [("AMBER+STRICT",)]
        assert await _rows(db, "SELECT tlp, version FROM knowledge_items") == [("AMBER+STRICT", 2)]
        assert await _rows(db, "SELECT tlp FROM open_questions") == [("AMBER+STRICT",)]
        async with db.session() as session:
            actors = await session.scalars(
                select(AuditRecord.actor).where(AuditRecord.action == "knowledge.relabelled")
            )
            assert list(actors) == ["migration 0029"]
    finally:
        await db.close()


def _waiting(txn: str, room: str, body: str, label: str) -> str:
    return (
        "INSERT INTO outbox (txn_id, room_id, kind, content, source_event_id, created_at, "
        f"attempts, tlp, tlp_shared) VALUES ('{txn}', '{room}', 'message', "
        f"'{{\"body\": \"{body}\"}}', '$x{txn}', '2026-12-04 10:00:00', 0, '{label}', '{label}')"
    )


async def test_0029_raises_the_waiting_rows_that_may_show_a_raised_report(
    database_url: str,
) -> None:
    """A row queued before the upgrade and still waiting (the homeserver was down) that
    may show a report 0029 raises carries the raised label, as a raise in the bot
    leaves it (storage/relabel.py): the sender judges a row by its stored label only.
    Before, a coordinators' picture with the report, queued as GREEN for another room,
    went out after the upgrade to a room that may not see RED."""
    db = Database(database_url)
    try:
        await migrate_to(db, "0028", up=True)
        async with db.transaction() as session:
            report = dataclasses.replace(
                _report("Gemaal uitgevallen.", "GREEN"),
                source="Situatierapport Waterschap, TLP:RED",
            )
            await record_entry_before(session, report, "@a:x", "!r:x", "$e1")
            await open_questions.add(
                session, asker="@b:x", room_id="!p:x", event_id="$q1",
                question="Waar is de staf? TLP:AMBER", label="CLEAR", organisation=None,
                incident=None, nearest=[], asked_at=AT,
            )  # fmt: skip
        async with db.engine.begin() as conn:
            await conn.execute(text(_waiting("p1", "!c:x", "Beeld: M-1 gemaal", "GREEN")))
            # A row that showed nothing labelled, naming the question raised from CLEAR.
            await conn.execute(text(_waiting("p4", "!p:x", "Je vraag staat als V1", "CLEAR")))
            await conn.execute(text(_waiting("p2", "!r:x", "Vastgelegd als M-1", "GREEN")))
            await conn.execute(text(_waiting("p3", "!h:x", "Hulp", "CLEAR")))
        await migrate_to(db, "0029", up=True)
        rows = await _rows(db, "SELECT txn_id, tlp, tlp_shared FROM outbox ORDER BY txn_id")
        assert rows == [
            ("p1", "RED", "RED"),
            ("p2", "RED", "AMBER"),  # the question is another room's post, now AMBER
            ("p3", "CLEAR", "CLEAR"),
            ("p4", "AMBER", "CLEAR"),
        ]
    finally:
        await db.close()
