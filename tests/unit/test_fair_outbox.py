"""Fair sending (issue "trust", point 14) and timeline-order bookkeeping (point 4)."""

from __future__ import annotations

import pytest

from bot.sender import FairQueue
from storage import outbox, rooms
from storage.engine import Database
from storage.ids import RoomId
from storage.models import OutboxMessage

BUSY = RoomId("!busy:localhost")
QUIET = RoomId("!quiet:localhost")


def _row(row_id: int, room: str) -> OutboxMessage:
    return OutboxMessage(id=row_id, room_id=room, kind="message", content={}, txn_id=f"t{row_id}")


def test_fair_queue_serves_rooms_in_turn_and_keeps_each_rooms_order() -> None:
    queue = FairQueue()
    for row_id in range(1, 6):
        queue.add(_row(row_id, BUSY))
    queue.add(_row(6, QUIET))
    queue.add(_row(6, QUIET))  # a row offered twice is queued once
    assert len(queue) == 6
    order = []
    while (row := queue.pop()) is not None:
        order.append(row.id)
    # The quiet room's reply goes second, not after the busy room's backlog.
    assert order == [1, 6, 2, 3, 4, 5]


def test_fair_queue_keeps_queue_order_when_older_rows_come_later() -> None:
    queue = FairQueue()
    queue.add(_row(5, BUSY))  # handed over in memory
    queue.add(_row(2, BUSY))  # read from the table afterwards
    queue.add(_row(7, BUSY))
    assert [queue.pop().id for _ in range(3)] == [2, 5, 7]  # type: ignore[union-attr]


def test_fair_queue_skips_rooms_with_a_send_under_way() -> None:
    queue = FairQueue()
    queue.add(_row(1, BUSY))
    queue.add(_row(2, BUSY))
    queue.add(_row(3, QUIET))
    row = queue.pop(busy={BUSY})
    assert row is not None and row.id == 3
    assert queue.pop(busy={BUSY}) is None
    row = queue.pop()
    assert row is not None and row.id == 1


@pytest.mark.postgres
async def test_pending_by_room_returns_the_head_of_every_rooms_queue(db: Database) -> None:
    async with db.transaction() as session:
        for index in range(30):
            await outbox.add(session, BUSY, "message", {"n": index}, outbox.txn_id_for(f"b{index}"))
        await outbox.add(session, QUIET, "message", {"n": 0}, outbox.txn_id_for("q"))
    async with db.session() as session:
        rows = await outbox.pending_by_room(session, per_room=5)
    assert [row.room_id for row in rows].count(BUSY) == 5
    assert [row.room_id for row in rows].count(QUIET) == 1
    busy = [row.content["n"] for row in rows if row.room_id == BUSY]
    assert busy == [0, 1, 2, 3, 4]


@pytest.mark.postgres
async def test_note_event_follows_timeline_order_not_timestamps(db: Database) -> None:
    async with db.transaction() as session:
        await rooms.note_event(session, QUIET, "$first", 2_000)
        # Stored later, stamped earlier: it is still the last event of the room.
        await rooms.note_event(session, QUIET, "$second", 1_000)
    async with db.session() as session:
        room = await rooms.get(session, QUIET)
    assert room is not None and room.last_event_id == "$second"
