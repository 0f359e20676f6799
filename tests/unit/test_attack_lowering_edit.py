"""An edit that takes the lowering out of a follow-up (outside tester, session 14).

A follow-up `ernst: gering` takes an extreme item below severe: the coordinators are told
its alert no longer holds and the item leaves the picture's attention list. The liaison
then sees it was wrong ("valt toch niet mee") and edits the follow-up, removing the
`ernst:` line. A follow-up without `ernst:` takes its item's severity; its edit kept the
severity the previous revision had, so the removed "gering" stayed: the item stayed
out of the attention list and the coordinators, told it was over, heard nothing. An
edit without `ernst:` now keeps the more severe of what the follow-up had and what the
item had before it: removing a line never lowers an item, and never leaves it lowered.

Through the dispatcher with a real database (SQLite and PostgreSQL).
"""

from __future__ import annotations

import pytest

from commands.dispatcher import Dispatcher
from commands.message import Relation
from storage.engine import Database
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


async def test_removing_the_lowering_line_by_an_edit_makes_the_item_severe_again(
    db: Database, dispatcher: Dispatcher
) -> None:
    code = await alerted(db, dispatcher)
    body = report("zorg", [f"betreft: {code}", "ernst: gering", "Valt mee."])
    follow_up, replies = await send(db, dispatcher, LIAISON, body, REPORTER)
    assert "niet meer ernstig" in to_coordinators(replies), texts(replies)
    edited = report("zorg", [f"betreft: {code}", "Valt toch niet mee."])
    _, replies = await send(
        db,
        dispatcher,
        LIAISON,
        edited,
        REPORTER,
        kind="edit",
        relation=Relation(replaces=follow_up),
    )
    assert "Ernst: gering → extreem" in texts(replies), texts(replies)
    assert "⚠" in to_coordinators(replies), "the coordinators, told it was over, heard nothing"
    shown = (await picture(db, dispatcher, COORD_RED)).text
    attention = shown.split("\n\n")[1]
    assert "extreem" in attention.lower() and "Valt toch niet mee" in shown, shown


async def test_an_edit_that_keeps_the_lowering_keeps_it(
    db: Database, dispatcher: Dispatcher
) -> None:
    code = await alerted(db, dispatcher)
    body = report("zorg", [f"betreft: {code}", "ernst: gering", "Valt mee."])
    follow_up, _ = await send(db, dispatcher, LIAISON, body, REPORTER)
    edited = report("zorg", [f"betreft: {code}", "ernst: gering", "Valt echt mee."])
    _, replies = await send(
        db,
        dispatcher,
        LIAISON,
        edited,
        REPORTER,
        kind="edit",
        relation=Relation(replaces=follow_up),
    )
    assert "• Ernst" not in texts(replies) and not to_coordinators(replies), texts(replies)
