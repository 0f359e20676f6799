"""The curator's refusal line names the answer that can reach the asker (note13, from
attack6). A text answer takes the question's own label (`_answer_labels`): a question
from an unbound group room or a public room carries GREEN and the room sees CLEAR only,
so no text can ever reach it. The line said "beantwoord hem met tekst die daar gedeeld
mag worden", which sends the curator round in circles: it must name `qa=` with a Q&A of
a label that room may see. Where text can reach (only the curator's marking was too
high), the line still offers text."""

from __future__ import annotations

import pytest

from commands.dispatcher import Dispatcher
from storage.engine import Database
from tests.unit.test_answers_learn import ANNA, CARLA, WATER_1, send, view
from tests.unit.test_attack_answers import db, dispatcher
from tests.unit.test_attack_unbound_group_answer import GROUP, _note_group

__all__ = ["db", "dispatcher"]


@pytest.mark.parametrize(
    "answer",
    ["!antwoord V1 Bij de kazernes.", "!antwoord V1 qa=amber-tappunten"],
    ids=["text", "qa"],
)
async def test_a_refusal_for_an_unbound_group_room_names_a_clear_qa(
    db: Database, dispatcher: Dispatcher, answer: str
) -> None:
    await _note_group(db)
    await send(db, dispatcher, GROUP, f"!vraag {WATER_1}", ANNA)
    _, replies = await send(db, dispatcher, view("cur"), answer)
    line = replies[-1].text
    assert "Niet verstuurd naar @anna:x (V1)" in line, line
    assert "met tekst die daar gedeeld mag worden" not in line, line
    assert "!antwoord V1 qa=<id>" in line and "TLP:CLEAR" in line, line


async def test_where_text_can_reach_the_line_still_offers_text(
    db: Database, dispatcher: Dispatcher
) -> None:
    # Gemeente C is cleared to GREEN: an AMBER marking is refused, plain text is not.
    await send(db, dispatcher, view("c"), f"!vraag {WATER_1}", CARLA)
    _, replies = await send(db, dispatcher, view("cur"), "!antwoord V1 Bij de kazernes. TLP:AMBER")
    line = replies[-1].text
    assert "tekst" in line and "!antwoord V1 qa=<id>" in line and "TLP:GREEN" in line, line


async def test_the_english_line_names_qa_too(db: Database, dispatcher: Dispatcher) -> None:
    from commands.i18n import t

    line = t(
        "en",
        "questions.remedy_qa_only",
        prefix="!",
        code="V1",
        label="GREEN",
        ceiling="CLEAR",
    )
    assert "qa=<id>" in line and "TLP:CLEAR" in line, line
