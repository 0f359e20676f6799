"""Attack on the log (helper "paths", session 12): a database error in a handler wrote
the report's own words into the bot's log.

README: "The bot never logs message content, so nothing of an AMBER or RED report
reaches the logs." But a handler that fails is logged with its traceback
(`commands/dispatcher.py`, `log.exception`), and SQLAlchemy's error message names the
failed statement WITH its bound parameters: a RED report whose insert failed (a full
disk, a locked or broken database) put its text, reporter and place into an ERROR line
of the log, which goes to journald, a log shipper or a ticket, far beyond the room.
The database is real; its failure is a trigger that aborts the insert, as a full disk
or a broken file would.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import text

from storage.engine import Database
from storage.ids import RoomId, UserId
from tests.support.chat import CoreChat
from tests.support.rooms import storm_database

LIAISON = RoomId("!ggd:x")
ALICE = UserId("@alice:x")
SECRET = "Zxgeheimlocatie Vlinderweg"
REPORT = f"!melding evacuatie\ngemeente: Dordrecht\nernst: ernstig\ntlp: rood\n{SECRET} 12."


@pytest.fixture
async def chat(tmp_path: Path) -> AsyncIterator[CoreChat]:
    database: Database = await storm_database(tmp_path / "log.db", [(LIAISON, "liaison", "GGD")])
    yield CoreChat(database)
    await database.close()


async def _break_inserts(db: Database) -> None:
    async with db.transaction() as session:
        await session.execute(
            text(
                "CREATE TRIGGER broken BEFORE INSERT ON entries "
                "BEGIN SELECT RAISE(ABORT, 'disk I/O error'); END"
            )
        )


def _logged(caplog: pytest.LogCaptureFixture, level: int = logging.INFO) -> str:
    formatter = logging.Formatter("%(levelname)s %(name)s %(message)s")
    return "\n".join(formatter.format(r) for r in caplog.records if r.levelno >= level)


@pytest.mark.parametrize("savepoints", [False, True])
async def test_a_failed_insert_does_not_log_the_report_text(
    chat: CoreChat, caplog: pytest.LogCaptureFixture, savepoints: bool
) -> None:
    await _break_inserts(chat.db)
    chat.savepoints = savepoints
    chat.restart()
    caplog.set_level(logging.INFO)
    try:
        await chat.handle(LIAISON, ALICE, REPORT)
    except Exception as exc:  # the core may pass the failure on: what it says counts too
        logging.getLogger("test").exception("passed on: %s", exc)
    logged = _logged(caplog)
    assert "disk I/O error" in logged, logged[-2000:]  # the failure itself is logged
    assert "Vlinderweg" not in logged, logged[-3000:]
    assert "Zxgeheimlocatie" not in logged
    assert str(ALICE) not in logged.replace(f"room={LIAISON}", "")


def test_debug_logging_keeps_the_database_driver_quiet() -> None:
    """`log_level: DEBUG` (an operator chasing a problem) must not turn on aiosqlite's
    own statement log, which prints every statement with its parameters."""
    from bot.logging_setup import configure

    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    try:
        configure("DEBUG")
        assert logging.getLogger("aiosqlite").getEffectiveLevel() > logging.DEBUG
        assert logging.getLogger("asyncpg").getEffectiveLevel() > logging.DEBUG
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)
