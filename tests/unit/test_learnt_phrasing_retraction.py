"""A curator deletes an `!antwoord V1 qa=<id> --leer` (leftovers13).

`--leer` adds the asker's words (cleaned) to the Q&A as a phrasing: from then on the same
words get that Q&A at once, confidently. Deleting the command took the answer back and
reopened the question, but the phrasing stayed: the wrong link went on answering every
asker in those words. Now the retraction also removes the phrasings learnt from the
questions it reopens (in the same command or a later `!antwoord V1 --leer`), as a new
version of the Q&A, and tells the curator.
"""

from __future__ import annotations

from pathlib import Path

from commands.dispatcher import CommandSettings
from storage.engine import Database
from storage.ids import EventId
from tests.support.chat import CoreChat, bound_views, texts
from tests.unit.test_answers_learn import ANNA, EDITOR, ROOMS, WATER_1, item_data, make_db

QA = "demo-drinkwater-storing"
TOWN, CURATORS = ROOMS["a"][0], ROOMS["cur"][0]


async def _chat(tmp_path: Path) -> tuple[Database, CoreChat]:
    db = await make_db(tmp_path)
    chat = CoreChat(db, bound_views(), CommandSettings(bot_user_id="@knooppunt:x"))
    # The sample Q&A is CLEAR; the municipality's GREEN words may join it once it is GREEN.
    _, edited = await chat.send_event(CURATORS, EDITOR, f"!qa edit {QA}\ntlp: green")
    assert "gewijzigd" in texts(edited), texts(edited)
    return db, chat


async def _alternatives(db: Database) -> list[str]:
    return [str(a) for a in (await item_data(db, QA))[1]["alternatives"]]  # type: ignore[attr-defined]


async def _retract(chat: CoreChat, command: EventId) -> str:
    _, taken = await chat.send_event(
        CURATORS, EDITOR, "", kind="redaction", msgtype="m.redaction", redacts=command
    )
    return texts([r for r in taken or [] if getattr(r, "room_id", None) in (None, CURATORS)])


async def test_a_phrasing_learnt_with_the_deleted_answer_is_removed(tmp_path: Path) -> None:
    db, chat = await _chat(tmp_path)
    try:
        await chat.send_event(TOWN, ANNA, f"!vraag {WATER_1}")
        command, _ = await chat.send_event(CURATORS, EDITOR, f"!antwoord V1 qa={QA} --leer")
        assert WATER_1 in await _alternatives(db)
        told = await _retract(chat, command)
        assert WATER_1 not in await _alternatives(db)
        assert "V1" in told and QA in told, told
    finally:
        await db.close()


async def test_a_phrasing_learnt_later_from_the_question_is_removed(tmp_path: Path) -> None:
    db, chat = await _chat(tmp_path)
    try:
        await chat.send_event(TOWN, ANNA, f"!vraag {WATER_1}")
        command, _ = await chat.send_event(CURATORS, EDITOR, f"!antwoord V1 qa={QA}")
        _, learnt = await chat.send_event(CURATORS, EDITOR, "!antwoord V1 --leer")
        assert "Formulering toegevoegd" in texts(learnt), texts(learnt)
        await _retract(chat, command)
        assert WATER_1 not in await _alternatives(db)
    finally:
        await db.close()
