"""Attacks on free-text offers (outside attacker, session 5): an update the liaison took
back (redacted) or corrected (edited) must never be recorded from its old words by a
later `ja` or 👍, also not after a restart."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from commands.message import Relation
from storage import incidents, rooms
from storage.engine import Database
from storage.ids import EventId, RoomId, UserId
from storage.rooms import BindingView
from tests.support.chat import CoreChat, texts
from tests.support.rooms import storm_database

LIAISON = RoomId("!liaison:x")
ALICE = UserId("@alice:x")
UPDATE = "update stroom zwijndrecht: nog ca. 800 huishoudens zonder stroom"
WRONG_ROOM = "update opvang dordrecht: 40 plekken vrij in sporthal geheimweg"


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = await storm_database(tmp_path / "free.db", [(LIAISON, "liaison", "Stedin")])
    yield database
    await database.close()


async def test_a_redacted_update_is_not_recorded_by_a_later_ja(db: Database) -> None:
    """Alice posts an update in the wrong room, gets the offer, redacts her message; a
    later `ja` (to a colleague) or a 👍 on the offer must not bring the withdrawn words
    back as a report that the incident's coordinators then read."""
    chat = CoreChat(db)
    original, result = await chat.handle(LIAISON, ALICE, WRONG_ROOM)
    assert result is not None and "Vastleggen als melding?" in texts(result[0])
    await chat.handle(LIAISON, ALICE, "", kind="redaction", relation=Relation(redacts=original))
    chat.restart()
    _, result = await chat.handle(LIAISON, ALICE, "ja")
    assert result is not None
    assert await chat.entries() == [], texts(result[0])
    await chat.react(LIAISON, ALICE, original)
    assert await chat.entries() == []


async def test_an_update_edited_into_chatter_is_not_recorded_from_its_old_words(
    db: Database,
) -> None:
    """Alice corrects her update by editing it into plain chatter (the figure was wrong);
    a `ja` must not record the figure she took back."""
    chat = CoreChat(db)
    original, result = await chat.handle(LIAISON, ALICE, UPDATE)
    assert result is not None and "ca. 800" in texts(result[0])
    await chat.handle(
        LIAISON,
        ALICE,
        "laat maar, cijfer klopte niet",
        kind="edit",
        relation=Relation(replaces=EventId(original)),
    )
    await chat.handle(LIAISON, ALICE, "ja")
    assert await chat.entries() == []


async def corrected_then_confirmed(chat: CoreChat) -> EventId:
    """Alice's update, edited from ca. 800 to ca. 300 households, then her `ja` to the
    offer: the update's event id."""
    original, _ = await chat.handle(LIAISON, ALICE, UPDATE)
    corrected = UPDATE.replace("ca. 800", "ca. 300")
    await chat.handle(
        LIAISON, ALICE, corrected, kind="edit", relation=Relation(replaces=EventId(original))
    )
    await chat.handle(LIAISON, ALICE, "ja")
    return original


async def test_an_edited_update_is_recorded_as_edited(db: Database) -> None:
    """Regression guard: the edit corrects the figure; `ja` records the corrected words,
    once, never the first ones."""
    chat = CoreChat(db)
    original = await corrected_then_confirmed(chat)
    (entry,) = await chat.entries()
    assert "300" in entry.text and "800" not in entry.text
    await chat.react(LIAISON, ALICE, original)
    assert len(await chat.entries()) == 1, "the old words were recorded too"


async def test_redacting_an_edited_update_after_ja_retracts_its_report(db: Database) -> None:
    """The report recorded from an edited update answers to the message: redacting the
    message (which in a client removes it with its edits) retracts the report."""
    chat = CoreChat(db)
    original = await corrected_then_confirmed(chat)
    await chat.handle(LIAISON, ALICE, "", kind="redaction", relation=Relation(redacts=original))
    (entry,) = await chat.entries()
    assert entry.retracted_at is not None


async def test_a_free_text_update_marked_tlp_red_is_recorded_red(db: Database) -> None:
    chat = CoreChat(db)
    await chat.handle(LIAISON, ALICE, UPDATE + " TLP:RED")
    await chat.handle(LIAISON, ALICE, "ja")
    (entry,) = await chat.entries()
    assert entry.tlp == "RED"


async def test_an_update_edited_into_a_report_command_is_recorded_once(db: Database) -> None:
    """Alice's update gets the offer; she edits her message into a `!melding` (which
    records it as a report); a later `ja` or 👍 to the offer must not record the same
    message a second time (a doubled report in every picture and alert)."""
    chat = CoreChat(db)
    original, _ = await chat.handle(LIAISON, ALICE, UPDATE)
    report = "!melding stroom\ngemeente: Zwijndrecht\nNog ca. 800 huishoudens zonder stroom"
    _, result = await chat.handle(
        LIAISON, ALICE, report, kind="edit", relation=Relation(replaces=EventId(original))
    )
    assert result is not None and "M-1" in texts(result[0])
    await chat.handle(LIAISON, ALICE, "ja")
    await chat.react(LIAISON, ALICE, original)
    assert len(await chat.entries()) == 1, "the message was recorded twice"


async def test_an_update_edited_into_a_refused_command_is_not_recorded_from_its_old_words(
    db: Database,
) -> None:
    """Alice edits her update into a `!melding` the bot refuses (a label it does not
    know): her old words are replaced all the same, so a `ja` must not record them."""
    chat = CoreChat(db)
    original, _ = await chat.handle(LIAISON, ALICE, UPDATE)
    report = "!melding stroom\ntlp: paars\nNog ca. 300 huishoudens zonder stroom"
    await chat.handle(
        LIAISON, ALICE, report, kind="edit", relation=Relation(replaces=EventId(original))
    )
    await chat.handle(LIAISON, ALICE, "ja")
    await chat.react(LIAISON, ALICE, original)
    assert await chat.entries() == []


async def test_an_offer_made_in_a_drill_is_void_once_the_room_works_on_reality(
    db: Database,
) -> None:
    """The liaison room worked in a drill when Alice typed her update; an admin rebinds
    it to the real incident before her `ja`. The drill's words must not become a real
    report (exercise isolation); an offer is void once the room is bound anew."""
    drill = BindingView("liaison", "oef", "Stedin", "AMBER", "AMBER")
    real = BindingView("liaison", "storm", "Stedin", "AMBER", "AMBER")
    async with db.transaction() as session:
        await incidents.open_incident(session, "oef", "Oefening", "test", exercise=True)
        await rooms.bind_as(session, LIAISON, drill, UserId("@admin:x"))
    chat = CoreChat(db)
    original, result = await chat.handle(LIAISON, ALICE, UPDATE)
    assert result is not None and "OEFENING" in texts(result[0])
    async with db.transaction() as session:
        await rooms.bind_as(session, LIAISON, real, UserId("@admin:x"))
    await chat.handle(LIAISON, ALICE, "ja")
    await chat.react(LIAISON, ALICE, original)
    assert await chat.entries() == []
