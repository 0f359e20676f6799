"""A member who redacts the message that asked a question withdraws it (session 10).

Design: the asker's part is withdrawn and its words are erased. With no other asker
linked to it, the question is withdrawn: gone from `!vragen`, pictures and the portal,
the bot's post of it in the curator rooms is redacted and the curators are told, and a
later `!antwoord` is refused ("withdrawn by its asker"). With other askers linked, the
question stays open for them only (the oldest linked one becomes the question the
curators answer). An answered question keeps what was sent; its words are erased and
nothing more is learned from them. Redacting an edit that asked anew withdraws only the
question that edit made (the previous words stand, as a report goes back a revision).
Through the exactly-once core on a real database.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import select, update

from commands.dispatcher import CommandSettings
from commands.message import Outgoing, Redaction, Reply
from storage.engine import Database
from storage.ids import RoomId, UserId
from storage.models import OpenQuestion, OutboxMessage, utcnow
from storage.rooms import BindingView
from tests.support.chat import CoreChat, bound_views, texts
from tests.support.rooms import storm_database

TOWN = RoomId("!gemeente:x")
TOWN2 = RoomId("!gemeente-2:x")
CURATORS = RoomId("!redactie:x")
COORD = RoomId("!coord:x")
LIAISON = RoomId("!ggd:x")
ALICE = UserId("@alice:x")  # municipality staff in TOWN
BOB = UserId("@bob:x")  # municipality staff in TOWN2
CAROL = UserId("@carol:x")  # a member of TOWN without power
MOD = UserId("@mod:x")  # moderator of TOWN
CURATOR = UserId("@curator:x")
QUESTION = "Mag mijn dementerende moeder Truus Jansen mee naar de noodopvang in de Vlinderhal?"
SIMILAR = "Mag mijn dementerende moeder mee naar de noodopvang in de Vlinderhal?"
OTHER = "Welke route nemen de bussen bij de evacuatie van wijk Sterrenburg?"

TOWN_BINDING = BindingView("municipality", "storm", "Gemeente Dordrecht", "GREEN", "GREEN")
TOWN2_BINDING = BindingView("municipality", "storm", "Gemeente Zwijndrecht", "GREEN", "GREEN")


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = await storm_database(
        tmp_path / "q.db",
        [(CURATORS, "curator", "VR"), (COORD, "coordinator", "VR"), (LIAISON, "liaison", "GGD")],
        active=True,
        more={TOWN: TOWN_BINDING, TOWN2: TOWN2_BINDING},
    )
    yield database
    await database.close()


view = bound_views(power_levels={MOD: 50})


def in_room(replies: list[Outgoing] | None, room: RoomId) -> str:
    """What went into `room` (a reply without a room goes to the room of the event)."""
    return texts([r for r in replies or [] if isinstance(r, Reply) and r.room_id == room])


def redactions(replies: list[Outgoing] | None) -> list[Redaction]:
    return [r for r in replies or [] if isinstance(r, Redaction)]


class Chat(CoreChat):
    async def say(self, room: RoomId, sender: UserId, body: str, **kw: str) -> list[Outgoing]:
        eid, replies = await self.send_event(room, sender, body, **kw)  # type: ignore[arg-type]
        assert replies is not None, f"{eid} was handled before"
        self.last = eid
        return replies

    async def ask(self, room: RoomId, sender: UserId, words: str) -> str:
        """The question's event id (its code is V<n> in asking order)."""
        replies = await self.say(room, sender, f"!vraag {words}")
        assert "V" in texts(replies), texts(replies)
        return self.last

    async def redact(self, room: RoomId, sender: UserId, target: str) -> list[Outgoing]:
        return await self.say(
            room, sender, "", kind="redaction", msgtype="m.redaction", redacts=target
        )

    async def curators_list(self) -> str:
        return texts(await self.say(CURATORS, CURATOR, "!vragen"))


async def rows(db: Database) -> list[OpenQuestion]:
    async with db.session() as session:
        return list(await session.scalars(select(OpenQuestion).order_by(OpenQuestion.id)))


async def sent_bodies(db: Database, room: RoomId, source: str) -> str:
    """The stored content of the bot's messages into `room` that answered the event
    `source`, after marking them sent. (A list a curator asked for earlier, `!vragen`,
    stays as it was sent, with every question it listed.)"""
    async with db.transaction() as session:
        await session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.room_id == room, OutboxMessage.sent_at.is_(None))
            .values(sent_at=utcnow(), result_event_id="$sent")
        )
    async with db.session() as session:
        rows = await session.scalars(
            select(OutboxMessage).where(
                OutboxMessage.room_id == room,
                OutboxMessage.kind == "message",
                OutboxMessage.source_event_id == source,
            )
        )
        return "\n".join(json.dumps(row.content, ensure_ascii=False) for row in rows)


