"""The trust issue, edit and redaction side, through the exactly-once core (event log,
dispatcher, savepoints) on a real database; the Matrix side is in
tests/integration/test_edit_trust.py."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.syncer import process_message
from commands.dispatcher import RoomView
from commands.message import Message, Outgoing, Redaction, Relation, Reply
from storage.engine import Database
from storage.ids import EventId, RoomId, UserId
from storage.rooms import BindingView
from tests.support.chat import OneRoomChat, bound_views, texts
from tests.support.rooms import storm_database

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
GGD = RoomId("!ggd:x")
RK = RoomId("!rodekruis:x")
COORD = RoomId("!coord:x")
ALICE = UserId("@alice:x")  # liaison in the GGD room
BOB = UserId("@bob:x")  # another member of the GGD room, no power
MOD = UserId("@mod:x")  # moderator of the GGD room (power 50)
REFUSED = "!melding water\ngemeente: Zwolle\nernst: heel erg\nDijk lekt."
FIXED = "!melding water\ngemeente: Zwolle\nernst: matig\nDijk lekt."


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = await storm_database(
        tmp_path / "edits.db",
        [(GGD, "liaison", "GGD"), (RK, "liaison", "Rode Kruis"), (COORD, "coordinator", "VR")],
        active=True,
    )
    yield database
    await database.close()


room_view = bound_views(power_levels={MOD: 50, ALICE: 0, BOB: 0})


class Chat(OneRoomChat):
    def __init__(self, db: Database) -> None:
        super().__init__(db, room_view, room=GGD, sender=ALICE, clock=lambda: NOW)

    async def edit(self, original: str, body: str, **kw: object) -> list[Outgoing]:
        _, replies = await self.post(body, kind="edit", replaces=original, **kw)  # type: ignore[arg-type]
        assert replies is not None
        return replies

    async def redact(self, target: str, **kw: object) -> list[Outgoing]:
        _, replies = await self.post(
            "", kind="redaction", redacts=target, msgtype="m.redaction", **kw
        )  # type: ignore[arg-type]
        assert replies is not None
        return replies


async def test_a_refused_report_corrected_by_an_edit_is_recorded_once(db: Database) -> None:
    chat = Chat(db)
    original, replies = await chat.post(REFUSED)
    assert "niet opgeslagen" in texts(replies) and await chat.entries() == []
    # Still wrong after the first edit: refused again, with the reason.
    assert "niet opgeslagen" in texts(await chat.edit(original, REFUSED.replace("heel erg", "erg")))
    edit_id, replies = await chat.post(FIXED, kind="edit", replaces=original)
    assert "vastgelegd" in texts(replies)
    (entry,) = await chat.entries()
    assert entry.severity == "Moderate" and entry.reporter == ALICE and entry.revision == 1
    # The same edit event again (a replayed batch) does nothing; a later edit of the same
    # message revises that entry instead of making a second one.
    _, again = await chat.post(FIXED, kind="edit", replaces=original, event_id=edit_id)
    assert again is None
    replies = await chat.edit(original, FIXED.replace("Dijk lekt.", "Dijk lekt sterk."))
    assert "bijgewerkt (revisie 2)" in texts(replies)
    (entry,) = await chat.entries()
    assert entry.text == "Dijk lekt sterk." and entry.revision == 2
    # Redacting the message the liaison sees (the original) retracts the entry and
    # takes back the confirmation, which answered the edit.
    replies = await chat.redact(original)
    assert "ingetrokken" in texts(replies)
    assert any(isinstance(r, Redaction) and r.source_event_id == edit_id for r in replies or [])
    (entry,) = await chat.entries()
    assert entry.retracted_at is not None


async def test_help_edited_into_a_report_is_recorded(db: Database) -> None:
    chat = Chat(db)
    original, replies = await chat.post("!hulp")
    assert "!melding" in texts(replies)
    assert "vastgelegd" in texts(await chat.edit(original, FIXED))
    assert len(await chat.entries()) == 1
    # An edit of plain chatter into a report is a report too.
    chatter, replies = await chat.post("goedemorgen")
    assert replies == []
    assert "vastgelegd" in texts(await chat.edit(chatter, FIXED))
    assert len(await chat.entries()) == 2


async def test_an_edit_whose_new_content_is_a_notice_still_revises_the_report(db: Database) -> None:
    chat = Chat(db)
    original, _ = await chat.post(FIXED)
    replies = await chat.edit(original, FIXED.replace("matig", "gering"), msgtype="m.notice")
    assert "bijgewerkt (revisie 2)" in texts(replies)
    (entry,) = await chat.entries()
    assert entry.severity == "Minor"
    # A notice that edits a notice (another bot's progress message) is still no command.
    notice, replies = await chat.post("!hulp", msgtype="m.notice", sender=BOB)
    assert replies == []
    assert await chat.edit(notice, FIXED, msgtype="m.notice", sender=BOB) == []


async def test_an_edit_raising_severity_alerts_the_coordinators_once(db: Database) -> None:
    chat = Chat(db)
    original, replies = await chat.post(FIXED)
    assert not any(isinstance(r, Reply) and r.room_id == COORD for r in replies or [])
    replies = await chat.edit(original, FIXED.replace("matig", "ernstig"))
    alerts = [r for r in replies if isinstance(r, Reply) and r.room_id == COORD]
    assert len(alerts) == 1 and alerts[0].notify and "Ernstige melding M-1" in alerts[0].text
    # A further edit that keeps it severe does not alert again; raising it to extreme does.
    replies = await chat.edit(original, FIXED.replace("matig", "ernstig").replace("lekt", "breekt"))
    assert not [r for r in replies if isinstance(r, Reply) and r.room_id == COORD]
    replies = await chat.edit(original, FIXED.replace("matig", "extreem"))
    assert len([r for r in replies if isinstance(r, Reply) and r.room_id == COORD]) == 1
    # A refused report fixed into a severe one alerts like a new severe report.
    refused, _ = await chat.post(REFUSED)
    replies = await chat.edit(refused, REFUSED.replace("heel erg", "ernstig"))
    assert len([r for r in replies if isinstance(r, Reply) and r.room_id == COORD]) == 1


async def test_edits_by_another_sender_are_not_honoured(db: Database) -> None:
    chat = Chat(db)
    report, _ = await chat.post(FIXED)
    replies = await chat.edit(report, FIXED.replace("matig", "gering"), sender=BOB)
    assert "Alleen de melder" in texts(replies)
    (entry,) = await chat.entries()
    assert entry.severity == "Moderate" and entry.revision == 1
    # Someone else's refused report or help request is not theirs to turn into a report.
    refused, _ = await chat.post(REFUSED)
    replies = await chat.edit(refused, FIXED, sender=BOB)
    assert "vastgelegd" not in texts(replies)
    help_request, _ = await chat.post("!hulp")
    assert "vastgelegd" not in texts(await chat.edit(help_request, FIXED, sender=BOB))
    assert len(await chat.entries()) == 1


async def test_an_edit_from_another_room_reveals_nothing_and_changes_nothing(
    db: Database,
) -> None:
    chat = Chat(db)
    report, _ = await chat.post(FIXED)
    (entry,) = await chat.entries()
    unknown = await chat.edit("$never-seen", FIXED, sender=BOB, room=RK)
    for sender in (ALICE, BOB):
        replies = await chat.edit(report, FIXED.replace("matig", "gering"), sender=sender, room=RK)
        assert entry.code not in texts(replies)
        assert texts(replies) == texts(unknown)  # the same answer as for an unknown message
    refused, _ = await chat.post(REFUSED)
    assert "vastgelegd" not in texts(await chat.edit(refused, FIXED, room=RK))
    (after,) = await chat.entries()
    assert after.severity == "Moderate" and after.revision == 1


async def test_a_redaction_needs_the_reporter_or_the_redact_power_in_that_room(
    db: Database,
) -> None:
    chat = Chat(db)
    report, _ = await chat.post(FIXED)
    (entry,) = await chat.entries()
    # From another room: nothing happens and nothing is said about the entry.
    replies = await chat.redact(report, sender=MOD, room=RK)
    assert entry.code not in texts(replies)
    # A member without the room's redact power may not retract someone else's report.
    replies = await chat.redact(report, sender=BOB)
    assert not any(isinstance(r, Redaction) for r in replies)
    assert "ingetrokken" not in texts(replies)
    (after,) = await chat.entries()
    assert after.retracted_at is None
    # An edit may be withdrawn only by its author or a moderator.
    edit_id, _ = await chat.post(FIXED.replace("matig", "gering"), kind="edit", replaces=report)
    await chat.redact(edit_id, sender=BOB)
    (after,) = await chat.entries()
    assert after.revision == 2 and after.severity == "Minor"
    assert "revisie 1" in texts(await chat.redact(edit_id, sender=MOD))
    # A moderator (power >= the room's redact level, 50 by default) may retract it.
    replies = await chat.redact(report, sender=MOD)
    assert "ingetrokken" in texts(replies)
    (after,) = await chat.entries()
    assert after.retracted_at is not None


async def test_the_redact_level_comes_from_the_room(db: Database) -> None:
    chat = Chat(db)
    report, _ = await chat.post(FIXED)

    def strict(room_id: RoomId, is_direct: bool, binding: BindingView | None) -> RoomView:
        return replace(room_view(room_id, is_direct, binding), redact_level=100)

    message = Message(
        EventId("$strict"),
        GGD,
        MOD,
        "",
        NOW,
        kind="redaction",
        msgtype="m.redaction",
        relation=Relation(redacts=report),
    )
    await process_message(db, chat.dispatcher, message, strict)
    (entry,) = await chat.entries()
    assert entry.retracted_at is None


def test_a_redaction_that_came_out_of_decryption_is_dropped() -> None:
    from nio import Event, RedactionEvent

    from bot.events import to_message

    source = {
        "type": "m.room.redaction",
        "event_id": "$forged",
        "sender": "@mallory:x",
        "origin_server_ts": 1_700_000_000_000,
        "content": {"redacts": "$report"},
        "redacts": "$report",
    }
    event = Event.parse_event(source)
    assert isinstance(event, RedactionEvent)
    real = to_message(event, "!r:x", "@bot:x")
    assert real is not None and real.kind == "redaction"  # a real one is followed
    event.decrypted = True  # what nio sets on an event it decrypted
    assert to_message(event, "!r:x", "@bot:x") is None
