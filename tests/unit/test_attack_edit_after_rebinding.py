"""Attack on edits after an admin changed the room's binding (session 14, attack8).

An edit is read as the whole message again; what the message did not say came from
the room's binding as it is NOW, not as it was when the message was recorded:

- a decision edited after its room was rebound to another organisation took that
  organisation: AMBER+STRICT words of the first went to the other's rooms, and left
  the rooms of the organisation they belong to (reports keep theirs);
- a report or decision written without `tlp:` took the room's default label when
  it was recorded; after an admin lowered that default (AMBER to GREEN, "from now
  on"), a typo fixed in yesterday's report made it GREEN without a word, and it went
  to every GREEN room.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from commands.dispatcher import CommandSettings
from storage import rooms
from storage.engine import Database
from storage.ids import RoomId, UserId
from tests.support.chat import CoreChat, texts
from tests.support.rooms import incident_database

ADMIN = UserId("@admin:x")
LIAISON_USER = UserId("@ggd:x")
RWS = RoomId("!rws-crisis:x")  # the decision's room, first bound to Rijkswaterstaat
RWS_OTHER = RoomId("!rws-staf:x")  # another Rijkswaterstaat room
WS_OTHER = RoomId("!ws-staf:x")  # a Waterschap room
LIAISON = RoomId("!ggd-liaison:x")
TOWN = RoomId("!gemeente:x")  # a GREEN municipality room of the incident

BINDINGS = {
    RWS: "incident=storm org=RWS rol=coordinator clearance=amber+strict",
    RWS_OTHER: "incident=storm org=RWS rol=coordinator clearance=amber+strict",
    WS_OTHER: "incident=storm org=Waterschap rol=coordinator clearance=amber+strict",
    LIAISON: "incident=storm org=GGD rol=liaison tlp=amber clearance=amber",
    TOWN: "incident=storm org=Dordrecht rol=gemeente tlp=green clearance=green",
}
DECISION = (
    "!besluit Dijkvak 12 wordt opgegeven, evacuatie Papendrecht voorbereiden\ntlp: amber+strict"
)
REPORT = "!melding opvang\ngemeente: Dordrecht\nOpvang in de kazerne aan de Dordtse Kil."


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = await incident_database(tmp_path / "edit.db", {"storm": "Storm"}, "test")
    yield database
    await database.close()


async def _chat(db: Database) -> CoreChat:
    settings = CommandSettings(bot_user_id="@bot:x", admins=frozenset({ADMIN}))
    chat = CoreChat(db, settings=settings)
    for room, binding in BINDINGS.items():
        assert "gekoppeld" in await _say(chat, room, f"!kamer koppel {binding}")
    async with db.transaction() as session:
        for room in BINDINGS:
            await rooms.mark_joined(session, room, datetime.now(UTC))
    return chat


async def _say(chat: CoreChat, room: RoomId, body: str, sender: UserId = ADMIN, **rel: str) -> str:
    kind = "edit" if "replaces" in rel else "message"
    _, replies = await chat.send_event(room, sender, body, kind=kind, **rel)
    assert replies is not None
    return texts(replies)


async def test_an_edited_decision_stays_with_the_organisation_it_was_recorded_for(
    db: Database,
) -> None:
    chat = await _chat(db)
    event_id, replies = await chat.send_event(RWS, ADMIN, DECISION)
    assert replies is not None and "B-1" in texts(replies), texts(replies or [])
    assert "Dijkvak 12" in await _say(chat, RWS_OTHER, "!beeld")
    assert "Dijkvak 12" not in await _say(chat, WS_OTHER, "!beeld")
    # The room is handed to the Waterschap; the decision's author fixes a typo.
    assert "gekoppeld" in await _say(
        chat, RWS, "!kamer koppel incident=storm org=Waterschap rol=coordinator"
    )
    edited = DECISION.replace("voorbereiden", "voorbereiden.")
    assert "B-1" in await _say(chat, RWS, edited, replaces=event_id)
    seen = await _say(chat, WS_OTHER, "!beeld")
    assert "Dijkvak 12" not in seen, seen
    kept = await _say(chat, RWS_OTHER, "!beeld")
    assert "Dijkvak 12" in kept, kept


@pytest.mark.parametrize("what", ["report", "decision"])
async def test_an_edit_without_a_label_keeps_the_label_the_item_had(
    db: Database, what: str
) -> None:
    chat = await _chat(db)
    body = REPORT if what == "report" else "!besluit Opvang in de kazerne aan de Dordtse Kil."
    sender = LIAISON_USER if what == "report" else ADMIN
    room = LIAISON
    if what == "decision":
        room = RWS
        assert "gekoppeld" in await _say(
            chat, RWS, "!kamer koppel incident=storm org=RWS rol=coordinator tlp=amber"
        )
    event_id, replies = await chat.send_event(room, sender, body)
    assert replies is not None and "TLP:AMBER" in texts(replies), texts(replies or [])
    assert "Dordtse Kil" not in await _say(chat, TOWN, "!beeld")
    # From now on the room's default is GREEN; yesterday's item is edited for a typo.
    rebind = BINDINGS[LIAISON] if what == "report" else "incident=storm org=RWS rol=coordinator"
    assert "gekoppeld" in await _say(
        chat, room, f"!kamer koppel {rebind.replace('tlp=amber', '')} tlp=green"
    )
    answer = await _say(chat, room, body.replace("kazerne", "Kazerne"), sender, replaces=event_id)
    assert "TLP:AMBER" in answer, answer
    seen = await _say(chat, TOWN, "!beeld")
    assert "Dordtse Kil" not in seen, seen


async def test_an_edit_without_a_label_takes_a_raised_default(db: Database) -> None:
    """The other way round nothing changed: words edited after an admin raised the room's
    default (GREEN to AMBER, "from now on") are AMBER, as the room's new words are."""
    chat = await _chat(db)
    green = "incident=storm org=GGD rol=liaison tlp=green clearance=amber"
    assert "gekoppeld" in await _say(chat, LIAISON, f"!kamer koppel {green}")
    event_id, replies = await chat.send_event(LIAISON, LIAISON_USER, REPORT)
    assert replies is not None and "TLP:GREEN" in texts(replies), texts(replies or [])
    assert "gekoppeld" in await _say(chat, LIAISON, f"!kamer koppel {BINDINGS[LIAISON]}")
    edited = REPORT.replace("kazerne", "Kazerne")
    answer = await _say(chat, LIAISON, edited, LIAISON_USER, replaces=event_id)
    assert "TLP:AMBER" in answer, answer
    assert "Dordtse Kil" not in await _say(chat, TOWN, "!beeld")
