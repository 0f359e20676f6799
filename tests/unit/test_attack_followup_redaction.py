"""Redacting a follow-up that resolved or lowered a severe item.

A follow-up `status: opgelost` answers the coordinators' alert about the item ("…
vervalt … opgelost") and takes the item out of the picture's attention list. When
that follow-up is deleted (sent to the wrong item, or the power is not back after
all), the item is severe and open again; the coordinators, told that it was
resolved, must hear that it holds again.

Through the dispatcher with a real database (SQLite and PostgreSQL).
"""

from __future__ import annotations

import pytest

from commands.dispatcher import Dispatcher
from commands.message import Outgoing, Relation
from storage.engine import Database
from storage.ids import EventId
from tests.unit.test_follow_up_alerts import alerted, to_coordinators
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
from tests.unit.test_picture_items import report

__all__ = ["db", "dispatcher"]  # fixtures, imported for pytest
pytestmark = pytest.mark.postgres


async def test_redacting_a_resolving_follow_up_alerts_the_coordinators_again(
    db: Database, dispatcher: Dispatcher
) -> None:
    code = await alerted(db, dispatcher)
    body = report("zorg", [f"betreft: {code}", "status: opgelost", "Stroom terug."])
    follow_up, replies = await send(db, dispatcher, LIAISON, body, REPORTER)
    assert "opgelost" in to_coordinators(replies), texts(replies)
    _, replies = await send(
        db,
        dispatcher,
        LIAISON,
        "",
        REPORTER,
        kind="redaction",
        relation=Relation(redacts=follow_up),
    )
    told = to_coordinators(replies)
    assert code in told and "⚠" in told, texts(replies)
    shown = (await picture(db, dispatcher, COORD_RED)).text
    assert code in shown, shown


async def redact(db: Database, dispatcher: Dispatcher, event_id: EventId) -> list[Outgoing]:
    _, replies = await send(
        db, dispatcher, LIAISON, "", REPORTER, kind="redaction", relation=Relation(redacts=event_id)
    )
    return replies


async def test_redacting_a_lowering_follow_up_alerts_the_coordinators_again(
    db: Database, dispatcher: Dispatcher
) -> None:
    code = await alerted(db, dispatcher)
    body = report("zorg", [f"betreft: {code}", "ernst: gering", "Valt mee."])
    follow_up, replies = await send(db, dispatcher, LIAISON, body, REPORTER)
    assert "niet meer ernstig" in to_coordinators(replies), texts(replies)
    told = to_coordinators(await redact(db, dispatcher, follow_up))
    assert f"Extreme melding {code}" in told and "weer open" in told, told


async def test_redacting_an_update_of_a_severe_item_alerts_nobody_again(
    db: Database, dispatcher: Dispatcher
) -> None:
    """No noise: the coordinators' alert about the item still stands."""
    code = await alerted(db, dispatcher)
    body = report("zorg", [f"betreft: {code}", "ernst: extreem", "Aggregaat onderweg."])
    follow_up, _ = await send(db, dispatcher, LIAISON, body, REPORTER)
    told = to_coordinators(await redact(db, dispatcher, follow_up))
    assert "weer open" not in told, told


async def test_an_edit_that_moves_a_resolving_follow_up_away_alerts_again(
    db: Database, dispatcher: Dispatcher
) -> None:
    """The liaison meant another item: `betreft:` corrected by an edit."""
    code = await alerted(db, dispatcher)
    _, replies = await send(
        db, dispatcher, LIAISON, report("stroom", ["ernst: matig", "Trafo uit."]), REPORTER
    )
    other = texts(replies).split("Melding ", 1)[1].split(" ", 1)[0]
    body = report("zorg", [f"betreft: {code}", "status: opgelost", "Stroom terug."])
    follow_up, replies = await send(db, dispatcher, LIAISON, body, REPORTER)
    assert "opgelost" in to_coordinators(replies), texts(replies)
    moved = body.replace(f"betreft: {code}", f"betreft: {other}")
    _, replies = await send(
        db, dispatcher, LIAISON, moved, REPORTER, kind="edit", relation=Relation(replaces=follow_up)
    )
    assert "bijgewerkt" in texts(replies), texts(replies)
    told = to_coordinators(replies)
    assert f"Extreme melding {code}" in told and "weer open" in told, told
    shown = (await picture(db, dispatcher, COORD_RED)).text
    assert code in shown.split("Aandacht", 1)[-1], shown


async def test_withdrawing_the_edit_that_moved_a_report_into_an_item_reopens_it(
    db: Database, dispatcher: Dispatcher
) -> None:
    """A report edited into the item (`betreft:` added, `status: opgelost`) and the edit
    deleted: the report goes back to its own item, the severe item is open again."""
    code = await alerted(db, dispatcher)
    body = report("zorg", ["ernst: matig", "Stroom terug."])
    original, _ = await send(db, dispatcher, LIAISON, body, REPORTER)
    joined = report("zorg", [f"betreft: {code}", "status: opgelost", "Stroom terug."])
    edit_id, replies = await send(
        db, dispatcher, LIAISON, joined, REPORTER, kind="edit", relation=Relation(replaces=original)
    )
    assert "opgelost" in to_coordinators(replies), texts(replies)
    told = to_coordinators(await redact(db, dispatcher, edit_id))
    assert f"Extreme melding {code}" in told and "weer open" in told, told
