"""`!object` with the distinctive part of a name, as a coordinator types it.

User check (session 19, `knooppunt demo`): "!object Kinderdijkhof" answered "Geen object
gevonden" although the sample holds "Woonzorgcentrum Kinderdijkhof"; only the whole
name found it. The matcher for reports rightly wants every word of a name (a report
naming "Kinderdijkhof" in passing is no mention of the care home's full name), but a
look-up is a request to find it."""

from __future__ import annotations

from storage.engine import Database
from tests.unit.test_objects import COORD, TOWN, Chat, db

__all__ = ["db"]


async def test_the_distinctive_word_of_a_name_finds_the_object(db: Database) -> None:
    chat = Chat(db)
    card = await chat.post("!object Lingehof", room=COORD)
    assert card.startswith("TLP:GREEN — Verpleeghuis De Lingehof · "), card
    typo = await chat.post("!object Merwehoff", room=COORD)
    assert typo.startswith("TLP:GREEN — Verpleeghuis Merwehof · "), typo


async def test_a_word_several_names_share_lists_them(db: Database) -> None:
    chat = Chat(db)
    listed = await chat.post("!object Verpleeghuis", room=COORD)
    assert "gor-1 — Verpleeghuis De Lingehof" in listed, listed
    assert "dor-1 — Verpleeghuis Merwehof" in listed, listed


async def test_a_part_of_a_name_above_the_rooms_clearance_is_only_hinted(db: Database) -> None:
    chat = Chat(db)
    reply = await chat.post("!object Gasthuis", room=TOWN)
    assert "objectinformatie aanwezig (TLP:AMBER)" in reply, reply
    for secret in ("48", "Boerhaavelaan", "kk-spaarne", "noodstroom"):
        assert secret not in reply


async def test_a_short_common_word_finds_nothing(db: Database) -> None:
    chat = Chat(db)
    assert "Geen object gevonden" in await chat.post("!object De", room=COORD)


async def test_a_municipality_still_lists_its_objects(db: Database) -> None:
    chat = Chat(db)
    listed = await chat.post("!object Gorinchem", room=COORD)
    assert "Objecten in Gorinchem" in listed, listed
