"""`betreft: M-17` names the item a report follows up. A typo in the number can attach
the report to (and with `status: opgelost` close) another organisation's item: the
confirmation said only "vervolg op M-17". It now repeats what M-17 is (its category,
organisation and place) and says so when that is another organisation's.

Through the dispatcher with a real database (SQLite and PostgreSQL).
"""

from __future__ import annotations

import pytest

from commands.dispatcher import Dispatcher
from storage.engine import Database
from tests.unit.test_picture_follows_entries import (
    LIAISON,
    LIAISON2,
    REPORTER,
    REPORTER2,
    db,
    dispatcher,
    send,
    texts,
)
from tests.unit.test_picture_items import recorded, report

__all__ = ["db", "dispatcher"]  # fixtures, imported for pytest
pytestmark = pytest.mark.postgres


async def test_a_follow_up_repeats_what_the_item_it_names_is(
    db: Database, dispatcher: Dispatcher
) -> None:
    _, own = await recorded(
        db, dispatcher, report("zorg", ["locatie: De Linde", "Aggregaat nodig."])
    )
    _, replies = await send(
        db, dispatcher, LIAISON, report("zorg", [f"betreft: {own}", "Aggregaat staat er."]),
        REPORTER,
    )  # fmt: skip
    text = texts(replies)
    assert f"{own}: zorg · GGD · Dordrecht, De Linde" in text, text
    assert "andere organisatie" not in text, text


async def test_a_follow_up_of_another_organisations_item_says_so(
    db: Database, dispatcher: Dispatcher
) -> None:
    _, replies = await send(
        db, dispatcher, LIAISON2, report("stroom", ["locatie: Trafo Noord", "Trafo uitgevallen."]),
        REPORTER2,
    )  # fmt: skip
    theirs = texts(replies).split("Melding ", 1)[1].split(" ", 1)[0]
    _, replies = await send(
        db, dispatcher, LIAISON,
        report("stroom", [f"betreft: {theirs}", "status: opgelost", "Stroom terug."]), REPORTER,
    )  # fmt: skip
    text = texts(replies)
    assert f"{theirs}: stroom · Brandweer · Dordrecht, Trafo Noord" in text, text
    assert "andere organisatie" in text, text
