"""Domino alerts of a cause that may not leave its own room or organisation.

TLP:RED is for the named recipients in the room it was written in; AMBER+STRICT stays in
its organisation; a state classification (`Stg. Geheim`) reads as RED. A domino alert
derived from such a cause - even the redacted one ("a severe outage in sector energy in
region ...") - would tell other organisations that it exists, where, and how bad, under
GREEN. Such a cause alerts no other organisation's room; what a room may hear of a
cause it may not see is decided in storage/tlp.py (`may_hear_of`). A cause raised to
such a label after its alert went out has that alert withdrawn, as the coordinators'.
On both backends: the alerts are read back from the database.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import select

from commands.dispatcher import CommandSettings
from commands.message import MessageKind, Outgoing, Relation, Reply
from storage import tlp
from storage.engine import Database
from storage.ids import EventId, RoomId, UserId
from storage.models import DominoAlert, OutboxMessage
from tests.support.chat import CoreChat
from tests.support.network import RoomSpec, network_database

ENERGY = RoomId("!energie:x")  # Netbeheer Noord
TELECOM = RoomId("!telecom:x")  # Telecom Noord, AMBER
WATER = RoomId("!water:x")  # Waterbedrijf Noord, GREEN
COORD = RoomId("!coord:x")  # Veiligheidsregio NHN, AMBER
ALICE = UserId("@alice:x")

POWER = (
    "!melding stroom\ngemeente: Alkmaar\nernst: ernstig\ntlp: amber\n"
    "Middenspanningsstation Alkmaar-Noord uitgevallen."
)


@pytest.fixture
async def db(tmp_path: Path, migrated_database_url: str) -> AsyncIterator[Database]:
    bound: list[RoomSpec] = [
        (ENERGY, "liaison", "Netbeheer Noord", "AMBER", "stroom-nh"),
        (TELECOM, "liaison", "Telecom Noord", "AMBER", "stroom-nh"),
        (WATER, "liaison", "Waterbedrijf Noord", "GREEN", "stroom-nh"),
        (COORD, "coordinator", "Veiligheidsregio NHN", "AMBER", "stroom-nh"),
    ]
    database = await network_database(tmp_path / "red.db", bound, url=migrated_database_url)
    yield database
    await database.close()


class Chat(CoreChat):
    def __init__(self, db: Database) -> None:
        admins = frozenset({"@admin:x"})
        super().__init__(db, settings=CommandSettings(bot_user_id="@bot:x", admins=admins))

    async def send(
        self,
        body: str,
        room: RoomId,
        kind: MessageKind = "message",
        relation: Relation | None = None,
    ) -> list[Outgoing]:
        _, result = await self.handle(room, ALICE, body, kind=kind, relation=relation)
        assert result is not None
        return result[0]


def sent_to(replies: list[Outgoing], room: RoomId) -> list[Reply]:
    return [r for r in replies if isinstance(r, Reply) and r.room_id == room]


async def standing(db: Database) -> set[tuple[str, bool]]:
    async with db.session() as session:
        rows = (
            await session.scalars(select(DominoAlert).where(DominoAlert.withdrawn_at.is_(None)))
        ).all()
    return {(row.room_id, row.full) for row in rows}


async def mark_sent(db: Database) -> None:
    async with db.transaction() as session:
        for row in (
            await session.scalars(select(OutboxMessage).where(OutboxMessage.sent_at.is_(None)))
        ).all():
            row.result_event_id = f"$sent-{row.id}"
            row.sent_at = row.created_at


@pytest.mark.parametrize(
    "label",
    [
        "tlp: rood",
        "tlp: amber+strict",
        "Stg. Geheim",  # no tlp: line, a state classification: RED
    ],
)
async def test_a_cause_no_other_organisation_may_see_alerts_no_other_organisation(
    db: Database, label: str
) -> None:
    chat = Chat(db)
    replies = await chat.send(POWER.replace("tlp: amber", label), ENERGY)
    assert not sent_to(replies, TELECOM), [r.text for r in sent_to(replies, TELECOM)]
    assert not sent_to(replies, WATER), [r.text for r in sent_to(replies, WATER)]
    assert await standing(db) == set()
    # The reporter is told that the dependent partners were not warned, and why: they
    # would otherwise believe the partners knew.
    said = "\n".join(
        r.text
        for r in sent_to(replies, ENERGY)
        + [r for r in replies if isinstance(r, Reply) and r.room_id is None]
    )
    assert "2 afhankelijke partnerkamers zijn niet gewaarschuwd" in said, said


async def test_an_amber_cause_still_warns_a_green_room_redacted(db: Database) -> None:
    """AMBER may be shared beyond its organisation: the GREEN room is told that there is
    a severe outage and where (nothing of the text), as before."""
    chat = Chat(db)
    replies = await chat.send(POWER, ENERGY)
    (water,) = sent_to(replies, WATER)
    assert "TLP:GREEN" in water.text and "Middenspanningsstation" not in water.text
    assert await standing(db) == {(TELECOM, True), (WATER, False)}


@pytest.mark.parametrize("raised", ["tlp: rood", "tlp: amber+strict"])
async def test_a_cause_raised_beyond_the_partners_withdraws_their_alerts(
    db: Database, raised: str
) -> None:
    chat = Chat(db)
    await chat.send(POWER, ENERGY)
    await mark_sent(db)
    edit = await chat.send(
        POWER.replace("tlp: amber", raised),
        ENERGY,
        kind="edit",
        relation=Relation(replaces=EventId("$ev1")),
    )
    for room in (TELECOM, WATER):
        (notice,) = sent_to(edit, room)
        assert "vervalt" in notice.text and "M-1" not in notice.text, notice.text
        assert "Middenspanningsstation" not in notice.text + (notice.html or "")
        assert notice.tlp == "GREEN" and notice.reply_to is not None
    assert await standing(db) == set()
    # Lowered back to AMBER: the partners are alerted anew.
    again = await chat.send(POWER, ENERGY, kind="edit", relation=Relation(replaces=EventId("$ev1")))
    assert len(sent_to(again, TELECOM)) == 1 and len(sent_to(again, WATER)) == 1


def test_who_may_hear_of_a_cause_it_may_not_see() -> None:
    green = tlp.RoomAccess(room_id="!w", bound=True, clearance="GREEN", organisation="W")
    same_org = tlp.RoomAccess(room_id="!e2", bound=True, clearance="GREEN", organisation="E")
    public = tlp.RoomAccess(room_id="!p", bound=True, clearance="AMBER", public=True)
    unbound = tlp.RoomAccess.unbound("!u")
    assert tlp.may_hear_of(green, "AMBER", "!e", "E")
    assert not tlp.may_hear_of(green, "RED", "!e", "E")
    assert not tlp.may_hear_of(green, "AMBER+STRICT", "!e", "E")
    assert tlp.may_hear_of(same_org, "AMBER+STRICT", "!e", "E")
    assert not tlp.may_hear_of(same_org, "RED", "!e", "E")
    assert not tlp.may_hear_of(public, "AMBER", "!e", "E")
    assert not tlp.may_hear_of(unbound, "AMBER", "!e", "E")
    assert tlp.may_hear_of(green, "GREEN", "!e", "E")  # it may see it: the full alert
