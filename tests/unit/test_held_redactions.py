"""A deletion refused while its sender had an untrusted session is kept, and counts once
that session is verified (review of session 16: it was refused for good, and clients
cannot delete a deleted message again, so a wrong report stayed in every coordinator's
picture).

Redactions travel in the clear: nothing says which session sent one. A session signed
out is no proof that the deletion was the person's (a phished login the person threw
out); only a session their own cross-signing verified is. So the kept deletion counts
once every session that was untrusted at the refusal is verified and every known
session is trusted, or when the person confirms it with a reaction from a verified
session on the bot's notice (an encrypted event, judged by its device)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from nio import ReactionEvent, RedactionEvent

from bot.held_redactions import HeldRedactions
from bot.untrusted import UntrustedSenders
from commands.message import Message
from commands.render import plain
from storage import event_log, outbox, redactions
from storage.engine import Database
from storage.ids import EventId, RoomId
from tests.support.migrated import migrated_sqlite
from tests.support.redaction_events import redaction, two_session_client
from tests.support.senders import RecordingSender

ROOM = RoomId("!liaison:x")
PERSON = "@melder:x"


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = await migrated_sqlite(tmp_path / "held.db")
    yield database
    await database.close()


def _client(verified: set[str]) -> Any:
    return two_session_client(ROOM, verified, "OLDPHONE", "b2xk")


def _redaction(event_id: str, redacts: str) -> RedactionEvent:
    return redaction(event_id, redacts, PERSON)


async def _acted_on(db: Database, event_id: str) -> None:
    """The bot replied to `event_id` (a report's confirmation)."""
    from bot.sender import queue_reply

    async with db.transaction() as session:
        await queue_reply(session, ROOM, plain("Gemeld."), f"r:{event_id}", event_id, event_id)


class _Handler:
    """The sync loop's `handle_message`: claims the event as it would, and keeps it."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.handled: list[Message] = []

    async def __call__(self, message: Message) -> str:
        async with self.db.transaction() as session:
            if await event_log.is_processed(session, message.event_id):
                return "duplicate"
            await event_log.record(
                session,
                message.event_id,
                message.room_id,
                message.sender,
                "replied",
                message.timestamp,
            )
        self.handled.append(message)
        return "1 reply"


async def _refused(db: Database, client: Any) -> tuple[UntrustedSenders, HeldRedactions, _Handler]:
    await _acted_on(db, "$report")
    sender = RecordingSender()
    untrusted = UntrustedSenders(client, db, sender, "nl", "cross-signed", None)
    handler = _Handler(db)
    held = HeldRedactions(client, db, handler, "@bot:x")
    assert await untrusted.refuse(ROOM, _redaction("$red", "$report"))
    assert handler.handled == []
    body = str(sender.submitted[0].content["body"])
    assert "OLDPHONE" in body and "alsnog uit" in body and "👍" in body
    return untrusted, held, handler


async def test_a_refused_deletion_counts_once_the_session_is_verified(db: Database) -> None:
    client = _client({"LAPTOP"})
    _, held, handler = await _refused(db, client)
    await held.recheck([PERSON])  # nothing changed yet
    assert handler.handled == []

    client.olm.verified.add("OLDPHONE")  # the person verified their old phone
    await held.recheck([PERSON])
    assert [m.relation.redacts for m in handler.handled] == [EventId("$report")]
    assert handler.handled[0].kind == "redaction" and handler.handled[0].sender == PERSON
    await held.recheck([PERSON])  # once only
    assert len(handler.handled) == 1


async def test_a_signed_out_session_proves_nothing(db: Database) -> None:
    client = _client({"LAPTOP"})
    _, held, handler = await _refused(db, client)
    # OLDPHONE signed out: every known session is trusted, but the deletion may have
    # come from the session that is gone (a phished login the person threw out).
    client.device_store.devices[1].deleted = True
    client.device_store.active_user_devices = lambda user: [client.device_store.devices[0]]
    await held.recheck([PERSON])
    assert handler.handled == []


async def test_a_new_untrusted_session_holds_it_back(db: Database) -> None:
    client = _client({"LAPTOP"})
    _, held, handler = await _refused(db, client)
    client.olm.verified.add("OLDPHONE")
    newer = SimpleNamespace(id="NEWLOGIN", curve25519="bmV3", ed25519="bmV3", deleted=False)
    client.device_store.devices.append(newer)
    await held.recheck([PERSON])
    assert handler.handled == []
    client.olm.verified.add("NEWLOGIN")
    await held.recheck([PERSON])
    assert len(handler.handled) == 1


async def test_a_deletion_already_done_otherwise_is_dropped(db: Database) -> None:
    client = _client({"LAPTOP"})
    _, held, handler = await _refused(db, client)
    async with db.transaction() as session:  # a moderator deleted the report meanwhile
        await redactions.mark(session, "$report", ROOM, "@mod:x", "$modred", _now())
    client.olm.verified.add("OLDPHONE")
    await held.recheck([PERSON])
    assert handler.handled == []


def _now() -> Any:
    from datetime import UTC, datetime

    return datetime.now(UTC)


def _reaction(event_id: str, on: str, key: str, sender: str = PERSON) -> ReactionEvent:
    event = ReactionEvent.from_dict(
        {
            "type": "m.reaction",
            "event_id": event_id,
            "sender": sender,
            "origin_server_ts": 1_700_000_001_000,
            "content": {"m.relates_to": {"rel_type": "m.annotation", "event_id": on, "key": key}},
        }
    )
    assert isinstance(event, ReactionEvent)
    event.decrypted = True  # from a trusted session: bot/untrusted.py let it through
    return event


async def test_a_thumbs_up_on_the_notice_confirms_it(db: Database) -> None:
    client = _client({"LAPTOP"})
    untrusted, held, handler = await _refused(db, client)
    notice = untrusted.sender.submitted[0]  # type: ignore[attr-defined]
    async with db.transaction() as session:
        await outbox.mark_sent_by_txn(session, notice.txn_id, "$notice")
    # OLDPHONE signed out: the person confirms from their verified laptop.
    client.device_store.active_user_devices = lambda user: [client.device_store.devices[0]]
    assert not await held.confirm(ROOM, _reaction("$r0", "$notice", "❤️"))
    assert not await held.confirm(ROOM, _reaction("$r1", "$notice", "👍", sender="@other:x"))
    assert not await held.confirm(ROOM, _reaction("$r2", "$elsewhere", "👍"))
    assert handler.handled == []
    assert await held.confirm(ROOM, _reaction("$r3", "$notice", "👍🏽"))
    assert [m.relation.redacts for m in handler.handled] == [EventId("$report")]
    assert not await held.confirm(ROOM, _reaction("$r4", "$notice", "👍"))  # done: not held
    assert len(handler.handled) == 1


async def test_each_answered_device_check_has_the_held_deletions_looked_at(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import asyncio

    from bot.cross_signing import CrossSigningKeys, KeysApi
    from bot.device_trust import DeviceTrust
    from bot.identity_pins import PIN_FILE_NAME, IdentityPins
    from tests.unit.test_cross_signing import PARTNER, FakeClient, chain, device_keys, olm_device

    keys = CrossSigningKeys.generate(PARTNER)
    answers: dict[str, Any] = {"data": chain(keys, device_keys(PARTNER, "OWN", "b3du"))}

    async def answer(self: KeysApi, users: list[str]) -> dict[str, Any]:
        if answers["data"] is None:
            raise ConnectionError("homeserver away")
        return dict(answers["data"])

    monkeypatch.setattr(KeysApi, "query", answer)
    client = FakeClient([olm_device("OWN", "b3du")])
    trust = DeviceTrust(client, "cross-signed", IdentityPins(tmp_path / PIN_FILE_NAME))  # type: ignore[arg-type]
    told: list[list[str]] = []

    async def checked(users: list[str]) -> int:
        told.append(users)
        return 0

    trust.on_checked = checked
    await trust.check([PARTNER])
    await asyncio.sleep(0)  # in a task of its own, after the check
    assert told == [[PARTNER]] and client.olm.verified == {"OWN"}
    answers["data"] = None  # no answer: nothing judged, nothing to look at
    await trust.check([PARTNER])
    await asyncio.sleep(0)
    assert told == [[PARTNER]]
