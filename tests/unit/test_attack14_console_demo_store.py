"""Attack on `knooppunt console --demo` (helper "attack14", session 16): the sample
crisis loaded into a live store.

The console "uses the same handlers and database as the bot", and the README's first
example is `knooppunt console --demo --as gemeente`. Run where the bot's environment is
set (KNOOPPUNT_DATABASE_URL), `--demo` loaded the sample crisis into the real store: the
sample objects replace each owner's set, and their owners are real names (Gemeente
Dordrecht, GHOR ZHZ, Waterschap Hollandse Delta), so a municipality's real shelter list
was replaced by invented sports halls ("250 personen", "aggregaat 8 uur"), which
`!object` and `!objecten` then gave out with confidence; the sample Q&As joined the real
ones. Now `--demo` refuses a store that holds what the demo did not load, and changes
nothing; an empty store (or one it loaded before) still takes it.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.config import ConfigError, load_settings
from bot.console import run_console
from knowledge import object_service
from storage.engine import Database
from storage.models import SiteObjectRow

REAL_OBJECTS = (
    "id;naam;soort;adres;gemeente;eigenaar;bijgewerkt;tlp;feit:opvangcapaciteit\n"
    "dor-echt-1;Sporthal Echt;sporthal;Echtweg 1;Dordrecht;Gemeente Dordrecht;"
    "2026-11-30;GREEN;400 personen\n"
)


async def _objects(url: str) -> list[str]:
    db = Database(url)
    try:
        async with db.session() as session:
            return sorted((await session.scalars(select(SiteObjectRow.name))).all())
    finally:
        await db.close()


async def test_the_demo_refuses_a_store_with_real_data_and_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KNOOPPUNT_DATA_DIR", str(tmp_path))
    settings = load_settings()
    url = settings.effective_database_url
    folder = tmp_path / "objects"
    folder.mkdir()
    (folder / "dordrecht.csv").write_text(REAL_OBJECTS, encoding="utf-8")
    db = Database(url)
    await db.migrate()
    report = await object_service.import_path(db, folder, "cli:ops")
    await db.close()
    assert report.ok, report
    before = await _objects(url)
    assert before == ["Sporthal Echt"]
    with pytest.raises(ConfigError):
        await run_console(settings, "gemeente", io.StringIO(""), io.StringIO(), demo=True)
    assert await _objects(url) == before


async def test_the_demo_still_loads_into_an_empty_store_twice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KNOOPPUNT_DATA_DIR", str(tmp_path))
    settings = load_settings()
    for _ in range(2):
        out = io.StringIO()
        assert await run_console(settings, "gemeente", io.StringIO(""), out, demo=True) == 0
    assert "Sporthal De Schans" in await _objects(settings.effective_database_url)
