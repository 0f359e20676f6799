"""Migration 0031 on SQLite and PostgreSQL: the names it merges are also the owners of
curated content. A Q&A added in a room bound as "FRYSLÂN" (`!qa` makes the room's
organisation its owner) is AMBER+STRICT within that owner, compared by name
(`commands.questions.item_visible`); once 0031 renamed the room's binding to the kept
"Fryslân", the Q&A's owner still said "FRYSLÂN": no room of the organisation, not even
the one that wrote it, could read or curate it any more. Objects keep their owner in
their data too (shown, exported), beside the column 0031 renamed."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from sqlalchemy import text

from commands.knowledge_view import item_visible
from knowledge.model import QA
from knowledge.service import as_new_content
from storage import knowledge_items, tlp
from storage.engine import Database
from storage.models import Organisation
from tests.support.migrated import migrate_to

AT = datetime(2026, 12, 1, tzinfo=UTC)


async def _seed(db: Database) -> None:
    async with db.transaction() as session:
        for n, name in enumerate(["Fryslân", "FRYSLÂN"]):
            session.add(Organisation(name=name, created_at=AT + timedelta(minutes=n)))
        await session.flush()
        qa = QA(
            id="qa-strict", question="Waar is de noodpost?", answer="In de kazerne.",
            tlp="AMBER+STRICT", owner="FRYSLÂN",
        )  # fmt: skip
        await knowledge_items.upsert(session, [as_new_content(qa)], "test")
        data = {
            "id": "obj-1", "name": "Gemaal De Stroomkant", "kind": "gemaal",
            "municipality": "Leeuwarden", "owner": "FRYSLÂN", "updated": "2026-11-01",
            "tlp": "AMBER+STRICT",
        }  # fmt: skip
        await session.execute(
            text(
                "INSERT INTO site_objects (id, owner, name, kind, municipality, "
                "municipality_key, region, tlp, tlp_rank, data, imported_at, imported_by) "
                "VALUES ('obj-1', 'FRYSLÂN', 'Gemaal De Stroomkant', 'gemaal', 'Leeuwarden', "
                "'leeuwarden', NULL, 'AMBER+STRICT', 3, :data, :at, 'test')"
            ),
            {"data": json.dumps(data), "at": AT.replace(tzinfo=None)},
        )


async def _owners(db: Database, query: str) -> list[object]:
    async with db.engine.connect() as conn:
        rows = (await conn.execute(text(query))).all()
    return [(d if isinstance(d, dict) else json.loads(str(d)))["owner"] for (d,) in rows]


async def test_0031_renames_the_owner_of_curated_content_and_objects(database_url: str) -> None:
    db = Database(database_url)
    try:
        await migrate_to(db, "0030", up=True)
        await _seed(db)
        await migrate_to(db, "0031", up=True)
        assert await _owners(db, "SELECT data FROM knowledge_items") == ["Fryslân"]
        assert await _owners(db, "SELECT data FROM knowledge_item_versions") == ["Fryslân"]
        assert await _owners(db, "SELECT data FROM site_objects") == ["Fryslân"]
        async with db.session() as session:
            stored = await knowledge_items.get(session, "qa-strict")
        assert stored is not None
        # A room of the organisation (bound as the kept name) reads its own strict Q&A.
        room = tlp.RoomAccess("!ljouwert:x", True, "AMBER+STRICT", "Fryslân")
        assert item_visible(room, stored.tlp, stored.data["owner"])
    finally:
        await db.close()
