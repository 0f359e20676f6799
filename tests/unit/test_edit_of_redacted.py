"""An edit (`m.replace`) of a message that was redacted makes nothing (session 10).

The bot keeps no words of a message it only read, so an edit of a message that made
nothing is read as the new message it now is. After a redaction that brought back what
the sender withdrew: a new free-text offer, a new report, a new question. The redaction
leaves a mark (storage/redactions.py); a later edit of the marked message does nothing
but say, in the room's language, that the original was withdrawn. Exactly once, also
across a restart and a replayed batch. Through the exactly-once core, real SQLite.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from commands.dispatcher import CommandSettings
from commands.message import Outgoing
from storage.engine import Database
from storage.ids import RoomId, UserId
from storage.models import OpenQuestion, PendingOffer, RedactedEvent
from storage.rooms import BindingView
from tests.support.chat import CoreChat, bound_views, texts
from tests.support.rooms import storm_database

LIAISON = RoomId("!liaison:x")
TOWN = RoomId("!gemeente:x")
CURATORS = RoomId("!redactie:x")
ALICE = UserId("@alice:x")
BOB = UserId("@bob:x")
UPDATE = "update stroom zwijndrecht: nog ca. 800 huishoudens zonder stroom"
REFUSED = "!melding water\ngemeente: Zwolle\nernst: heel erg\nDijk lekt."
FIXED = "!melding water\ngemeente: Zwolle\nernst: matig\nDijk lekt."
QUESTION = "Welke route nemen de bussen bij de evacuatie van wijk Sterrenburg?"
WITHDRAWN_NL = "verwijderd"


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    town = BindingView("municipality", "storm", "Gemeente Dordrecht", "GREEN", "GREEN")
    database = await storm_database(
        tmp_path / "r.db",
        [(LIAISON, "liaison", "Stedin"), (CURATORS, "curator", "VR")],
        active=True,
        more={TOWN: town},
    )
    yield database
    await database.close()


class Chat(CoreChat):
    async def say(
        self, room: RoomId, body: str, sender: UserId = ALICE, **kw: str
    ) -> list[Outgoing]:
        eid, replies = await self.send_event(room, sender, body, **kw)  # type: ignore[arg-type]
        assert replies is not None, f"{eid} was handled before"
        self.last = eid
        return replies

    async def redact(self, room: RoomId, target: str, sender: UserId = ALICE) -> list[Outgoing]:
        return await self.say(
            room, "", sender, kind="redaction", msgtype="m.redaction", redacts=target
        )

    async def edit(self, room: RoomId, target: str, body: str, **kw: str) -> list[Outgoing]:
        return await self.say(room, body, kind="edit", replaces=target, **kw)


async def count(db: Database, model: type) -> int:
    async with db.session() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


view = bound_views()


async def test_an_edit_of_a_redacted_update_makes_no_new_offer(db: Database) -> None:
    chat = Chat(db, view)
    assert "Vastleggen als melding?" in texts(await chat.say(LIAISON, UPDATE))
    update = chat.last
    await chat.redact(LIAISON, update)
    chat.restart()  # the mark is in the database, not in memory
    replies = await chat.edit(LIAISON, update, UPDATE.replace("800", "900"))
    assert WITHDRAWN_NL in texts(replies) and "Vastleggen" not in texts(replies), texts(replies)
    assert await count(db, PendingOffer) == 0
    await chat.say(LIAISON, "ja")
    assert await chat.entries() == []


async def test_an_edit_of_a_redacted_refused_report_records_nothing(db: Database) -> None:
    chat = Chat(db, view)
    assert "niet opgeslagen" in texts(await chat.say(LIAISON, REFUSED))
    report = chat.last
    await chat.redact(LIAISON, report)
    replies = await chat.edit(LIAISON, report, FIXED)
    assert WITHDRAWN_NL in texts(replies), texts(replies)
    assert await chat.entries() == []


async def test_an_edit_of_a_redacted_question_asks_nothing(db: Database) -> None:
    chat = Chat(db, view)
    await chat.say(TOWN, f"!vraag {QUESTION}")
    asked = chat.last
    await chat.redact(TOWN, asked)
    replies = await chat.edit(TOWN, asked, f"!vraag {QUESTION} En waar verzamelen?")
    assert WITHDRAWN_NL in texts(replies) and "V2" not in texts(replies), texts(replies)
    assert await count(db, OpenQuestion) == 1
    assert "Geen open vragen" in texts(await chat.say(CURATORS, "!vragen", BOB))


async def test_the_reply_is_in_english_in_an_english_room(db: Database) -> None:
    chat = Chat(db, view, CommandSettings(bot_user_id="@bot:x", language="en"))
    await chat.say(LIAISON, UPDATE)
    update = chat.last
    await chat.redact(LIAISON, update)
    replies = await chat.edit(LIAISON, update, UPDATE)
    assert "withdrawn" in texts(replies), texts(replies)


async def test_a_replayed_edit_and_redaction_do_nothing_twice(db: Database) -> None:
    chat = Chat(db, view)
    await chat.say(LIAISON, REFUSED)
    report = chat.last
    await chat.redact(LIAISON, report)
    redaction = chat.last
    await chat.edit(LIAISON, report, FIXED)
    edit = chat.last
    chat.restart()
    for event_id, kw in ((redaction, {"redacts": report}), (edit, {"replaces": report})):
        kind = "redaction" if "redacts" in kw else "edit"
        _, again = await chat.send_event(
            LIAISON,
            ALICE,
            FIXED,
            kind=kind,
            event_id=event_id,
            **kw,  # type: ignore[arg-type]
        )
        assert again is None
    assert await count(db, RedactedEvent) == 1
    assert await chat.entries() == []


async def test_a_redaction_without_the_right_marks_nothing(db: Database) -> None:
    """Bob, without power, redacts Alice's refused report (an event from another server
    arrives before the homeserver's check): no mark, Alice's correction is recorded."""
    chat = Chat(db, view)
    await chat.say(LIAISON, REFUSED)
    report = chat.last
    await chat.redact(LIAISON, report, sender=BOB)
    assert await count(db, RedactedEvent) == 0
    assert "vastgelegd" in texts(await chat.edit(LIAISON, report, FIXED))
    assert len(await chat.entries()) == 1


async def test_an_edit_of_a_message_that_was_not_redacted_still_counts(db: Database) -> None:
    """The guard's other side: a refused report corrected by an edit is recorded."""
    chat = Chat(db, view)
    await chat.say(LIAISON, REFUSED)
    assert "vastgelegd" in texts(await chat.edit(LIAISON, chat.last, FIXED))
