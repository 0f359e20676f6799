"""The storage half of kept answers (commands/held_answers.py) on SQLite and PostgreSQL:
the curators' list of them (`kept_for`, the one TLP rule), kept again after a voided
delivery (`keep_again`, not once withdrawn), and a withdrawal drops a kept answer."""

from __future__ import annotations

from datetime import UTC, datetime

from storage import open_questions, tlp
from storage.engine import Database

AT = datetime(2026, 12, 5, 9, 0, tzinfo=UTC)


async def _kept(db: Database, event_id: str, label: str = "GREEN") -> int:
    async with db.transaction() as session:
        row = await open_questions.add(
            session, asker="@anna:x", room_id="!dm:x", event_id=event_id,
            question="Waar is water?", label=label, organisation=None, incident=None,
            nearest=[], asked_at=AT, unbound=True,
        )  # fmt: skip
        open_questions.answer(row, "Bij de kazernes.", "@cur:x", AT, None)
        row.status = open_questions.HELD
        return row.id


async def test_kept_answers_are_listed_kept_again_and_dropped_on_withdrawal(db: Database) -> None:
    first = await _kept(db, "$q1")
    red = await _kept(db, "$q2", "RED")
    curators = tlp.RoomAccess("!cur:x", True, "AMBER", "VR")
    async with db.transaction() as session:
        listed = await open_questions.kept_for(session, curators, exercise_mode=False)
        assert [row.id for row in listed] == [first]  # RED stays in its own room
        row = await open_questions.get(session, first)
        assert row is not None
        row.status = "answered"  # delivered, then the sender voided the reply
        assert await open_questions.keep_again(session, first)
        assert row.status == open_questions.HELD
        open_questions.withdraw(row, AT)
        assert row.status == "withdrawn"
        assert not await open_questions.keep_again(session, first)
        assert await open_questions.kept_for(session, curators, exercise_mode=False) == []
        assert (await open_questions.get(session, red)) is not None
