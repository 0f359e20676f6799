"""A follow-up inherits its item's severity. One that resolves the item (`status:
opgelost`) or lowers it below severe used to alert the coordinators anew ("⚠ Extreme
melding … Status: opgelost"): an alarm about the end of an alarm trains coordinators to
skim past alerts. It now sends no alert; the coordinators' standing alert about the
item is answered with the withdrawal notice (`domino.withdraw_alerts`) saying the item
is resolved or no longer severe, naming the follow-up.

Through the dispatcher with a real database (SQLite and PostgreSQL).
"""

from __future__ import annotations

import pytest

from commands.dispatcher import Dispatcher
from commands.message import Outgoing, Relation, Reply
from storage.engine import Database
from tests.unit.test_picture_follows_entries import (
    COORD_RED,
    LIAISON,
    REPORTER,
    db,
    dispatcher,
    send,
    texts,
)
from tests.unit.test_picture_items import report

__all__ = ["db", "dispatcher"]  # fixtures, imported for pytest
pytestmark = pytest.mark.postgres


def to_coordinators(replies: list[Outgoing]) -> str:
    return "\n".join(r.text for r in replies if isinstance(r, Reply) and r.room_id == COORD_RED)


async def alerted(db: Database, dispatcher: Dispatcher) -> str:
    """An extreme report whose alert reached the RED-cleared coordinator room."""
    _, replies = await send(
        db, dispatcher, LIAISON, report("zorg", ["ernst: extreem", "Aggregaat nodig."]), REPORTER
    )
    assert "⚠ Extre" in to_coordinators(replies), texts(replies)
    return texts(replies).split("Melding ", 1)[1].split(" ", 1)[0]


async def test_a_resolving_follow_up_withdraws_the_alert_instead_of_alerting(
    db: Database, dispatcher: Dispatcher
) -> None:
    code = await alerted(db, dispatcher)
    body = report("zorg", [f"betreft: {code}", "status: opgelost", "Stroom terug."])
    _, replies = await send(db, dispatcher, LIAISON, body, REPORTER)
    told = to_coordinators(replies)
    assert "⚠ Extre" not in told, told
    assert f"Waarschuwing vervalt ({code})" in told and "opgelost" in told, told
    follow_up = texts(replies).split("Melding ", 1)[1].split(" ", 1)[0]
    assert follow_up in told, told


async def test_a_lowering_follow_up_withdraws_the_alert(
    db: Database, dispatcher: Dispatcher
) -> None:
    code = await alerted(db, dispatcher)
    body = report("zorg", [f"betreft: {code}", "ernst: gering", "Valt mee."])
    _, replies = await send(db, dispatcher, LIAISON, body, REPORTER)
    told = to_coordinators(replies)
    assert f"Waarschuwing vervalt ({code})" in told and "niet meer ernstig" in told, told


async def test_an_update_that_keeps_the_item_severe_withdraws_nothing(
    db: Database, dispatcher: Dispatcher
) -> None:
    code = await alerted(db, dispatcher)
    body = report("zorg", [f"betreft: {code}", "Aggregaat onderweg."])
    _, replies = await send(db, dispatcher, LIAISON, body, REPORTER)
    assert "vervalt" not in to_coordinators(replies), texts(replies)


async def test_a_follow_up_edited_to_resolved_withdraws_the_items_alert(
    db: Database, dispatcher: Dispatcher
) -> None:
    code = await alerted(db, dispatcher)
    body = report("zorg", [f"betreft: {code}", "Aggregaat onderweg."])
    original, _ = await send(db, dispatcher, LIAISON, body, REPORTER)
    closing = report("zorg", [f"betreft: {code}", "status: opgelost", "Stroom terug."])
    _, replies = await send(
        db,
        dispatcher,
        LIAISON,
        closing,
        REPORTER,
        kind="edit",
        relation=Relation(replaces=original),
    )
    told = to_coordinators(replies)
    assert f"Waarschuwing vervalt ({code})" in told and "opgelost" in told, told


async def test_the_same_resolution_twice_tells_once(db: Database, dispatcher: Dispatcher) -> None:
    code = await alerted(db, dispatcher)
    body = report("zorg", [f"betreft: {code}", "status: opgelost", "Stroom terug."])
    await send(db, dispatcher, LIAISON, body, REPORTER)
    _, replies = await send(db, dispatcher, LIAISON, body.replace("terug", "echt terug"), REPORTER)
    assert to_coordinators(replies) == "", texts(replies)


async def test_an_extreme_alert_is_spelled_in_dutch(db: Database, dispatcher: Dispatcher) -> None:
    """ "⚠ Extreeme melding" (the word plus an -e) is "⚠ Extreme melding" in Dutch."""
    _, replies = await send(
        db, dispatcher, LIAISON, report("zorg", ["ernst: extreem", "Aggregaat nodig."]), REPORTER
    )
    assert "⚠ Extreme melding M-1" in to_coordinators(replies), texts(replies)
    _, replies = await send(
        db, dispatcher, LIAISON, report("zorg", ["ernst: ernstig", "Tekort."]), REPORTER
    )
    assert "⚠ Ernstige melding M-2" in to_coordinators(replies), texts(replies)
