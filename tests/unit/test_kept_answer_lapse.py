"""Kept answers that lapse, and the curators' list of kept answers (session 16).

- A text answer kept longer than `held_answers.KEPT_FOR` is not delivered; it stayed
  "held" for ever and its asker, back in a private chat, was told nothing (each time):
  now it lapses once (status "lapsed") and the asker is told an answer waited but is no
  longer given, so they can ask again.
- `!vragen` listed the 50 oldest kept answers: with more, the newest (those still to be
  delivered) dropped from the curators' view. Now the newest are listed, with the count.
"""

from __future__ import annotations

from datetime import timedelta

from commands.message import Reply
from storage import open_questions
from storage.engine import Database
from storage.models import OpenQuestion
from tests.support.chat import dispatch, texts
from tests.unit.test_answer_asker_left import NEW_DM, _dispatcher
from tests.unit.test_answers_learn import ANNA, DIRECT, NOW, send, view
from tests.unit.test_attack_answers import db, status_of
from tests.unit.test_held_answer_lifecycle import DM3, _kept

__all__ = ["db"]


async def test_a_lapsed_kept_answer_is_told_once_and_kept_no_more(db: Database) -> None:
    await _kept(db)
    dispatcher = _dispatcher({(DIRECT.room_id, ANNA)})
    later = NOW + timedelta(days=8)
    _, replies = await dispatch(db, dispatcher, NEW_DM, ANNA, "Hallo, ik ben er weer.", later)
    told = [r for r in replies if isinstance(r, Reply) and "V1" in r.text]
    assert told and "Bij de kazernes" not in texts(replies), texts(replies)
    assert "7 dagen" in told[0].text, told[0].text
    assert await status_of(db, 1) == "lapsed"
    _, again = await dispatch(db, dispatcher, DM3, ANNA, "Nog iets.", later)
    assert not [r for r in again if isinstance(r, Reply) and "V1" in r.text], texts(again)


async def test_a_kept_qa_answer_whose_item_is_gone_lapses_and_is_told_once(
    db: Database,
) -> None:
    """A kept answer that is a Q&A item (`qa:<id>`) is checked current when delivered;
    an item retired or expired since was never delivered and the question stayed "held"
    for ever, its asker told nothing each time. It lapses as a text answer does."""
    await _kept(db)
    async with db.transaction() as session:
        kept = await open_questions.get(session, 1)
        assert kept is not None
        kept.answer = "qa:ingetrokken-item"
    dispatcher = _dispatcher({(DIRECT.room_id, ANNA)})
    _, replies = await dispatch(db, dispatcher, NEW_DM, ANNA, "Hallo, ik ben er weer.", NOW)
    told = [r for r in replies if isinstance(r, Reply) and "V1" in r.text]
    assert len(told) == 1, texts(replies)
    assert "verlopen" in told[0].text, told[0].text
    assert await status_of(db, 1) == "lapsed"
    _, again = await dispatch(db, dispatcher, DM3, ANNA, "Nog iets.", NOW)
    assert not [r for r in again if isinstance(r, Reply) and "V1" in r.text], texts(again)


async def test_the_curators_list_shows_the_newest_kept_answers(db: Database) -> None:
    await _kept(db)
    async with db.transaction() as session:
        first = await open_questions.get(session, 1)
        assert first is not None
        for n in range(2, 61):
            session.add(
                OpenQuestion(
                    asker=first.asker, room_id=first.room_id, event_id=f"$kept{n}",
                    question=f"Vraag {n}", tlp=first.tlp, tlp_rank=first.tlp_rank,
                    organisation=first.organisation, incident=first.incident, nearest=[],
                    asked_at=first.asked_at, unbound=first.unbound, status="held",
                    audience=first.audience, answer="Antwoord", answered_at=first.answered_at,
                )
            )  # fmt: skip
    dispatcher = _dispatcher({(DIRECT.room_id, ANNA)})
    _, replies = await send(db, dispatcher, view("cur"), "!vragen")
    text = texts(replies)
    assert "V60" in text, text[-2000:]
    assert "60" in text.split("Antwoorden bewaard", 1)[1].split("\n", 1)[0], text[-2000:]
