"""The portal chart drew figures of one metric in different units on one line (session
17): "gewonden: 3" from Alkmaar and "gewonden: 2 personen" from Hoorn (one region) were
plotted as a total of 5, and "waterstand: 1,5 m" with "waterstand: 120 cm" as 121,5.
The picture never sums across units (storage/picture.py: units as typed, a line of
their own each); the chart follows that rule now: one line per region and unit, the
unit in its legend. On both backends."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.web import charts
from commands.dispatcher import CommandSettings
from storage import portal_view
from storage.engine import Database
from tests.support.chat import CoreChat, bound_views
from tests.support.network import RoomSpec, network_database
from tests.unit.test_figure_bounds_shown import ALICE, COORD, ENERGY, VIEW


@pytest.fixture
async def db(tmp_path: Path, migrated_database_url: str) -> AsyncIterator[Database]:
    bound: list[RoomSpec] = [
        (ENERGY, "liaison", "Netbeheer Noord", "AMBER", "stroom-nh"),
        (COORD, "coordinator", "Veiligheidsregio NHN", "AMBER", "stroom-nh"),
    ]
    database = await network_database(tmp_path / "units.db", bound, url=migrated_database_url)
    yield database
    await database.close()


_CHATS: dict[int, CoreChat] = {}


async def report(db: Database, place: str, field: str) -> None:
    c = _CHATS.setdefault(
        id(db), CoreChat(db, bound_views(), CommandSettings(bot_user_id="@bot:x"))
    )
    body = f"!melding stroom\ngemeente: {place}\n{field}\ntlp: amber\nStation uit."
    _, result = await c.handle(ENERGY, ALICE, body)
    assert result is not None


async def lines_of(db: Database, metric: str) -> list[portal_view.Line]:
    async with db.session() as session:
        room = portal_view.PortalRoom(VIEW, "stroom-nh", "coordinator")
        lines, used = await portal_view.figure_history(session, room, metric)
    assert used, "the baseline: the figures are read"
    return lines


async def test_a_bare_count_and_a_count_in_personen_are_two_lines(db: Database) -> None:
    await report(db, "Alkmaar", "gewonden: 3")
    await report(db, "Hoorn", "gewonden: 2 personen")
    lines = await lines_of(db, "gewonden")
    assert len({line.region for line in lines}) == 1, lines
    assert sorted((line.unit or "", line.points[-1][1]) for line in lines) == [
        ("", 3.0),
        ("personen", 2.0),
    ], lines
    svg = charts.line_chart("Gewonden", lines, "-")
    assert "(personen)" in svg


async def test_metres_and_centimetres_are_never_summed(db: Database) -> None:
    await report(db, "Alkmaar", "waterstand: 1,5 m")
    await report(db, "Hoorn", "waterstand: 120 cm")
    lines = await lines_of(db, "waterstand")
    totals = [value for line in lines for _, value in line.points]
    assert 121.5 not in totals, lines
    assert sorted((line.unit or "", line.points[-1][1]) for line in lines) == [
        ("cm", 120.0),
        ("m", 1.5),
    ], lines


async def test_one_unit_stays_one_line(db: Database) -> None:
    await report(db, "Alkmaar", "gewonden: 3")
    await report(db, "Hoorn", "gewonden: 2")
    (line,) = await lines_of(db, "gewonden")
    assert line.unit is None and line.points[-1][1] == 5.0
