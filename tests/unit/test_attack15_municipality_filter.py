"""Attack 15: `!meldingen gemeente=` missed a report that names several municipalities.

`gemeente: Dordrecht, Zwijndrecht` is a supported way to report about two places (the
report lies in the region both lie in), but the filter compared the whole stored value,
so Zwijndrecht's liaison filtering on `gemeente=Zwijndrecht` got "Geen meldingen
gevonden" for a severe report about their own dike.
"""

from __future__ import annotations

import pytest

from commands.dispatcher import Dispatcher
from storage.engine import Database
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

DIKE = "Dijk lekt bij de Kiltunnel"


@pytest.mark.parametrize("named", ["Zwijndrecht", "dordrecht", "ZWIJNDRECHT"])
async def test_filter_finds_a_report_about_several_municipalities(
    db: Database, dispatcher: Dispatcher, named: str
) -> None:
    body = f"!melding water\ngemeente: Dordrecht, Zwijndrecht\nernst: ernstig\n{DIKE}"
    await post(db, dispatcher, LIAISON, body, REPORTER)
    await post(db, dispatcher, LIAISON, "!melding water\ngemeente: Sliedrecht\nRustig.", REPORTER)
    _, replies = await send(db, dispatcher, COORD_RED, f"!meldingen gemeente={named}", ADMIN)
    text = texts(replies)
    assert DIKE in text and "Sliedrecht" not in text, text


async def test_filter_does_not_match_part_of_a_name(db: Database, dispatcher: Dispatcher) -> None:
    await post(db, dispatcher, LIAISON, f"!melding water\ngemeente: Zwijndrecht\n{DIKE}", REPORTER)
    _, replies = await send(db, dispatcher, COORD_RED, "!meldingen gemeente=drecht", ADMIN)
    assert DIKE not in texts(replies), texts(replies)
