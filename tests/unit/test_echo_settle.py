"""The echo of a reply whose send has not returned yet (the homeserver's sync can beat its
answer to the send): no write transaction of its own, as each such echo cost. It is
settled when the batch's token is written: by then the send has usually returned and
recorded its row; a row still unrecorded is marked sent by its transaction id in the
token's own transaction, so the token never moves past an echo whose row is unmarked."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select

from storage import outbox
from storage.engine import Database
from storage.ids import RoomId
from storage.models import OutboxMessage
from tests.unit.test_token_deferral import BOT, ROOM, _batch, _event, _setup, _sync

TXN = outbox.txn_id_for("$cmd")


def _echo(txn: str) -> dict[str, Any]:
    return {
        "type": "m.room.message",
        "event_id": "$echo",
        "sender": BOT,
        "origin_server_ts": 2000,
        "content": {"msgtype": "m.notice", "body": "reply"},
        "unsigned": {"transaction_id": txn},
    }


async def _queued(db: Database) -> int:
    async with db.transaction() as session:
        row = await outbox.add(session, RoomId(ROOM), "message", {"body": "reply"}, TXN)
    assert row is not None
    return row.id


async def _sent(db: Database, row_id: int) -> tuple[Any, str | None]:
    async with db.session() as session:
        row = await session.scalar(select(OutboxMessage).where(OutboxMessage.id == row_id))
    assert row is not None
    return row.sent_at, row.result_event_id


@pytest.fixture
def marks(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The transaction ids marked sent from an echo."""
    seen: list[str] = []
    original = outbox.mark_sent_by_txn

    async def counting(session: Any, txn_id: str, result_event_id: str) -> bool:
        seen.append(txn_id)
        return await original(session, txn_id, result_event_id)

    monkeypatch.setattr(outbox, "mark_sent_by_txn", counting)
    yield seen


@pytest.mark.parametrize("returned", [False, True])
async def test_an_echo_before_its_send_returned_is_settled_with_the_token(
    db: Database, marks: list[str], returned: bool
) -> None:
    syncer, client = await _setup(db)
    row_id = await _queued(db)
    syncer.sender._sending_txns.add(TXN)  # the send is under way
    # A command and the echo: handled, but the echo costs no transaction of its own.
    await _batch(syncer, _sync("s1", _event(1), _echo(TXN)), "s0", time.monotonic())
    assert marks == []
    assert (await _sent(db, row_id))[0] is None
    if returned:
        # The send returns: the sender records the row (as `_send_one` does), which is
        # marked by its row id with the token, like every sent row.
        syncer.sender._sending_txns.discard(TXN)
        syncer.sender._sent_txns[TXN] = None
        syncer.sender._unrecorded[row_id] = (TXN, "$echo")
    await syncer._store_deferred({})
    # Not returned by the token's write: marked by its transaction id then.
    assert marks == ([] if returned else [TXN])
    sent_at, event_id = await _sent(db, row_id)
    assert sent_at is not None and event_id == "$echo"
    await client.close()


async def test_a_batch_of_echoes_whose_sends_are_under_way_is_quiet(db: Database) -> None:
    syncer, client = await _setup(db)
    response = _sync("s1", _echo(TXN))
    assert not syncer._only_own_echoes(response)  # not sent by this process (yet)
    syncer.sender._sending_txns.add(TXN)
    assert syncer._only_own_echoes(response)
    await client.close()


async def test_the_echo_of_a_row_this_process_is_not_sending_is_marked_at_once(
    db: Database, marks: list[str]
) -> None:
    """A row an earlier run sent: nothing here will record it."""
    syncer, client = await _setup(db)
    row_id = await _queued(db)
    assert await syncer._handle_batch(_sync("s1", _echo(TXN)), "s0", False, False)
    assert marks == [TXN]
    assert (await _sent(db, row_id))[0] is not None
    await client.close()
