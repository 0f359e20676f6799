"""Attack on `knooppunt audit` (helper "attack14", session 16): lines forged on the
operator's terminal.

The audit history printed what people typed as it was: an incident's title (any
coordinator moderator opens one) went into its `incident.opened` line. A Matrix message
may hold control characters (JSON's \\u001b), so a title with terminal escapes (cursor
up, erase line) wiped earlier lines from the operator's screen, or wrote a forged one
("@admin exported ...") over them: the history that says who exported what could be
made to lie. Now every control character is shown as a visible escape (`\\x1b`) and
each event is one line.
"""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace

from bot.cli.export import audit_lines
from commands.context import CommandSettings
from storage.ids import RoomId, UserId
from tests.support.chat import CoreChat, texts
from tests.support.rooms import storm_database

COORD = RoomId("!vr:x")
ADMIN = UserId("@admin:x")
CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
FORGED = "Storm\x1b[1A\x1b[2K\x1b[1A\x1b[2K\x9b2K\x07"


async def test_a_title_with_terminal_escapes_cannot_rewrite_the_audit_history(
    tmp_path: Path,
) -> None:
    path = tmp_path / "audit.db"
    database = await storm_database(path, [(COORD, "coordinator", "VR")])
    chat = CoreChat(
        database, settings=CommandSettings(bot_user_id="@bot:x", admins=frozenset({ADMIN}))
    )
    _, result = await chat.handle(COORD, ADMIN, f"!incident open dijk {FORGED}")
    assert result is not None and "dijk" in texts(result[0] or []), texts(result[0] or [])
    await database.close()
    settings = SimpleNamespace(effective_database_url=f"sqlite+aiosqlite:///{path}", language="en")
    lines = await audit_lines(settings, "dijk")  # type: ignore[arg-type]
    opened = [line for line in lines if "incident.opened" in line]
    assert len(opened) == 1, lines
    assert not CONTROL.search(opened[0]), repr(opened[0])
    assert "\\x1b[1A" in opened[0], opened[0]  # shown, not obeyed
