"""`storage.outbox.kept_delivery` on both backends (helper "review10", session 16): it
reads the outbox's JSON content as text to find the reply that delivered a kept answer
(round 1, answer retraction); only SQLite ran it before."""

from __future__ import annotations

from storage import outbox
from storage.engine import Database
from storage.ids import RoomId


async def test_kept_delivery_finds_the_last_delivery(db: Database) -> None:
    async with db.transaction() as session:
        for n, question in enumerate((7, 17, 7)):
            await outbox.add(
                session,
                RoomId("!dm:x"),
                "message",
                {"body": "antwoord", outbox.KEPT_QUESTION: question},
                f"t{n}",
            )
        await outbox.add(session, RoomId("!dm:x"), "message", {"body": "7"}, "t9")
    async with db.session() as session:
        found = await outbox.kept_delivery(session, 7)
        assert found is not None and found.txn_id == "t2"
        assert await outbox.kept_delivery(session, 8) is None
