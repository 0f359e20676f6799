"""Attacks on the picture's "Mogelijke domino-effecten" (outside attacker, session 15).

A domino item says a dependent sector has not reported since a severe cause. What a
room may not see does not exist for it: a report the coordinators may not see (RED in
the partner's own room, AMBER+STRICT of another organisation) must not answer the item
in their picture, where it would vanish without any report to show for it. And a
report about another safety region says nothing about the region the cause hit.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from commands.message import Relation
from storage import network, rooms, tlp
from storage.engine import Database
from storage.ids import RoomId
from tests.support.network import (
    ALICE,
    POWER,
    RoomSpec,
    chat,
    domino_section,
    network_database,
    say,
)

ENERGY = RoomId("!energie:x")  # Netbeheer Noord
TELECOM = RoomId("!telecom:x")  # Telecom Noord
COORD = RoomId("!coord:x")  # Veiligheidsregio NHN, AMBER


@pytest.fixture
async def db(tmp_path: Path, migrated_database_url: str) -> AsyncIterator[Database]:
    """On SQLite and PostgreSQL: the answer to an item is judged in SQL."""
    bound: list[RoomSpec] = [
        (ENERGY, "liaison", "Netbeheer Noord", "AMBER", "stroom-nh"),
        (TELECOM, "liaison", "Telecom Noord", "AMBER+STRICT", "stroom-nh"),
        (COORD, "coordinator", "Veiligheidsregio NHN", "AMBER", "stroom-nh"),
    ]
    database = await network_database(tmp_path / "items.db", bound, url=migrated_database_url)
    yield database
    await database.close()


@pytest.mark.parametrize("label", ["rood", "amber+strict"])
async def test_a_report_the_coordinators_may_not_see_does_not_answer_their_domino_item(
    db: Database, label: str
) -> None:
    c = chat(db)
    assert "M-1" in await say(c, ENERGY, POWER)
    assert "telecom" in domino_section(await say(c, COORD, "!beeld"))
    hidden = f"!melding telecom\ngemeente: Alkmaar\ntlp: {label}\nernst: matig\nMasten op accu."
    assert "M-2" in await say(c, TELECOM, hidden)
    listed = await say(c, COORD, "!meldingen")
    assert "M-2" not in listed, "the baseline: the coordinators may not see the report"
    # They see no telecom report, so for them telecom has not reported: the item stays.
    assert "telecom" in domino_section(await say(c, COORD, "!beeld"))
    # The telecom room sees its own report: for it (its portal page) the item is answered.
    async with db.session() as session:
        own = tlp.RoomAccess(TELECOM, True, "AMBER+STRICT", "Telecom Noord")
        items = await network.open_visible(session, own, "stroom-nh")
    assert "telecom" not in [item.sector for item in items]
    assert items, "the baseline: the other sectors' items are open for the telecom room"
    # A report the coordinators may see answers it for them too.
    seen = "!melding telecom\ngemeente: Alkmaar\ntlp: green\nernst: matig\nMasten op accu."
    assert "M-3" in await say(c, TELECOM, seen)
    assert "telecom" not in domino_section(await say(c, COORD, "!beeld"))


async def test_a_report_about_another_region_does_not_answer_the_domino_item(
    db: Database,
) -> None:
    c = chat(db)
    assert "M-1" in await say(c, ENERGY, POWER)  # Alkmaar: Noord-Holland-Noord
    elsewhere = (
        "!melding telecom\ngemeente: Zwolle\nernst: matig\ntlp: amber\nMast Zwolle-Zuid uit."
    )
    assert "M-2" in await say(c, TELECOM, elsewhere)
    section = domino_section(await say(c, COORD, "!beeld"))
    assert "telecom" in section, section
    # A report about the cause's region answers it.
    here = "!melding telecom\ngemeente: Alkmaar\nernst: matig\ntlp: amber\nMasten op accu."
    assert "M-3" in await say(c, TELECOM, here)
    assert "telecom" not in domino_section(await say(c, COORD, "!beeld"))


# The items a report answered only for some rooms go with their cause like the others.


HIDDEN_ANSWER = "!melding telecom\ngemeente: Alkmaar\ntlp: rood\nernst: matig\nMasten op accu."


async def test_a_cause_edited_below_severe_leaves_no_item_its_hidden_answer_held(
    db: Database,
) -> None:
    c = chat(db)
    event, _ = await c.handle(ENERGY, ALICE, POWER)
    assert "M-2" in await say(c, TELECOM, HIDDEN_ANSWER)
    lowered = POWER.replace("ernstig", "matig")
    await c.handle(ENERGY, ALICE, lowered, kind="edit", relation=Relation(replaces=event))
    assert domino_section(await say(c, COORD, "!beeld")) == ""


async def test_a_cause_moved_to_another_incident_takes_the_hidden_answered_item_along(
    db: Database,
) -> None:
    c = chat(db)
    event, _ = await c.handle(ENERGY, ALICE, POWER)
    assert "M-2" in await say(c, TELECOM, HIDDEN_ANSWER)
    async with db.transaction() as session:
        await rooms.bind(
            session, COORD, role="coordinator", incident="ander",
            organisation="Veiligheidsregio NHN", tlp_default="AMBER", clearance="AMBER", by="test",
        )  # fmt: skip
    moved = POWER.replace("tlp: amber", "tlp: amber\nincident: ander")
    await c.handle(ENERGY, ALICE, moved, kind="edit", relation=Relation(replaces=event))
    # Nothing in the other incident answered it: telecom is open there for everyone.
    assert "telecom" in domino_section(await say(c, COORD, "!beeld"))
