"""Attack: `!portaal` asked in a room after its upgrade (outside attacker, session 15).

The bot stays in an upgraded room and people go on writing there (clients that have
not followed yet); commands there work under the binding of the room that replaced it
(storage/succession.py). A portal link asked there must open a page, or not be given:
a link that answers "unknown, expired or revoked" the first time it is opened costs a
coordinator time in a crisis and tells them nothing of where the picture went on.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from commands.dispatcher import RoomView
from commands.message import Message, Reply
from storage import rooms
from storage.ids import EventId, RoomId
from tests.unit import test_portal
from tests.unit.test_portal import ALICE, AMBER_TEXT, COORD, GREEN_TEXT, Rig, seed

db = test_portal.db
dispatcher = test_portal.dispatcher
client = test_portal.client
rig = test_portal.rig

NEW = RoomId("!coord-nieuw:x")


async def upgraded(rig: Rig) -> None:
    """COORD (AMBER coordinator room) replaced by NEW, which the bot joined."""
    async with rig.db.transaction() as session:
        assert await rooms.carry_binding(session, COORD, NEW) is not None
        await rooms.mark_joined(session, NEW, datetime.now(UTC))


async def portal_in_old_room(rig: Rig) -> str:
    """`!portaal` in COORD after the upgrade, as the bot handles it: its reply."""
    now = datetime.now(UTC)
    async with rig.db.transaction() as session:
        context = await rooms.message_context(session, COORD, "$portaal-oud")
        binding = context.binding
        assert binding is not None, "the baseline: the old room works under NEW's binding"
        view = RoomView(room_id=COORD, role=binding.role, encrypted=True, binding=binding)
        message = Message(EventId("$portaal-oud"), COORD, ALICE, "!portaal", now)
        replies = await rig.dispatcher.handle(message, view, session, now)
    return "\n".join(r.text for r in replies if isinstance(r, Reply))


async def test_a_link_asked_in_an_upgraded_room_opens_its_page_or_is_not_given(
    rig: Rig,
) -> None:
    await upgraded(rig)
    text = await portal_in_old_room(rig)
    found = re.search(r"https://portal\.example/p/([A-Za-z0-9_-]+)", text)
    if found is None:
        assert NEW in text, text  # no link: then where to ask for one
        return
    response = await rig.http.get(f"/p/{found.group(1)}")
    assert response.status == 200, (text, response.status)


async def test_the_old_room_s_page_stays_within_its_successor_s_lowered_clearance(
    rig: Rig,
) -> None:
    """NEW lowered to GREEN after the upgrade: the old room's page (its messages are
    handled under NEW's binding) shows no AMBER either."""
    await upgraded(rig)
    async with rig.db.transaction() as session:
        await rooms.bind(
            session, NEW, role="coordinator", incident="storm", organisation="Veiligheidsregio",
            tlp_default="GREEN", clearance="GREEN", by="test",
        )  # fmt: skip
    await seed(rig.db, rig.dispatcher)
    found = re.search(r"https://portal\.example/p/([A-Za-z0-9_-]+)", await portal_in_old_room(rig))
    if found is None:
        return  # no link given: nothing to open
    page = await rig.page(found.group(1))
    assert GREEN_TEXT in page and AMBER_TEXT not in page
