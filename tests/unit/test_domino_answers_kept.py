"""Every answer to a domino item is kept, not only one (session 16).

An item kept the one answer most rooms may see (`closed_by_entry_id`). When two
partners answered it, or one partner answered twice, the others were lost: retracting
the kept answer reopened the item for every room (a false alarm in the coordinators'
picture: "telecom - nog geen melding" while a telecom report stood), and a partner whose
own, higher-labelled answer was not kept saw its item open again. Now each answer is
kept; a room sees the item answered while any live answer it may see stands. On both
backends: the answers are judged in SQL.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from commands.dispatcher import CommandSettings
from commands.message import Relation
from storage import network, tlp
from storage.engine import Database
from storage.ids import EventId, RoomId, UserId
from tests.support.chat import CoreChat, bound_views, texts
from tests.support.network import RoomSpec, network_database

ENERGY = RoomId("!energie:x")  # Netbeheer Noord
TELECOM = RoomId("!telecom:x")  # Telecom Noord
TELECOM_2 = RoomId("!telecom-2:x")  # Telecom Noord, a second room
COORD = RoomId("!coord:x")  # Veiligheidsregio NHN, AMBER
ALICE = UserId("@alice:x")

POWER = (
    "!melding stroom\ngemeente: Alkmaar\nernst: ernstig\ntlp: amber\n"
    "Middenspanningsstation Alkmaar-Noord uitgevallen."
)
ANSWER = "!melding telecom\ngemeente: Alkmaar\nernst: matig\ntlp: {label}\nMasten op accu."


@pytest.fixture
async def db(tmp_path: Path, migrated_database_url: str) -> AsyncIterator[Database]:
    bound: list[RoomSpec] = [
        (ENERGY, "liaison", "Netbeheer Noord", "AMBER", "stroom-nh"),
        (TELECOM, "liaison", "Telecom Noord", "AMBER+STRICT", "stroom-nh"),
        (TELECOM_2, "liaison", "Telecom Noord", "AMBER+STRICT", "stroom-nh"),
        (COORD, "coordinator", "Veiligheidsregio NHN", "AMBER", "stroom-nh"),
    ]
    database = await network_database(tmp_path / "answers.db", bound, url=migrated_database_url)
    yield database
    await database.close()


def chat(db: Database) -> CoreChat:
    admins = frozenset({"@admin:x"})
    return CoreChat(db, bound_views(), CommandSettings(bot_user_id="@bot:x", admins=admins))


async def say(c: CoreChat, room: RoomId, body: str) -> tuple[str, str]:
    event, result = await c.handle(room, ALICE, body)
    assert result is not None
    return event, texts([r for r in result[0] if getattr(r, "room_id", None) in (None, room)])


async def retract(c: CoreChat, room: RoomId, event: str) -> None:
    await c.handle(room, ALICE, "", kind="redaction", relation=Relation(redacts=EventId(event)))


async def open_sectors(db: Database, access: tlp.RoomAccess) -> list[str]:
    async with db.session() as session:
        return [item.sector for item in await network.open_visible(session, access, "stroom-nh")]


COORD_VIEW = tlp.RoomAccess(COORD, True, "AMBER", "Veiligheidsregio NHN")
TELECOM_VIEW = tlp.RoomAccess(TELECOM, True, "AMBER+STRICT", "Telecom Noord")


async def test_retracting_one_of_two_answers_leaves_the_item_answered(db: Database) -> None:
    c = chat(db)
    await say(c, ENERGY, POWER)
    first, said = await say(c, TELECOM, ANSWER.format(label="amber"))
    assert "M-2" in said
    _, said = await say(c, TELECOM_2, ANSWER.format(label="amber"))
    assert "M-3" in said
    assert "telecom" not in await open_sectors(db, COORD_VIEW)
    await retract(c, TELECOM, first)
    # M-3 still answers it: no false alarm in the coordinators' picture.
    assert "telecom" not in await open_sectors(db, COORD_VIEW)


async def test_a_partners_own_higher_answer_still_answers_for_it(db: Database) -> None:
    """Telecom Noord answered AMBER, then RED in its own room: only the AMBER one was
    kept. Retracting the AMBER one reopened the item for Telecom Noord too, though its
    RED report (which it sees) stands."""
    c = chat(db)
    await say(c, ENERGY, POWER)
    amber, _ = await say(c, TELECOM, ANSWER.format(label="amber"))
    await say(c, TELECOM, ANSWER.format(label="rood"))
    await retract(c, TELECOM, amber)
    assert "telecom" not in await open_sectors(db, TELECOM_VIEW)
    # The coordinators may not see the RED one: for them telecom has not reported.
    assert "telecom" in await open_sectors(db, COORD_VIEW)


async def test_answers_of_two_rooms_each_count_where_they_are_seen(db: Database) -> None:
    """Two AMBER+STRICT answers of one organisation (two rooms), then the first's
    retraction: the second still answers it for the organisation."""
    c = chat(db)
    await say(c, ENERGY, POWER)
    first, _ = await say(c, TELECOM, ANSWER.format(label="amber+strict"))
    await say(c, TELECOM_2, ANSWER.format(label="amber+strict"))
    await retract(c, TELECOM, first)
    assert "telecom" not in await open_sectors(db, TELECOM_VIEW)
