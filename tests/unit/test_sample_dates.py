"""The demo's sample looks on any day as on the day it was written (helper "dupes19",
session 19). Its dates were fixed: a care home's facts were "old" from 2026-12-30 on,
the sports halls' shelter plans expired after 2027-06-01, so `knooppunt demo` and
`console --demo` told another story on every later day (and a test reading them was a
time bomb). Seeded on a day in 2028 (the clock passed), what was current still is,
and what was meant to be old still is."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import select

from bot.console import load_demo
from knowledge.objects import SiteObject
from storage.models import SiteObjectRow
from tests.support.migrated import migrated_sqlite

LATER = date(2028, 3, 1)
CURRENT = [
    "Woonzorgcentrum Kinderdijkhof",
    "Sporthal De Schans",
    "Sporthal Sterrenburg",
    "Verpleeghuis De Merwehof",
    "Zorgcentrum Lingehof",
    "Ziekenhuis Drechtoever",
]


async def _objects(path: Path, today: date) -> dict[str, SiteObject]:
    db = await migrated_sqlite(path)
    try:
        await load_demo(db, today=today)
        async with db.session() as session:
            rows = list(await session.scalars(select(SiteObjectRow)))
    finally:
        await db.close()
    return {row.name: SiteObject.model_validate(row.data) for row in rows}


async def test_the_sample_objects_are_current_when_seeded_in_2028(tmp_path: Path) -> None:
    objects = await _objects(tmp_path / "demo.db", LATER)
    for name in CURRENT:
        assert objects[name].stale(LATER) is None, (name, objects[name])
        assert objects[name].updated <= LATER, name
    # Valid for months still, as on the day the sample was written.
    assert objects["Sporthal De Schans"].valid_until is not None
    assert objects["Sporthal De Schans"].valid_until > LATER + timedelta(days=90)
    # The one meant to be old (updated months before, refresh 90 days) still is.
    assert objects["Verpleeghuis Het Spuihof"].stale(LATER) == "old"


async def test_the_sample_is_the_same_story_on_any_day(tmp_path: Path) -> None:
    early = await _objects(tmp_path / "early.db", date(2026, 12, 3))
    later = await _objects(tmp_path / "later.db", LATER)
    assert early.keys() == later.keys()
    for name, item in early.items():
        assert item.stale(date(2026, 12, 3)) == later[name].stale(LATER), name
        assert later[name].updated - item.updated == LATER - date(2026, 12, 3), name