async def test_a_redacted_question_is_withdrawn_everywhere(db: Database) -> None:
    chat = Chat(db, view)
    asked = await chat.ask(TOWN, ALICE, QUESTION)
    assert "V1" in await chat.curators_list()
    assert "Truus" in await sent_bodies(db, CURATORS, asked)  # the post quoted the words
    replies = await chat.redact(TOWN, ALICE, asked)
    # The bot keeps no copy of the withdrawn words in what it sent (the events on the
    # homeserver are redacted); what it still has to send keeps its content.
    assert "Truus" not in await sent_bodies(db, CURATORS, asked)
    # The asker is told, in the room's language; the curators are told the code only,
    # and the bot takes back its post that quoted the words.
    assert "V1" in in_room(replies, TOWN) and "ingetrokken" in in_room(replies, TOWN)
    told = in_room(replies, CURATORS)
    assert "V1" in told and "ingetrokken" in told and "Truus" not in told, texts(replies)
    assert [(r.source_event_id, r.room_id) for r in redactions(replies)] == [(asked, CURATORS)]
    listed = await chat.curators_list()
    assert "V1" not in listed and "Truus" not in listed, listed
    picture = texts(await chat.say(COORD, CURATOR, "!beeld storm"))
    assert "Vlinderhal" not in picture and "V1" not in picture, picture
    refused = await chat.say(CURATORS, CURATOR, "!antwoord V1 Ja, dat mag.")
    assert in_room(refused, TOWN) == "", texts(refused)
    assert "V1" in texts(refused) and "ingetrokken" in texts(refused), texts(refused)
    (row,) = await rows(db)
    assert row.status == "withdrawn" and row.withdrawn_at is not None
    # The member's words are gone from the database too.
    assert "Truus" not in row.question and row.nearest == []


async def test_the_withdrawal_is_in_english_in_an_english_room(db: Database) -> None:
    chat = Chat(db, view, CommandSettings(bot_user_id="@bot:x", language="en"))
    asked = await chat.ask(TOWN, ALICE, QUESTION)
    assert "withdrawn" in in_room(await chat.redact(TOWN, ALICE, asked), TOWN)
    refused = texts(await chat.say(CURATORS, CURATOR, "!answer V1 Yes."))
    assert "V1" in refused and "withdrew" in refused, refused


async def test_a_linked_question_stays_open_for_the_other_asker_only(db: Database) -> None:
    chat = Chat(db, view)
    asked = await chat.ask(TOWN, ALICE, QUESTION)
    linked = texts(await chat.say(TOWN2, BOB, f"!vraag {SIMILAR}"))
    assert "gekoppeld" in linked and "V2" in linked, linked
    bobs = chat.last
    # Never shown Alice's words (tests/unit/test_linked_words_private.py; before, he was
    # shown them when linked, and they were taken back here).
    assert "Truus" not in await sent_bodies(db, TOWN2, bobs)
    replies = await chat.redact(TOWN, ALICE, asked)
    # Bob was shown Alice's words when he was linked: that notice is taken back (and its
    # stored copy emptied), and he is told his question stays with the curators as V2.
    assert "Truus" not in await sent_bodies(db, TOWN2, bobs)
    assert (asked, CURATORS) in [(r.source_event_id, r.room_id) for r in redactions(replies)]
    to_bob = in_room(replies, TOWN2)
    assert "V2" in to_bob and "Truus" not in to_bob, texts(replies)
    listed = await chat.curators_list()
    assert "V2" in listed and "V1" not in listed and "Truus" not in listed, listed
    refused = texts(await chat.say(CURATORS, CURATOR, "!antwoord V1 Ja."))
    assert "ingetrokken" in refused and "V2" in refused, refused
    answered = await chat.say(CURATORS, CURATOR, "!antwoord V2 Ja, dat mag.")
    assert "Ja, dat mag" in in_room(answered, TOWN2)
    assert in_room(answered, TOWN) == "", texts(answered)


async def test_a_linked_asker_who_withdraws_gets_no_answer(db: Database) -> None:
    chat = Chat(db, view)
    await chat.ask(TOWN, ALICE, QUESTION)
    await chat.say(TOWN2, BOB, f"!vraag {SIMILAR}")
    bobs = chat.last
    replies = await chat.redact(TOWN2, BOB, bobs)
    assert "V2" in in_room(replies, TOWN2)
    listed = await chat.curators_list()
    assert "V1" in listed and "V2" not in listed, listed
    answered = await chat.say(CURATORS, CURATOR, "!antwoord V1 Ja, dat mag.")
    assert "Ja, dat mag" in in_room(answered, TOWN)
    assert in_room(answered, TOWN2) == "", texts(answered)


