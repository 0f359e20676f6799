"""Attack 15: the picture's regional sums added figures in different units.

Units are stored as typed (`waterstand: 1,5 m`, `waterstand: 150 cm`), not converted,
and `Cijfers per regio` summed the latest value of each source per metric and region
whatever its unit: one line "waterstand · Zuid-Holland Zuid: 151,5 m (2 bronnen)", a
confident figure that is wrong. Figures in different units now stay apart.
"""

from __future__ import annotations

import pytest

from commands.dispatcher import Dispatcher
from storage.engine import Database
from tests.unit.test_picture_follows_entries import (
    COORD_RED,
    LIAISON,
    LIAISON2,
    REPORTER,
    REPORTER2,
    db,
    dispatcher,
    picture,
    post,
)

__all__ = ["db", "dispatcher"]  # fixtures, imported for pytest
pytestmark = pytest.mark.postgres


def _figures(text: str) -> str:
    return text.split("Cijfers per regio", 1)[1].split("\n\n", 1)[0]


async def test_figures_in_different_units_are_not_summed(
    db: Database, dispatcher: Dispatcher
) -> None:
    water = "!melding water\ngemeente: Dordrecht\nwaterstand: {}\nDe Merwede stijgt."
    await post(db, dispatcher, LIAISON, water.format("1,5 m"), REPORTER)
    await post(db, dispatcher, LIAISON2, water.format("150 cm"), REPORTER2)
    figures = _figures((await picture(db, dispatcher, COORD_RED)).text)
    assert "151,5" not in figures, figures
    assert "1,5 m (1 bron" in figures and "150 cm (1 bron" in figures, figures


async def test_figures_in_one_unit_are_still_summed(db: Database, dispatcher: Dispatcher) -> None:
    shelter = "!melding opvang\ngemeente: Dordrecht\nopvangplekken beschikbaar: {}\nOpen."
    await post(db, dispatcher, LIAISON, shelter.format("120 bedden"), REPORTER)
    await post(db, dispatcher, LIAISON2, shelter.format("80 bedden"), REPORTER2)
    figures = _figures((await picture(db, dispatcher, COORD_RED)).text)
    assert "200 bedden (2 bronnen" in figures, figures
