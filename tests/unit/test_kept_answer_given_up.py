"""A kept answer whose delivery ends unsent for good is kept again, as one the sender
voids is (since 419a99a). Delivered when the asker writes in a private chat again, the
question is marked answered at once; when the send then fails for good (the homeserver
refuses it: the asker and the bot have left that chat meanwhile), the answer was lost:
marked answered, never read, and off the curators' list of kept answers."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.sender import KEPT_QUESTION, OutboxSender
from storage import open_questions, outbox
from storage.engine import Database
from storage.ids import RoomId
from tests.support.migrated import migrated_sqlite

AT = datetime(2026, 12, 5, 9, 0, tzinfo=UTC)
DM = RoomId("!dm:x")


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = await migrated_sqlite(tmp_path / "kept.db")
    yield database
    await database.close()


async def test_a_kept_answer_whose_delivery_is_given_up_is_kept_again(db: Database) -> None:
    async with db.transaction() as session:
        question = await open_questions.add(
            session, asker="@anna:x", room_id=str(DM), event_id="$q", question="Waar?",
            label="GREEN", organisation=None, incident=None, nearest=[], asked_at=AT,
            unbound=True,
        )  # fmt: skip
        open_questions.answer(question, "Bij de kazernes.", "@cur:x", AT, None)
        content = {"body": "@anna:x: V1 Bij de kazernes.", KEPT_QUESTION: question.id}
        row = await outbox.add(session, DM, "message", content, outbox.txn_id_for("$deliver"))
    assert row is not None
    sender = OutboxSender(object(), db, encryption=False)  # type: ignore[arg-type]
    await sender._give_up(row, "M_FORBIDDEN: not in room")
    async with db.session() as session:
        kept = await open_questions.get(session, question.id)
    assert kept is not None and kept.status == open_questions.HELD
