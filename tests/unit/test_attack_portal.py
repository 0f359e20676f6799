"""Attacks on the web portal (outside attacker, session 5): revision history of an entry
whose label an edit changed, a link used for another room's entries or after the room's
clearance was lowered. Uses the fixtures of tests/unit/test_portal.py (real aiohttp
server, real dispatcher, SQLite)."""

from __future__ import annotations

import re

from aiohttp import ClientSession

from bot.web.portal import Portal
from commands.dispatcher import Dispatcher, RoomView
from commands.message import Message, Relation, Reply
from storage import rooms
from storage.engine import Database
from storage.ids import EventId, RoomId
from storage.rooms import BindingView
from tests.unit import test_portal
from tests.unit.test_portal import (
    ALICE,
    BINDINGS,
    BOB,
    COORD,
    LIAISON,
    MUNI,
    OTHER,
    REPORTER,
    Clock,
    link_for,
    say,
)

# The portal tests' fixtures: a migrated database with bound rooms, the dispatcher, and
# the bot's own HTTP server with the portal.
db = test_portal.db
dispatcher = test_portal.dispatcher
client = test_portal.client

SECRET = "Roodgeheim: evacuatieroute via Schapendijk afgesloten."
NOW_GREEN = "Evacuatieroute weer vrij."


async def edit(db: Database, d: Dispatcher, original: str, body: str, event: str) -> str:
    from datetime import UTC, datetime

    now = datetime.now(UTC)
    b = BINDINGS[LIAISON]
    view = RoomView(room_id=LIAISON, role=b.role, encrypted=True, binding=b)
    message = Message(
        EventId(event),
        LIAISON,
        REPORTER,
        body,
        now,
        kind="edit",
        relation=Relation(replaces=EventId(original)),
    )
    async with db.transaction() as session:
        replies = await d.handle(message, view, session, now)
    return "\n".join(r.text for r in replies if isinstance(r, Reply))


async def first_event(db: Database) -> str:
    from sqlalchemy import select

    from storage.models import SituationEntry

    async with db.session() as session:
        entry = await session.scalar(select(SituationEntry).order_by(SituationEntry.id.desc()))
    assert entry is not None
    return entry.source_event_id


async def test_a_lowered_entry_keeps_its_red_and_strict_revisions_out_of_other_rooms(
    db: Database, dispatcher: Dispatcher, client: tuple[ClientSession, Clock, Portal]
) -> None:
    """RED, then AMBER+STRICT, then GREEN by edits: the GREEN room and the AMBER
    coordinator room see the entry now, and only its GREEN revision; the banner of the
    entry page is the highest label shown, not one it hides."""
    http, _clock, _ = client
    red = f"!melding evacuatie\ngemeente: Dordrecht\ntlp: red\n{SECRET}"
    assert "vastgelegd" in await say(db, dispatcher, LIAISON, red, REPORTER)
    original = await first_event(db)
    strict = red.replace("tlp: red", "tlp: amber+strict").replace("Roodgeheim", "Striktgeheim")
    assert "M-" in await edit(db, dispatcher, original, strict, "$edit-strict")
    green = f"!melding evacuatie\ngemeente: Dordrecht\ntlp: green\n{NOW_GREEN}"
    assert "M-" in await edit(db, dispatcher, original, green, "$edit-green")
    liaison = await link_for(db, dispatcher, LIAISON, REPORTER)
    page = await (await http.get(f"/p/{liaison}")).text()
    (entry_id,) = set(re.findall(r"/e/(\d+)", page))
    own = await (await http.get(f"/p/{liaison}/e/{entry_id}")).text()
    assert "Roodgeheim" in own and "Striktgeheim" in own  # the baseline: its own room
    for room, user in ((MUNI, BOB), (COORD, ALICE)):
        token = await link_for(db, dispatcher, room, user)
        response = await http.get(f"/p/{token}/e/{entry_id}")
        html = await response.text()
        assert response.status == 200 and NOW_GREEN in html, room
        assert "Roodgeheim" not in html and "Striktgeheim" not in html, room
        assert "Schapendijk" not in html and "TLP:RED" not in html, room
        assert "AMBER+STRICT" not in html and "TLP:GREEN" in html, room


