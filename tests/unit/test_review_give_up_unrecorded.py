"""Review of session 12: a row whose end could not be recorded is tried again.

A row refused for good (or voided) is remembered as done before its end is written
(3cfddc9: a copy read from the table meanwhile must not go). When that write fails (the
database busy or failing over for a moment), the row stayed pending in the table and
remembered as done in memory: never sent, never recorded as failed, and for a
coordinator alert the reporter never told it did not reach them, until the bot restarts.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from nio import ErrorResponse
from sqlalchemy.exc import OperationalError

from bot.backoff import Backoff
from bot.sender import OutboxSender
from storage import outbox
from storage.engine import Database
from storage.ids import RoomId
from storage.models import OutboxMessage
from tests.unit.test_attack_send_outage import _Client, db

__all__ = ["db"]  # the fixture, imported for pytest
ROOM = RoomId("!coord:x")


async def test_a_refusal_whose_end_was_not_recorded_is_recorded_later(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = outbox.record_attempt
    failures = [1]

    async def flaky(*args: Any, **kwargs: Any) -> None:
        if failures[0]:
            failures[0] -= 1
            raise OperationalError("UPDATE outbox", {}, Exception("database is locked"))
        await real(*args, **kwargs)

    monkeypatch.setattr(outbox, "record_attempt", flaky)
    client = _Client(10**9, ErrorResponse("nope", "M_FORBIDDEN"), 403)  # refuses every send
    sender = OutboxSender(client, db, encryption=False)  # type: ignore[arg-type]
    sender._backoff = Backoff(initial=0.001, maximum=0.002)
    sender.ready.set()
    async with db.transaction() as session:
        row = await outbox.add(session, ROOM, "message", {"body": "alert"}, outbox.txn_id_for("g"))
    assert row is not None
    stop = asyncio.Event()
    task = asyncio.create_task(sender.run(stop))
    sender.submit([row])
    stored: OutboxMessage | None = None
    for _ in range(300):
        await asyncio.sleep(0.01)
        sender.wake()
        async with db.session() as session:
            stored = await session.get(OutboxMessage, row.id)
        if stored is not None and stored.failed_at is not None:
            break
    stop.set()
    await task
    assert failures == [0]
    assert stored is not None and stored.failed_at is not None, (client.tries, stored)
