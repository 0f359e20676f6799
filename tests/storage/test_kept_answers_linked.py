"""The curators' list of kept answers (`open_questions.kept_for`) on SQLite and
PostgreSQL lists the answer kept for a linked asker too. A question close to an open one
is linked to it, and answering the first answers the linked ones (commands/questions.py:
the group); an answer kept because that linked asker had left their direct chat was not
in `!vragen`'s kept list, which took the open list's 'not linked' condition along: the
curators could not see it waiting (or lapsing)."""

from __future__ import annotations

from datetime import UTC, datetime

from storage import open_questions, tlp
from storage.engine import Database

AT = datetime(2026, 12, 5, 9, 0, tzinfo=UTC)


async def test_an_answer_kept_for_a_linked_asker_is_listed(db: Database) -> None:
    async with db.transaction() as session:
        rows = []
        for n, asker in enumerate(["@anna:x", "@bram:x"]):
            row = await open_questions.add(
                session, asker=asker, room_id=f"!dm{n}:x", event_id=f"$q{n}",
                question="Waar is water?", label="GREEN", organisation=None, incident=None,
                nearest=[], asked_at=AT, unbound=True,
                linked_to=rows[0].id if rows else None,
            )  # fmt: skip
            open_questions.answer(row, "Bij de kazernes.", "@cur:x", AT, None)
            rows.append(row)
        rows[1].status = open_questions.HELD  # Bram had left his chat
        linked = rows[1].id
    curators = tlp.RoomAccess("!cur:x", True, "AMBER", "VR")
    async with db.session() as session:
        listed = await open_questions.kept_for(session, curators, exercise_mode=False)
    assert [row.id for row in listed] == [linked]
