"""`!antwoord V1 qa=<id>`'s confirmation quotes the asker's words (found by the TLP
machine's long run, session 14: 4,536 steps).

Without `--leer` the curator is offered the asker's question as a new phrasing of the
Q&A ("Als nieuwe formulering van … “<the asker's words>”"), with `--leer` told what was
added; both quote a GREEN question (a municipality's) in a reply that named no label,
so it was queued as TLP:CLEAR and the check just before the send let it into the
curator room after that room had turned public. The confirmation carries the labels of
what it quotes: the questions' and the Q&A's."""

from __future__ import annotations

from bot.sender import reply_label
from commands.dispatcher import Dispatcher
from storage.engine import Database
from tests.unit.test_answers_learn import (
    ANNA,
    WATER_1,
    db,
    dispatcher,
    send,
    view,
    water_qa_green,
)

__all__ = ["db", "dispatcher"]


async def test_the_phrasing_offer_carries_the_questions_label(
    db: Database, dispatcher: Dispatcher
) -> None:
    await water_qa_green(db, dispatcher)
    await send(db, dispatcher, view("a"), f"!vraag {WATER_1}", ANNA)
    _, replies = await send(db, dispatcher, view("cur"), "!antwoord V1 qa=demo-drinkwater-storing")
    confirm = replies[-1]
    assert "leiding droog staat" in confirm.text, confirm.text  # the asker's words
    assert reply_label(confirm) == "GREEN", confirm.text


async def test_what_learning_added_carries_it_too(db: Database, dispatcher: Dispatcher) -> None:
    await water_qa_green(db, dispatcher)
    await send(db, dispatcher, view("a"), f"!vraag {WATER_1}", ANNA)
    _, replies = await send(
        db, dispatcher, view("cur"), "!antwoord V1 qa=demo-drinkwater-storing --leer"
    )
    assert "Formulering toegevoegd" in replies[-1].text
    assert reply_label(replies[-1]) == "GREEN", replies[-1].text


async def test_learning_later_carries_it_too(db: Database, dispatcher: Dispatcher) -> None:
    await water_qa_green(db, dispatcher)
    await send(db, dispatcher, view("a"), f"!vraag {WATER_1}", ANNA)
    await send(db, dispatcher, view("cur"), "!antwoord V1 qa=demo-drinkwater-storing")
    _, (done,) = await send(db, dispatcher, view("cur"), "!antwoord V1 --leer")
    assert "Formulering toegevoegd" in done.text
    assert reply_label(done) == "GREEN", done.text
