"""`/metrics` counts a refused report as refused, not as ok (the issue "Reports as
liaisons actually type them", point 6)."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.metrics import Metrics
from bot.syncer import process_message
from commands.builtin import build_dispatcher
from commands.dispatcher import CommandSettings, RoomView
from commands.message import Message
from storage.engine import Database
from storage.ids import EventId, RoomId, UserId
from storage.rooms import BindingView
from tests.support.rooms import storm_database_fixture

ROOM = RoomId("!ggd:x")
ALICE = UserId("@alice:x")


db = storm_database_fixture([(ROOM, "liaison", "GGD")])


def view(room_id: RoomId, is_direct: bool, binding: BindingView | None) -> RoomView:
    return RoomView(room_id=room_id, role="liaison", binding=binding, encrypted=True)


def count(metrics: Metrics, outcome: str) -> float:
    value = metrics.registry.get_sample_value(
        "knooppunt_commands_total", {"command": "report", "outcome": outcome}
    )
    return value or 0.0


async def test_a_refused_report_is_counted_as_refused(db: Database) -> None:
    dispatcher = build_dispatcher(CommandSettings(bot_user_id="@bot:x"), savepoints=False)
    metrics = Metrics()
    dispatcher.observer = metrics.command
    now = datetime.now(UTC)
    for index, body in enumerate(
        (
            "!melding opvang\nernst: heel erg\nSporthal vol.",
            "!melding opvang\ngemeente: Dordrecht\nSporthal open.",
        )
    ):
        message = Message(EventId(f"$m{index}"), ROOM, ALICE, body, now)
        assert await process_message(db, dispatcher, message, view) is not None
    assert count(metrics, "refused") == 1
    assert count(metrics, "ok") == 1
    assert metrics.registry.get_sample_value("knooppunt_entries_recorded_total") == 1
