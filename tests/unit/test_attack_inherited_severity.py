"""A follow-up that takes its item's severity takes that severity's label too.

A follow-up that names no `ernst:` inherits the item's severity (so `status: opgelost`
alone closes it, and a short update keeps an extreme item in the attention list). The
liaison's room here posts GREEN by default; its own report M-1 is TLP:RED and extreme,
so no other room sees it. A reply "Evacuatie loopt." was stored as a GREEN report with
severity extreme: every cleared coordinator room was alerted to an extreme GGD item and
listed it under attention, a RED report's severity shown at GREEN. The follow-up now
takes the label of the entry it inherits from (as a marking raises the room's default);
a lower `tlp:` line given with it is refused with the reason.

Through the dispatcher with a real database (SQLite and PostgreSQL).
"""

from __future__ import annotations

import pytest

from commands.dispatcher import Dispatcher
from commands.message import Relation
from storage.engine import Database
from tests.unit.test_follow_up_alerts import to_coordinators
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

RED_EXTREME = "!melding evacuatie\ngemeente: Dordrecht\nernst: extreem\ntlp: rood\nWijk ontruimd."


async def test_a_follow_up_of_a_red_item_does_not_show_its_severity_at_green(
    db: Database, dispatcher: Dispatcher
) -> None:
    first, replies = await send(db, dispatcher, LIAISON, RED_EXTREME, REPORTER)
    assert "TLP:RED" in texts(replies).split("\n", 1)[0], texts(replies)
    body = "!melding evacuatie\nEvacuatie loopt."
    _, replies = await send(
        db, dispatcher, LIAISON, body, REPORTER, relation=Relation(reply_to=first)
    )
    head = texts(replies).split("\n", 1)[0]
    assert "vervolg op M-1" in head and head.endswith("TLP:RED"), texts(replies)
    assert to_coordinators(replies) == "", texts(replies)
    shown = (await picture(db, dispatcher, COORD_RED)).text
    assert "Aandacht" not in shown and "Evacuatie loopt" not in shown, shown


async def test_a_lower_label_given_with_an_inherited_severity_is_refused(
    db: Database, dispatcher: Dispatcher
) -> None:
    await send(db, dispatcher, LIAISON, RED_EXTREME, REPORTER)
    body = "!melding evacuatie\nbetreft: M-1\ntlp: groen\nEvacuatie loopt."
    _, replies = await send(db, dispatcher, LIAISON, body, REPORTER)
    told = texts(replies)
    assert "vastgelegd" not in told and "TLP:RED" in told and "ernst" in told, told


async def test_a_follow_up_with_its_own_severity_keeps_its_own_label(
    db: Database, dispatcher: Dispatcher
) -> None:
    await send(db, dispatcher, LIAISON, RED_EXTREME, REPORTER)
    body = "!melding evacuatie\nbetreft: M-1\nernst: matig\nTerugkeer gestart."
    _, replies = await send(db, dispatcher, LIAISON, body, REPORTER)
    head = texts(replies).split("\n", 1)[0]
    assert "vastgelegd" in head and head.endswith("TLP:GREEN"), texts(replies)


async def test_an_edit_of_such_a_follow_up_keeps_the_label(
    db: Database, dispatcher: Dispatcher
) -> None:
    first, _ = await send(db, dispatcher, LIAISON, RED_EXTREME, REPORTER)
    body = "!melding evacuatie\nEvacuatie loopt."
    follow_up, _ = await send(
        db, dispatcher, LIAISON, body, REPORTER, relation=Relation(reply_to=first)
    )
    _, replies = await send(
        db,
        dispatcher,
        LIAISON,
        body.replace("loopt", "loopt nog"),
        REPORTER,
        kind="edit",
        relation=Relation(replaces=follow_up),
    )
    head = texts(replies).split("\n", 1)[0]
    assert "bijgewerkt" in head and head.endswith("TLP:RED"), texts(replies)
    assert to_coordinators(replies) == "", texts(replies)
