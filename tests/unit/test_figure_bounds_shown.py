"""Figures given as bounds keep their mark in the portal's charts and in the picture's
"unchanged since last time" check (session 16).

"gewonden: meer dan 3" is shown "> 3" in `!beeld` and the portal's table, but the
portal's chart plotted 3 with nothing to say it is a lower bound, and the picture's
digest (what says "nothing changed, no need to post it again") left the bound out: "> 3"
then "3" read as unchanged. On both backends.
"""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.web import charts
from commands.dispatcher import CommandSettings
from storage import picture, picture_service, portal_view, tlp
from storage.bounds import EXACT, OVER
from storage.engine import Database
from storage.ids import RoomId, UserId
from tests.support.chat import CoreChat, bound_views
from tests.support.network import RoomSpec, network_database

ENERGY = RoomId("!energie:x")
COORD = RoomId("!coord:x")
ALICE = UserId("@alice:x")
VIEW = tlp.RoomAccess(COORD, True, "AMBER", "Veiligheidsregio NHN")
REPORT = "!melding stroom\ngemeente: Alkmaar\ngewonden: {value}\ntlp: amber\nStation uit."


@pytest.fixture
async def db(tmp_path: Path, migrated_database_url: str) -> AsyncIterator[Database]:
    bound: list[RoomSpec] = [
        (ENERGY, "liaison", "Netbeheer Noord", "AMBER", "stroom-nh"),
        (COORD, "coordinator", "Veiligheidsregio NHN", "AMBER", "stroom-nh"),
    ]
    database = await network_database(tmp_path / "bounds.db", bound, url=migrated_database_url)
    yield database
    await database.close()


async def report(db: Database, value: str) -> None:
    c = CoreChat(db, bound_views(), CommandSettings(bot_user_id="@bot:x"))
    _, result = await c.handle(ENERGY, ALICE, REPORT.format(value=value))
    assert result is not None


async def test_a_bounded_figure_is_marked_in_the_portal_chart(db: Database) -> None:
    await report(db, "meer dan 3")
    async with db.session() as session:
        room = portal_view.PortalRoom(VIEW, "stroom-nh", "coordinator")
        lines, used = await portal_view.figure_history(session, room, "gewonden")
    assert used, "the baseline: the figure is read"
    svg = charts.line_chart("Gewonden", lines, "-")
    assert "&gt; 3" in svg or "> 3" in svg, svg[-3000:]


async def test_exact_figures_are_charted_without_a_mark(db: Database) -> None:
    await report(db, "3")
    async with db.session() as session:
        room = portal_view.PortalRoom(VIEW, "stroom-nh", "coordinator")
        lines, _ = await portal_view.figure_history(session, room, "gewonden")
    svg = charts.line_chart("Gewonden", lines, "-")
    assert "&gt; 3" not in svg and "≥" not in svg


async def test_the_pictures_digest_tells_a_bound_from_an_exact_figure(db: Database) -> None:
    await report(db, "meer dan 3")
    async with db.session() as session:
        shown = await picture.build_picture(session, VIEW, "stroom-nh")
    (figure,) = [f for f in shown.figures if f.metric == "gewonden"]
    assert figure.bound == OVER and figure.total == 3
    exact = dataclasses.replace(
        shown, figures=[dataclasses.replace(f, bound=EXACT) for f in shown.figures]
    )
    assert picture_service.digest(shown, []) != picture_service.digest(exact, [])
