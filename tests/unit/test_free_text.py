"""Free text in a liaison room, through the exactly-once core on a real database:
an update gets one offer, `ja` or a 👍 records it once (also after a restart: the
offer is in the database), chatter gets nothing, and a room set to direct records
at once. Estimates are stored and shown as "ca."."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from commands.message import Reply
from storage.engine import Database
from storage.ids import RoomId, UserId
from storage.models import EntryFigure
from tests.support.chat import OneRoomChat, bound_views, texts
from tests.support.rooms import storm_database

LIAISON = RoomId("!liaison:x")
COORD = RoomId("!coord:x")
ALICE = UserId("@alice:x")
BOB = UserId("@bob:x")
MOD = UserId("@mod:x")
UPDATE = "update stroom zwijndrecht: nog ca. 800 huishoudens zonder stroom"


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = await storm_database(
        tmp_path / "free.db", [(LIAISON, "liaison", "Stedin"), (COORD, "coordinator", "Stedin")]
    )
    yield database
    await database.close()


view = bound_views(power_levels={MOD: 50})


class Chat(OneRoomChat):
    def __init__(self, db: Database) -> None:
        super().__init__(db, view, room=LIAISON, sender=ALICE)

    async def figures(self) -> list[EntryFigure]:
        async with self.db.session() as session:
            return list(await session.scalars(select(EntryFigure)))


async def test_an_update_gets_an_offer_and_ja_records_it_once(db: Database) -> None:
    chat = Chat(db)
    original, replies = await chat.post(UPDATE)
    offer = texts(replies)
    assert "Vastleggen als melding?" in offer and "Zwijndrecht" in offer and "ca. 800" in offer
    assert await chat.entries() == []
    _, replies = await chat.post("Ja")
    assert "vastgelegd uit je bericht" in texts(replies)
    assert "huishoudens zonder stroom ca. 800" in texts(replies)
    (entry,) = await chat.entries()
    assert entry.municipality == "Zwijndrecht" and entry.category == "power"
    assert entry.source_event_id == original and entry.reporter == ALICE and entry.text == UPDATE
    (figure,) = await chat.figures()
    assert figure.estimate and figure.value == 800
    # A second `ja` and a later 👍 record nothing more.
    _, replies = await chat.post("ja")
    assert texts(replies) == ""
    _, replies = await chat.post("👍", kind="reaction", annotates=original)
    assert texts(replies) == ""
    assert len(await chat.entries()) == 1


async def test_a_thumbs_up_records_once_also_after_a_restart(db: Database) -> None:
    chat = Chat(db)
    original, _ = await chat.post(UPDATE)
    chat.restart()  # a new dispatcher: nothing in memory
    _, replies = await chat.post("👍", sender=BOB, kind="reaction", annotates=original)
    assert texts(replies) == "" and await chat.entries() == []  # not Bob's message
    reaction, replies = await chat.post("👍", kind="reaction", annotates=original)
    assert "vastgelegd" in texts(replies)
    # The same reaction event again (a replayed batch) and a second 👍 do nothing.
    _, again = await chat.post("👍", kind="reaction", annotates=original, event_id=reaction)
    assert again is None
    chat.restart()
    _, replies = await chat.post("👍🏻", kind="reaction", annotates=original)
    assert texts(replies) == ""
    assert len(await chat.entries()) == 1


async def test_chatter_gets_nothing_and_questions_are_no_updates(db: Database) -> None:
    chat = Chat(db)
    for body in ("goedemorgen allemaal", "ja", "is de stroom in Dordrecht al terug?", "lol"):
        _, replies = await chat.post(body)
        assert replies == [], body
    assert await chat.entries() == []


async def test_a_room_set_to_direct_records_at_once_and_off_ignores(db: Database) -> None:
    chat = Chat(db)
    _, replies = await chat.post("!vrijetekst direct")
    assert "niet toegestaan" in texts(replies).lower() or "Dat mag hier niet" in texts(replies)
    _, replies = await chat.post("!vrijetekst direct", sender=MOD)
    assert "Vrije tekst in deze kamer: direct" in texts(replies)
    _, replies = await chat.post("Mobiel netwerk in Papendrecht weer in de lucht")
    assert "(deze kamer legt updates direct vast)" in texts(replies)
    (entry,) = await chat.entries()
    assert entry.category == "telecom" and entry.municipality == "Papendrecht"
    _, replies = await chat.post("!vrijetekst uit", sender=MOD)
    _, replies = await chat.post("kookadvies drinkwater Gorinchem ingetrokken")
    assert replies == [] and len(await chat.entries()) == 1


async def test_a_report_with_an_estimate_is_stored_and_confirmed_with_ca(db: Database) -> None:
    chat = Chat(db)
    _, replies = await chat.post(
        "!melding opvang\nregio: ZHZ\ntijd: om half 3\nopvangplekken beschikbaar: ca. 120"
    )
    assert "opvangplekken beschikbaar ca. 120" in texts(replies)
    assert "Zuid-Holland Zuid" in texts(replies)
    (figure,) = await chat.figures()
    assert figure.estimate and figure.value == 120


def test_a_reaction_event_becomes_a_reaction_message() -> None:
    from nio import ReactionEvent

    from bot.events import to_message

    event = ReactionEvent.from_dict(
        {
            "type": "m.reaction",
            "event_id": "$r",
            "sender": "@alice:x",
            "origin_server_ts": 1_700_000_000_000,
            "content": {
                "m.relates_to": {"rel_type": "m.annotation", "event_id": "$m", "key": "👍"}
            },
        }
    )
    message = to_message(event, "!liaison:x", "@bot:x")
    assert message is not None
    assert message.kind == "reaction" and message.body == "👍"
    assert message.relation.annotates == "$m"


async def test_the_dutch_csv_file_is_named_in_amsterdam_time(db: Database) -> None:
    from datetime import timedelta
    from zoneinfo import ZoneInfo

    chat = Chat(db)
    await chat.post("!melding opvang\ngemeente: Dordrecht\nopvangplekken beschikbaar: ca. 120")
    local = datetime.now(ZoneInfo("Europe/Amsterdam"))
    _, replies = await chat.post("!export csv", room=COORD, sender=ALICE)
    names = [r.attachment.filename for r in replies or [] if isinstance(r, Reply) and r.attachment]
    stamps = {
        f"knooppunt-storm-{(local + timedelta(minutes=d)).strftime('%Y%m%d-%H%M')}.csv"
        for d in (0, 1)
    }
    assert len(names) == 1 and names[0] in stamps, (names, stamps)
    (reply,) = [r for r in replies or [] if isinstance(r, Reply) and r.attachment]
    assert reply.attachment is not None
    assert ";ca. 120" not in reply.attachment.data.decode("utf-8-sig")  # the label comes first
    assert "opvangplekken beschikbaar: ca. 120" in reply.attachment.data.decode("utf-8-sig")
