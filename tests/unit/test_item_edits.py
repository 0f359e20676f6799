"""Edits of reports and situation items (issue 12, what was left).

Regression tests: an edit's confirmation showed the new state only (no old -> new, no
`bron`); an edit naming `betreft: M-7` stayed in its own item; object links were not
redone when a report was edited; a free-text report had no 'Bekend object' line.

Through the exactly-once core (event log, dispatcher) on a real SQLite database.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from bot.syncer import process_message
from commands.message import Message, Relation, Reply
from storage import objects as store
from storage.engine import Database
from storage.ids import EventId, UserId
from storage.models import ItemLatest, SituationEntry
from tests.unit.test_edits_and_redactions import COORD, Chat, db
from tests.unit.test_objects import ALICE as OBJ_ALICE
from tests.unit.test_objects import LIAISON as OBJ_LIAISON
from tests.unit.test_objects import Chat as ObjectChat
from tests.unit.test_objects import db as objects_db
from tests.unit.test_objects import view as objects_view

__all__ = ["db", "objects_db"]  # fixtures, imported for pytest

BASE = "!melding water\ngemeente: Zwolle\nernst: matig\nbron: dijkwacht\nDijk lekt bij de sluis."


def text_of(replies: object) -> str:
    assert isinstance(replies, list)
    return "\n".join(r.text for r in replies if isinstance(r, Reply))


async def code_of(chat: Chat, body: str) -> tuple[EventId, str]:
    event_id, replies = await chat.post(body)
    text = text_of(replies)
    assert "vastgelegd" in text, text
    return event_id, text.split("Melding ", 1)[1].split(" ", 1)[0]


async def test_an_edit_confirmation_shows_old_and_new_and_echoes_the_source(db: Database) -> None:
    chat = Chat(db)
    original, code = await code_of(chat, BASE)
    replies = await chat.edit(
        original,
        "!melding water\ngemeente: Zwolle\nernst: ernstig\nbron: meldkamer\n"
        "Dijk lekt bij de sluis, water stijgt.",
    )
    text = text_of(replies)
    assert f"Melding {code} bijgewerkt (revisie 2)" in text, text
    assert "matig → ernstig" in text, text
    assert "dijkwacht → meldkamer" in text, text
    assert "Bron: meldkamer" in text, text
    # What did not change is not listed as a change.
    assert "Zwolle →" not in text, text


async def test_an_edit_naming_betreft_moves_the_entry_to_that_item(db: Database) -> None:
    chat = Chat(db)
    _, first = await code_of(chat, BASE.replace("matig", "ernstig"))
    second_event, second = await code_of(
        chat, "!melding water\ngemeente: Kampen\nernst: extreem\nKade Kampen overstroomd."
    )
    before = text_of((await chat.post("!beeld", room=COORD))[1])
    assert first in before and second in before, before
    replies = await chat.edit(
        second_event,
        f"!melding water\ngemeente: Kampen\nernst: extreem\nbetreft: {first}\n"
        "Kade Kampen overstroomd.",
    )
    assert f"vervolg op {first}" in text_of(replies), text_of(replies)
    async with db.session() as session:
        moved = await session.scalar(
            select(SituationEntry).where(SituationEntry.id == int(second[2:]))
        )
        assert moved is not None and moved.item_id == int(first[2:])
    after = text_of((await chat.post("!beeld", room=COORD))[1])
    attention = after.split("Aandacht: ernstig of extreem", 1)[1].split("\n\n", 1)[0]
    # One item now, shown by its latest entry; the item the edit left is gone.
    assert second in attention and first not in attention, after
    async with db.session() as session:
        items_left = set(await session.scalars(select(ItemLatest.item_id)))
    assert items_left == {int(first[2:])}
    # An unknown `betreft:` in an edit is refused and changes nothing.
    replies = await chat.edit(
        second_event,
        "!melding water\ngemeente: Kampen\nernst: extreem\nbetreft: M-9999\nKade weg.",
    )
    assert "M-9999" in text_of(replies) and "bijgewerkt" not in text_of(replies)


async def _post(chat: ObjectChat, body: str, **relation: str) -> str:
    chat.count += 1
    message = Message(
        EventId(f"$ev{chat.count}"),
        OBJ_LIAISON,
        UserId(OBJ_ALICE),
        body,
        datetime.now(UTC),
        kind="edit" if "replaces" in relation else "message",
        relation=Relation(**{k: EventId(v) for k, v in relation.items()}),  # type: ignore[arg-type]
    )
    result = await process_message(chat.db, chat.dispatcher, message, objects_view)
    assert result is not None
    return text_of(result[0])


async def test_object_links_are_redone_when_a_report_is_edited(objects_db: Database) -> None:
    chat = ObjectChat(objects_db)
    reply = await _post(chat, "!melding zorg\ngemeente: Haarlem\nlocatie: Spaarne Gasthuis")
    assert "Bekend object: Spaarne Gasthuis" in reply, reply
    code = int(reply.split("Melding M-", 1)[1].split(" ", 1)[0])
    edited = await _post(
        chat,
        "!melding zorg\ngemeente: Beverwijk\nlocatie: Rode Kruis Ziekenhuis",
        replaces=f"$ev{chat.count}",
    )
    assert "Bekend object: Rode Kruis Ziekenhuis" in edited, edited
    assert "Bekend object: Spaarne" not in edited, edited
    async with objects_db.session() as session:
        linked = await store.linked_objects(session, [code])
    assert {row.id for row in linked.get(code, [])} == {"kk-rode"}


async def test_a_free_text_report_names_the_known_object(objects_db: Database) -> None:
    chat = ObjectChat(objects_db)
    offer = await _post(chat, "update zorg haarlem: Spaarne Gasthuis draait op noodstroom")
    assert offer, "no offer"
    recorded = await _post(chat, "ja")
    assert "vastgelegd" in recorded, recorded
    assert "Bekend object: Spaarne Gasthuis" in recorded, recorded


async def test_redacting_the_edit_that_moved_an_entry_moves_it_back(db: Database) -> None:
    chat = Chat(db)
    _, first = await code_of(chat, BASE.replace("matig", "ernstig"))
    second_event, second = await code_of(
        chat, "!melding water\ngemeente: Kampen\nernst: extreem\nKade Kampen overstroomd."
    )
    edit_event, replies = await chat.post(
        f"!melding water\ngemeente: Kampen\nernst: extreem\nbetreft: {first}\nKade weg.",
        kind="edit",
        replaces=second_event,
    )
    assert f"vervolg op {first}" in text_of(replies)
    replies = await chat.redact(edit_event)
    assert "revisie 1" in text_of(replies), text_of(replies)
    async with db.session() as session:
        entry = await session.get(SituationEntry, int(second[2:]))
        assert entry is not None and entry.item_id == int(second[2:])
    after = text_of((await chat.post("!beeld", room=COORD))[1])
    attention = after.split("Aandacht: ernstig of extreem", 1)[1].split("\n\n", 1)[0]
    assert first in attention and second in attention, after


async def test_an_estimate_that_did_not_change_is_not_listed_as_changed(db: Database) -> None:
    chat = Chat(db)
    body = "!melding opvang\ngemeente: Zwolle\nopvangplekken beschikbaar: ca. 120\nSporthal open."
    original, _ = await code_of(chat, body)
    text = text_of(await chat.edit(original, body.replace("Sporthal open.", "Sporthal vol.")))
    assert "Sporthal open. → Sporthal vol." in text, text
    assert "Cijfers:" in text and "• Cijfers" not in text, text
