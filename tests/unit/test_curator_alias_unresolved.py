"""`curator_room` given as an alias (`#redactie:x`) that does not resolve at the start
(the homeserver slow to answer, the alias briefly gone): the sender compared each
waiting curator-only row's room with the alias itself, found no match, and voided every
one of them, so the real curator room lost its posts (the open-question notice naming
who asked). While it does not resolve, such rows wait (not voided, not sent) and go
once it does: bot/curator_alias.py keeps resolving it (tests/unit/test_curator_alias_retry.py)
and `sender.curator_room` returns the room id from then on."""

from __future__ import annotations

from pathlib import Path

from bot.sender import OutboxSender
from commands.dispatcher import CommandSettings
from storage import outbox
from storage.engine import Database
from storage.ids import RoomId
from tests.support.chat import CoreChat, bound_views
from tests.support.outbox_sender import run_rounds
from tests.unit.test_answers_learn import ANNA, WATER_1, make_db
from tests.unit.test_attack_outbox_access import _Client, _to, _voided

DM = RoomId("!dm:x")
CURATORS = RoomId("!kcio:x")  # configured only, not bound as a curator room
ALIAS = "#redactie:x"


class _AliasClient(_Client):
    def __init__(self, resolves: bool) -> None:
        super().__init__()
        self.resolves = resolves


async def _notice_waiting(database: Database) -> None:
    """A question in a direct chat: its notice to the (resolved) curator room waits."""
    settings = CommandSettings(bot_user_id="@bot:x", curator_room=CURATORS)
    chat = CoreChat(database, bound_views(direct={DM}), settings)
    _, replies = await chat.send_event(DM, ANNA, f"!vraag {WATER_1}")
    assert any(getattr(r, "room_id", None) == CURATORS for r in replies or []), replies


async def _run(database: Database, client: _AliasClient) -> None:
    """The sender of a start where `curator_room` is still the alias."""
    sender = OutboxSender(client, database, encryption=False)  # type: ignore[arg-type]
    # What the start's retry (bot/curator_alias.py) leaves in the dispatcher's settings.
    sender.curator_room = lambda: CURATORS if client.resolves else ALIAS
    await run_rounds(sender, 60)


async def _pending_in(database: Database, room: RoomId) -> int:
    async with database.session() as session:
        return len([r for r in await outbox.pending(session) if r.room_id == room])


async def test_an_unresolved_curator_alias_keeps_the_notice_waiting(tmp_path: Path) -> None:
    database = await make_db(tmp_path / "k")
    try:
        await _notice_waiting(database)
        client = _AliasClient(resolves=False)
        await _run(database, client)
        assert _voided() not in await _to(client, CURATORS), client.sent
        assert await _pending_in(database, CURATORS) == 1
        # The direct chat's own reply is not held up by it.
        assert any("V1" in body for body in await _to(client, DM)), client.sent
    finally:
        await database.close()


async def test_the_notice_goes_once_the_alias_resolves(tmp_path: Path) -> None:
    database = await make_db(tmp_path / "k")
    try:
        await _notice_waiting(database)
        client = _AliasClient(resolves=True)
        await _run(database, client)
        assert any(ANNA in body for body in await _to(client, CURATORS)), client.sent
        assert await _pending_in(database, CURATORS) == 0
    finally:
        await database.close()
