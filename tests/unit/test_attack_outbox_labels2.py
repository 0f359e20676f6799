"""Second attack on the outbox label check (session 11, review2).

The sender judges a row by the highest label its text names. A reply that names a
label without showing content of it (a public room's warning, a refusal that says
which label it refused) must not be voided for naming it: a lost reply is as bad as
a leak. And every part of a split reply must carry the label of the whole reply.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import update

from storage.engine import Database
from storage.models import Room
from storage.rooms import BindingView
from tests.support.chat import CoreChat, bound_views
from tests.support.rooms import storm_database
from tests.unit.test_attack_outbox_access import _drain, _to, _voided
from tests.unit.test_unalerted_severe import ALICE, COORD, LIAISON, _report


@pytest.fixture
async def chat(tmp_path: Path) -> AsyncIterator[CoreChat]:
    """A liaison room and a coordinator room of `storm`, both with clearance AMBER."""
    coord = BindingView("coordinator", "storm", "VR", "AMBER", "AMBER")
    database: Database = await storm_database(
        tmp_path / "labels2.db", [(LIAISON, "liaison", "GGD")], more={COORD: coord}
    )
    # The liaison room is public, as nio's state says (the stored flag is set below).
    yield CoreChat(database, view=bound_views(public=[LIAISON]))
    await database.close()


async def _public(db: Database, room: str) -> None:
    async with db.transaction() as session:
        await session.execute(update(Room).where(Room.room_id == room).values(public=True))


async def test_a_report_confirmed_in_a_public_room_reaches_the_writer(chat: CoreChat) -> None:
    """A report written in a public room is recorded, and its confirmation (its code,
    'TLP:GREEN', the warning) is the writer's own words' receipt: the room was public
    when it was queued and still is, so nothing changed that could void it."""
    await _public(chat.db, LIAISON)
    _, replies = await chat.send_event(LIAISON, ALICE, _report("gering", "groen"))
    assert any("M-1" in getattr(r, "text", "") for r in replies or []), replies
    client = await _drain(chat.db)
    to_liaison = await _to(client, LIAISON)
    assert _voided() not in to_liaison, to_liaison
    assert any("M-1" in body for body in to_liaison), to_liaison


async def test_an_amber_report_s_public_room_warning_reaches_the_writer(chat: CoreChat) -> None:
    """The warning 'this room is public, but the report is TLP:AMBER' exists to reach
    the writer; voided for naming TLP:AMBER, it never did."""
    await _public(chat.db, LIAISON)
    await chat.send_event(LIAISON, ALICE, _report("gering", "amber"))
    client = await _drain(chat.db)
    to_liaison = await _to(client, LIAISON)
    assert any("openbaar" in body and "M-1" in body for body in to_liaison), to_liaison
