"""The batch paths of the sync loop and the start (issue "Fast under load and after a restart")."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot.sender import OutboxSender
from storage import rooms
from storage.engine import Database
from storage.ids import RoomId
from storage.migrate import alembic_config, script_heads
from storage.models import OutboxMessage

A = RoomId("!a:localhost")
B = RoomId("!b:localhost")
NEW = RoomId("!new:localhost")


def test_script_heads_agree_with_alembic() -> None:
    from alembic.script import ScriptDirectory

    assert script_heads() == set(ScriptDirectory.from_config(alembic_config()).get_heads())


async def test_a_second_start_finds_the_schema_up_to_date(database_url: str) -> None:
    first = Database(database_url)
    await first.migrate()
    await first.close()
    again = Database(database_url)
    await again.migrate()  # skips alembic, and the schema is all there
    async with again.transaction() as session:
        await rooms.ensure(session, A)
    await again.close()


@pytest.mark.postgres
async def test_marks_and_note_batch_read_and_write_many_rooms_at_once(db: Database) -> None:
    async with db.transaction() as session:
        await rooms.note_event(session, A, "$a0", 1)
        await rooms.note_event(session, B, "$b0", 1)
    async with db.session() as session:
        known = await rooms.marks(session, [A, B, NEW])
    assert set(known) == {A, B} and known[A].last_event_id == "$a0"
    async with db.transaction() as session:
        await rooms.note_batch(
            session,
            {A: ("$a1", 2), NEW: ("$n1", 3)},
            {A: True, B: False, NEW: True},
            known,
        )
    async with db.session() as session:
        after = await rooms.marks(session, [A, B, NEW])
    assert after[A].last_event_id == "$a1" and after[A].public
    assert after[B].last_event_id == "$b0" and not after[B].public  # untouched
    assert after[NEW].last_event_id == "$n1" and after[NEW].public  # first seen now


class _Client:
    def __init__(self) -> None:
        self.sent: list[str] = []
        self.rooms: dict[str, object] = {}  # none known encrypted: nothing to wait for

    async def room_send(self, room_id: str, *args: object, **kwargs: object) -> object:
        self.sent.append(room_id)
        return type("Sent", (), {"event_id": "$x"})()


async def test_this_runs_replies_go_out_before_the_first_sync_ends(db: Database) -> None:
    """Fresh rows cannot have been sent before; rows an earlier run left wait for `ready`."""
    client = _Client()
    sender = OutboxSender(client, db, encryption=False)  # type: ignore[arg-type]
    from storage import outbox

    async with db.transaction() as session:
        left = await outbox.add(session, B, "message", {}, outbox.txn_id_for("old"))
        fresh = await outbox.add(session, A, "message", {}, outbox.txn_id_for("new"))
    assert isinstance(left, OutboxMessage) and isinstance(fresh, OutboxMessage)
    stop = asyncio.Event()
    task = asyncio.create_task(sender.run(stop))
    sender.submit([fresh])
    for _ in range(100):
        if client.sent:
            break
        await asyncio.sleep(0.05)
    await asyncio.sleep(0.3)
    assert client.sent == [A]  # not the earlier run's row yet
    assert sender.recorded_sent(fresh.txn_id)
    sender.ready.set()
    sender.wake()
    for _ in range(100):
        if len(client.sent) == 2:
            break
        await asyncio.sleep(0.05)
    stop.set()
    await task
    assert client.sent == [A, B]


async def test_sent_rows_are_marked_together_not_in_a_transaction_each(db: Database) -> None:
    """Sends are recorded in one statement (with the sync token), never sent twice meanwhile."""
    from storage import outbox

    client = _Client()
    sender = OutboxSender(client, db, encryption=False)  # type: ignore[arg-type]
    sender.ready.set()
    async with db.transaction() as session:
        rows = [
            await outbox.add(session, room, "message", {}, outbox.txn_id_for(f"m{n}"))
            for n, room in enumerate([A, B, A])
        ]
    assert all(isinstance(row, OutboxMessage) for row in rows)
    stop = asyncio.Event()
    task = asyncio.create_task(sender.run(stop))
    sender.submit([row for row in rows if row is not None])
    for _ in range(100):
        if len(client.sent) == 3:
            break
        await asyncio.sleep(0.05)
    async with db.session() as session:
        assert len(await outbox.pending(session)) == 3  # sent, not yet written down
    assert set(sender.unrecorded()) == {row.id for row in rows if row is not None}
    assert all(sender.recorded_sent(row.txn_id) for row in rows if row is not None)
    sender.wake()  # a read of the table must not send them again
    await asyncio.sleep(0.5)
    assert len(client.sent) == 3
    await sender.record_sent()
    async with db.session() as session:
        assert list(await outbox.pending(session)) == []
        marked = [await session.get(OutboxMessage, row.id) for row in rows if row is not None]
    assert all(m is not None and m.result_event_id == "$x" and m.sent_at for m in marked)
    assert sender.unrecorded() == {}
    stop.set()
    await task
    assert len(client.sent) == 3


def test_the_bot_starts_without_loading_what_only_some_commands_need() -> None:
    """Start cost: numpy/bm25s (question search), markdown-it (answers), aiohttp.web and
    the portal (the HTTP server, started after the first batch: bot/runner.py), PyYAML
    and python-frontmatter (reading files), SQLAlchemy's PostgreSQL dialect (a SQLite
    bot) are imported on first use, not at start."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    # bot.app is only the entry: what a start loads is bot.runner and the handlers,
    # then the wiring of the dispatcher (bot/runner.py `_assemble`).
    code = (
        "import sys, tempfile, bot.cli, bot.app, bot.runner, bot.startup\n"
        "bot.startup.load_handlers()\n"
        "from bot.config import Settings\n"
        "from bot.wiring import build_dispatcher\n"
        "build_dispatcher(Settings(homeserver='http://127.0.0.1:9', user_id='@b:x', "
        "password='p', encryption=False, data_dir=tempfile.mkdtemp()), savepoints=False)\n"
        "print('\\n'.join(sorted(sys.modules)))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(root)},
        cwd=root,
        check=True,
    )
    loaded = set(result.stdout.split())
    assert "bot.app" in loaded and "bot.syncer" in loaded and "commands.dispatcher" in loaded
    later = {"numpy", "bm25s", "markdown_it", "aiohttp.web", "bot.http", "bot.web.portal"}
    later |= {"yaml", "frontmatter", "sqlalchemy.dialects.postgresql"}
    assert sorted(loaded & later) == []


async def test_a_config_without_room_bindings_opens_no_transaction_at_start(
    tmp_path: Path,
) -> None:
    """The start binds the config file's rooms (`rooms:`); with none, it writes nothing
    (one read: a binding whose entry was deleted from the file would go)."""
    import contextlib
    from collections.abc import AsyncIterator

    from bot.config import Settings
    from bot.runner import Bot

    settings = Settings(
        homeserver="http://127.0.0.1:9",
        user_id="@b:x",
        password="p",
        encryption=False,
        data_dir=tmp_path,
    )
    assert settings.rooms == [] and settings.curator_room is None
    bot = Bot(settings)
    await bot.db.migrate()  # as `Bot.run` does before the start binds anything
    opened: list[str] = []

    @contextlib.asynccontextmanager
    async def counted() -> AsyncIterator[None]:
        opened.append("transaction")
        yield

    bot.db.transaction = counted  # type: ignore[assignment,method-assign]
    await bot._apply_config_bindings(None)  # type: ignore[arg-type]
    assert opened == []
    await bot.client.close()  # type: ignore[no-untyped-call]
    await bot.db.close()
