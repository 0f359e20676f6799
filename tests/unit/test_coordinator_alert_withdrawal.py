"""A coordinator room alerted about a severe report is told, once, when that report no
longer holds: retracted, edited below severe, edited into another incident, or the edit
that made it severe withdrawn. The notice replies to the alert, under the alert's label,
and names the report only where the room may still see it (as the domino notices do)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import select

from commands.dispatcher import CommandSettings
from commands.message import MessageKind, Outgoing, Relation, Reply
from storage import incidents as incident_repo
from storage import rooms
from storage.engine import Database
from storage.ids import EventId, RoomId, UserId
from storage.models import AuditRecord, OutboxMessage
from tests.support.chat import CoreChat
from tests.support.network import RoomSpec, network_database

REPORTER = RoomId("!energie:x")  # Netbeheer Noord, liaison, AMBER
COORD = RoomId("!coord:x")  # coordinator of stroom-nh, AMBER
# Coordinator of stroom-nh, GREEN: may only hear of an AMBER report (the redacted alert).
COORD_GREEN = RoomId("!coord-groen:x")
COORD_OTHER = RoomId("!coord-ander:x")  # coordinator of the incident `ander`
ALICE = UserId("@alice:x")

SEVERE = (
    "!melding stroom\ngemeente: Alkmaar\nernst: ernstig\ntlp: amber\n"
    "Middenspanningsstation Alkmaar-Noord uitgevallen."
)
MINOR = SEVERE.replace("ernstig", "matig")


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    bound: list[RoomSpec] = [
        (REPORTER, "liaison", "Netbeheer Noord", "AMBER", "stroom-nh"),
        (COORD, "coordinator", "Veiligheidsregio NHN", "AMBER", "stroom-nh"),
        (COORD_GREEN, "coordinator", "Veiligheidsregio NHN", "GREEN", "stroom-nh"),
        (COORD_OTHER, "coordinator", "Veiligheidsregio NHN", "AMBER", "ander"),
    ]
    database = await network_database(tmp_path / "coord.db", bound)
    yield database
    await database.close()


class Chat(CoreChat):
    def __init__(self, db: Database) -> None:
        super().__init__(db, settings=CommandSettings(bot_user_id="@bot:x"))

    async def send(
        self, body: str, kind: MessageKind = "message", relation: Relation | None = None
    ) -> list[Outgoing]:
        _, result = await self.handle(REPORTER, ALICE, body, kind=kind, relation=relation)
        assert result is not None
        return result[0]

    async def edit(self, body: str) -> list[Outgoing]:
        return await self.send(body, "edit", Relation(replaces=EventId("$ev1")))

    async def redact(self, event: str) -> list[Outgoing]:
        return await self.send("", "redaction", Relation(redacts=EventId(event)))


def to(replies: list[Outgoing], room: RoomId) -> list[Reply]:
    return [r for r in replies if isinstance(r, Reply) and r.room_id == room]


def notices(replies: list[Outgoing], room: RoomId) -> list[Reply]:
    return [r for r in to(replies, room) if "vervalt" in r.text.lower()]


async def mark_sent(db: Database) -> dict[str, str]:
    """As the sender does: every queued message gets its event id. Room -> the event id
    of the last message sent there."""
    sent: dict[str, str] = {}
    async with db.transaction() as session:
        rows = (
            await session.scalars(
                select(OutboxMessage)
                .where(OutboxMessage.sent_at.is_(None))
                .order_by(OutboxMessage.id)
            )
        ).all()
        for row in rows:
            row.result_event_id = f"$sent-{row.id}"
            row.sent_at = row.created_at
            sent[row.room_id] = row.result_event_id
    return sent


async def test_a_retracted_severe_report_tells_the_alerted_coordinators_once(
    db: Database,
) -> None:
    chat = Chat(db)
    first = await chat.send(SEVERE)
    assert len(to(first, COORD)) == 1
    (heard,) = to(first, COORD_GREEN)  # the redacted alert: no words, no place
    assert heard.tlp == "GREEN" and "Middenspanningsstation" not in heard.text, heard.text
    alerts = await mark_sent(db)
    chat.restart()  # nothing in memory: what was alerted is in the database
    retracted = await chat.redact("$ev1")
    (notice,) = notices(retracted, COORD)
    assert notice.reply_to == alerts[COORD]
    assert "TLP:AMBER" in notice.text and "M-1" in notice.text and "ingetrokken" in notice.text
    assert "Middenspanningsstation" not in notice.text  # a correction, not the report again
    assert not to(retracted, COORD_OTHER)
    # The redacted alert is withdrawn in its own form: GREEN, no code, no words.
    (told_green,) = notices(retracted, COORD_GREEN)
    assert told_green.reply_to == alerts[COORD_GREEN] and told_green.tlp == "GREEN"
    assert "M-1" not in told_green.text and "ingetrokken" in told_green.text, told_green.text
    await mark_sent(db)
    chat.restart()
    again = await chat.redact("$ev1")  # a replayed redaction
    assert not to(again, COORD)


async def test_an_edit_below_severe_and_back_tells_and_alerts_once_each(db: Database) -> None:
    chat = Chat(db)
    await chat.send(SEVERE)
    alerts = await mark_sent(db)
    below = await chat.edit(MINOR)
    (notice,) = notices(below, COORD)
    assert notice.reply_to == alerts[COORD] and "niet meer ernstig" in notice.text
    await mark_sent(db)
    chat.restart()
    still_minor = await chat.edit(MINOR.replace("matig", "gering"))
    assert not to(still_minor, COORD)
    # Severe again: the room is alerted anew, and a later withdrawal answers that alert.
    severe = await chat.edit(SEVERE)
    assert len(to(severe, COORD)) == 1 and not notices(severe, COORD)
    realerts = await mark_sent(db)
    retracted = await chat.redact("$ev1")
    assert [n.reply_to for n in notices(retracted, COORD)] == [realerts[COORD]]


async def test_an_edit_into_another_incident_tells_the_old_coordinators(db: Database) -> None:
    chat = Chat(db)
    await chat.send(SEVERE)
    alerts = await mark_sent(db)
    moved = await chat.edit(SEVERE.replace("ernst:", "incident: ander\nernst:"))
    (notice,) = notices(moved, COORD)
    assert notice.reply_to == alerts[COORD] and "ander incident" in notice.text
    # The coordinators of the incident it moved to hear of it as a new severe report.
    assert len(to(moved, COORD_OTHER)) == 1 and not notices(moved, COORD_OTHER)


async def test_withdrawing_the_edit_that_made_it_severe_tells_the_coordinators(
    db: Database,
) -> None:
    chat = Chat(db)
    await chat.send(MINOR)
    made_severe = await chat.edit(SEVERE)
    assert len(to(made_severe, COORD)) == 1
    alerts = await mark_sent(db)
    withdrawn = await chat.redact("$ev2")
    (notice,) = notices(withdrawn, COORD)
    assert notice.reply_to == alerts[COORD] and "M-1" in notice.text


async def test_withdrawing_the_edit_that_made_it_minor_alerts_the_coordinators_again(
    db: Database,
) -> None:
    chat = Chat(db)
    await chat.send(SEVERE)
    await mark_sent(db)
    await chat.edit(MINOR)
    await mark_sent(db)
    back = await chat.redact("$ev2")  # severe again: the coordinators must know
    assert len(to(back, COORD)) == 1 and not notices(back, COORD)


async def test_a_room_whose_clearance_was_lowered_is_not_told_the_code(db: Database) -> None:
    """Alerted under AMBER, lowered to GREEN since: the notice is the redacted one
    (GREEN, no code), as for a domino alert."""
    chat = Chat(db)
    await chat.send(SEVERE)
    await mark_sent(db)
    async with db.transaction() as session:
        await rooms.bind(
            session, COORD, role="coordinator", incident="stroom-nh",
            organisation="Veiligheidsregio NHN", tlp_default="GREEN", clearance="GREEN", by="t",
        )  # fmt: skip
    (notice,) = notices(await chat.redact("$ev1"), COORD)
    assert "TLP:GREEN" in notice.text and "M-1" not in notice.text, notice.text


async def test_a_room_rebound_to_an_exercise_is_not_told_of_a_real_report(db: Database) -> None:
    """The coordinators now work on an exercise: whatever goes into their room is marked
    OEFENING, so a correction of a real alert would arrive as an exercise message. Real
    and exercise never mix: no notice there (the alert counts as withdrawn, audited)."""
    chat = Chat(db)
    await chat.send(SEVERE)
    await mark_sent(db)
    async with db.transaction() as session:
        await incident_repo.open_incident(session, "oefening-1", "Oefening", "t", exercise=True)
        await rooms.bind(
            session, COORD, role="coordinator", incident="oefening-1",
            organisation="Veiligheidsregio NHN", tlp_default="AMBER", clearance="AMBER", by="t",
        )  # fmt: skip
    retracted = await chat.redact("$ev1")
    assert not to(retracted, COORD), [r.text for r in to(retracted, COORD)]
    async with db.session() as session:
        told = await session.scalar(
            select(AuditRecord.detail).where(
                AuditRecord.action == "alert.withdrawn", AuditRecord.room_id == COORD
            )
        )
    assert told == {"why": "retracted", "told": False}
