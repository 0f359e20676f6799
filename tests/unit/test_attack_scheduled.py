"""Attack on scheduled pictures (outside attacker, session 5): a room subscribed to the
picture of incident A and later rebound by an admin to an exercise (or another
incident) must not keep receiving A's picture: one mode per room (README: "a real room
cannot touch an exercise" and back), and a room's view follows its current binding."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from storage import incidents, outbox, rooms
from storage import subscriptions as subscription_repo
from storage.engine import Database
from storage.ids import RoomId
from tests.unit.test_scheduler import RecordingSender, scheduler

ROOM = RoomId("!coord:x")


async def test_a_rebound_room_gets_no_more_pictures_of_its_old_incident(tmp_path: Path) -> None:
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 's.db'}")
    await db.migrate()
    try:
        first = datetime(2026, 5, 1, 12, tzinfo=UTC)
        async with db.transaction() as session:
            await incidents.open_incident(session, "storm", "Storm", "@a:x")
            await incidents.open_incident(session, "oef", "Oefening", "@a:x", exercise=True)
            await rooms.mark_joined(session, ROOM, first - timedelta(days=1))
            await rooms.bind(
                session, ROOM, role="coordinator", incident="storm", organisation="VR",
                tlp_default="AMBER", clearance="AMBER", by="@a:x",
            )  # fmt: skip
            sub = await subscription_repo.add(
                session, ROOM, "storm", timedelta(hours=1), None, "@a:x"
            )
            sub.next_due_at = first
        sender = RecordingSender()
        await scheduler(db, sender).tick(first)
        async with db.session() as session:
            bodies = [row.content["body"] for row in await outbox.pending(session)]
        assert len(bodies) == 1 and "storm" in bodies[0]  # the baseline: it posts
        async with db.transaction() as session:
            await rooms.bind(
                session, ROOM, role="coordinator", incident="oef", organisation="VR",
                tlp_default="AMBER", clearance="AMBER", by="@a:x",
            )  # fmt: skip
        await scheduler(db, sender).tick(first + timedelta(hours=1))
        async with db.session() as session:
            later = [row.content["body"] for row in await outbox.pending(session)][1:]
        # No picture of the old incident: only the one notice that the subscription
        # rests (leftovers5, ed90ecb), which names the incident but shows nothing of it;
        # marked OEFENING, as everything sent into a room bound to a drill (session 14).
        notice = "OEFENING — Abonnement 1 (situatiebeeld storm) rust"
        assert len(later) == 1 and later[0].startswith(notice), later
    finally:
        await db.close()


async def test_an_action_reminder_does_not_follow_its_owner_room_into_an_exercise(
    tmp_path: Path,
) -> None:
    """A real action's owner room is rebound to an exercise before the reminder: the
    reminder is skipped (audited), not sent into the exercise as if it were part of it."""
    from sqlalchemy import select

    from storage.models import AuditRecord
    from tests.support.rooms import incident_database
    from tests.unit.test_attack_records import REAL, setup

    db = await incident_database(tmp_path / "r.db", {"storm": "Storm"}, "test")
    try:
        await setup(db)  # A-1 (storm, owner VR: room REAL), A-2 (exercise)
        async with db.transaction() as session:
            await rooms.bind(
                session, REAL, role="coordinator", incident="oef", organisation="VR",
                tlp_default="AMBER", clearance="AMBER", by="@a:x",
            )  # fmt: skip
        async with db.session() as session:
            before = len(await outbox.pending(session))
        sender = RecordingSender()
        await scheduler(db, sender).remind(datetime.now(UTC) + timedelta(days=2))
        async with db.session() as session:
            rows = list(await outbox.pending(session))[before:]
            skipped = list(
                await session.scalars(
                    select(AuditRecord.subject).where(
                        AuditRecord.action == "action.reminder_skipped"
                    )
                )
            )
        to_real = [r.content["body"] for r in rows if r.room_id == REAL]
        assert not any("Echte actie" in body for body in to_real), to_real
        assert "A-1" in skipped
    finally:
        await db.close()
