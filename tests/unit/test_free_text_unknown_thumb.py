"""A 👍 on an event no offer knows (the bot's offer whose send an earlier device never
recorded), through the exactly-once core on a real database: matched through what the
homeserver says of the event (`CommandSettings.events`, bot/event_probe.py) and
recorded; when it cannot be matched the liaison is told that nothing was recorded;
a 👍 on a colleague's message stays chatter (session 18)."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from commands.context import CommandSettings, EventFacts
from storage.engine import Database
from storage.ids import RoomId, UserId
from tests.support.chat import OneRoomChat, bound_views, texts
from tests.support.rooms import storm_database

LIAISON = RoomId("!liaison:x")
ALICE = UserId("@alice:x")
BOB = UserId("@bob:x")
BOT = "@bot:x"
UPDATE = "update stroom zwijndrecht: nog 800 huishoudens zonder stroom"
UNMATCHED = "Ik kan je 👍 niet koppelen aan een aanbod van mij"


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = await storm_database(tmp_path / "thumb.db", [(LIAISON, "liaison", "Stedin")])
    yield database
    await database.close()


_chats = itertools.count(1)


def chat_with(db: Database, facts: dict[str, EventFacts | None]) -> OneRoomChat:
    """A chat whose event ids are its own (each chat counts from 1)."""
    asked: list[str] = []

    async def probe(room_id: str, event_id: str) -> EventFacts | None:
        asked.append(event_id)
        return facts.get(event_id)

    settings = CommandSettings(bot_user_id=BOT, events=probe)
    chat = OneRoomChat(
        db,
        bound_views(),
        room=LIAISON,
        sender=ALICE,
        settings=settings,
        prefix=f"$c{next(_chats)}-",
    )
    chat.asked = asked  # type: ignore[attr-defined]
    return chat


async def test_a_thumb_on_the_bots_unrecorded_offer_records_the_update(db: Database) -> None:
    chat = chat_with(db, {})
    original, replies = await chat.post(UPDATE)
    assert "Vastleggen als melding?" in texts(replies)
    facts = {"$old-offer": EventFacts(sender=BOT, in_reply_to=original)}
    chat = chat_with(db, facts)
    _, replies = await chat.post("👍", kind="reaction", annotates="$old-offer")
    assert "vastgelegd" in texts(replies)
    assert len(await chat.entries()) == 1
    _, replies = await chat.post("👍🏻", kind="reaction", annotates="$old-offer")
    assert texts(replies) == "" and len(await chat.entries()) == 1


async def test_a_thumb_that_cannot_be_matched_is_answered_not_dropped(db: Database) -> None:
    # The homeserver does not give the event (None), or it is the bot's without a reply.
    for facts in ({}, {"$old-offer": EventFacts(sender=BOT)}):
        chat = chat_with(db, facts)
        await chat.post(UPDATE)
        _, replies = await chat.post("👍", kind="reaction", annotates="$old-offer")
        assert UNMATCHED in texts(replies), facts
        assert await chat.entries() == []


async def test_a_thumb_on_someone_elses_message_stays_chatter(db: Database) -> None:
    facts = {"$colleague": EventFacts(sender=BOB), "$bot-other": EventFacts(BOT, "$elsewhere")}
    chat = chat_with(db, facts)
    await chat.post(UPDATE)
    for target in ("$colleague", "$bot-other"):
        _, replies = await chat.post("👍", kind="reaction", annotates=target)
        assert texts(replies) == "", target
    # A handled message of a person is known without asking the homeserver.
    said, _ = await chat.post("goedemorgen", sender=BOB)
    _, replies = await chat.post("👍", kind="reaction", annotates=said)
    assert texts(replies) == ""
    assert said not in chat.asked  # type: ignore[attr-defined]
    assert await chat.entries() == []


async def test_without_an_open_offer_the_homeserver_is_not_asked(db: Database) -> None:
    chat = chat_with(db, {})
    _, replies = await chat.post("👍", kind="reaction", annotates="$anything")
    assert texts(replies) == "" and chat.asked == []  # type: ignore[attr-defined]


class _LockCheckingClient:
    """A homeserver stand-in for the bot's probe (bot/event_probe.py) that notes, at the
    moment the bot asks it for an event, whether the bot holds SQLite's write lock: a
    second connection tries to take it without waiting. A network round trip under the
    lock makes every other room's report wait on the homeserver."""

    def __init__(self, path: Path, facts: dict[str, EventFacts]) -> None:
        self.path, self.facts = path, facts
        self.locked: list[bool] = []

    async def room_get_event(self, room_id: str, event_id: str) -> object:
        import sqlite3

        from nio import RoomGetEventError, RoomGetEventResponse

        other = sqlite3.connect(self.path, timeout=0, isolation_level=None)
        try:
            other.execute("BEGIN IMMEDIATE")
            other.execute("ROLLBACK")
            self.locked.append(False)
        except sqlite3.OperationalError:
            self.locked.append(True)
        finally:
            other.close()
        known = self.facts.get(event_id)
        if known is None:
            return RoomGetEventError("not found", "M_NOT_FOUND")
        content: dict[str, object] = {"msgtype": "m.notice", "body": "aanbod"}
        if known.in_reply_to:
            content["m.relates_to"] = {"m.in_reply_to": {"event_id": known.in_reply_to}}
        return RoomGetEventResponse.from_dict(
            {
                "type": "m.room.message",
                "event_id": event_id,
                "sender": known.sender,
                "origin_server_ts": 1,
                "content": content,
            }
        )


async def test_the_homeserver_is_asked_outside_the_write_transaction(
    db: Database, tmp_path: Path
) -> None:
    """The probe's round trip happens with no write lock held; the 👍 is still recorded
    exactly once (a new short transaction checks again and writes)."""
    from bot.event_probe import event_probe

    chat = chat_with(db, {})
    original, _ = await chat.post(UPDATE)
    client = _LockCheckingClient(
        tmp_path / "thumb.db", {"$old-offer": EventFacts(sender=BOT, in_reply_to=original)}
    )
    settings = CommandSettings(bot_user_id=BOT, events=event_probe(client))  # type: ignore[arg-type]
    chat = OneRoomChat(
        db, bound_views(), room=LIAISON, sender=ALICE, settings=settings, prefix="$lock-"
    )
    _, replies = await chat.post("👍", kind="reaction", annotates="$old-offer")
    assert client.locked == [False]
    assert "vastgelegd" in texts(replies)
    assert len(await chat.entries()) == 1
    # Unmatched (the homeserver does not give the event): told, still outside the lock.
    await chat.post(UPDATE)
    _, replies = await chat.post("👍", kind="reaction", annotates="$gone")
    assert UNMATCHED in texts(replies)
    assert client.locked == [False, False]
    assert len(await chat.entries()) == 1
