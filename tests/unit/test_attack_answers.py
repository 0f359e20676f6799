"""Attacks on the curators' answers (session 6): a TLP marking a curator writes into an
answer, a `vraag:` line or a learned phrasing ("… TLP:AMBER") is a label, as it is in
reports, records and `!qa add`. An answer marked above what an asker's room may see is
not sent to it; a published Q&A takes the marking (never a lower label); a phrasing
marked above its Q&A does not become words of that Q&A."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from commands.dispatcher import Dispatcher
from storage import open_questions
from storage.engine import Database
from tests.support.chat import dispatcher_fixture
from tests.unit.test_answers_learn import (
    ANNA,
    CARLA,
    WATER_1,
    item_data,
    make_db,
    send,
    view,
    water_qa_green,
)


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = await make_db(tmp_path)
    yield database
    await database.close()


dispatcher = dispatcher_fixture()


async def status_of(db: Database, number: int) -> str:
    async with db.session() as session:
        row = await open_questions.get(session, number)
        assert row is not None
        return row.status


async def test_an_answer_marked_above_the_askers_room_is_not_sent(
    db: Database, dispatcher: Dispatcher
) -> None:
    # Gemeente C is cleared to GREEN; the curator pastes an AMBER partner answer.
    await send(db, dispatcher, view("c"), f"!vraag {WATER_1}", CARLA)
    answer = "!antwoord V1 Watertanks bij de kazernes Noord en Zuid. TLP:AMBER"
    _, replies = await send(db, dispatcher, view("cur"), answer)
    assert not [r for r in replies if r.notify], [r.text for r in replies]
    assert "TLP:AMBER" in replies[-1].text and "V1" in replies[-1].text
    assert await status_of(db, 1) == "open"


async def test_a_published_answer_takes_its_marking(db: Database, dispatcher: Dispatcher) -> None:
    # Gemeente A may see AMBER: the answer reaches it, and the Q&A it becomes is AMBER.
    await send(db, dispatcher, view("a"), f"!vraag {WATER_1}", ANNA)
    answer = (
        "!antwoord V1 Watertanks bij de kazernes Noord en Zuid (TLP:AMBER). --publish\n"
        "bron: https://example.org/water"
    )
    _, replies = await send(db, dispatcher, view("cur"), answer)
    assert [r.mentions for r in replies if r.notify] == [(ANNA,)]
    _, data = await item_data(db, "vraag-1")
    assert data["tlp"] == "AMBER", data


async def test_a_marked_vraag_line_raises_the_published_qa(
    db: Database, dispatcher: Dispatcher
) -> None:
    await send(db, dispatcher, view("a"), f"!vraag {WATER_1}", ANNA)
    answer = (
        "!antwoord V1 Bij de kazernes. --publish\nbron: https://example.org/water\n"
        "vraag: Waar staan de watertanks van het crisisplan? TLP:AMBER"
    )
    await send(db, dispatcher, view("cur"), answer)
    _, data = await item_data(db, "vraag-1")
    assert data["tlp"] == "AMBER", data


async def test_a_phrasing_marked_above_its_qa_is_not_learned(
    db: Database, dispatcher: Dispatcher
) -> None:
    await water_qa_green(db, dispatcher)
    await send(db, dispatcher, view("a"), f"!vraag {WATER_1}", ANNA)
    await send(db, dispatcher, view("cur"), "!antwoord V1 qa=demo-drinkwater-storing")
    version, _ = await item_data(db, "demo-drinkwater-storing")
    _, (refused,) = await send(
        db,
        dispatcher,
        view("cur"),
        "!antwoord V1 --leer\nvraag: Staan de watertanks bij kazerne Noord? TLP:AMBER",
    )
    assert "TLP:AMBER" in refused.text and "niet toegevoegd" in refused.text, refused.text
    assert (await item_data(db, "demo-drinkwater-storing"))[0] == version
