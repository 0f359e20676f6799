"""What the question tests share."""

from __future__ import annotations

from storage import open_questions
from storage.engine import Database


async def open_count(db: Database) -> int:
    """How many questions are open (asked, not yet answered or closed)."""
    async with db.session() as session:
        return await open_questions.count_open(session)
