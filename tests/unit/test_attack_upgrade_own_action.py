"""Attack on room upgrades and actions (session 14, attack8): a room's own RED action
lost its reminder when the room was upgraded.

A room sees its own posts at any label, also those it posted before an upgrade (the
room that replaced it counts its predecessor's posts as its own: `RoomAccess.earlier`).
The action owner's room was judged by a view made from its binding alone, without the
rooms it replaced: a coordinators' RED action for their own room ("who does what"
kept in the room) was no longer "their own" after an upgrade, and its reminder was
skipped without a word (audit `action.reminder_skipped`).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from storage import outbox
from tests.support.rooms import incident_database
from tests.unit.test_attack_records import REAL, setup
from tests.unit.test_attack_upgrade import NEW, _upgrade
from tests.unit.test_scheduler import RecordingSender, scheduler

RED_ACTION = "Rode actie: ontruiming Sterrenburg voorbereiden"


async def test_a_rooms_own_red_action_is_still_reminded_after_an_upgrade(tmp_path: Path) -> None:
    db = await incident_database(tmp_path / "r.db", {"storm": "Storm"}, "test")
    try:
        chat = await setup(db)  # REAL: the coordination room of storm, organisation VR
        said = await chat.say(  # type: ignore[attr-defined]
            REAL, f"!actie {RED_ACTION}\neigenaar: VR\ndeadline: 23:59\ntlp: rood"
        )
        assert "A-" in said and "TLP:RED" in said, said
        await _upgrade(db)
        async with db.session() as session:
            before = len(await outbox.pending(session))
        await scheduler(db, RecordingSender()).remind(datetime.now(UTC) + timedelta(days=2))
        async with db.session() as session:
            rows = list(await outbox.pending(session))[before:]
        bodies = [r.content["body"] for r in rows if r.room_id == NEW]
        assert any("Rode actie" in body for body in bodies), [
            (r.room_id, r.content["body"][:80]) for r in rows
        ]
    finally:
        await db.close()