async def test_an_answered_question_keeps_what_was_sent(db: Database) -> None:
    chat = Chat(db, view)
    asked = await chat.ask(TOWN, ALICE, QUESTION)
    answered = await chat.say(CURATORS, CURATOR, "!antwoord V1 Ja, dat mag.")
    assert "Ja, dat mag" in in_room(answered, TOWN)
    replies = await chat.redact(TOWN, ALICE, asked)
    # Nothing already sent is taken back, and the curators are not disturbed.
    assert redactions(replies) == [] and in_room(replies, CURATORS) == "", texts(replies)
    (row,) = await rows(db)
    assert row.status == "answered" and row.answer == "Ja, dat mag."
    assert "Truus" not in row.question
    again = texts(await chat.say(CURATORS, CURATOR, "!antwoord V1 Nee."))
    assert "ingetrokken" in again, again


async def test_redacting_an_edit_withdraws_only_what_the_edit_asked(db: Database) -> None:
    """The edit replaced V1's words (tests/unit/test_question_edit.py); redacting it
    takes its words back and leaves V1 as asked. Redacting the message itself (a client
    removes it with its edits) withdraws V1 with every version of its words."""
    chat = Chat(db, view)
    asked = await chat.ask(TOWN, ALICE, QUESTION)
    edited = await chat.say(TOWN, ALICE, f"!vraag {OTHER}", kind="edit", replaces=asked)
    assert "V1" in texts(edited) and "V2" not in texts(edited), texts(edited)
    edit = chat.last
    replies = await chat.redact(TOWN, ALICE, edit)
    assert "V1" in in_room(replies, TOWN), texts(replies)
    listed = await chat.curators_list()
    assert "V1" in listed and "V2" not in listed and "Sterrenburg" not in listed, listed
    edited = await chat.say(TOWN, ALICE, f"!vraag {OTHER}", kind="edit", replaces=asked)
    assert "V1" in texts(edited) and "V3" not in texts(edited), texts(edited)
    await chat.redact(TOWN, ALICE, asked)
    assert [r.withdrawn_at is not None for r in await rows(db)] == [True] * 3
    assert all(not r.question for r in await rows(db))
    assert "Geen open vragen" in await chat.curators_list()


async def test_only_the_asker_or_a_moderator_of_that_room_withdraws(db: Database) -> None:
    chat = Chat(db, view)
    asked = await chat.ask(TOWN, ALICE, QUESTION)
    assert in_room(await chat.redact(TOWN, CAROL, asked), CURATORS) == ""
    assert in_room(await chat.redact(TOWN2, BOB, asked), CURATORS) == ""
    assert "V1" in await chat.curators_list()
    replies = await chat.redact(TOWN, MOD, asked)
    assert "ingetrokken" in in_room(replies, CURATORS), texts(replies)
    assert [r.status for r in await rows(db)] == ["withdrawn"]


async def test_a_replayed_redaction_does_nothing_twice(db: Database) -> None:
    chat = Chat(db, view)
    asked = await chat.ask(TOWN, ALICE, QUESTION)
    await chat.redact(TOWN, ALICE, asked)
    redaction = chat.last
    chat.restart()
    _, again = await chat.send_event(
        TOWN, ALICE, "", kind="redaction", msgtype="m.redaction", redacts=asked, event_id=redaction
    )
    assert again is None
    # A second redaction event of the same message (another client) says nothing new.
    replies = await chat.redact(TOWN, ALICE, asked)
    assert in_room(replies, CURATORS) == "" and redactions(replies) == [], texts(replies)


async def test_a_question_edited_into_a_report_goes_with_both(db: Database) -> None:
    """The message asked V1, and an edit made it a report: the edit no longer asks V1,
    so it withdraws it (tests/unit/test_question_edit.py) beside recording the report;
    redacting the message then retracts the report (the withdrawal does not stop it)."""
    chat = Chat(db, view)
    asked = await chat.ask(LIAISON, ALICE, QUESTION)
    report = "!melding opvang\ngemeente: Dordrecht\nernst: matig\nSporthal Kievit vol."
    edited = await chat.say(LIAISON, ALICE, report, kind="edit", replaces=asked)
    assert "vastgelegd" in texts(edited) and "V1" in in_room(edited, LIAISON), texts(edited)
    replies = await chat.redact(LIAISON, ALICE, asked)
    (entry,) = await chat.entries()
    assert entry.retracted_at is not None, texts(replies)
    assert [r.status for r in await rows(db)] == ["withdrawn"]
