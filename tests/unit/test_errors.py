"""One error model: a KnooppuntError base, UserError rendered by the dispatcher,
and the CLI catching in one place."""

from __future__ import annotations

import ast
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.cli import main
from bot.config import ConfigError
from bot.session import LoginFailed
from commands.context import CommandContext, CommandSettings, RoomView
from commands.dispatcher import Dispatcher
from commands.dutch_time import TimeError
from commands.errors import UserError
from commands.grammar import GrammarError, ParsedCommand
from commands.message import Message, Outgoing
from commands.registry import Command, Registry
from storage.engine import DatabaseError
from storage.errors import KnooppuntError, StorageError
from storage.ids import EventId, RoomId, UserId
from storage.instance_lock import LockHeld

ROOT = Path(__file__).resolve().parents[2]
NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


async def refuse(_ctx: CommandContext, _parsed: ParsedCommand) -> list[Outgoing]:
    raise UserError("page_out_of_range", page=3, pages=1)


def registry() -> Registry:
    reg = Registry()
    text = {"nl": "x", "en": "x"}
    reg.add(Command("weiger", "refuse", text, text, text, refuse))  # type: ignore[arg-type]
    return reg


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("nl", "Pagina 3 bestaat niet; er zijn 1 pagina('s)."),
        ("en", "Page 3 does not exist; there are 1 page(s)."),
    ],
)
async def test_a_user_error_becomes_one_sentence_in_the_rooms_language(
    language: str, expected: str
) -> None:
    outcomes: list[str] = []
    settings = CommandSettings(language=language, bot_user_id="@bot:x")  # type: ignore[arg-type]
    dispatcher = Dispatcher(registry(), settings)
    dispatcher.observer = lambda _name, outcome, _events: outcomes.append(outcome)
    message = Message(
        event_id=EventId("$e"),
        room_id=RoomId("!r:x"),
        sender=UserId("@a:x"),
        body="!refuse",
        timestamp=NOW,
    )
    (reply,) = await dispatcher.handle(message, RoomView(room_id=RoomId("!r:x")), None, NOW)
    assert reply.text == expected  # type: ignore[union-attr]
    assert outcomes == ["ok"]  # bad input is an answer, not a bug


def test_every_expected_failure_shares_one_base() -> None:
    for kind in (ConfigError, LoginFailed, DatabaseError, LockHeld, GrammarError, TimeError):
        assert issubclass(kind, KnooppuntError), kind
    assert issubclass(DatabaseError, StorageError) and issubclass(LockHeld, StorageError)
    assert issubclass(UserError, KnooppuntError)


def test_the_cli_catches_in_one_place() -> None:
    tree = ast.parse((ROOT / "bot" / "cli" / "main.py").read_text(encoding="utf-8"))
    handlers = [node for node in ast.walk(tree) if isinstance(node, ast.ExceptHandler)]
    caught = sorted(ast.unparse(h.type) for h in handlers if h.type is not None)
    assert caught == ["KeyboardInterrupt", "KnooppuntError"]


def test_the_cli_prints_one_line_and_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "k.yaml"
    config.write_text("language: fr\n", encoding="utf-8")
    assert main(["migrate", "--config", str(config)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("knooppunt: ") and err.count("\n") == 1
