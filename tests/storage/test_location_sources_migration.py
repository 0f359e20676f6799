"""Migration 0034 on SQLite and PostgreSQL: entries get `location_key` (their location
folded), the series index gets it, and the series tables are emptied so the next
picture rebuilds them keyed by location; down and up again do the same."""

from __future__ import annotations

from sqlalchemy import inspect, text

from storage import entries as entry_repo
from storage import incidents, series
from storage.engine import Database
from tests.storage.test_marking_reader_migration import _report
from tests.support.migrated import migrate_to

_COLUMNS = (
    "id, incident, category, organisation, reporter, room_id, source_event_id, "
    "observed_at, recorded_at, updated_at, municipality, location, place, severity, "
    "status, text, tlp, tlp_rank, revision, item_id"
)


def _entry(entry_id: int, location: str | None, minute: int, item: int | None = None) -> str:
    where = "NULL" if location is None else f"'{location}'"
    at = f"'2026-12-05 10:{minute:02d}:00'"
    return (
        f"({entry_id}, 'storm', 'shelter', 'Rode Kruis', '@rk:x', '!rk:x', '$e{entry_id}', "
        f"{at}, {at}, {at}, 'Dordrecht', {where}, 'Dordrecht', 'Minor', 'new', 't', "
        f"'GREEN', 1, 1, {item or entry_id})"
    )


_ENTRIES = f"INSERT INTO entries ({_COLUMNS}) VALUES " + ", ".join(
    (
        _entry(1, "Sporthal De Ring", 1),
        _entry(2, "Sporthal Noord", 2),
        _entry(3, None, 3),
        _entry(4, "  sporthal   de RÍNG ", 4),
        # A follow-up of M-1 naming only the municipality: De Ring's source.
        _entry(5, None, 5, item=1),
    )
)
_FIGURES = (
    "INSERT INTO entry_figures (entry_id, metric, value, unit, label, estimate, bound) VALUES "
    "(1, 'opvangplekken bezet', 160, NULL, 'l', false, 'exact'), "
    "(2, 'opvangplekken bezet', 45, NULL, 'l', false, 'exact'), "
    "(3, 'opvangplekken bezet', 30, NULL, 'l', false, 'exact'), "
    "(4, 'opvangplekken bezet', 170, NULL, 'l', false, 'exact'), "
    "(5, 'opvangplekken bezet', 190, NULL, 'l', false, 'exact')"
)
# A row as 0033's series kept it (one source for all of Dordrecht) and its watermark.
_OLD_ROW = (
    "INSERT INTO figure_latest (key, incident, organisation, place, metric, tlp_rank, "
    "room_id, entry_id, observed_at, value, unit, region, bound) VALUES ('k', 'storm', "
    "'Rode Kruis', 'Dordrecht', 'opvangplekken bezet', 1, '!rk:x', 4, "
    "'2026-12-05 10:04:00', 170, NULL, NULL, 'exact')"
)
_WATERMARK = (
    "INSERT INTO picture_watermark (incident, updated_at) VALUES ('storm', '2026-12-05 10:04:00')"
)


async def _scalars(db: Database, query: str) -> list[object]:
    async with db.engine.connect() as conn:
        return list((await conn.execute(text(query))).scalars())


async def _series_index(db: Database) -> list[str | None]:
    async with db.engine.connect() as conn:
        indexes = await conn.run_sync(lambda c: inspect(c).get_indexes("entries"))
    return next(i["column_names"] for i in indexes if i["name"] == "ix_entries_series")


async def _assert_upgraded(db: Database) -> None:
    keys = await _scalars(db, "SELECT location_key FROM entries ORDER BY id")
    assert keys == [
        "sporthal de ring",
        "sporthal noord",
        "",
        "sporthal de ring",
        "sporthal de ring",
    ]
    assert await _series_index(db) == [
        "incident",
        "organisation",
        "place",
        "location_key",
        "tlp_rank",
        "room_id",
        "category",
        "observed_at",
    ]
    for table in ("series_latest", "figure_latest", "item_latest", "picture_watermark"):
        assert await _scalars(db, f"SELECT count(*) FROM {table}") == [0], table
    # The next picture's refresh rebuilds them: one source per location (the follow-up's
    # 190 is De Ring's latest), and one for the report without a location. Read through
    # the models, which name columns added since (0035's `keeps_item_state`).
    await migrate_to(db, "head", up=True)
    async with db.transaction() as session:
        await series.refresh(session, "storm")
    values = await _scalars(db, "SELECT value FROM figure_latest ORDER BY value")
    assert values == [30, 45, 190]


async def test_0034_keys_series_by_location(database_url: str) -> None:
    db = Database(database_url)
    try:
        await migrate_to(db, "0033", up=True)
        async with db.engine.begin() as conn:
            for statement in (_ENTRIES, _FIGURES, _OLD_ROW, _WATERMARK):
                await conn.execute(text(statement))
        await migrate_to(db, "0034", up=True)
        await _assert_upgraded(db)

        await migrate_to(db, "0033", up=False)
        async with db.engine.connect() as conn:
            columns = await conn.run_sync(lambda c: inspect(c).get_columns("entries"))
        assert "location_key" not in {c["name"] for c in columns}
        assert "location_key" not in await _series_index(db)
        assert await _scalars(db, "SELECT count(*) FROM figure_latest") == [0]
        # Nothing of the entries is lost on the way down (their figures included).
        assert await _scalars(db, "SELECT count(*) FROM entry_figures") == [5]

        await migrate_to(db, "0034", up=True)
        await _assert_upgraded(db)
    finally:
        await db.close()


async def test_a_location_that_folds_longer_than_its_column_is_stored(db: Database) -> None:
    """`locatie:` of 300 characters that NFKD folding lengthens ("ﬁ" is "fi"): the key
    keeps the column's 300, or PostgreSQL refused the whole report."""
    report = _report("Opvang", "GREEN")
    report.location = "ﬁ" * 300
    async with db.transaction() as session:
        await incidents.open_incident(session, "storm", "Storm", "@admin:x")
        entry = await entry_repo.record(session, report, "@a:x", "!r:x", "$long")
    assert entry.location_key == "fi" * 150
