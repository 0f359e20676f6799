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
from storage import incidents as incident_repo
from storage import open_questions, rooms
from storage.engine import Database
from storage.rooms import BindingView
from tests.support.chat import dispatcher_fixture
from tests.support.rooms import bind_room
from tests.unit.test_answers_learn import (
    ANNA,
    CARLA,
    ROOMS,
    WATER_1,
    WATER_2,
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


async def test_a_marked_answer_reaches_the_askers_who_may_see_it_and_names_who_not(
    db: Database, dispatcher: Dispatcher
) -> None:
    """One linked asker whose room may not see the marking blocks nobody else: Anna
    (Gemeente A, cleared AMBER) gets the answer; Carla (Gemeente C, cleared GREEN) does
    not, the curator is told which room and why, and her question stays open alone."""
    await send(db, dispatcher, view("a"), f"!vraag {WATER_1}", ANNA)
    await send(db, dispatcher, view("c"), f"!vraag {WATER_2}", CARLA)  # linked to V1
    answer = "!antwoord V1 Watertanks bij de kazernes Noord en Zuid. TLP:AMBER"
    _, replies = await send(db, dispatcher, view("cur"), answer)
    assert [r.mentions for r in replies if r.notify] == [(ANNA,)], [r.text for r in replies]
    assert not [r for r in replies if r.room_id == ROOMS["c"][0]]
    confirm = replies[-1].text
    assert "Antwoord op V1 verstuurd naar @anna:x" in confirm, confirm
    assert "Niet verstuurd naar @carla:x (V2)" in confirm and "Gemeente C" in confirm, confirm
    assert "TLP:GREEN" in confirm and "TLP:AMBER" in confirm, confirm  # why: its clearance
    assert await status_of(db, 1) == "answered" and await status_of(db, 2) == "open"
    _, (listing,) = await send(db, dispatcher, view("cur"), "!vragen")
    assert "V2" in listing.text and "V1 " not in listing.text, listing.text


async def test_a_barred_first_asker_does_not_block_the_linked_ones(
    db: Database, dispatcher: Dispatcher
) -> None:
    await send(db, dispatcher, view("c"), f"!vraag {WATER_1}", CARLA)  # V1, cleared GREEN
    await send(db, dispatcher, view("a"), f"!vraag {WATER_2}", ANNA)  # V2, linked to V1
    answer = "!antwoord V1 Watertanks bij de kazernes Noord en Zuid. TLP:AMBER"
    _, replies = await send(db, dispatcher, view("cur"), answer)
    assert [r.mentions for r in replies if r.notify] == [(ANNA,)], [r.text for r in replies]
    confirm = replies[-1].text
    assert "Antwoord op V2 verstuurd naar @anna:x" in confirm, confirm
    assert "V1 verstuurd" not in confirm and "Niet verstuurd naar @carla:x (V1)" in confirm
    assert await status_of(db, 1) == "open" and await status_of(db, 2) == "answered"


async def test_an_answer_does_not_follow_a_question_into_a_room_that_may_no_longer_see_it(
    db: Database, dispatcher: Dispatcher
) -> None:
    """Anna asked at AMBER (a marking in her question); since then her room's clearance
    was lowered to GREEN. The curator's answer is about an AMBER question (published, it
    would be AMBER): it goes nowhere the room may no longer see, and the curator is told."""
    await send(db, dispatcher, view("a"), f"!vraag {WATER_1} TLP:AMBER", ANNA)
    room_id, role, org, _default, _clearance, incident = ROOMS["a"]
    async with db.transaction() as session:
        lowered = BindingView(role, incident, org, "GREEN", "GREEN")
        await bind_room(session, room_id, lowered)
    _, replies = await send(db, dispatcher, view("cur"), "!antwoord V1 Bij de kazernes.")
    assert not [r for r in replies if r.notify], [r.text for r in replies]
    confirm = replies[-1].text
    assert "Niet verstuurd naar @anna:x (V1)" in confirm and "TLP:GREEN" in confirm, confirm
    assert await status_of(db, 1) == "open"


async def test_an_answer_does_not_go_into_a_room_made_public_since(
    db: Database, dispatcher: Dispatcher
) -> None:
    await send(db, dispatcher, view("a"), f"!vraag {WATER_1}", ANNA)  # GREEN
    async with db.transaction() as session:
        room = await rooms.get(session, ROOMS["a"][0])
        assert room is not None
        room.public = True
    _, replies = await send(db, dispatcher, view("cur"), "!antwoord V1 Bij de kazernes.")
    assert not [r for r in replies if r.notify], [r.text for r in replies]
    assert "openbare kamer" in replies[-1].text, replies[-1].text
    assert await status_of(db, 1) == "open"


async def test_an_answer_in_the_askers_own_room_is_not_refused(
    db: Database, dispatcher: Dispatcher
) -> None:
    """A question asked in the curators' own room under a label nobody else may see
    (RED) is answered there: the room always sees its own."""
    await send(db, dispatcher, view("cur"), f"!vraag {WATER_1} TLP:RED", ANNA)
    _, replies = await send(db, dispatcher, view("cur"), "!antwoord V1 Bij de kazernes.")
    assert [r.mentions for r in replies if r.notify] == [(ANNA,)], [r.text for r in replies]


async def test_an_answer_to_a_real_question_does_not_go_into_a_room_now_in_an_exercise(
    db: Database, dispatcher: Dispatcher
) -> None:
    """Everything into an exercise room is marked OEFENING: a real answer would arrive
    as an exercise message. Real and exercise never mix; the curator is told."""
    await send(db, dispatcher, view("a"), f"!vraag {WATER_1}", ANNA)
    room_id, role, org, default, clearance, _incident = ROOMS["a"]
    async with db.transaction() as session:
        await incident_repo.open_incident(session, "oefening-1", "Oefening", "t", exercise=True)
        await bind_room(session, room_id, BindingView(role, "oefening-1", org, default, clearance))
    _, replies = await send(db, dispatcher, view("cur"), "!antwoord V1 Bij de kazernes.")
    assert not [r for r in replies if r.notify], [r.text for r in replies]
    assert "oefening" in replies[-1].text.lower(), replies[-1].text
    assert await status_of(db, 1) == "open"
