"""An edit of a report whose original was deleted while the bot was down (session 18,
helper "picture"): the reply to the edit says that the report was deleted and that the
edit changes nothing, in the room's language, and nothing is recorded from it.

Against a real Synapse, as tests/integration/test_attack16_backlog.py: the bot is
stopped, the liaison sends a report, edits it and deletes the original; the bot is
started again.
"""

from __future__ import annotations

import asyncio

import pytest

from tests.conftest import World
from tests.integration.test_attack16_backlog import (
    FIRST_EDIT,
    LAST_EDIT,
    REPORT,
    _by_source,
    _redact,
    _setup,
)
from tests.integration.test_edit_trust import _db, _processed
from tests.support.human import edit_content

pytestmark = pytest.mark.integration

DELETED_NL = "Het oorspronkelijke bericht is verwijderd"


def _counts(world: World) -> dict[str, int]:
    """What the bot stored apart from its event log and its outbox."""
    with _db(world) as db:
        return {
            table: int(db.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
            for table in ("entries", "entry_revisions", "pending_offers", "open_questions")
        }


async def test_an_edit_of_a_report_deleted_while_the_bot_was_down(world: World) -> None:
    """A new report, its edit, and the deletion of the report, all while the bot is down:
    the edit's reply says the original was deleted (not that the bot does not know it)."""
    _admin, liaison, room, _coord = await _setup(world)
    bot = world.bots[0]
    before = _counts(world)
    assert bot.terminate() == 0, bot.log()[-2000:]

    fresh = await liaison.send(room, REPORT.format(n=2))
    edit = await liaison.send(
        room, "* " + LAST_EDIT.format(n=2), extra=edit_content(fresh, LAST_EDIT.format(n=2))
    )
    deletion = await _redact(liaison, room, fresh)
    await asyncio.sleep(4)
    bot.start()
    # The original comes back redacted (no content): the bot skips it.
    for event_id in (edit, deletion):
        await _processed(world, event_id, patience=60)
    await asyncio.sleep(2)

    answers = [a.body for a in liaison.replies_to(edit, world.bot_user)]
    assert len(answers) == 1, answers
    assert DELETED_NL in answers[0], answers
    assert "ken ik niet" not in answers[0], answers
    assert fresh not in _by_source(world)
    assert _counts(world) == before


async def test_an_edit_of_a_known_report_deleted_while_the_bot_was_down(world: World) -> None:
    """A report the bot recorded; while it is down the report is edited and then deleted:
    the report is retracted and the edit's reply says so, not that it was updated."""
    _admin, liaison, room, _coord = await _setup(world)
    bot = world.bots[0]
    known = await liaison.send(room, REPORT.format(n=1))
    assert await liaison.wait_until(lambda: bool(liaison.replies_to(known, world.bot_user)))
    assert bot.terminate() == 0, bot.log()[-2000:]

    edit = await liaison.send(
        room, "* " + FIRST_EDIT.format(n=1), extra=edit_content(known, FIRST_EDIT.format(n=1))
    )
    deletion = await _redact(liaison, room, known)
    await asyncio.sleep(4)
    bot.start()
    for event_id in (edit, deletion):
        await _processed(world, event_id, patience=60)
    await asyncio.sleep(2)

    entry = _by_source(world)[known]
    assert entry["retracted_at"] is not None, dict(entry)
    assert entry["revision"] == 1 and "erger" not in entry["text"], dict(entry)
    answers = [a.body for a in liaison.replies_to(edit, world.bot_user)]
    assert len(answers) == 1, answers
    assert DELETED_NL in answers[0] or "ingetrokken" in answers[0], answers
