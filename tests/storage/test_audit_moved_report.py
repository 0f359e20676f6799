"""`knooppunt audit --incident A` (storage.audit.incident_history) after a report was
edited into incident B: the report was A's when it was recorded, so A's history keeps
it and says it moved to B; B's history has it too, with the move. Before, A's history
read only the entries whose current incident is A: the report vanished from it."""

from __future__ import annotations

import dataclasses

from storage import audit, incidents
from storage import entries as entry_repo
from storage.engine import Database
from tests.storage.test_marking_reader_migration import _report


async def test_a_report_edited_into_another_incident_stays_in_the_first_ones_history(
    db: Database,
) -> None:
    async with db.transaction() as session:
        await incidents.open_incident(session, "storm", "Storm", "@admin:x")
        await incidents.open_incident(session, "flood", "Flood", "@admin:x")
        report = _report("Gemaal uitgevallen.", "GREEN")
        await entry_repo.record(session, report, "@a:x", "!r:x", "$e1")
        entry = await entry_repo.by_source_event(session, "$e1")
        assert entry is not None
        moved = dataclasses.replace(report, incident="flood")
        await entry_repo.revise(session, entry, moved, "$edit1", "@b:x")
        code = entry.code
    async with db.session() as session:
        storm = await audit.incident_history(session, "storm")
        flood = await audit.incident_history(session, "flood")
    for history in (storm, flood):
        keys = [(e.key, e.values.get("code")) for e in history]
        assert ("audit.recorded", code) in keys, keys
        assert ("audit.moved", code) in keys, keys
        move = next(e for e in history if e.key == "audit.moved")
        assert (move.values["from"], move.values["to"], move.values["who"]) == (
            "storm", "flood", "@b:x",
        )  # fmt: skip
