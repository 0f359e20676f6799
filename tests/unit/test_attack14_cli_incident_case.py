"""Attack on the command line (helper "attack14", session 16): an incident's short name
typed with a capital.

`knooppunt export --incident Hoogwater` found the incident (its look-up lowercases the
name), then filtered the entries and the record by the name as typed: the file held
nothing and the operator was told "0 entries written", as if the incident had no
reports. `knooppunt audit --incident Hoogwater` printed an empty history the same way.
The chat command lowercases every word; the command line must read the name the same.
"""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

from bot.cli.export import audit_lines, build_export
from storage import entries as entry_repo
from storage import incidents as incident_repo
from storage.engine import Database
from tests.support.entries import entry_input


async def _storm_with_one_report(url: str) -> None:
    db = Database(url)
    await db.migrate()
    async with db.transaction() as session:
        await incident_repo.open_incident(session, "storm", "Storm", "test")
        data = entry_input(tlp="GREEN", text="Dijk bij Wijk houdt.", incident="storm")
        await entry_repo.record(session, data, "@l:x", "!ggd:x", "$cli-case")
    await db.close()


async def test_an_export_by_a_capitalised_name_holds_the_incidents_reports(
    tmp_path: Path,
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'knooppunt.db'}"
    await _storm_with_one_report(url)
    settings = SimpleNamespace(effective_database_url=url)
    result = await build_export(settings, "Storm", "json", "GREEN")  # type: ignore[arg-type]
    assert result.count == 1
    document = json.loads(result.data)
    assert [e["text"] for e in document["entries"]] == ["Dijk bij Wijk houdt."]
    assert document["incident"] == "storm"


async def test_an_audit_by_a_capitalised_name_shows_the_incidents_history(
    tmp_path: Path,
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'knooppunt.db'}"
    await _storm_with_one_report(url)
    settings = SimpleNamespace(effective_database_url=url, language="en")
    lower = await audit_lines(settings, "storm")  # type: ignore[arg-type]
    capital = await audit_lines(settings, "STORM")  # type: ignore[arg-type]
    assert lower
    assert capital == lower
