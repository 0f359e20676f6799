"""Two locations of one organisation in one municipality are two sources.

A figure's source was (organisation, municipality, metric): two shelters of the Rode
Kruis in Dordrecht ("Sporthal De Ring", "Sporthal Noord") were one source, and the later
report replaced the earlier in the picture's sums and latest state. A coordinator saw
160 opgevangen instead of 205. The report's `locatie:` (folded: case, spacing,
diacritics) is now part of every series key.

Through the dispatcher (reports, follow-ups, `!beeld`) on SQLite and PostgreSQL.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from commands.dispatcher import Dispatcher
from commands.message import Relation, Reply
from storage import portal_view, tlp
from storage.engine import Database
from storage.ids import RoomId, UserId
from storage.rooms import BindingView
from tests.support.chat import binding_view, dispatch, dispatcher_fixture, texts
from tests.support.rooms import bound_database_fixture

pytestmark = pytest.mark.postgres

SAMPLE = Path(__file__).resolve().parents[2] / "knowledge" / "sample"

RODE_KRUIS = RoomId("!rk:x")
COORD_GREEN = RoomId("!coord-groen:x")
COORD_AMBER = RoomId("!coord-amber:x")
REPORTER = UserId("@rk-liaison:x")
ADMIN = UserId("@admin:x")

BINDINGS: dict[RoomId, BindingView] = {
    RODE_KRUIS: BindingView("liaison", "storm", "Rode Kruis", "GREEN", "AMBER"),
    COORD_GREEN: BindingView("coordinator", "storm", "Gemeente Dordrecht", "GREEN", "GREEN"),
    COORD_AMBER: BindingView("coordinator", "storm", "Veiligheidsregio", "AMBER", "AMBER"),
}


view = binding_view(BINDINGS)
db = bound_database_fixture(BINDINGS, warm=("storm",), knowledge=SAMPLE)


dispatcher = dispatcher_fixture(admins=frozenset({ADMIN}))


def shelter(value: int, location: str | None, *extra: str, label: str = "groen") -> str:
    lines = ["!melding opvang", "gemeente: Dordrecht"]
    if location is not None:
        lines.append(f"locatie: {location}")
    lines += [f"opvangplekken bezet: {value}", f"tlp: {label}", *extra, "Opvang loopt."]
    return "\n".join(lines)


async def post(db: Database, d: Dispatcher, body: str) -> str:
    """Posts a report in the Rode Kruis room; its code (M-n)."""
    _, replies = await dispatch(db, d, view(RODE_KRUIS), REPORTER, body)
    assert "vastgelegd" in texts(replies), texts(replies)
    found = re.search(r"M-\d+", texts(replies))
    assert found is not None, texts(replies)
    return found.group(0)


async def picture(
    db: Database, d: Dispatcher, room: RoomId = COORD_GREEN, options: str = ""
) -> Reply:
    _, replies = await dispatch(db, d, view(room), ADMIN, f"!beeld storm {options}".strip())
    assert len(replies) == 1 and isinstance(replies[0], Reply), replies
    return replies[0]


def totals(reply: Reply) -> list[tuple[str, str]]:
    """(total, sources) of the 'opvangplekken bezet' lines of the figures section."""
    return re.findall(r"^• opvangplekken bezet[^:]*: ([\d.,]+) \((\d+) bron", reply.text, re.M)


def state_codes(reply: Reply) -> set[str]:
    before_changes = reply.text.split("Gewijzigd sinds vorig beeld")[0]
    return set(re.findall(r"\((M-\d+)\)", before_changes)) | set(
        re.findall(r"^(M-\d+) ", before_changes, re.M)
    )


async def two_shelters(db: Database, d: Dispatcher) -> tuple[str, str]:
    ring = await post(db, d, shelter(160, "Sporthal De Ring"))
    noord = await post(db, d, shelter(45, "Sporthal Noord"))
    return ring, noord


async def test_two_locations_in_one_municipality_are_summed(
    db: Database, dispatcher: Dispatcher
) -> None:
    ring, noord = await two_shelters(db, dispatcher)
    reply = await picture(db, dispatcher)
    assert totals(reply) == [("205", "2")], reply.text
    # Both locations keep their latest state line.
    assert {ring, noord} <= state_codes(reply), reply.text
    # A filtered picture ranks the entries themselves (not the series tables): the same.
    filtered = await picture(db, dispatcher, options="categorie=opvang")
    assert totals(filtered) == [("205", "2")], filtered.text
    assert {ring, noord} <= state_codes(filtered), filtered.text


async def test_a_later_report_replaces_only_its_own_location(
    db: Database, dispatcher: Dispatcher
) -> None:
    d = dispatcher
    await two_shelters(db, d)
    assert totals(await picture(db, d)) == [("205", "2")]  # the series rows exist now
    # The same location, typed differently (case, spacing, a diacritic): one source.
    later = await post(db, d, shelter(170, "sporthal  de RÍNG"))
    reply = await picture(db, d)
    assert totals(reply) == [("215", "2")], reply.text
    assert later in state_codes(reply), reply.text


async def test_a_follow_up_keeps_its_items_location(db: Database, dispatcher: Dispatcher) -> None:
    d = dispatcher
    ring, _ = await two_shelters(db, d)
    assert totals(await picture(db, d)) == [("205", "2")]
    # No place of its own: it inherits the item's municipality and location.
    await post(db, d, f"!melding\nbetreft: {ring}\nopvangplekken bezet: 180")
    assert totals(await picture(db, d)) == [("225", "2")]
    # Naming only the municipality: still the item's location, not a third source.
    await post(db, d, f"!melding\nbetreft: {ring}\ngemeente: Dordrecht\nopvangplekken bezet: 190")
    assert totals(await picture(db, d)) == [("235", "2")]


async def test_a_report_without_location_is_a_source_of_its_own(
    db: Database, dispatcher: Dispatcher
) -> None:
    """It may be a third shelter or a count for the whole municipality: it replaces
    neither location's figure (that loss would not show) and is counted as a source
    of its own, which the sources count shows."""
    d = dispatcher
    await two_shelters(db, d)
    await post(db, d, shelter(30, None))
    assert totals(await picture(db, d)) == [("235", "3")]


async def test_amber_location_does_not_reach_a_green_room(
    db: Database, dispatcher: Dispatcher
) -> None:
    d = dispatcher
    await post(db, d, shelter(160, "Sporthal De Ring"))
    secret = await post(db, d, shelter(45, "Geheime Locatie Noord", label="amber"))
    green = await picture(db, d, COORD_GREEN)
    assert totals(green) == [("160", "1")], green.text
    assert "Geheime" not in green.text and "Geheime" not in green.html
    assert "geheime" not in green.text.lower() and secret not in state_codes(green)
    amber = await picture(db, d, COORD_AMBER)
    assert totals(amber) == [("205", "2")], amber.text


async def test_the_portal_chart_sums_both_locations(db: Database, dispatcher: Dispatcher) -> None:
    await two_shelters(db, dispatcher)
    access = tlp.RoomAccess(COORD_GREEN, True, "GREEN", "Gemeente Dordrecht")
    async with db.session() as session:
        room = portal_view.PortalRoom(access, "storm", "coordinator")
        lines, _ = await portal_view.figure_history(session, room, "opvangplekken_bezet")
    assert [[total for _, total in line.points] for line in lines] == [[160, 205]], lines


async def test_an_edit_that_moves_a_report_to_another_location_moves_its_figure(
    db: Database, dispatcher: Dispatcher
) -> None:
    """The fold-in recomputes the key the entry held and the one it holds now."""
    d = dispatcher
    await post(db, d, shelter(160, "Sporthal De Ring"))
    noord, replies = await dispatch(
        db, d, view(RODE_KRUIS), REPORTER, shelter(45, "Sporthal Noord")
    )
    assert "vastgelegd" in texts(replies), texts(replies)
    assert totals(await picture(db, d)) == [("205", "2")]  # the series rows exist now
    # Noord's report was about De Ring after all: one source, its later figure counts.
    _, replies = await dispatch(
        db,
        d,
        view(RODE_KRUIS),
        REPORTER,
        shelter(45, "Sporthal de Ring"),
        kind="edit",
        relation=Relation(replaces=noord),
    )
    assert "bijgewerkt" in texts(replies), texts(replies)
    assert totals(await picture(db, d)) == [("45", "1")]
    # And back: two sources again.
    _, replies = await dispatch(
        db,
        d,
        view(RODE_KRUIS),
        REPORTER,
        shelter(45, "Sporthal Noord"),
        kind="edit",
        relation=Relation(replaces=noord),
    )
    assert "bijgewerkt" in texts(replies), texts(replies)
    assert totals(await picture(db, d)) == [("205", "2")]


async def test_an_unlocated_follow_up_beside_an_unlocated_report_loses_neither(
    db: Database, dispatcher: Dispatcher
) -> None:
    """Both have no location of their own in Dordrecht: the follow-up counts for its
    item's location, the report for itself. Kept by the series under one key they were
    one row, and the later hid the earlier's figure from the sum."""
    d = dispatcher
    ring, _ = await two_shelters(db, d)
    await post(db, d, shelter(30, None))
    assert totals(await picture(db, d)) == [("235", "3")]  # the series rows exist now
    await post(db, d, f"!melding\nbetreft: {ring}\ngemeente: Dordrecht\nopvangplekken bezet: 190")
    assert totals(await picture(db, d)) == [("265", "3")]
    filtered = await picture(db, d, options="categorie=opvang")
    assert totals(filtered) == [("265", "3")], filtered.text
