"""`outbox.mark_sent_by_relation` and `outbox.waiting_for_invite` on both backends
(session 18): an earlier device's echo settles the oldest waiting row with its reply
relation and nothing else; rows queued to a room whose upgrade waits for the bot's
invite are found with the room that replaces it, until it is replaced."""

from __future__ import annotations

import time

from storage import audit, outbox
from storage import rooms as room_repo
from storage.engine import Database
from storage.ids import RoomId

ROOM, OTHER, NEW = RoomId("!r:x"), RoomId("!o:x"), RoomId("!new:x")


def _reply(to: str) -> dict[str, object]:
    return {"msgtype": "m.notice", "body": "x", "m.relates_to": {"m.in_reply_to": {"event_id": to}}}


async def test_an_earlier_devices_echo_settles_the_oldest_row_answering_the_same(
    db: Database,
) -> None:
    async with db.transaction() as session:
        for key, room, to in (("a", ROOM, "$m1"), ("b", ROOM, "$m1"), ("c", OTHER, "$m2")):
            await outbox.add(session, room, "message", _reply(to), outbox.txn_id_for(key))
    now_ms = int(time.time() * 1000)
    relation = {"m.in_reply_to": {"event_id": "$m1"}}
    async with db.transaction() as session:
        first = await outbox.mark_sent_by_relation(session, ROOM, relation, "$e1", now_ms)
        # Being sent by this process: never settled by an echo.
        busy = {outbox.txn_id_for("b")}
        skipped = await outbox.mark_sent_by_relation(session, ROOM, relation, "$e2", now_ms, busy)
        # Another room's row, another relation, and an event older than every row: none.
        other = await outbox.mark_sent_by_relation(
            session, ROOM, {"m.in_reply_to": {"event_id": "$m2"}}, "$e3", now_ms
        )
        early = await outbox.mark_sent_by_relation(
            session, ROOM, relation, "$e4", now_ms - 3_600_000
        )
    assert first is not None and skipped is None and other is None and early is None
    async with db.session() as session:
        left = {row.txn_id: row.result_event_id for row in await outbox.pending(session)}
    assert left == {outbox.txn_id_for("b"): None, outbox.txn_id_for("c"): None}


async def test_rows_waiting_for_an_invite_are_found_until_the_room_is_replaced(
    db: Database,
) -> None:
    async with db.transaction() as session:
        await room_repo.ensure(session, ROOM)
        await outbox.add(session, ROOM, "message", _reply("$q"), outbox.txn_id_for("q"))
        await outbox.add(session, OTHER, "message", _reply("$p"), outbox.txn_id_for("p"))
        await audit.add(session, "@a:x", "room.upgrade_pending", ROOM, subject=NEW)
    async with db.session() as session:
        found = [(row.room_id, new) for row, new in await outbox.waiting_for_invite(session)]
    assert found == [(ROOM, NEW)]
    async with db.transaction() as session:
        await room_repo.carry_binding(session, ROOM, NEW)
    async with db.session() as session:
        assert await outbox.waiting_for_invite(session) == []
