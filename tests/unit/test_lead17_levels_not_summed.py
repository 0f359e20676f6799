"""Lead's user check, session 17: water levels, temperatures and percentages were summed.

Two gauges in one region (Dordrecht 2,95 m NAP, Gorinchem 3,10 m NAP) showed
"waterstand · Zuid-Holland Zuid: 6,05 m NAP (2 bronnen)" in `!beeld`; two temperatures
of 4 and 5 °C showed 9 °C, outages of 30% and 20% showed 50%. A level, a temperature, a
percentage or a rate does not add up across sources: the picture shows the lowest and
the highest of the sources' latest values, counts are summed as before, and the
portal's chart draws such a metric per source instead of a regional sum.
"""

from __future__ import annotations

import pytest

from commands.dispatcher import Dispatcher
from storage import portal_view, tlp
from storage.engine import Database
from storage.metric_kinds import adds_up
from tests.unit.test_picture_follows_entries import (
    ADMIN,
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


def _figures(text: str) -> str:
    return text.split("Cijfers per regio", 1)[1].split("\n\n", 1)[0]


@pytest.mark.parametrize(
    ("metric", "unit", "expected"),
    [
        ("waterstand", "m NAP", False),
        ("waterpeil", "cm", False),
        ("temperatuur", "°C", False),
        ("uitval", "%", False),
        ("windsnelheid", "km/u", False),
        ("verandering_waterstand", "m", False),
        ("neerslag", "mm", False),
        ("opvangplekken_beschikbaar", None, True),
        ("huishoudens_zonder_stroom", None, True),
        ("opgevangen", "personen", True),
        ("dijk_beschadigd", "km", True),
        ("drinkwater_uitgedeeld", "liter", True),
    ],
)
def test_what_adds_up(metric: str, unit: str | None, expected: bool) -> None:
    assert adds_up(metric, unit) is expected


async def test_two_water_levels_are_not_summed(db: Database, dispatcher: Dispatcher) -> None:
    for town, level in (("Dordrecht", "2,95"), ("Gorinchem", "3,10")):
        body = f"!melding water\ngemeente: {town}\nwaterstand: {level} m NAP\ntemperatuur: 4 °C"
        await post(db, dispatcher, LIAISON, body, REPORTER)
    body = "!melding water\ngemeente: Papendrecht\nuitval: 30%\ntemperatuur: 5 °C"
    await post(db, dispatcher, LIAISON, body, REPORTER)
    await post(
        db, dispatcher, LIAISON, "!melding water\ngemeente: Sliedrecht\nuitval: 20%", REPORTER
    )
    for town, count in (("Dordrecht", 40), ("Gorinchem", 60)):
        body = f"!melding opvang\ngemeente: {town}\nopgevangen: {count}"
        await post(db, dispatcher, LIAISON, body, REPORTER)
    _, replies = await send(db, dispatcher, COORD_RED, "!beeld", ADMIN)
    figures = _figures(texts(replies))
    assert "6,05" not in figures and "2,95 – 3,1 m NAP" in figures, figures
    assert "9 °C" not in figures and "4 – 5 °C" in figures, figures
    assert "50 %" not in figures and "20 – 30 %" in figures, figures
    assert "opgevangen · Zuid-Holland Zuid: 100" in figures, figures


async def test_a_single_level_is_shown_as_it_is(db: Database, dispatcher: Dispatcher) -> None:
    body = "!melding water\ngemeente: Dordrecht\nwaterstand: 2,95 m NAP"
    await post(db, dispatcher, LIAISON, body, REPORTER)
    _, replies = await send(db, dispatcher, COORD_RED, "!beeld", ADMIN)
    figures = _figures(texts(replies))
    assert "waterstand · Zuid-Holland Zuid: 2,95 m NAP (1 bron" in figures, figures


async def test_the_portal_charts_a_level_per_source(db: Database, dispatcher: Dispatcher) -> None:
    for town, level in (("Dordrecht", "2,95"), ("Gorinchem", "3,10")):
        body = f"!melding water\ngemeente: {town}\nwaterstand: {level} m NAP"
        await post(db, dispatcher, LIAISON, body, REPORTER)
    access = tlp.RoomAccess(COORD_RED, True, "RED", "Veiligheidsregio")
    async with db.session() as session:
        room = portal_view.PortalRoom(access, "storm", "coordinator")
        lines, _ = await portal_view.figure_history(session, room, "waterstand")
    values = sorted(total for line in lines for _, total in line.points)
    assert values and max(values) <= 3.1, [(line.region, line.points) for line in lines]
    assert len(lines) == 2, [(line.region, line.points) for line in lines]
