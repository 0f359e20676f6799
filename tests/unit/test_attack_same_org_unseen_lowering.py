"""A room of the item's own organisation that cannot see the item's severe state does not
lower it either (attack18).

GGD has two liaison rooms: one cleared for AMBER, one for GREEN. The GREEN room reports
a leaking dike, moderate (M-1, GREEN). The AMBER room follows it up: the dike is failing,
extreme, TLP:AMBER (M-2): the coordinators are alerted and the item stands under
"Aandacht". The GREEN room, which never saw M-2, then sends a short update without a
severity ("Pompen draaien."): it took the severity that room can see (moderate), and as
GGD's own follow-up it became the item's state for everyone. The extreme item left the
coordinators' attention list and their alert was withdrawn ("het is niet meer ernstig"),
on the word of someone who never knew it was extreme; the same with `ernst: matig`
named. Another organisation's such follow-up was already recorded in the item without
lowering the state it cannot see (`follow_up_rights.lowers_unseen`, `keeps_item_state`);
the owner's own rooms were left out of that rule, as if every room of an organisation
saw all of it. A room that sees the state still lowers it (the owner's word).

Through the dispatcher with a real database (SQLite and PostgreSQL).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from commands.dispatcher import Dispatcher
from storage.engine import Database
from storage.ids import RoomId, UserId
from storage.rooms import BindingView
from tests.support.chat import binding_view, dispatch, dispatcher_fixture, texts
from tests.support.rooms import bound_database_fixture

pytestmark = pytest.mark.postgres

SAMPLE = Path(__file__).resolve().parents[2] / "knowledge" / "sample"
GGD_AMBER = RoomId("!ggd-oranje:x")
GGD_GREEN = RoomId("!ggd-groen:x")
COORD = RoomId("!coord:x")
COORD_GREEN = RoomId("!coord-groen:x")
BINDINGS = {
    GGD_AMBER: BindingView("liaison", "storm", "GGD", "GREEN", "AMBER"),
    GGD_GREEN: BindingView("liaison", "storm", "GGD", "GREEN", "GREEN"),
    COORD: BindingView("coordinator", "storm", "Veiligheidsregio", "AMBER", "AMBER"),
    COORD_GREEN: BindingView("coordinator", "storm", "Gemeente Dordrecht", "GREEN", "GREEN"),
}
ANNA = UserId("@anna:x")  # GGD, in the GREEN room
BERT = UserId("@bert:x")  # GGD, in the AMBER room
ADMIN = UserId("@admin:x")

OPENED = "!melding water\ngemeente: Dordrecht\nernst: matig\nDijk lekt bij de Merwede."
RAISED = "!melding water\nbetreft: M-1\nernst: extreem\ntlp: amber\nDijk bezwijkt, evacuatie."


view = binding_view(BINDINGS)
db = bound_database_fixture(BINDINGS, warm=("storm",), knowledge=SAMPLE)


dispatcher = dispatcher_fixture(admins=frozenset({ADMIN}))


async def say(db: Database, d: Dispatcher, room: RoomId, body: str, who: UserId) -> str:
    _, replies = await dispatch(db, d, view(room), who, body)
    return texts(replies)


async def attention(db: Database, d: Dispatcher, room: RoomId) -> str:
    """The picture's attention list (empty when it has none)."""
    shown = await say(db, d, room, "!beeld", ADMIN)
    if "Aandacht" not in shown:
        return ""
    return shown.split("Aandacht", 1)[1].split("Laatste stand", 1)[0]


async def green_picture(db: Database, d: Dispatcher) -> str:
    """The GREEN coordinator room's picture without its line of reports it only heard of:
    that line names M-2 and its severity as the room's redacted alert did (e170cf5), and
    nothing else may tell of the hidden state."""
    shown = await say(db, d, COORD_GREEN, "!beeld", ADMIN)
    heard = [line for line in shown.splitlines() if line.startswith("⚠ Boven de clearance")]
    assert len(heard) == 1 and "M-2 (extreem)" in heard[0], shown
    return "\n".join(line for line in shown.splitlines() if line not in heard)


async def raised_item(db: Database, d: Dispatcher) -> None:
    assert "M-1 vastgelegd" in await say(db, d, GGD_GREEN, OPENED, ANNA)
    assert "M-2 vastgelegd" in await say(db, d, GGD_AMBER, RAISED, BERT)
    assert "M-2" in await attention(db, d, COORD)


