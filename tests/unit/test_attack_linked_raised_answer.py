"""Attack on a linked question whose first asker raised its label (helper "attack6",
session 13).

Gemeente Dordrecht asks V1 (GREEN); Gemeente Zwijndrecht, cleared to GREEN only, asks
the same need and its V2 is linked to V1 (same label then). Dordrecht's asker edits V1
and marks it TLP:AMBER (an edit never lowers a question's label, it may raise it). The
curators answer V1: the answer takes the label of the question it answers (AMBER), but
each linked asker was judged by their own question's label alone, so the answer to the
AMBER question went to Zwijndrecht under GREEN (and, Dordrecht's room being cleared to
GREEN, to no one else: "Antwoord op V2 verstuurd naar @bob:x").
Through the exactly-once core on a real database.
"""

from __future__ import annotations

from commands.message import Reply
from storage.engine import Database
from storage.models import OpenQuestion
from tests.unit.test_question_redaction import (
    ALICE,
    BOB,
    CURATOR,
    CURATORS,
    QUESTION,
    SIMILAR,
    TOWN,
    TOWN2,
    Chat,
    db,
    rows,
    texts,
    view,
)

__all__ = ["db"]  # the fixture, imported for pytest


async def asked_rows(db: Database) -> list[OpenQuestion]:
    """The questions, without the previous words an edit keeps (status "replaced")."""
    return [r for r in await rows(db) if r.status != "replaced"]


async def test_an_answer_to_a_raised_question_does_not_reach_a_linked_asker_below_it(
    db: Database,
) -> None:
    chat = Chat(db, view)
    asked = await chat.ask(TOWN, ALICE, QUESTION)
    linked = await chat.say(TOWN2, BOB, f"!vraag {SIMILAR}")
    assert "V1" in texts(linked), texts(linked)
    edited = await chat.say(
        TOWN, ALICE, f"!vraag {QUESTION} Ze ligt op afdeling 3. TLP:AMBER", kind="edit",
        replaces=asked,
    )  # fmt: skip
    assert "V1" in texts(edited), texts(edited)
    assert [(r.id, r.tlp, r.linked_to) for r in await asked_rows(db)] == [
        (1, "AMBER", None),
        (2, "GREEN", 1),
    ]
    replies = await chat.say(CURATORS, CURATOR, "!antwoord V1 Ja, met begeleider.")
    served = {r.room_id for r in replies if isinstance(r, Reply) and r.notify}
    # Before: "Antwoord op V2 verstuurd naar @bob:x" (V1's own room, cleared to GREEN,
    # may not see its AMBER answer as the curators' post; Zwijndrecht got it).
    assert TOWN2 not in served, texts(replies)
    assert "(V2)" in texts(replies), texts(replies)  # the curator is told who was not served
    assert [r.status for r in await asked_rows(db)] == ["open", "open"]
