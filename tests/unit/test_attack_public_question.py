"""Attack on questions asked in a public room (outside tester, session 11).

A municipality help room that anyone may join (join rule `public`) asks a question the
bot cannot answer: it is kept under the room's default label (GREEN), and the asker is
promised "het antwoord komt hier als reactie op je bericht". But a public room sees
TLP:CLEAR only, and an answer carries the question's own label: every answer the
curators wrote was refused for that asker ("een openbare kamer ziet alleen TLP:CLEAR"),
whatever its words. The reply was lost, and the question stayed open for good.

Decision: words said in a room anyone may read are public already; a question asked
while its room is public is kept under TLP:CLEAR (a TLP marking in it still raises it),
so the curators' answer can go back. A room made public *after* the question keeps the
old rule (its GREEN words are not answered into the now public room).
"""

from __future__ import annotations

import dataclasses

from commands.dispatcher import Dispatcher
from storage import rooms
from storage.engine import Database
from tests.unit.test_answers_learn import ANNA, ROOMS, WATER_1, send, view
from tests.unit.test_attack_answers import db, dispatcher, status_of

__all__ = ["db", "dispatcher"]


async def test_a_question_asked_in_a_public_room_can_be_answered(
    db: Database, dispatcher: Dispatcher
) -> None:
    async with db.transaction() as session:
        room = await rooms.get(session, ROOMS["a"][0])
        assert room is not None
        room.public = True
    public = dataclasses.replace(view("a"), public=True)
    _, asked = await send(db, dispatcher, public, f"!vraag {WATER_1}", ANNA)
    assert "V1" in asked[0].text, asked[0].text
    _, replies = await send(db, dispatcher, view("cur"), "!antwoord V1 Bij de kazernes.")
    assert [r.mentions for r in replies if r.notify] == [(ANNA,)], [r.text for r in replies]
    assert await status_of(db, 1) == "answered"


async def test_a_marking_still_raises_a_public_room_s_question(
    db: Database, dispatcher: Dispatcher
) -> None:
    public = dataclasses.replace(view("a"), public=True)
    await send(db, dispatcher, public, f"!vraag {WATER_1} TLP:AMBER", ANNA)
    _, listed = await send(db, dispatcher, view("cur"), "!vragen")
    assert "TLP:AMBER" in listed[0].text, listed[0].text
