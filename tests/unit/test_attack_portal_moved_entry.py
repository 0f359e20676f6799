"""Attack on the portal's rebuild window (session 14, attack8): a report edited into
another incident stayed on its old incident's page.

New reports may wait up to REBUILD_SECONDS before a page shows them; what a room may no
longer see must leave at the next request (relabels and retractions do). An edit that
moves a report to another incident (`incident: brand`) takes it out of the page too,
but the portal's change stamp is made of the incident's own entries, where the moved
one no longer is: the page kept it for the rest of the rebuild window, and when it was
not the incident's newest report, open pages kept it until something else changed.
Departures are now counted per incident (`entries.departures`) and in the stamp.
"""

from __future__ import annotations

import pytest

from storage.ids import RoomId
from tests.support.chat import CoreChat, bound_views
from tests.unit.test_portal import (
    ALICE,
    COORD,
    LIAISON,
    REBUILD_SECONDS,
    REPORTER,
    Rig,
    client,
    db,
    dispatcher,
    rig,
    seed,
    ticks_of,
)

__all__ = ["client", "db", "dispatcher", "rig"]  # fixtures, imported for pytest

WORDS = "Brandweerkazerne Vlinderweg ontruimd."


def _report(incident: str) -> str:
    extra = f"incident: {incident}\n" if incident != "storm" else ""
    return f"!melding opvang\ngemeente: Dordrecht\n{extra}tlp: amber\n{WORDS}"


@pytest.mark.parametrize("newest", [True, False])
async def test_a_report_moved_to_another_incident_leaves_the_page_at_once(
    rig: Rig, newest: bool
) -> None:
    ticks = ticks_of(rig.portal)
    await seed(rig.db, rig.dispatcher)
    coord = await rig.link(COORD, ALICE)
    chat = CoreChat(rig.db, bound_views(), prefix="$m")
    posted, _ = await chat.send_event(RoomId(LIAISON), REPORTER, _report("storm"))
    if not newest:
        later = "!melding zorg\ngemeente: Zwijndrecht\ntlp: green\nHuisartsenpost open."
        await chat.send_event(RoomId(LIAISON), REPORTER, later)
    ticks.now += REBUILD_SECONDS  # the new report is taken in
    assert WORDS in await rig.page(coord)
    marker = (await (await rig.http.get(f"/p/{coord}/marker")).json())["marker"]
    _, replies = await chat.send_event(
        RoomId(LIAISON), REPORTER, _report("brand"), kind="edit", replaces=posted
    )
    assert replies is not None and any("bijgewerkt" in r.text for r in replies)  # type: ignore[union-attr]
    assert WORDS not in await rig.say(COORD, "!beeld", ALICE)  # the chat follows at once
    assert (await (await rig.http.get(f"/p/{coord}/marker")).json())["marker"] != marker
    assert WORDS not in await rig.page(coord)


async def test_a_decision_moved_to_another_incident_leaves_the_page_at_once(rig: Rig) -> None:
    """The same for the record: the stamp read the incident's own decisions only."""
    await seed(rig.db, rig.dispatcher)
    coord = await rig.link(COORD, ALICE)
    chat = CoreChat(rig.db, bound_views(power_levels={ALICE: 100}), prefix="$b")
    decision = "!besluit Ontruiming Kinderdijk voorbereiden\ntlp: amber"
    posted, _ = await chat.send_event(RoomId(COORD), ALICE, decision)
    await chat.send_event(RoomId(COORD), ALICE, "!besluit Zandzakken naar Papendrecht")
    assert "Kinderdijk" in await rig.page(coord)
    marker = (await (await rig.http.get(f"/p/{coord}/marker")).json())["marker"]
    moved = f"{decision}\nincident: brand"
    _, replies = await chat.send_event(RoomId(COORD), ALICE, moved, kind="edit", replaces=posted)
    assert replies is not None and any("bijgewerkt" in r.text for r in replies)  # type: ignore[union-attr]
    assert "Kinderdijk" not in await rig.say(COORD, "!beeld", ALICE)  # the chat follows
    assert (await (await rig.http.get(f"/p/{coord}/marker")).json())["marker"] != marker
    assert "Kinderdijk" not in await rig.page(coord)
