"""The strict label as people punctuate it.

`TLP:AMBER+STRICT` keeps a report within its organisation. Written with another mark
between the two words (`AMBER/STRICT`, `AMBER (STRICT)`, or the en dash a word processor
makes of `AMBER - STRICT`), the text marking was read as plain AMBER: the report went to
every AMBER room of every organisation. A `tlp:` line so written was refused as an
unknown label. Both now read AMBER+STRICT.
"""

from __future__ import annotations

import pytest

from commands.dispatcher import Dispatcher
from storage import tlp
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

WRITTEN = [
    "AMBER/STRICT",
    "AMBER (STRICT)",
    "AMBER – STRICT",
    "AMBER—STRICT",
    "AMBER:STRICT",
    "AMBER, STRICT",
    "AMBER&STRICT",
    "oranje/strikt",
]


@pytest.mark.parametrize("written", WRITTEN)
def test_the_strict_label_is_read_however_it_is_punctuated(written: str) -> None:
    assert tlp.text_marking(f"Vertrouwelijk. TLP:{written}") == "AMBER+STRICT"
    assert tlp.parse_label(written) == "AMBER+STRICT"


def test_amber_alone_stays_amber() -> None:
    assert tlp.text_marking("TLP:AMBER. Strikt genomen is de dijk nog dicht.") == "AMBER"
    assert tlp.text_marking("TLP:AMBER") == "AMBER"


@pytest.mark.postgres
async def test_a_report_marked_amber_slash_strict_stays_in_its_organisation(
    db: Database, dispatcher: Dispatcher
) -> None:
    body = "!melding water\ngemeente: Dordrecht\nKwel bij gemaal De Noord. TLP:AMBER/STRICT"
    _, replies = await send(db, dispatcher, LIAISON, body, REPORTER)
    head = texts(replies).split("\n", 1)[0]
    assert "vastgelegd" in head and head.endswith("TLP:AMBER+STRICT"), texts(replies)
    shown = (await picture(db, dispatcher, COORD_RED)).text  # another organisation
    assert "Kwel" not in shown, shown
