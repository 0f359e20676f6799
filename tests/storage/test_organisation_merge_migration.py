"""Migration 0031 on SQLite and PostgreSQL: one organisation stored twice under names
that `organisations.name_key` calls the same ("FRYSLÂN" and "Fryslân" were two on
SQLite before names were folded in Python; "STRASSE" and "Straße", a decomposed "â" or
a trailing space were two on both backends) becomes one, the oldest, keeping every
reference: bindings, reports and their revisions, records, questions, objects and
queued messages name the kept organisation, so its AMBER+STRICT reports are shared
between all its rooms again (before, a room bound as "FRYSLÂN" did not see the strict
reports of the room bound as "Fryslân", its own organisation)."""

from __future__ import annotations

import json
import unicodedata
from datetime import timedelta
from typing import cast

from sqlalchemy import Table, insert, text

from storage import entries as entry_repo
from storage import incidents, rooms, tlp
from storage.engine import Database
from storage.ids import RoomId
from storage.models import EntryRevision, Organisation
from storage.revision_history import revision_columns
from tests.storage.test_marking_reader_migration import AT, _report
from tests.support.migrated import migrate_to, record_entry_before

DECOMPOSED = unicodedata.normalize("NFD", "Fryslân")
# (name, sectors) oldest first: each group of one key keeps its oldest name.
_ORGS = [
    ("Fryslân", ["water"]),
    ("Straße", []),
    ("FRYSLÂN", ["energy"]),
    ("STRASSE", ["telecom"]),
    (DECOMPOSED, ["water", "health"]),
    ("Fryslân ", []),
    ("Fryslan", []),  # another name (no accent): stays its own organisation
]


async def _seed(db: Database) -> None:
    async with db.transaction() as session:
        await incidents.open_incident(session, "storm", "Storm", "@admin:x")
        for n, (name, sectors) in enumerate(_ORGS):
            created = AT + timedelta(minutes=n)
            session.add(Organisation(name=name, created_at=created, sectors=sectors))
            await session.flush()
            room = RoomId(f"!r{n}:x")
            await rooms.bind(
                session, room, role="liaison", incident="storm", organisation=name,
                tlp_default="AMBER", clearance="AMBER+STRICT", by="@admin:x",
            )  # fmt: skip
            report = _report(f"Strikt bericht {n}", "AMBER+STRICT")
            report.organisation = name
            entry_id = await record_entry_before(session, report, "@a:x", room, f"$e{n}")
            # An edit keeps both revisions, each naming the organisation. Written as
            # `entry_repo.revise` stores it, in the columns of 0030's schema: the models
            # name columns added since (0032's `entry_figures.bound`).
            revision = revision_columns(2, f"$edit{n}", report.snapshot(), AT, "@a:x")
            await session.execute(
                insert(cast(Table, EntryRevision.__table__)).values(entry_id=entry_id, **revision)
            )
        await session.execute(
            text(
                "INSERT INTO outbox (txn_id, room_id, kind, content, created_at, attempts, "
                "tlp, tlp_shared, tlp_org) VALUES ('kp1.a', '!r2:x', 'message', '{}', "
                f"'2026-12-04 10:00:00', 0, 'AMBER+STRICT', 'AMBER+STRICT', '{_ORGS[2][0]}')"
            )
        )


async def _rows(db: Database, query: str) -> list[tuple[object, ...]]:
    async with db.engine.connect() as conn:
        return [tuple(row) for row in (await conn.execute(text(query))).all()]


async def _strict_seen_by(db: Database, organisation: str) -> list[str]:
    access = tlp.RoomAccess("!elsewhere:x", True, "AMBER+STRICT", organisation)
    async with db.session() as session:
        rows, _ = await entry_repo.list_visible(
            session, access, entry_repo.EntryFilter(incident="storm"), limit=50
        )
    return sorted(r.text for r in rows)


async def test_0031_merges_one_organisation_stored_under_several_names(
    database_url: str,
) -> None:
    db = Database(database_url)
    try:
        await migrate_to(db, "0030", up=True)
        await _seed(db)
        await migrate_to(db, "0031", up=True)
        organisations = await _rows(db, "SELECT name, sectors FROM organisations ORDER BY name")
        merged = [(n, s if isinstance(s, list) else json.loads(str(s))) for n, s in organisations]
        assert merged == [
            ("Fryslan", []),
            ("Fryslân", ["water", "energy", "health"]),
            ("Straße", ["telecom"]),
        ]
        every = [("Fryslan",), ("Fryslân",), ("Straße",)]
        for table, column, names in [
            ("room_bindings", "organisation", every),
            ("entries", "organisation", every),
            ("outbox", "tlp_org", [("Fryslân",)]),
        ]:
            query = f"SELECT DISTINCT {column} FROM {table} ORDER BY {column}"
            assert await _rows(db, query) == names, table
        revisions = await _rows(db, "SELECT snapshot FROM entry_revisions")
        snapshots = [s if isinstance(s, dict) else json.loads(str(s)) for (s,) in revisions]
        assert sorted({s["organisation"] for s in snapshots}) == ["Fryslan", "Fryslân", "Straße"]
        # Every room of the organisation sees all its strict reports, whatever it was called.
        # Read through the models, which name columns added since (0034's `location_key`):
        # at head.
        await migrate_to(db, "head", up=True)
        assert await _strict_seen_by(db, "Fryslân") == [
            "Strikt bericht 0", "Strikt bericht 2", "Strikt bericht 4", "Strikt bericht 5",
        ]  # fmt: skip
        assert await _strict_seen_by(db, "Straße") == ["Strikt bericht 1", "Strikt bericht 3"]
        assert await _strict_seen_by(db, "Fryslan") == ["Strikt bericht 6"]
        await migrate_to(db, "0030", up=False)  # nothing to split again: the rows stay
        assert len(await _rows(db, "SELECT name FROM organisations")) == 3
    finally:
        await db.close()
