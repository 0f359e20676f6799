"""The "subscription rests" notice (ed90ecb) and exercises (leftovers5's gap, session 14).

Everything the bot says about an exercise, and everything it sends into a room bound to
one, starts with OEFENING (storage/exercise.py): partners and their filters look for
that one word. The notice that a subscription rests because its room was rebound went
unmarked: for a subscription to a drill's picture in a room now back on a real incident,
and in a room now bound to a drill."""

from __future__ import annotations

from datetime import timedelta

from storage import incidents, rooms
from storage.engine import Database
from storage.exercise import MARKER
from storage.models import Incident
from storage.rooms import BindingView
from tests.support.senders import RecordingSender
from tests.unit.test_scheduler import ROOM, db, posted, scheduler, subscribed, utc

__all__ = ["db"]

FIRST = utc(2026, 5, 1, 12, 0)


async def _rested(database: Database, storm_drill: bool, to: str, to_drill: bool) -> str:
    """A subscription to storm's picture; the room rebound to `to`; the one notice."""
    await subscribed(database, FIRST, timedelta(hours=1))
    async with database.transaction() as session:
        storm = await session.get(Incident, "storm")
        assert storm is not None
        storm.exercise = storm_drill
        await incidents.open_incident(session, to, to.capitalize(), "@a:x", exercise=to_drill)
        binding = BindingView("coordinator", to, "VR", "AMBER", "AMBER")
        await rooms.bind_as(session, ROOM, binding, "@a:localhost")
    await scheduler(database, RecordingSender()).tick(FIRST + timedelta(seconds=3))
    (body,) = await posted(database)
    assert "storm" in body, body
    return body


async def test_a_drill_subscription_resting_in_a_real_room_says_oefening(db: Database) -> None:
    assert (await _rested(db, True, "brand", False)).startswith(MARKER)


async def test_a_real_subscription_resting_in_a_drill_room_says_oefening(db: Database) -> None:
    assert (await _rested(db, False, "oefenbrand", True)).startswith(MARKER)


async def test_a_real_subscription_resting_in_a_real_room_does_not(db: Database) -> None:
    assert not (await _rested(db, False, "brand", False)).startswith(MARKER)
