"""Review 11: a follow-up that names no category takes its item's category and, naming
no place, its place (reports._inherit_subject, attack 15). The place came from an AMBER
report into a follow-up labelled GREEN (it named its severity, so nothing raised its
label): every room cleared for GREEN read the AMBER report's address."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from commands.dispatcher import Dispatcher
from storage.engine import Database
from storage.models import SituationEntry
from tests.unit.test_picture_follows_entries import (
    COORD_GREEN,
    LIAISON2,
    REPORTER2,
    db,
    dispatcher,
    send,
    texts,
)

__all__ = ["db", "dispatcher"]
pytestmark = pytest.mark.postgres

SECRET = "Schuiladres Lindelaan 7"


async def test_an_amber_place_does_not_go_into_a_green_follow_up(
    db: Database, dispatcher: Dispatcher
) -> None:
    opening = (
        f"!melding zorg\ngemeente: Dordrecht\nlocatie: {SECRET}\nernst: matig\n"
        "tlp: amber\nOpvang van bewoners."
    )
    _, replies = await send(db, dispatcher, LIAISON2, opening, REPORTER2)
    found = re.search(r"Melding (M-\d+) vastgelegd", texts(replies))
    assert found, texts(replies)
    follow = f"!melding\nbetreft: {found.group(1)}\nernst: ernstig\nMeer bewoners."
    _, replies = await send(db, dispatcher, LIAISON2, follow, REPORTER2)
    assert "vastgelegd" in texts(replies), texts(replies)
    for command in ("!beeld storm", "!meldingen"):
        _, replies = await send(db, dispatcher, COORD_GREEN, command, REPORTER2)
        assert "Lindelaan" not in texts(replies), texts(replies)
    # The follow-up itself (and the coordinators' alert about it) may hold the place
    # only under the AMBER report's label.
    async with db.session() as session:
        rows = (await session.execute(select(SituationEntry))).scalars().all()
    green = [r.location for r in rows if r.tlp in ("CLEAR", "GREEN")]
    assert all("Lindelaan" not in (place or "") for place in green), green


async def test_a_lower_label_named_keeps_the_place_out(
    db: Database, dispatcher: Dispatcher
) -> None:
    opening = (
        f"!melding zorg\ngemeente: Dordrecht\nlocatie: {SECRET}\nernst: matig\n"
        "tlp: amber\nOpvang van bewoners."
    )
    _, replies = await send(db, dispatcher, LIAISON2, opening, REPORTER2)
    found = re.search(r"Melding (M-\d+) vastgelegd", texts(replies))
    assert found, texts(replies)
    follow = f"!melding\nbetreft: {found.group(1)}\nernst: ernstig\ntlp: groen\nMeer bewoners."
    _, replies = await send(db, dispatcher, LIAISON2, follow, REPORTER2)
    text = texts(replies)
    assert "TLP:GREEN" in text and "Lindelaan" not in text.split("\nM-1:")[0], text
