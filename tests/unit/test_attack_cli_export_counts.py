"""Attack on `knooppunt export`'s file (helper "paths", session 12): a file exported
under a ceiling told its readers what lies above it.

The command line writes only entries up to `--max-tlp`, and tells the operator on
stderr how many it left out per label. The JSON file carried that count too
(`"left_out": {"RED": 2, ...}`): whoever the file is sent to (a municipality, under
GREEN) learned that this incident holds two RED reports and one AMBER+STRICT one.
What a reader may not see does not exist for them; the object and network exports
already write only their ceiling, "so the files do not tell who holds more". The
property: a file exported under a ceiling is the same whatever lies above it.
"""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

from bot.cli.export import build_export
from storage import entries as entry_repo
from storage import incidents as incident_repo
from storage.engine import Database
from tests.support.entries import entry_input


async def _record(db: Database, label: str, n: int) -> None:
    async with db.transaction() as session:
        data = entry_input(tlp=label, text=f"Melding {n}.")
        await entry_repo.record(session, data, "@l:x", "!ggd:x", f"$cli{n}")


def _without_time(data: bytes) -> dict[str, object]:
    document = json.loads(data)
    document.pop("exported_at")
    return dict(document)


async def test_a_file_under_a_ceiling_says_nothing_of_what_lies_above_it(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'knooppunt.db'}"
    db = Database(url)
    await db.migrate()
    async with db.transaction() as session:
        await incident_repo.open_incident(session, "storm", "Storm", "test")
    await _record(db, "GREEN", 1)
    settings = SimpleNamespace(effective_database_url=url)
    before = await build_export(settings, "storm", "json", "GREEN")  # type: ignore[arg-type]
    for n, label in enumerate(["AMBER", "AMBER+STRICT", "RED", "RED"], start=2):
        await _record(db, label, n)
    after = await build_export(settings, "storm", "json", "GREEN")  # type: ignore[arg-type]
    await db.close()
    # The operator is still told (stderr), from the result.
    assert after.left_out == {"AMBER": 1, "AMBER+STRICT": 1, "RED": 2}
    assert _without_time(after.data) == _without_time(before.data), after.data.decode()[:600]
