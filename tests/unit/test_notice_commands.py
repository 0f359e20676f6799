"""Commands sent as `m.notice` stay unanswered, and are now counted.

Bots talk in notices and never answer one (DESIGN.md, "Never treat the bot's own
events or `m.notice` messages as commands"): that is what keeps two bots in a room
from answering each other for ever. No sender can be told apart as a bot in Matrix
(a bridge's puppets relay people and remote bots alike), so a `!`-command in a notice
is still not answered. But it was dropped without a trace: an operator whose bridge
relays people's messages as notices could not see why the bot stayed silent. It is now
counted as `knooppunt_commands_total{command="notice",outcome="ignored"}`; free text
in notices (other bots' chatter) is not counted.
"""

from __future__ import annotations

from datetime import UTC, datetime

from bot.metrics import Metrics
from bot.syncer import process_message
from commands.builtin import build_dispatcher
from commands.dispatcher import CommandSettings
from commands.message import Message
from storage.engine import Database
from storage.ids import EventId
from tests.unit.test_report_metrics import ALICE, ROOM, db, view

__all__ = ["db"]  # the fixture, imported for pytest


def ignored(metrics: Metrics) -> float:
    value = metrics.registry.get_sample_value(
        "knooppunt_commands_total", {"command": "notice", "outcome": "ignored"}
    )
    return value or 0.0


async def test_a_command_in_a_notice_is_counted_not_answered(db: Database) -> None:
    dispatcher = build_dispatcher(CommandSettings(bot_user_id="@bot:x"), savepoints=False)
    metrics = Metrics()
    dispatcher.observer = metrics.command
    now = datetime.now(UTC)
    bodies = ("!help", "Gewoon een mededeling van een andere bot.", "> <@x:x> ja\n\n!status")
    for index, body in enumerate(bodies):
        message = Message(EventId(f"$n{index}"), ROOM, ALICE, body, now, msgtype="m.notice")
        result = await process_message(db, dispatcher, message, view)
        assert result is not None and result[0] == [], result
    assert ignored(metrics) == 2
