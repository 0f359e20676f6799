"""Lead's user check, session 17: the lines of "Laatste stand per categorie".

1. A report with figures and no text showed an empty line end ("… (1 min) —  (M-5)");
   it shows its figures, as the report's confirmation writes them ("opgevangen 160",
   "> 160" for a bound), read with the picture in one batched query and only the
   line's own entry's.
2. Two shelters of one organisation in one municipality showed as two identical
   "GGD · Dordrecht" lines; the line names the entry's location ("Dordrecht, Sporthal
   De Schans"), never one its room may not see (a follow-up that kept its item's
   place out because of its lower label shows none).
3. A follow-up with an explicitly lower `tlp:` did not take its item's place, so its
   figure was stored at no place and counted as a source beside the item's figure.
   It is refused with the reason (name the place, or take the item's label), and
   changes nothing.

Through the dispatcher with a real database: SQLite and a private PostgreSQL cluster.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import event

from commands.dispatcher import Dispatcher
from commands.message import Relation
from commands.picture import render_room_picture
from storage import incidents, picture_service, tlp
from storage.engine import Database
from storage.ids import EventId, RoomId
from tests.unit.test_picture_follows_entries import (
    ADMIN,
    COORD_GREEN,
    COORD_RED,
    LIAISON,
    REPORTER,
    db,
    dispatcher,
    post,
    send,
    texts,
)

__all__ = ["db", "dispatcher"]  # fixtures, imported for pytest
pytestmark = pytest.mark.postgres


def _latest(text: str) -> str:
    return text.split("Laatste stand per categorie", 1)[1].split("\n\n", 1)[0]


def _figures(text: str) -> str:
    if "Cijfers per regio" not in text:
        return ""
    return text.split("Cijfers per regio", 1)[1].split("\n\n", 1)[0]


async def _beeld(db: Database, d: Dispatcher, room: RoomId = COORD_RED) -> tuple[str, str]:
    _, replies = await send(db, d, room, "!beeld", ADMIN)
    assert len(replies) == 1, replies
    return replies[0].text, replies[0].html  # type: ignore[union-attr]


async def _code(db: Database, d: Dispatcher, body: str) -> tuple[EventId, str]:
    event_id, replies = await send(db, d, LIAISON, body, REPORTER)
    assert "vastgelegd" in texts(replies), texts(replies)
    found = re.search(r"M-\d+", texts(replies))
    assert found is not None
    return event_id, found.group(0)


# ------------------------------------------------------------------ 1. figures, no text


async def test_a_report_without_text_shows_its_figures(
    db: Database, dispatcher: Dispatcher
) -> None:
    await post(
        db, dispatcher, LIAISON, "!melding opvang\ngemeente: Dordrecht\nopgevangen: 160", REPORTER
    )
    body = "!melding water\ngemeente: Gorinchem\nwaterstand: meer dan 3,1 m NAP"
    await post(db, dispatcher, LIAISON, body, REPORTER)
    text, html = await _beeld(db, dispatcher)
    latest = _latest(text)
    assert "—  (M-" not in latest, latest
    assert re.search(r"Dordrecht · .* — opgevangen 160 \(M-\d+\)", latest), latest
    assert re.search(r"Gorinchem · .* — waterstand > 3,1 m NAP \(M-\d+\)", latest), latest
    assert "opgevangen 160" in html, html


async def test_figures_on_a_line_are_only_its_own_entrys(
    db: Database, dispatcher: Dispatcher
) -> None:
    """The GREEN room's line is the GREEN follow-up's; the AMBER report's 120 beside it
    (same organisation, place and category, its own item) is not shown there."""
    body = "!melding opvang\ngemeente: Dordrecht\ntlp: amber\nopvangplekken beschikbaar: 120"
    await post(db, dispatcher, LIAISON, body, REPORTER)
    body = "!melding opvang\ngemeente: Dordrecht\ntlp: groen\nopgevangen: 7"
    await post(db, dispatcher, LIAISON, body, REPORTER)
    green, _ = await _beeld(db, dispatcher, COORD_GREEN)
    latest = _latest(green)
    assert "opgevangen 7" in latest and "120" not in green, green


async def test_the_figures_come_in_one_query(db: Database, dispatcher: Dispatcher) -> None:
    for town in ("Dordrecht", "Gorinchem", "Papendrecht", "Sliedrecht"):
        body = f"!melding opvang\ngemeente: {town}\nopgevangen: 10"
        await post(db, dispatcher, LIAISON, body, REPORTER)
    statements: list[str] = []

    def seen(*args: object) -> None:
        statements.append(str(args[2]))

    event.listen(db.engine.sync_engine, "before_cursor_execute", seen)
    try:
        text, _ = await _beeld(db, dispatcher)
    finally:
        event.remove(db.engine.sync_engine, "before_cursor_execute", seen)
    assert _latest(text).count("opgevangen 10") == 4, text
    # The figures' labels are read only to show them: one statement for every line.
    reads = [s for s in statements if "entry_figures.label" in s]
    assert len(reads) == 1, reads


async def test_the_digest_notices_a_changed_figure_line(
    db: Database, dispatcher: Dispatcher
) -> None:
    event_id, _ = await _code(
        db, dispatcher, "!melding opvang\ngemeente: Dordrecht\nopgevangen: 160"
    )
    access = tlp.RoomAccess(COORD_RED, True, "RED", "Veiligheidsregio")
    async with db.session() as session:
        incident = await incidents.get(session, "storm")
        assert incident is not None
        first = await picture_service.picture_for_room(
            session, access, incident, _now(), actor="scheduler", brief_when_unchanged=True
        )
    _, replies = await send(
        db,
        dispatcher,
        LIAISON,
        "!melding opvang\ngemeente: Dordrecht\nopgevangen: 170",
        REPORTER,
        kind="edit",
        relation=Relation(replaces=event_id),
    )
    assert "bijgewerkt" in texts(replies), texts(replies)
    async with db.session() as session:
        incident = await incidents.get(session, "storm")
        assert incident is not None
        later = _now() + timedelta(minutes=5)
        second = await picture_service.picture_for_room(
            session, access, incident, later, actor="scheduler", brief_when_unchanged=True
        )
        reply = await render_room_picture(session, access, second, later, "nl", "!", False)
    assert first.full and second.full, reply.text
    assert "opgevangen 170" in _latest(reply.text), reply.text


def _now():  # type: ignore[no-untyped-def]
    from datetime import UTC, datetime

    return datetime.now(UTC)


# ------------------------------------------------------------------ 2. the location


async def test_two_shelters_of_one_organisation_show_their_locations(
    db: Database, dispatcher: Dispatcher
) -> None:
    for location in ("Sporthal De Schans", "Sporthal Oudland"):
        body = (
            f"!melding opvang\ngemeente: Dordrecht\nlocatie: {location}\n"
            "opvangplekken beschikbaar: 40\nNoodopvang open."
        )
        await post(db, dispatcher, LIAISON, body, REPORTER)
    text, html = await _beeld(db, dispatcher)
    latest = _latest(text)
    assert "GGD · Dordrecht, Sporthal De Schans · " in latest, latest
    assert "GGD · Dordrecht, Sporthal Oudland · " in latest, latest
    assert "Dordrecht, Sporthal Oudland" in html, html


async def test_a_follow_up_shows_no_location_its_room_may_not_see(
    db: Database, dispatcher: Dispatcher
) -> None:
    body = (
        "!melding opvang\ngemeente: Dordrecht\nlocatie: Sporthal De Schans\ntlp: amber\n"
        "ernst: ernstig\nNoodopvang vol."
    )
    _, code = await _code(db, dispatcher, body)
    body = f"!melding\nbetreft: {code}\ntlp: groen\nernst: gering\nWeer ruimte."
    await post(db, dispatcher, LIAISON, body, REPORTER)
    green, html = await _beeld(db, dispatcher, COORD_GREEN)
    assert "Weer ruimte" in green, green
    assert "Schans" not in green and "Schans" not in html, green
    red, _ = await _beeld(db, dispatcher)
    assert "Dordrecht, Sporthal De Schans" in _latest(red), red


# ------------------------------------------------------------------ 3. lower tlp, figures


async def test_a_lower_labelled_follow_up_with_figures_is_not_counted_apart(
    db: Database, dispatcher: Dispatcher
) -> None:
    body = "!melding opvang\ngemeente: Dordrecht\ntlp: amber\nopvangplekken beschikbaar: 120"
    _, code = await _code(db, dispatcher, body)
    body = f"!melding opvang\nbetreft: {code}\ntlp: groen\nernst: gering\nopvangplekken beschikbaar: 40"
    _, replies = await send(db, dispatcher, LIAISON, body, REPORTER)
    assert "vastgelegd" not in texts(replies), texts(replies)
    assert "TLP:AMBER" in texts(replies) and "gemeente:" in texts(replies), texts(replies)
    text, _ = await _beeld(db, dispatcher)
    figures = _figures(text)
    assert "?" not in figures and "160" not in figures, figures
    assert "opvangplekken beschikbaar · Zuid-Holland Zuid: 120" in figures, figures


async def test_a_lower_labelled_follow_up_naming_its_place_is_recorded(
    db: Database, dispatcher: Dispatcher
) -> None:
    body = "!melding opvang\ngemeente: Dordrecht\ntlp: amber\nopvangplekken beschikbaar: 120"
    _, code = await _code(db, dispatcher, body)
    body = (
        f"!melding opvang\nbetreft: {code}\ngemeente: Dordrecht\ntlp: groen\nernst: gering\n"
        "opvangplekken beschikbaar: 40"
    )
    await post(db, dispatcher, LIAISON, body, REPORTER)
    figures = _figures((await _beeld(db, dispatcher))[0])
    assert "opvangplekken beschikbaar · Zuid-Holland Zuid: 40" in figures, figures


async def test_an_edit_lowering_a_follow_ups_label_with_figures_is_refused(
    db: Database, dispatcher: Dispatcher
) -> None:
    body = "!melding opvang\ngemeente: Dordrecht\ntlp: amber\nopvangplekken beschikbaar: 120"
    _, code = await _code(db, dispatcher, body)
    follow = f"!melding\nbetreft: {code}\nernst: gering\nopvangplekken beschikbaar: 40"
    event_id, _ = await _code(db, dispatcher, follow)
    _, replies = await send(
        db,
        dispatcher,
        LIAISON,
        follow + "\ntlp: groen",
        REPORTER,
        kind="edit",
        relation=Relation(replaces=event_id),
    )
    assert "bijgewerkt" not in texts(replies), texts(replies)
    figures = _figures((await _beeld(db, dispatcher))[0])
    assert "?" not in figures and "opvangplekken beschikbaar · Zuid-Holland Zuid: 40" in figures, (
        figures
    )


async def test_the_portal_shows_figures_and_locations(db: Database, dispatcher: Dispatcher) -> None:
    from bot.web import render
    from storage import portal_view

    body = "!melding opvang\ngemeente: Dordrecht\nlocatie: Sporthal De Schans\nopgevangen: 160"
    await post(db, dispatcher, LIAISON, body, REPORTER)
    access = tlp.RoomAccess(COORD_RED, True, "RED", "Veiligheidsregio")
    async with db.session() as session:
        incident = await incidents.get(session, "storm")
        assert incident is not None
        room_picture = await picture_service.picture_for_room(
            session, access, incident, _now(), actor=ADMIN, view_only=True
        )
    room = portal_view.PortalRoom(access, "storm", "coordinator")
    html = render.incident_page(room_picture, room, _now(), "nl", "/portal")
    assert "Dordrecht, Sporthal De Schans" in html, html
    assert "opgevangen 160" in html, html
