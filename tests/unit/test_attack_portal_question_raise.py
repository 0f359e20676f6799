"""Attack on the portal's live pages (session 14, attack8): a question its asker raised
by an edit stayed on open pages.

The coordinators' page lists the open questions it may see. An asker who edits the
question into one marked `TLP:RED` takes it out of every other room's view, and
`!beeld` follows at once. The portal's change stamp counted the open questions by
number and ids only, which an edit leaves as they were: the page's marker stood, so an
open page went on showing the question, and pages loaded within the cache window got
it again, until something else in the incident changed.
"""

from __future__ import annotations

from tests.support.chat import CoreChat, bound_views
from tests.unit.test_portal import (
    ALICE,
    BOB,
    COORD,
    MUNI,
    REBUILD_SECONDS,
    Rig,
    client,
    db,
    dispatcher,
    rig,
    seed,
    ticks_of,
)

__all__ = ["client", "db", "dispatcher", "rig"]  # fixtures, imported for pytest

WORDS = "Mogen de geiten van kinderboerderij Wielewaal mee naar de noodopvang?"


async def _marker(rig: Rig, token: str) -> str:
    found: str = (await (await rig.http.get(f"/p/{token}/marker")).json())["marker"]
    return found


async def test_a_question_raised_by_its_asker_leaves_open_pages_at_once(rig: Rig) -> None:
    ticks = ticks_of(rig.portal)
    await seed(rig.db, rig.dispatcher)
    coord = await rig.link(COORD, ALICE)
    chat = CoreChat(rig.db, bound_views(), prefix="$q")
    asked, _ = await chat.send_event(MUNI, BOB, f"!vraag {WORDS}")
    ticks.now += REBUILD_SECONDS  # a new question may wait as a new report does
    assert "Wielewaal" in await rig.page(coord)
    marker = await _marker(rig, coord)
    await chat.send_event(MUNI, BOB, f"!vraag {WORDS} TLP:RED", kind="edit", replaces=asked)
    assert "Wielewaal" not in await rig.say(COORD, "!beeld", ALICE)  # the chat follows
    assert await _marker(rig, coord) != marker
    assert "Wielewaal" not in await rig.page(coord)
