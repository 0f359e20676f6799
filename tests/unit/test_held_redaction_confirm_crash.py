"""A 👍 that confirms a kept deletion is not lost to a crash (session 17).

The 👍 was claimed in the event log in a transaction of its own, and the deletion was
carried out in later ones. A bot killed in between (SIGKILL, power cut) had the 👍
recorded as handled and the deletion still kept: the replayed 👍 was "handled before",
and no device check would ever carry it out (the person had signed the session out,
which is why they confirmed it). Their confirmation was lost without a word.

Here the kill is a BaseException from the handler (nothing in the bot catches it, as
nothing survives a SIGKILL), and the restart a new HeldRedactions on the same database
that gets the same 👍 again (the sync token had not moved past it)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.held_redactions import HeldRedactions
from commands.message import Message
from storage import held_redactions as store
from storage import outbox
from storage.engine import Database
from storage.ids import EventId
from tests.support.migrated import migrated_sqlite
from tests.unit.test_held_redactions import ROOM, _client, _Handler, _reaction, _refused


class _Killed(BaseException):
    """The process dies here."""


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = await migrated_sqlite(tmp_path / "crash.db")
    yield database
    await database.close()


@pytest.mark.parametrize("at", ["before_handling", "after_handling"])
async def test_a_confirmation_survives_a_kill_while_it_is_carried_out(
    db: Database, at: str
) -> None:
    client = _client({"LAPTOP"})
    untrusted, held, handler = await _refused(db, client)
    notice = untrusted.sender.submitted[0]  # type: ignore[attr-defined]
    async with db.transaction() as session:
        await outbox.mark_sent_by_txn(session, notice.txn_id, "$notice")
    # OLDPHONE signed out: only the 👍 can carry the deletion out.
    client.device_store.active_user_devices = lambda user: [client.device_store.devices[0]]

    async def dies(message: Message) -> str:
        if at == "after_handling":
            await handler(message)  # handled and committed, then the kill
        raise _Killed

    held.handle = dies
    with pytest.raises(_Killed):
        await held.confirm(ROOM, _reaction("$thumbs", "$notice", "👍"))

    # The restart: the same 👍 comes again.
    again = _Handler(db)
    restarted = HeldRedactions(client, db, again, "@bot:x")  # type: ignore[arg-type]
    assert await restarted.confirm(ROOM, _reaction("$thumbs", "$notice", "👍"))
    await restarted.recheck()
    done = [m.relation.redacts for m in handler.handled + again.handled]
    assert done == [EventId("$report")]  # carried out, once
    async with db.session() as session:
        assert await store.pending(session) == []
