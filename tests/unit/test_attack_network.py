"""Attacks on the partner network read paths and domino items (outside attacker, session 5).

Each test states what a user must never get: a public room reading GREEN network facts,
a domino item that silently disappears when its cause moves to another incident.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from commands.dispatcher import CommandSettings
from commands.message import Relation
from storage import network as store
from storage import rooms, tlp
from storage.engine import Database
from storage.ids import RoomId, UserId
from tests.support.chat import CoreChat, bound_views, texts
from tests.support.network import RoomSpec, network_database

ENERGY = RoomId("!energie:x")
TELECOM = RoomId("!telecom:x")
COORD = RoomId("!coord:x")
PUBLIC_COORD = RoomId("!coord-open:x")
OTHER_COORD = RoomId("!coord-ander:x")
OTHER_TELECOM = RoomId("!telecom-ander:x")
ALICE = UserId("@alice:x")
PUBLIC = {PUBLIC_COORD}

POWER = (
    "!melding stroom\ngemeente: Alkmaar\nernst: ernstig\ntlp: amber\n"
    "Middenspanningsstation Alkmaar-Noord uitgevallen."
)


view = bound_views(public=PUBLIC)  # the set, so that a test can make a room public


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    bound: list[RoomSpec] = [
        (ENERGY, "liaison", "Netbeheer Noord", "AMBER", "stroom-nh"),
        (TELECOM, "liaison", "Telecom Noord", "AMBER", "stroom-nh"),
        (COORD, "coordinator", "Veiligheidsregio NHN", "AMBER", "stroom-nh"),
        (PUBLIC_COORD, "coordinator", "Veiligheidsregio NHN", "AMBER", "stroom-nh"),
        (OTHER_COORD, "coordinator", "Veiligheidsregio NHN", "AMBER", "ander"),
        (OTHER_TELECOM, "liaison", "Telecom Noord", "AMBER", "ander"),
    ]
    database = await network_database(tmp_path / "attack.db", bound, public=PUBLIC)
    yield database
    await database.close()


def chat(db: Database) -> CoreChat:
    admins = frozenset({"@admin:x"})
    return CoreChat(db, view, CommandSettings(bot_user_id="@bot:x", admins=admins))


async def say(c: CoreChat, room: RoomId, body: str, **kw: object) -> str:
    _, result = await c.handle(room, ALICE, body, **kw)  # type: ignore[arg-type]
    assert result is not None
    return texts([r for r in result[0] if getattr(r, "room_id", None) in (None, room)])


async def test_partners_in_a_public_room_shows_no_green_network_facts(db: Database) -> None:
    """A public room sees CLEAR only (README, TLP). `!partners` labels its partner names,
    their rooms' roles and their phase roles GREEN: a public coordinator room must not
    get them (nor a GREEN banner)."""
    c = chat(db)
    private = await say(c, COORD, "!partners")
    assert "Telecom Noord" in private and "TLP:GREEN" in private  # the baseline: it works
    public = await say(c, PUBLIC_COORD, "!partners")
    assert "TLP:GREEN" not in public, public
    assert "Telecom Noord" not in public and "Netbeheer Noord" not in public, public
    assert "openbaar" in public  # says why, rather than "no partners" (a wrong answer)


async def test_who_in_a_public_room_gives_no_amber_contact_lines(db: Database) -> None:
    """Regression guard: contact lines are AMBER by default; a public room gets none."""
    c = chat(db)
    private = await say(c, COORD, "!wie telecom")
    assert "Telecom Noord" in private and "TLP:AMBER" in private
    public = await say(c, PUBLIC_COORD, "!wie telecom")
    assert "Telecom Noord" not in public and "TLP:AMBER" not in public, public


async def test_domino_items_follow_their_cause_to_another_incident(db: Database) -> None:
    """A severe power report opens domino items in its incident. Its reporter then moves
    it to another incident by an edit (`incident: ander`): the open items must move with
    it, not stay behind in an incident where no picture shows them (its cause is no
    longer there) while the new incident shows none: the dependent sectors' pending
    effects would be hidden everywhere."""
    c = chat(db)
    report_event, result = await c.handle(ENERGY, ALICE, POWER)
    assert result is not None
    async with db.session() as session:
        coord = tlp.RoomAccess(COORD, True, "AMBER", "Veiligheidsregio NHN")
        before = await store.open_visible(session, coord, "stroom-nh")
    assert before, "the baseline: the severe power report opened domino items"
    sectors = sorted(item.sector for item in before)
    moved = POWER.replace("tlp: amber", "tlp: amber\nincident: ander")
    await c.handle(
        ENERGY,
        ALICE,
        moved,
        kind="edit",
        relation=Relation(replaces=report_event),
    )
    entries = await c.entries()
    assert entries[0].incident == "ander", "the edit moved the report"
    async with db.session() as session:
        other = tlp.RoomAccess(OTHER_COORD, True, "AMBER", "Veiligheidsregio NHN")
        after = await store.open_visible(session, other, "ander")
        left = await store.open_visible(session, coord, "stroom-nh")
    assert left == []
    assert sorted(item.sector for item in after) == sectors


@pytest.mark.parametrize("field", ["betreft", "oorzaak"])
async def test_an_id_the_room_may_not_see_answers_as_an_unknown_one(
    db: Database, field: str
) -> None:
    """`betreft: M-1` / `oorzaak: M-1` naming a RED report of another room, or a report of
    another incident, gets word for word the reply an id that never existed gets."""
    c = chat(db)
    red = POWER.replace("tlp: amber", "tlp: red").replace("ernst: ernstig", "ernst: matig")
    assert "M-1" in await say(c, ENERGY, red)
    assert "M-2" in await say(c, OTHER_TELECOM, "!melding telecom\ngemeente: Alkmaar\nMast uit.")

    async def attempt(code: str) -> str:
        body = f"!melding telecom\ngemeente: Alkmaar\n{field}: {code}\nMasten op accu."
        return (await say(c, TELECOM, body)).replace(code, "<id>")

    unknown = await attempt("M-999")
    assert "<id>" in unknown and "vastgelegd" not in unknown, unknown
    assert await attempt("M-1") == unknown  # RED, another room
    assert await attempt("M-2") == unknown  # another incident
    assert [e.id for e in await c.entries()] == [1, 2]  # nothing recorded


async def test_a_public_partner_room_gets_no_redacted_alert_labelled_clear(
    db: Database,
) -> None:
    """A severe AMBER power report: the telecom partner's liaison room is public (anyone
    may read it). It may see CLEAR only; the redacted alert ("a severe outage in sector
    energy in region …") is derived from the AMBER report and labelled GREEN for private
    rooms. In a public room it must not appear as TLP:CLEAR (or at all)."""
    PUBLIC.add(TELECOM)
    async with db.transaction() as session:
        room = await rooms.get(session, TELECOM)
        assert room is not None
        room.public = True
    try:
        c = chat(db)
        _, result = await c.handle(ENERGY, ALICE, POWER)
        assert result is not None
        to_telecom = [r for r in result[0] if getattr(r, "room_id", None) == TELECOM]
        assert to_telecom == [], texts(to_telecom)
    finally:
        PUBLIC.discard(TELECOM)
