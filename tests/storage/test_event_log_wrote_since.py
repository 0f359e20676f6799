"""`event_log.wrote_since` on both backends: the event that made an offer is found by its
own time (an edit that made the offer anew), and only what the sender had handled after
it counts as talking past the offer (review7)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from storage import event_log
from storage.engine import Database
from storage.ids import EventId, RoomId, UserId

ROOM, ALICE = RoomId("!r:x"), UserId("@alice:x")


async def test_only_events_after_the_one_that_made_the_offer_count(db: Database) -> None:
    start = datetime.now(UTC).replace(microsecond=123456) - timedelta(minutes=20)
    update, edit = start + timedelta(minutes=1), start + timedelta(minutes=2)
    async with db.transaction() as session:  # a backlog, handled in one go
        await event_log.record(session, EventId("$hallo"), ROOM, ALICE, "chat", start)
        await event_log.record(session, EventId("$update"), ROOM, ALICE, "offer", update)
        await event_log.record(session, EventId("$edit"), ROOM, ALICE, "offer", edit)
    async with db.session() as session:
        # The offer made by the edit (its time): neither the greeting nor the edit counts.
        assert not await event_log.wrote_since(session, ROOM, ALICE, edit, "$update")
        # The offer made by the update: the edit after it is another event.
        assert await event_log.wrote_since(session, ROOM, ALICE, update, "$update")
    async with db.transaction() as session:
        later = edit + timedelta(minutes=1)
        await event_log.record(session, EventId("$chat"), ROOM, ALICE, "chat", later)
    async with db.session() as session:
        assert await event_log.wrote_since(session, ROOM, ALICE, edit, "$update")