async def test_a_link_shows_only_its_own_incident_and_follows_a_lowered_clearance(
    db: Database, dispatcher: Dispatcher, client: tuple[ClientSession, Clock, Portal]
) -> None:
    """The other incident's link cannot open this incident's entry by id; a link made
    while the room was AMBER shows no AMBER once an admin rebinds the room GREEN."""
    http, _clock, _ = client
    amber = f"!melding evacuatie\ngemeente: Dordrecht\ntlp: amber\n{SECRET}"
    assert "vastgelegd" in await say(db, dispatcher, LIAISON, amber, REPORTER)
    coord = await link_for(db, dispatcher, COORD, ALICE)
    other = await link_for(db, dispatcher, OTHER, ALICE)
    page = await (await http.get(f"/p/{coord}")).text()
    assert "Schapendijk" in page
    (entry_id,) = set(re.findall(r"/e/(\d+)", page))
    denied = await http.get(f"/p/{other}/e/{entry_id}")
    assert denied.status == 404 and "Schapendijk" not in await denied.text()
    async with db.transaction() as session:
        b = BINDINGS[COORD]
        await rooms.bind(
            session, RoomId(COORD), role=b.role, incident=b.incident,
            organisation=b.organisation, tlp_default="GREEN", clearance="GREEN", by="admin",
        )  # fmt: skip
    after = await (await http.get(f"/p/{coord}")).text()
    assert "Schapendijk" not in after and "TLP:AMBER" not in after
    gone = await http.get(f"/p/{coord}/e/{entry_id}")
    assert gone.status == 404 and "Schapendijk" not in await gone.text()
    marker = await http.get(f"/p/{coord}/marker")
    assert marker.status == 200


async def test_an_exercise_room_s_portal_page_says_oefening(
    db: Database, dispatcher: Dispatcher, client: tuple[ClientSession, Clock, Portal]
) -> None:
    """README: "Everything of an exercise says OEFENING" (replies, pictures, alerts,
    files). The web page of an exercise room's picture is read on a phone next to the
    real crisis's: without the marker an exercise report reads as a real one."""
    from datetime import UTC, datetime

    from storage import incidents as incident_repo
    from tests.support.rooms import bind_room

    http, _clock, _ = client
    drill_room = RoomId("!oefen-coord:x")
    drill = BindingView("coordinator", "oef", "Veiligheidsregio", "AMBER", "AMBER", True)
    async with db.transaction() as session:
        await incident_repo.open_incident(session, "oef", "Oefening dijk", "test", exercise=True)
        await bind_room(session, drill_room, drill)
    now = datetime.now(UTC)
    view = RoomView(room_id=drill_room, role="coordinator", encrypted=True, binding=drill)
    async with db.transaction() as session:
        replies = await dispatcher.handle(
            Message(EventId("$drill-portal"), drill_room, ALICE, "!portaal", now),
            view,
            session,
            now,
        )
    text = "\n".join(r.text for r in replies if isinstance(r, Reply))
    assert "OEFENING" in text  # the chat reply is marked
    match = re.search(r"https://portal\.example/p/([A-Za-z0-9_-]+)", text)
    assert match, text
    html = await (await http.get(f"/p/{match.group(1)}")).text()
    assert "oef" in html  # the baseline: the exercise's page
    assert "OEFENING" in html


async def test_the_portal_page_shows_the_room_s_decisions_as_beeld_does(
    db: Database, dispatcher: Dispatcher, client: tuple[ClientSession, Clock, Portal]
) -> None:
    from datetime import UTC, datetime

    http, _clock, _ = client
    now = datetime.now(UTC)
    b = BINDINGS[COORD]
    view = RoomView(room_id=COORD, role=b.role, encrypted=True, binding=b, power_levels={ALICE: 50})
    async with db.transaction() as session:
        replies = await dispatcher.handle(
            Message(
                EventId("$decision"),
                COORD,
                ALICE,
                "!besluit Sporthal De Schans blijft open\nbesloten door: ROT\ntlp: green",
                now,
            ),
            view,
            session,
            now,
        )
    assert "B-1" in "\n".join(r.text for r in replies if isinstance(r, Reply))
    assert "De Schans" in await say(db, dispatcher, COORD, "!beeld", ALICE)  # chat shows it
    token = await link_for(db, dispatcher, COORD, ALICE)
    html = await (await http.get(f"/p/{token}")).text()
    assert "De Schans" in html
