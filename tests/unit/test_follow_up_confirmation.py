"""`betreft: M-17` names the item a report follows up. A typo in the number can attach
the report to another organisation's item: the confirmation said only "vervolg op M-17".
It now repeats what M-17 is (its category, organisation and place) and says so when that
is another organisation's.

Another organisation's follow-up may add to an item, not close it: `status: opgelost`
or a lower severity from another organisation than the one that opened the item is
refused with the reason (it used to close the item, and only the writer was warned).

Through the dispatcher with a real database (SQLite and PostgreSQL).
"""

from __future__ import annotations

import re

import pytest

from commands.dispatcher import Dispatcher
from commands.message import Relation
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
    send,
    texts,
)
from tests.unit.test_picture_items import attention, recorded, report

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
        report("stroom", [f"betreft: {theirs}", "Stroom deels terug bij de GGD-post."]), REPORTER,
    )  # fmt: skip
    text = texts(replies)
    assert f"{theirs}: stroom · Brandweer · Dordrecht, Trafo Noord" in text, text
    assert "andere organisatie" in text, text


async def theirs_severe(db: Database, dispatcher: Dispatcher, severity: str = "extreem") -> str:
    """An open severe item of the Brandweer (LIAISON2), by its code."""
    _, replies = await send(
        db, dispatcher, LIAISON2,
        report("stroom", ["locatie: Trafo Noord", f"ernst: {severity}", "Trafo uitgevallen."]),
        REPORTER2,
    )  # fmt: skip
    text = texts(replies)
    found = re.search(r"Melding (M-\d+) vastgelegd", text)
    assert found, text
    return found.group(1)


async def test_another_organisation_may_not_close_an_item(
    db: Database, dispatcher: Dispatcher
) -> None:
    theirs = await theirs_severe(db, dispatcher)
    _, replies = await send(
        db, dispatcher, LIAISON,
        report("stroom", [f"betreft: {theirs}", "status: opgelost", "Stroom terug."]), REPORTER,
    )  # fmt: skip
    text = texts(replies)
    assert "vastgelegd" not in text, text
    assert "andere organisatie" in text and "niet afsluiten" in text, text
    assert theirs in attention((await picture(db, dispatcher, COORD_RED)).text)


async def test_another_organisation_may_not_lower_an_item(
    db: Database, dispatcher: Dispatcher
) -> None:
    theirs = await theirs_severe(db, dispatcher, "ernstig")
    _, replies = await send(
        db, dispatcher, LIAISON,
        report("stroom", [f"betreft: {theirs}", "ernst: gering", "Valt mee."]), REPORTER,
    )  # fmt: skip
    text = texts(replies)
    assert "vastgelegd" not in text and "niet lager" in text, text
    assert theirs in attention((await picture(db, dispatcher, COORD_RED)).text)


async def test_another_organisation_may_add_and_raise(db: Database, dispatcher: Dispatcher) -> None:
    theirs = await theirs_severe(db, dispatcher, "ernstig")
    _, replies = await send(
        db, dispatcher, LIAISON,
        report("stroom", [f"betreft: {theirs}", "ernst: extreem", "Ook de GGD-post zonder stroom."]),
        REPORTER,
    )  # fmt: skip
    assert "vastgelegd" in texts(replies), texts(replies)


async def test_an_edit_may_not_close_another_organisations_item(
    db: Database, dispatcher: Dispatcher
) -> None:
    theirs = await theirs_severe(db, dispatcher)
    body = report("stroom", [f"betreft: {theirs}", "Stroom deels terug."])
    original, replies = await send(db, dispatcher, LIAISON, body, REPORTER)
    assert "vastgelegd" in texts(replies), texts(replies)
    closing = report("stroom", [f"betreft: {theirs}", "status: opgelost", "Stroom terug."])
    _, replies = await send(
        db, dispatcher, LIAISON, closing, REPORTER, kind="edit",
        relation=Relation(replaces=original),
    )  # fmt: skip
    text = texts(replies)
    assert "niet afsluiten" in text and "bijgewerkt" not in text, text
    # Still open: the attention list names the item by its latest entry (the follow-up).
    assert "extreem" in attention((await picture(db, dispatcher, COORD_RED)).text)


async def test_an_edit_of_a_follow_up_keeps_the_severity_it_inherited(
    db: Database, dispatcher: Dispatcher
) -> None:
    _, own = await recorded(db, dispatcher, report("zorg", ["ernst: extreem", "Aggregaat nodig."]))
    body = report("zorg", [f"betreft: {own}", "Agregaat onderweg."])
    original, replies = await send(db, dispatcher, LIAISON, body, REPORTER)
    assert "vastgelegd" in texts(replies), texts(replies)
    fixed = report("zorg", [f"betreft: {own}", "Aggregaat onderweg."])
    _, replies = await send(
        db, dispatcher, LIAISON, fixed, REPORTER, kind="edit", relation=Relation(replaces=original)
    )
    text = texts(replies)
    assert "bijgewerkt" in text and "niet meer ernstig" not in text, text
    assert "extreem" in attention((await picture(db, dispatcher, COORD_RED)).text)


async def test_the_owner_still_closes_its_item(db: Database, dispatcher: Dispatcher) -> None:
    theirs = await theirs_severe(db, dispatcher)
    _, replies = await send(
        db, dispatcher, LIAISON2,
        report("stroom", [f"betreft: {theirs}", "status: opgelost", "Trafo hersteld."]), REPORTER2,
    )  # fmt: skip
    assert "vastgelegd" in texts(replies), texts(replies)
    assert attention((await picture(db, dispatcher, COORD_RED)).text) == ""
