"""A subscription whose room was rebound to another incident went dormant without a
word: the coordinator who subscribed to `storm`'s picture every hour saw the posts stop
and was not told why. The room is now told once (the subscription rests and resumes
when the room is bound to `storm` again, as before; one command stops it)."""

from __future__ import annotations

from datetime import timedelta

from storage import incidents, rooms
from storage.engine import Database
from storage.rooms import BindingView
from tests.support.senders import RecordingSender
from tests.unit.test_scheduler import ROOM, db, posted, scheduler, subscribed, utc

__all__ = ["db"]


async def _rebind(database: Database, incident: str) -> None:
    async with database.transaction() as session:
        binding = BindingView("coordinator", incident, "VR", "AMBER", "AMBER")
        await rooms.bind_as(session, ROOM, binding, "@a:localhost")


async def test_a_rebound_rooms_subscription_tells_the_room_once(db: Database) -> None:
    first = utc(2026, 5, 1, 12, 0)
    sub_id = await subscribed(db, first, timedelta(hours=1))
    async with db.transaction() as session:
        await incidents.open_incident(session, "brand", "Brand", "@a:localhost")
    await _rebind(db, "brand")
    sender = RecordingSender()
    one = scheduler(db, sender)
    await one.tick(first + timedelta(seconds=3))
    await one.tick(first + timedelta(hours=1, seconds=3))
    await scheduler(db, sender).tick(first + timedelta(hours=2, seconds=3))
    bodies = await posted(db)
    assert len(bodies) == 1, bodies
    assert f"Abonnement {sub_id}" in bodies[0] and "storm" in bodies[0], bodies
    assert not bodies[0].startswith("TLP:"), "no picture of storm in a room on brand"
    # Bound back to storm, the pictures resume.
    await _rebind(db, "storm")
    await one.tick(first + timedelta(hours=3, seconds=3))
    bodies = await posted(db)
    assert len(bodies) == 2 and bodies[1].startswith("TLP:"), bodies
