"""Coordinators are not told less than partners about a domino cause (session 16).

A TLP:AMBER severe cause alerts a GREEN partner room in a dependent sector with the
redacted alert ("a severe outage in sector energy in region ..."): the room may hear of
the cause (`tlp.may_hear_of`) though it may not see it. A GREEN coordinator room of the
same incident got nothing: its picture's "Mogelijke domino-effecten" left the items out
(only causes it may see), so the partners knew more than the coordinators. Now every
room's picture lists the items of causes it may hear of, redacted the same way (the
sector, the cause's sector and region, the map's reason; no id, time or text), under
GREEN. Nobody hears of a RED cause, only its own organisation of an AMBER+STRICT one.
On both backends: the items are read in SQL.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from storage import network, tlp
from storage.engine import Database
from storage.ids import RoomId
from tests.support.network import POWER, RoomSpec, chat, domino_section, network_database, say

ENERGY = RoomId("!energie:x")  # Netbeheer Noord, AMBER
TELECOM = RoomId("!telecom:x")  # Telecom Noord, AMBER
WATER = RoomId("!water:x")  # Waterbedrijf Noord, GREEN
COORD = RoomId("!coord:x")  # Veiligheidsregio NHN, AMBER
GREEN_COORD = RoomId("!coord-groen:x")  # Veiligheidsregio NHN, GREEN


@pytest.fixture
async def db(tmp_path: Path, migrated_database_url: str) -> AsyncIterator[Database]:
    bound: list[RoomSpec] = [
        (ENERGY, "liaison", "Netbeheer Noord", "AMBER", "stroom-nh"),
        (TELECOM, "liaison", "Telecom Noord", "AMBER", "stroom-nh"),
        (WATER, "liaison", "Waterbedrijf Noord", "GREEN", "stroom-nh"),
        (COORD, "coordinator", "Veiligheidsregio NHN", "AMBER", "stroom-nh"),
        (GREEN_COORD, "coordinator", "Veiligheidsregio NHN", "GREEN", "stroom-nh"),
    ]
    database = await network_database(tmp_path / "heard.db", bound, url=migrated_database_url)
    yield database
    await database.close()


async def test_a_green_coordinator_room_hears_of_an_amber_cause_as_the_green_partner_does(
    db: Database,
) -> None:
    c = chat(db)
    said = await say(c, ENERGY, POWER)
    assert "M-1" in said
    # The baseline: the GREEN partner room got the redacted alert.
    full = domino_section(await say(c, COORD, "!beeld"))
    assert "telecom" in full and "M-1" in full, full
    picture = await say(c, GREEN_COORD, "!beeld")
    section = domino_section(picture)
    assert "telecom" in section, picture
    assert "drinkwater" in section.lower() or "water" in section.lower(), section
    # Redacted: no id, no text of the cause; the region and sector of the cause are named.
    # The id appears only where the room's own redacted coordinator alert named it (the
    # line of reports heard of above the room's clearance, session 18), never in the
    # domino section.
    assert "M-1" not in section and "Middenspanningsstation" not in picture, picture
    assert [x for x in picture.splitlines() if "M-1" in x] == [
        x for x in picture.splitlines() if x.startswith("⚠ Boven de clearance van deze kamer")
    ], picture
    assert "Noord-Holland" in section, section
    assert "TLP:AMBER" not in picture and "TLP:GREEN" in picture, picture


@pytest.mark.parametrize("label", ["rood", "amber+strict"])
async def test_a_cause_the_coordinators_may_not_hear_of_gives_them_no_line(
    db: Database, label: str
) -> None:
    c = chat(db)
    assert "M-1" in await say(c, ENERGY, POWER.replace("tlp: amber", f"tlp: {label}"))
    assert domino_section(await say(c, GREEN_COORD, "!beeld")) == ""
    assert domino_section(await say(c, COORD, "!beeld")) == ""


async def test_the_items_are_read_by_the_one_rule(db: Database) -> None:
    """`open_visible` by `tlp.may_hear_of`: redacted for the GREEN rooms, in full for
    the AMBER ones, nothing for a room that sees CLEAR only."""
    c = chat(db)
    assert "M-1" in await say(c, ENERGY, POWER)
    views = {
        "green partner": tlp.RoomAccess(WATER, True, "GREEN", "Waterbedrijf Noord"),
        "amber coordinator": tlp.RoomAccess(COORD, True, "AMBER", "Veiligheidsregio NHN"),
        "public": tlp.RoomAccess(GREEN_COORD, True, "GREEN", "Veiligheidsregio NHN", True),
        "unbound": tlp.RoomAccess.unbound(RoomId("!elders:x")),
    }
    async with db.session() as session:
        seen = {k: await network.open_visible(session, v, "stroom-nh") for k, v in views.items()}
    assert seen["green partner"] and not any(i.full or i.cause_code for i in seen["green partner"])
    assert {i.cause_tlp for i in seen["green partner"]} == {"GREEN"}
    assert seen["amber coordinator"] and all(i.full for i in seen["amber coordinator"])
    assert {i.cause_code for i in seen["amber coordinator"]} == {"M-1"}
    assert seen["public"] == [] and seen["unbound"] == []
