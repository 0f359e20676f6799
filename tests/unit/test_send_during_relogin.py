"""A labelled row due while the bot logs in again. `bot.session.password_login` drops
nio's key store (`client.olm = None`) before the login request and loads the new
device's after it, while the sender keeps running (the syncer re-logs in on
M_UNKNOWN_TOKEN). The refusal of plain text into encrypted rooms (bot/sender.py, for
`encryption: false`) read "no olm" as "encryption is off": a TLP:AMBER alert due in that
window was given up for good (the reporter told it was refused), although a moment later
it could go encrypted. With encryption on, such a row waits for the key store."""

from __future__ import annotations

import asyncio

from bot.backoff import Backoff
from bot.sender import OutboxSender
from storage import outbox
from storage.engine import Database
from storage.models import OutboxMessage
from storage.outbox import RowLabel
from tests.unit.test_attack_plaintext_in_encrypted_room import ROOM, _EncryptingClient, db

__all__ = ["db"]  # fixture, imported for pytest


async def test_an_amber_row_waits_for_the_key_store_during_a_new_login(db: Database) -> None:
    client = _EncryptingClient()
    client.olm = None  # type: ignore[assignment]  # password_login dropped it
    sender = OutboxSender(client, db, encryption=True)  # type: ignore[arg-type]
    sender._backoff = Backoff(initial=0.001, maximum=0.002)
    sender.ready.set()
    body = "TLP:AMBER melding: dijk bij Zwolle"
    async with db.transaction() as session:
        row = await outbox.add(
            session, ROOM, "message", {"body": body}, outbox.txn_id_for(body),
            label=RowLabel("AMBER", "AMBER"),
        )  # fmt: skip
    assert row is not None
    stop = asyncio.Event()
    task = asyncio.create_task(sender.run(stop))
    sender.submit([row])
    try:
        await asyncio.sleep(0.3)
        async with db.session() as session:
            stored = await session.get(OutboxMessage, row.id)
        assert stored is not None and stored.failed_at is None, stored.last_error
        assert not client.sent
        client.olm = object()  # the new device's store is loaded
        for _ in range(300):
            if client.sent:
                break
            await asyncio.sleep(0.01)
            sender.wake()
        assert [c["body"] for c in client.sent] == [body]
    finally:
        stop.set()
        await task
