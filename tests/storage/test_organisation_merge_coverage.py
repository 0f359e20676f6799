"""Migration 0031 on SQLite and PostgreSQL: where a merged organisation works. An
organisation that names no municipality or region works everywhere (`!wie`,
commands/partners.py `_serves`). 0031 joined the two rows' lists: 'Fryslân' (telecom, no
coverage given: everywhere) merged with 'FRYSLÂN' (energy, region Groningen) worked in
Groningen only, so `!wie telecom Leeuwarden` no longer named it. A merge never narrows
where the organisation works; a row with no partner details at all (made by a binding)
states nothing about it."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from sqlalchemy import text

from storage.engine import Database
from storage.models import Organisation
from tests.support.migrated import migrate_to

AT = datetime(2026, 12, 1, tzinfo=UTC)


async def _coverage(db: Database) -> dict[str, tuple[object, object]]:
    async with db.engine.connect() as conn:
        rows = (
            await conn.execute(text("SELECT name, regions, municipalities FROM organisations"))
        ).all()
    read = [
        (n, *(v if isinstance(v, list) else json.loads(str(v)) for v in (r, m))) for n, r, m in rows
    ]
    return {name: (regions, places) for name, regions, places in read}


async def test_0031_never_narrows_where_an_organisation_works(database_url: str) -> None:
    db = Database(database_url)
    try:
        await migrate_to(db, "0030", up=True)
        async with db.transaction() as session:
            orgs = [
                # Everywhere (partner details, no coverage) + one region: everywhere.
                Organisation(name="Fryslân", sectors=["telecom"]),
                Organisation(name="FRYSLÂN", sectors=["energy"], regions=["Groningen"]),
                # A bare row (a binding's) + a region: that region.
                Organisation(name="Straße"),
                Organisation(name="STRASSE", sectors=["water"], municipalities=["Assen"]),
                # Two regions: both.
                Organisation(name="Wetterskip", sectors=["water"], regions=["Fryslân"]),
                Organisation(name="WETTERSKIP", sectors=["water"], regions=["Groningen"]),
            ]
            for n, org in enumerate(orgs):
                org.created_at = AT + timedelta(minutes=n)
                session.add(org)
        await migrate_to(db, "0031", up=True)
        assert await _coverage(db) == {
            "Fryslân": ([], []),
            "Straße": ([], ["Assen"]),
            "Wetterskip": (["Fryslân", "Groningen"], []),
        }
    finally:
        await db.close()
