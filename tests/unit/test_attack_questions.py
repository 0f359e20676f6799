"""Attacks on open questions (outside attacker, session 5): duplicate-question linking
must not quote to asker B the words of a question asker A put to the bot in a direct
chat. A direct chat is one person's private channel; its questions reach the curators
and appear in no picture outside curator rooms, so they must not reach another room as
"your question was already asked: <A's words>" either."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from storage.engine import Database
from storage.ids import RoomId, UserId
from storage.rooms import BindingView
from tests.support.chat import CoreChat, bound_views, texts
from tests.support.rooms import bind_room, storm_database

DM = RoomId("!dm-alice:x")
TOWN = RoomId("!gemeente:x")
TOWN2 = RoomId("!gemeente-2:x")
CURATORS = RoomId("!redactie:x")
ALICE = UserId("@alice:x")
BOB = UserId("@bob:x")
PRIVATE = "Mag mijn dementerende moeder Truus Jansen mee naar de noodopvang in de Vlinderhal?"
SIMILAR = "Mag mijn dementerende moeder mee naar de noodopvang in de Vlinderhal?"


CURATORS_BOUND = [(CURATORS, "curator", "VR")]
# A municipality room as they are bound: GREEN by default, cleared for GREEN.
TOWN_BINDING = BindingView("municipality", "storm", "Gemeente Dordrecht", "GREEN", "GREEN")


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    other = BindingView("municipality", "storm", "Gemeente Zwijndrecht", "GREEN", "GREEN")
    database = await storm_database(
        tmp_path / "q.db", CURATORS_BOUND, active=True, more={TOWN: TOWN_BINDING, TOWN2: other}
    )
    yield database
    await database.close()


view = bound_views(direct={DM})


async def test_a_direct_chat_question_is_not_quoted_to_another_room(db: Database) -> None:
    chat = CoreChat(db, view)
    _, result = await chat.handle(DM, ALICE, PRIVATE)
    assert result is not None and "V1" in texts(result[0]), texts(result[0])
    _, result = await chat.handle(TOWN, BOB, f"!vraag {SIMILAR}")
    assert result is not None
    to_town = texts([r for r in result[0] if getattr(r, "room_id", None) in (None, TOWN)])
    assert "V2" in to_town, to_town  # the baseline: Bob's question is taken in
    assert "Truus" not in to_town and "dementerende moeder Truus" not in to_town, to_town
    assert "V1" not in to_town, to_town


async def test_two_municipality_rooms_questions_are_still_linked(db: Database) -> None:
    """The guard's other side: a question from a bound GREEN municipality room may go to
    another GREEN municipality room, so a repeat is linked and told as before."""
    chat = CoreChat(db, view)
    _, result = await chat.handle(TOWN2, ALICE, f"!vraag {SIMILAR}")
    assert result is not None and "V1" in texts(result[0])
    _, result = await chat.handle(TOWN, BOB, f"!vraag {SIMILAR}")
    assert result is not None
    to_town = texts([r for r in result[0] if getattr(r, "room_id", None) in (None, TOWN)])
    assert "V1" in to_town and "gekoppeld" in to_town, to_town


# ------------------------------------------------------------------ a TLP marking in a question
# A question is words like a report's: "… TLP:AMBER" or a line "tlp: rood" is the asker's
# label. It raises the room's default (never lowers it); a marking above a `tlp:` line is
# refused; and the question then goes only where the shared rule lets that label go.

ROUTE = "Welke route nemen de bussen bij de evacuatie van wijk Sterrenburg?"


async def stored_questions(db: Database) -> list[tuple[str, str]]:
    from sqlalchemy import select

    from storage.models import OpenQuestion

    async with db.session() as session:
        rows = await session.scalars(select(OpenQuestion).order_by(OpenQuestion.id))
        return [(row.question, row.tlp) for row in rows]


def to_room(result: object, room: RoomId) -> str:
    assert isinstance(result, tuple)
    return texts([r for r in result[0] if getattr(r, "room_id", None) in (None, room)])


def elsewhere(result: object, room: RoomId) -> str:
    assert isinstance(result, tuple)
    return texts([r for r in result[0] if getattr(r, "room_id", None) == room])


async def test_a_question_marked_amber_is_not_linked_into_a_green_room(db: Database) -> None:
    chat = CoreChat(db, view)
    _, result = await chat.handle(TOWN2, ALICE, f"!vraag {ROUTE} TLP:AMBER")
    assert result is not None and "V1" in texts(result[0]), texts(result[0])
    # The AMBER curator room may see it, and is told its label.
    assert "TLP:AMBER" in elsewhere(result, CURATORS), texts(result[0])
    assert await stored_questions(db) == [(f"{ROUTE} TLP:AMBER", "AMBER")]
    _, result = await chat.handle(TOWN, BOB, f"!vraag {ROUTE}")
    told = to_room(result, TOWN)
    assert "V2" in told and "V1" not in told and "TLP:AMBER" not in told, told


async def test_a_tlp_line_in_a_question_raises_its_label_and_is_not_its_text(
    db: Database,
) -> None:
    chat = CoreChat(db, view)
    _, result = await chat.handle(TOWN, ALICE, f"!vraag {ROUTE}\ntlp: rood")
    assert result is not None
    # RED never leaves the asking room: no curator room is shown it, and the asker is
    # told so (not that the curators have it).
    assert elsewhere(result, CURATORS) == "", texts(result[0])
    told = to_room(result, TOWN)
    assert "V1" in told and "TLP:RED" in told and "redactie" in told, told
    assert await stored_questions(db) == [(ROUTE, "RED")]


async def test_a_marking_never_lowers_a_questions_label(db: Database) -> None:
    chat = CoreChat(db, view)
    await chat.handle(TOWN, ALICE, f"!vraag {ROUTE} (TLP:CLEAR)")
    await chat.handle(TOWN, ALICE, f"!vraag {ROUTE} Waar verzamelen?\ntlp: clear")
    assert [label for _, label in await stored_questions(db)] == ["GREEN", "GREEN"]


async def test_a_marking_above_the_tlp_line_is_refused_and_nothing_is_stored(
    db: Database,
) -> None:
    chat = CoreChat(db, view)
    _, result = await chat.handle(TOWN, ALICE, f"!vraag {ROUTE} TLP:RED\ntlp: groen")
    told = to_room(result, TOWN)
    assert "TLP:RED" in told and "tlp: GREEN" in told, told
    assert elsewhere(result, CURATORS) == ""
    assert await stored_questions(db) == []


async def test_a_marked_question_in_a_direct_chat_is_raised_too(db: Database) -> None:
    chat = CoreChat(db, view)
    _, result = await chat.handle(DM, ALICE, f"{ROUTE}\nTLP:AMBER")
    assert result is not None
    # A line of its own that says TLP:AMBER is the question's label line.
    assert await stored_questions(db) == [(ROUTE, "AMBER")]


async def test_a_question_opening_with_its_marking_is_kept_whole(db: Database) -> None:
    """ "TLP:AMBER Welke route …?" on one line is a question with a marking, not a label
    line with a bad label: nothing of it is dropped, and it is AMBER."""
    chat = CoreChat(db, view)
    _, result = await chat.handle(TOWN2, ALICE, f"!vraag TLP:AMBER {ROUTE}")
    assert result is not None and "V1" in texts(result[0]), texts(result[0])
    assert await stored_questions(db) == [(f"TLP:AMBER {ROUTE}", "AMBER")]


# ------------------------------------------------------------------ exercise and reality


@pytest.fixture
async def exercise_db(tmp_path: Path) -> AsyncIterator[Database]:
    from storage import incidents as incident_repo

    database = await storm_database(
        tmp_path / "x.db", CURATORS_BOUND, active=True, more={TOWN: TOWN_BINDING}
    )
    async with database.transaction() as session:
        await incident_repo.open_incident(session, "oef", "Oefening", "test", exercise=True)
        drill = BindingView("curator", "oef", "VR", "AMBER", "AMBER")
        await bind_room(session, DRILL_CURATORS, drill)
    yield database
    await database.close()


DRILL_CURATORS = RoomId("!redactie-oefening:x")


@pytest.mark.parametrize("publish", ["", " --publish\nbron: https://example.org/oefening"])
async def test_an_exercise_curator_room_cannot_answer_a_real_question(
    exercise_db: Database, publish: str
) -> None:
    """A real question answered from a curator room bound to an exercise would reach the
    real asker as an OEFENING answer, close the question for the real curators (lost),
    and with --publish put exercise words into the real knowledge store."""
    from storage import knowledge_items, open_questions

    chat = CoreChat(exercise_db, view)
    _, result = await chat.handle(TOWN, ALICE, f"!vraag {ROUTE}")
    assert result is not None and "V1" in texts(result[0])
    body = f"!antwoord V1 Oefenantwoord: de bussen rijden via sporthal Oefenoord.{publish}"
    _, result = await chat.handle(DRILL_CURATORS, BOB, body)
    assert result is not None
    assert elsewhere(result, TOWN) == "", texts(result[0])
    async with exercise_db.session() as session:
        row = await open_questions.get(session, 1)
        assert row is not None and row.status == "open" and row.answer is None
        assert await knowledge_items.get(session, "vraag-1") is None
