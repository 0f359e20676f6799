"""A question linked to another asker's open question is told which one, never in that
asker's words (note13, from attack6). The words were cleaned of ids and contact data,
but a question names people and their health ("mevrouw De Vries, nierpatiënt"), which
no cleaning finds reliably. Decided: the other asker's words are not quoted at all to a
different asker; the reply says the same question is with the curators under its code,
that theirs is linked, and that the curators (who see both) answer it apart if it
differs. The curators' own notice still shows the new words (they see every question).
"""

from __future__ import annotations

from commands.dispatcher import Dispatcher
from storage.engine import Database
from tests.unit.test_answers_learn import ANNA, BOB, ROOMS, WATER_1, send, view
from tests.unit.test_attack_answers import db, dispatcher

__all__ = ["db", "dispatcher"]

PRIVATE = "Mevrouw De Vries is nierpatiënt."


async def test_a_linked_asker_is_not_shown_the_other_askers_words(
    db: Database, dispatcher: Dispatcher
) -> None:
    await send(db, dispatcher, view("a"), f"!vraag {PRIVATE} {WATER_1}", ANNA)
    _, replies = await send(db, dispatcher, view("a"), WATER_1, BOB)
    told = replies[0]
    assert "al bij de redactie: V1" in told.text and "gekoppeld als V2" in told.text, told.text
    for words in ("De Vries", "nierpatiënt"):
        assert words not in told.text and words not in told.html, (words, told.text)
    # The curators see the new question's words, as before.
    (notice,) = [r for r in replies[1:] if r.room_id == ROOMS["cur"][0]]
    assert WATER_1 in notice.text
