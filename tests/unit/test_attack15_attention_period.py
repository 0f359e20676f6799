"""Attack 15: `!beeld sinds=4h` hid open severe items reported before the period.

The attention section of a picture with `sinds=` ranked only the entries recorded in
the period, so an extreme item reported five hours ago and still open was missing from
`!beeld sinds=4h` (the usage's own example), which said "Geen meldingen (die deze kamer
mag zien) in deze periode." A coordinator coming on shift asks exactly that. An open
severe item now stays in the section until it is resolved, whatever the period; the
banner carries its label.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update

from commands.dispatcher import Dispatcher
from storage.engine import Database
from storage.models import SituationEntry
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
from tests.unit.test_picture_items import attention

__all__ = ["db", "dispatcher"]  # fixtures, imported for pytest
pytestmark = pytest.mark.postgres

SEVERE = "Verpleeghuis De Linde zonder stroom"


async def _age_all(db: Database, hours: int) -> None:
    """Every entry so far was observed, recorded and updated `hours` ago."""
    then = datetime.now(UTC) - timedelta(hours=hours)
    async with db.transaction() as session:
        await session.execute(
            update(SituationEntry).values(observed_at=then, recorded_at=then, updated_at=then)
        )


async def test_an_open_severe_item_from_before_the_period_stays_in_view(
    db: Database, dispatcher: Dispatcher
) -> None:
    body = f"!melding zorg\ngemeente: Dordrecht\nernst: extreem\ntlp: amber\n{SEVERE}"
    await post(db, dispatcher, LIAISON, body, REPORTER)
    await _age_all(db, 5)
    _, replies = await send(db, dispatcher, COORD_RED, "!beeld sinds=4h", ADMIN)
    text = texts(replies)
    assert SEVERE in attention(text), text
    assert text.startswith("TLP:AMBER"), text


async def test_a_resolved_item_from_before_the_period_stays_out(
    db: Database, dispatcher: Dispatcher
) -> None:
    body = f"!melding zorg\ngemeente: Dordrecht\nernst: extreem\n{SEVERE}"
    await post(db, dispatcher, LIAISON, body, REPORTER)
    await post(
        db, dispatcher, LIAISON, "!melding zorg\nbetreft: M-1\nstatus: opgelost\nStroom terug.",
        REPORTER,
    )  # fmt: skip
    await _age_all(db, 5)
    _, replies = await send(db, dispatcher, COORD_RED, "!beeld sinds=4h", ADMIN)
    assert SEVERE not in texts(replies), texts(replies)


async def test_a_category_filter_still_filters_the_section(
    db: Database, dispatcher: Dispatcher
) -> None:
    body = f"!melding zorg\ngemeente: Dordrecht\nernst: extreem\n{SEVERE}"
    await post(db, dispatcher, LIAISON, body, REPORTER)
    await _age_all(db, 5)
    _, replies = await send(db, dispatcher, COORD_RED, "!beeld sinds=4h categorie=water", ADMIN)
    assert SEVERE not in texts(replies), texts(replies)
    _, replies = await send(db, dispatcher, COORD_RED, "!beeld sinds=4h categorie=zorg", ADMIN)
    assert SEVERE in attention(texts(replies)), texts(replies)
