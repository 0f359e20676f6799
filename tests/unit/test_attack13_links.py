"""Attacks on linking a new question to an open one (outside attacker, session 15).

A false link is the dangerous error: the asker is told "the same question is already
with the curators" and later gets the answer to someone else's question. Two kinds of
false link were made on main:

- questions that differ only in what they name: a municipality, a street, a road, a
  hall ("Hoeveel zandzakken krijgt Papendrecht vandaag?" against "… Alblasserdam …"):
  the rest of the words and the nearest store items are the same, so the score was
  high, and Alblasserdam's sandbag answer would have gone to Papendrecht;
- the same words meaning different things: "Hoeveel zandzakken krijgen wij vandaag?"
  asked in Dordrecht's room and in Zwijndrecht's room (each "wij" is its own
  municipality).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from knowledge import service
from storage.engine import Database
from storage.ids import RoomId, UserId
from storage.rooms import BindingView
from tests.support.chat import CoreChat, bound_views, texts
from tests.support.rooms import storm_database

TOWN = RoomId("!dordrecht:x")
TOWN2 = RoomId("!zwijndrecht:x")
CURATORS = RoomId("!redactie:x")
ALICE = UserId("@alice:x")
BOB = UserId("@bob:x")
SAMPLE = Path(__file__).resolve().parents[2] / "knowledge" / "sample"


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    dordrecht = BindingView("municipality", "storm", "Gemeente Dordrecht", "GREEN", "GREEN")
    zwijndrecht = BindingView("municipality", "storm", "Gemeente Zwijndrecht", "GREEN", "GREEN")
    database = await storm_database(
        tmp_path / "q.db",
        [(CURATORS, "curator", "VR")],
        active=True,
        more={TOWN: dordrecht, TOWN2: zwijndrecht},
    )
    # The sample store the demo runs with: its nearest items make the link surer.
    await service.import_path(database, SAMPLE, "test")
    yield database
    await database.close()


view = bound_views()


def told_in(result: object, room: RoomId) -> str:
    assert isinstance(result, tuple)
    return texts([r for r in result[0] if getattr(r, "room_id", None) in (None, room)])


async def linked_to(db: Database) -> list[int | None]:
    from sqlalchemy import select

    from storage.models import OpenQuestion

    async with db.session() as session:
        rows = await session.scalars(select(OpenQuestion).order_by(OpenQuestion.id))
        return [row.linked_to for row in rows]


@pytest.mark.parametrize(
    ("first", "again"),
    [
        (
            "Hoeveel zandzakken krijgt Papendrecht vandaag?",
            "Hoeveel zandzakken krijgt Alblasserdam vandaag?",
        ),
        ("Is de N3 afgesloten door de storm?", "Is de A15 afgesloten door de storm?"),
        (
            "Moet de basisschool aan de Dorpsstraat dicht?",
            "Moet de basisschool aan de Kerkweg dicht?",
        ),
        (
            "Hoeveel evacuees zitten er nu in sporthal Oost?",
            "Hoeveel evacuees zitten er nu in sporthal West?",
        ),
        (
            "Hoeveel veldbedden komen er op 12 december?",
            "Hoeveel veldbedden komen er op 14 december?",
        ),
    ],
)
async def test_questions_naming_different_places_are_not_linked(
    db: Database, first: str, again: str
) -> None:
    chat = CoreChat(db, view)
    _, result = await chat.handle(TOWN2, ALICE, f"!vraag {first}")
    assert result is not None and "V1" in told_in(result, TOWN2)
    _, result = await chat.handle(TOWN, BOB, f"!vraag {again}")
    told = told_in(result, TOWN)
    assert "V2" in told and "V1" not in told, told
    assert await linked_to(db) == [None, None]


async def test_we_in_two_municipalities_is_not_one_question(db: Database) -> None:
    chat = CoreChat(db, view)
    question = "Hoeveel zandzakken krijgen wij vandaag van de veiligheidsregio?"
    await chat.handle(TOWN2, ALICE, f"!vraag {question}")
    _, result = await chat.handle(TOWN, BOB, f"!vraag {question}")
    told = told_in(result, TOWN)
    assert "V2" in told and "V1" not in told, told
    assert await linked_to(db) == [None, None]


async def test_the_same_question_naming_the_same_place_is_still_linked(db: Database) -> None:
    """The guard's other side: the same need, the same names, is linked as before; so is
    "wij" asked twice in one municipality's room."""
    chat = CoreChat(db, view)
    await chat.handle(TOWN2, ALICE, "!vraag Hoeveel zandzakken krijgt Papendrecht vandaag?")
    _, result = await chat.handle(TOWN, BOB, "!vraag Hoeveel zandzakken krijgt Papendrecht nog?")
    assert "V1" in told_in(result, TOWN), told_in(result, TOWN)
    question = "Hoeveel zandzakken krijgen wij vandaag van de veiligheidsregio?"
    await chat.handle(TOWN, ALICE, f"!vraag {question}")
    _, result = await chat.handle(TOWN, BOB, f"!vraag {question}")
    assert "V3" in told_in(result, TOWN), told_in(result, TOWN)
    assert await linked_to(db) == [None, 1, None, 3]
