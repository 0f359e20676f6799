"""The storage half of a curator's answer taken back (commands/answer_retraction.py) on
SQLite and PostgreSQL: `reopen` makes an answered question open again, with no answer,
so it is listed for the curators once more (and its linked question with it)."""

from __future__ import annotations

from datetime import UTC, datetime

from storage import open_questions, tlp
from storage.engine import Database

AT = datetime(2026, 12, 5, 9, 0, tzinfo=UTC)


async def test_a_reopened_question_is_listed_again_without_its_answer(db: Database) -> None:
    curators = tlp.RoomAccess("!cur:x", True, "AMBER", "VR")
    async with db.transaction() as session:
        first = await open_questions.add(
            session, asker="@anna:x", room_id="!a:x", event_id="$q1", question="Waar is water?",
            label="GREEN", organisation="Gemeente A", incident=None, nearest=[], asked_at=AT,
            audience="gemeenten",
        )  # fmt: skip
        second = await open_questions.add(
            session, asker="@bob:x", room_id="!b:x", event_id="$q2", question="Waar water?",
            label="GREEN", organisation="Gemeente B", incident=None, nearest=[], asked_at=AT,
            audience="gemeenten", linked_to=first.id,
        )  # fmt: skip
        for row in (first, second):
            open_questions.answer(row, "Bij de kazernes.", "@cur:x", AT, "vraag-1")
    async with db.transaction() as session:
        assert await open_questions.open_for(session, curators) == []
        for question_id in (first.id, second.id):
            row = await open_questions.get(session, question_id)
            assert row is not None
            open_questions.reopen(row)
    async with db.session() as session:
        listed = await open_questions.open_for(session, curators)
        assert [row.id for row in listed] == [first.id]
        assert [row.id for row in await open_questions.linked(session, first.id)] == [second.id]
        row = await open_questions.get(session, first.id)
        assert row is not None
        assert (row.status, row.answer, row.answered_by, row.published_as) == (
            "open",
            None,
            None,
            None,
        )
