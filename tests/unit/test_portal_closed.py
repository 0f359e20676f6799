"""A closed incident's portal page says so, GESLOTEN and since when, as the chat picture
does (`commands.picture.closed_mark`); its live page learns it (the change marker moves),
and a reopen takes it away again. Before, the page looked like a live incident's."""

from __future__ import annotations

from datetime import UTC, datetime

from aiohttp import ClientSession
from sqlalchemy import update

from bot.web.portal import STAMP_SECONDS, Portal
from commands.dispatcher import Dispatcher
from storage.engine import Database
from storage.models import Incident
from tests.unit import test_portal as base
from tests.unit.test_portal import ALICE, COORD, Clock, link_for, seed, ticks_of

db, dispatcher, client = base.db, base.dispatcher, base.client


async def _set_open(database: Database, open_: bool) -> None:
    closed_at = None if open_ else datetime(2026, 12, 5, 9, 30, tzinfo=UTC)
    async with database.transaction() as session:
        await session.execute(
            update(Incident).where(Incident.slug == "storm").values(open=open_, closed_at=closed_at)
        )


async def test_a_closed_incident_says_so_on_its_page_and_its_marker_moves(
    db: Database, dispatcher: Dispatcher, client: tuple[ClientSession, Clock, Portal]
) -> None:
    http, _clock, portal = client
    ticks = ticks_of(portal)
    await seed(db, dispatcher)
    token = await link_for(db, dispatcher, COORD, ALICE)
    assert "GESLOTEN" not in await (await http.get(f"/p/{token}")).text()
    before = (await (await http.get(f"/p/{token}/marker")).json())["marker"]
    await _set_open(db, False)
    ticks.now += STAMP_SECONDS
    closed = (await (await http.get(f"/p/{token}/marker")).json())["marker"]
    assert closed != before, "the live page must learn that the incident closed"
    page = await (await http.get(f"/p/{token}")).text()
    assert "GESLOTEN sinds 05-12 10:30" in page, page[:2000]
    printed = await (await http.get(f"/p/{token}", params={"print": "1"})).text()
    assert "GESLOTEN sinds 05-12 10:30" in printed
    await _set_open(db, True)
    ticks.now += STAMP_SECONDS
    assert (await (await http.get(f"/p/{token}/marker")).json())["marker"] != closed
    assert "GESLOTEN" not in await (await http.get(f"/p/{token}")).text()
