"""A TLP marking in a report's field value counts as one in its text.

Liaisons cite the document they report from, with the label it carries: `bron:
Situatierapport Waterschap, TLP:RED`. The report's label was raised only by a marking in
its text, so such a report was stored under the room's default (GREEN here) and shown
to every cleared room: the writer's RED went unread. Records (`!oordeel`, `!besluit`,
`!actie`) read markings in every field already; reports now do too.

Through the dispatcher with a real database (SQLite and PostgreSQL).
"""

from __future__ import annotations

import pytest

from commands.dispatcher import Dispatcher
from storage.engine import Database
from tests.unit.test_picture_follows_entries import (
    COORD_RED,
    LIAISON,
    REPORTER,
    db,
    dispatcher,
    picture,
    send,
    texts,
)

__all__ = ["db", "dispatcher"]  # fixtures, imported for pytest
pytestmark = pytest.mark.postgres

SECRET = "Kwelwater achter de kade bij gemaal De Noord."


@pytest.mark.parametrize(
    "line",
    [
        "bron: Situatierapport Waterschap, TLP:RED",
        "locatie: gemaal De Noord [TLP:RED]",
        "source: waterboard sitrep (tlp: red)",
    ],
)
async def test_a_marking_in_a_field_value_raises_the_report_s_label(
    db: Database, dispatcher: Dispatcher, line: str
) -> None:
    body = "\n".join(["!melding water", "gemeente: Dordrecht", line, SECRET])
    _, replies = await send(db, dispatcher, LIAISON, body, REPORTER)
    confirmation = texts(replies)
    head = confirmation.split("\n", 1)[0]
    assert "vastgelegd" in head and head.endswith("TLP:RED"), confirmation
    shown = (await picture(db, dispatcher, COORD_RED)).text
    assert "Kwelwater" not in shown, shown


async def test_a_marking_in_a_field_value_above_the_tlp_field_is_refused(
    db: Database, dispatcher: Dispatcher
) -> None:
    body = "\n".join(
        ["!melding water", "gemeente: Dordrecht", "bron: sitrep TLP:RED", "tlp: groen", SECRET]
    )
    _, replies = await send(db, dispatcher, LIAISON, body, REPORTER)
    assert "niet opgeslagen" in texts(replies) or "Niet opgeslagen" in texts(replies), texts(
        replies
    )
