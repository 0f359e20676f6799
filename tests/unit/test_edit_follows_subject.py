"""An edit that adds `betreft: M-…` (session 17): sent fresh, a follow-up naming no
category takes the category of the report it follows, and, naming no place, its place
(`reports._inherit_subject`); the same follow-up made by an edit moved the entry to the
item but kept "overig" at an unknown place, so the item's latest state left its
category's line of the picture. An edit now does as the fresh follow-up does, also an
edit that keeps (or removes) the `betreft:` line of a follow-up: it stays in its item
(an edit without `betreft:` does not move an entry), with the item's category."""

from __future__ import annotations

from storage.engine import Database
from storage.models import SituationEntry
from tests.unit.test_edits_and_redactions import Chat, db
from tests.unit.test_item_edits import BASE, code_of

__all__ = ["db"]  # the fixture, imported for pytest

PLAIN = "!melding\nstatus: update\nWater zakt langzaam."


def _subject(entry: SituationEntry) -> tuple[str, str | None, str | None, int | None]:
    return entry.category, entry.municipality, entry.location, entry.item_id


async def _entry(chat: Chat, code: str) -> SituationEntry:
    (found,) = [e for e in await chat.entries() if e.id == int(code[2:])]
    return found


async def test_an_edit_adding_betreft_takes_the_followed_category_as_a_fresh_follow_up(
    db: Database,
) -> None:
    chat = Chat(db)
    _, first = await code_of(chat, BASE)
    _, fresh = await code_of(chat, PLAIN.replace("status:", f"betreft: {first}\nstatus:"))
    later_event, later = await code_of(chat, PLAIN)
    assert (await _entry(chat, later)).category == "other"
    await chat.edit(later_event, PLAIN.replace("status:", f"betreft: {first}\nstatus:"))
    expected = _subject(await _entry(chat, fresh))
    assert expected == ("water", "Zwolle", None, int(first[2:]))
    assert _subject(await _entry(chat, later)) == expected


async def test_an_edit_adding_betreft_keeps_a_category_and_place_it_names(db: Database) -> None:
    chat = Chat(db)
    _, first = await code_of(chat, BASE)
    later_event, later = await code_of(chat, "!melding stroom\ngemeente: Kampen\nStoring.")
    await chat.edit(later_event, f"!melding stroom\ngemeente: Kampen\nbetreft: {first}\nStoring.")
    assert _subject(await _entry(chat, later)) == ("power", "Kampen", None, int(first[2:]))


async def test_an_edit_of_a_follow_up_keeping_its_betreft_keeps_the_category(
    db: Database,
) -> None:
    chat = Chat(db)
    _, first = await code_of(chat, BASE)
    body = PLAIN.replace("status:", f"betreft: {first}\nstatus:")
    event, fresh = await code_of(chat, body)
    await chat.edit(event, body.replace("langzaam", "snel"))
    entry = await _entry(chat, fresh)
    assert _subject(entry) == ("water", "Zwolle", None, int(first[2:]))
    assert entry.text == "Water zakt snel."


async def test_an_edit_removing_betreft_stays_in_the_item_with_its_category(
    db: Database,
) -> None:
    chat = Chat(db)
    _, first = await code_of(chat, BASE)
    event, fresh = await code_of(chat, PLAIN.replace("status:", f"betreft: {first}\nstatus:"))
    await chat.edit(event, PLAIN.replace("langzaam", "snel"))
    entry = await _entry(chat, fresh)
    assert entry.revision == 2, entry
    assert _subject(entry) == ("water", "Zwolle", None, int(first[2:]))