@pytest.mark.parametrize(
    "update",
    [
        "!melding water\nbetreft: M-1\nPompen draaien.",  # no severity: it inherits
        "!melding water\nbetreft: M-1\nernst: matig\nPompen draaien.",
    ],
)
async def test_an_update_from_the_owners_lower_room_keeps_the_unseen_extreme_state(
    db: Database, dispatcher: Dispatcher, update: str
) -> None:
    await raised_item(db, dispatcher)
    told = await say(db, dispatcher, GGD_GREEN, update, ANNA)
    assert "M-3 vastgelegd" in told and "vervolg op M-1" in told, told
    # The coordinators' alert stands and the item stays under "Aandacht", extreme.
    assert "vervalt" not in told and "niet meer ernstig" not in told, told
    shown = await attention(db, dispatcher, COORD)
    assert "M-2" in shown and "extreem" in shown, shown
    # The GREEN rooms learn nothing of the hidden state: the update is the item for them.
    green = await green_picture(db, dispatcher)
    assert "extreem" not in green and "M-2" not in green and "M-3" in green, green


async def test_the_owners_room_that_sees_the_state_still_lowers_it(
    db: Database, dispatcher: Dispatcher
) -> None:
    await raised_item(db, dispatcher)
    lowered = "!melding water\nbetreft: M-2\nernst: matig\ntlp: amber\nDijk gestut."
    told = await say(db, dispatcher, GGD_AMBER, lowered, BERT)
    assert "M-3 vastgelegd" in told, told
    assert "M-2" not in await attention(db, dispatcher, COORD)


async def test_a_resolve_from_the_owners_lower_room_keeps_the_unseen_extreme_state(
    db: Database, dispatcher: Dispatcher
) -> None:
    """'Lek gedicht, opgelost' from the room that saw a moderate leak closed the item the
    AMBER room had made extreme (the dike failing): the coordinators' alert was withdrawn
    and the item left "Aandacht". Recorded apart, the GREEN rooms see the item resolved
    and the coordinators who see the extreme state keep it in view."""
    await raised_item(db, dispatcher)
    update = "!melding water\nbetreft: M-1\nstatus: opgelost\nLek gedicht."
    told = await say(db, dispatcher, GGD_GREEN, update, ANNA)
    assert "M-3 vastgelegd" in told and "opgelost" in told, told
    assert "(M-2)" not in told, told  # the AMBER coordinators' alert is not withdrawn
    shown = await attention(db, dispatcher, COORD)
    assert "M-2" in shown and "extreem" in shown, shown
    green = await green_picture(db, dispatcher)
    assert "extreem" not in green and "M-2" not in green and "opgelost" in green, green


@pytest.mark.parametrize(
    "edited",
    [
        "!melding water\ngemeente: Dordrecht\nstatus: opgelost\nLek gedicht.",
        "!melding water\ngemeente: Dordrecht\nernst: matig\nPompen draaien, lek gedicht.",
    ],
)
async def test_an_edit_from_the_owners_lower_room_keeps_the_unseen_extreme_state(
    db: Database, dispatcher: Dispatcher, edited: str
) -> None:
    """Review 18a: the GREEN room edits its own opening report (M-1) after the AMBER room
    made the item extreme (M-2). The edit is M-1's new revision, observed now: unmarked,
    it became the item's latest state for everyone, as the follow-up 'status: opgelost'
    did before attack18's fix, and closed (or lowered) the extreme item for the
    coordinators. It keeps the unseen state as a new follow-up does."""
    from datetime import UTC, datetime, timedelta

    from commands.message import Relation
    from storage.ids import EventId

    start = datetime.now(UTC) - timedelta(minutes=30)
    opened, replies = await dispatch(
        db, dispatcher, view(GGD_GREEN), ANNA, OPENED, start, event_id="$opened"
    )
    assert "M-1 vastgelegd" in texts(replies)
    _, replies = await dispatch(
        db, dispatcher, view(GGD_AMBER), BERT, RAISED, start + timedelta(minutes=5)
    )
    assert "M-2 vastgelegd" in texts(replies)
    assert "M-2" in await attention(db, dispatcher, COORD)
    _, replies = await dispatch(
        db,
        dispatcher,
        view(GGD_GREEN),
        ANNA,
        edited,
        kind="edit",
        relation=Relation(replaces=EventId(opened)),
    )
    told = texts(replies)
    assert "M-1" in told, told
    assert "vervalt" not in told and "niet meer ernstig" not in told, told
    shown = await attention(db, dispatcher, COORD)
    assert "M-2" in shown and "extreem" in shown, shown
    green = await green_picture(db, dispatcher)
    assert "extreem" not in green and "M-2" not in green, green
