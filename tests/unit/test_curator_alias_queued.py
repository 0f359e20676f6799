"""Posts for the curators queued while `curator_room` is still an alias (leftovers5's
gap, session 14).

When the configured `curator_room` is an alias that did not resolve at the start, the
dispatcher knows the curator room by that alias until bot/curator_alias.py resolves it
(every 30 s). A question asked in that time had its notice (who asked, what) queued to
the alias itself: the sender kept it waiting while the alias did not resolve, and once
it did, judged the alias "no curator room" and voided it. The curators never saw the
question. Such a row waits and then goes to the room the alias names."""

from __future__ import annotations

from pathlib import Path

from bot.sender import OutboxSender
from commands.dispatcher import CommandSettings
from storage.engine import Database
from storage.ids import RoomId
from tests.support.chat import CoreChat, bound_views
from tests.support.outbox_sender import pending_rooms, run_rounds
from tests.unit.test_answers_learn import ANNA, WATER_1, make_db
from tests.unit.test_attack_outbox_access import _Client, _to, _voided

DM = RoomId("!dm:x")
CURATORS = RoomId("!kcio:x")  # configured only, not bound as a curator room
ALIAS = "#redactie:x"


async def _asked_before_the_alias_resolved(database: Database) -> None:
    """A question in a direct chat while the dispatcher knows the curator room by its
    alias only: its notice is queued to the alias."""
    settings = CommandSettings(bot_user_id="@bot:x", curator_room=ALIAS)
    chat = CoreChat(database, bound_views(direct={DM}), settings)
    _, replies = await chat.send_event(DM, ANNA, f"!vraag {WATER_1}")
    assert any(getattr(r, "room_id", None) == ALIAS for r in replies or []), replies


async def test_a_notice_queued_to_the_alias_goes_to_its_room_once_it_resolves(
    tmp_path: Path,
) -> None:
    database = await make_db(tmp_path / "k")
    try:
        await _asked_before_the_alias_resolved(database)
        client = _Client()
        sender = OutboxSender(client, database, encryption=False)  # type: ignore[arg-type]
        sender.curator_alias = ALIAS
        configured = [ALIAS]  # what bot/curator_alias.py leaves in the dispatcher
        sender.curator_room = lambda: configured[0]
        await run_rounds(sender, 30)
        # Not resolved yet: it waits, nothing went to the alias or anywhere else.
        assert await _to(client, ALIAS) == [] and await _to(client, CURATORS) == []
        assert await pending_rooms(database) == [ALIAS]
        configured[0] = CURATORS  # the retry resolved it, and tells the sender
        sender.curator_room_resolved()
        await run_rounds(sender, 30)
        to_curators = await _to(client, CURATORS)
        assert any(ANNA in body for body in to_curators), client.sent
        assert _voided() not in to_curators and await _to(client, ALIAS) == [], client.sent
        assert await pending_rooms(database) == []
    finally:
        await database.close()


async def test_after_a_restart_the_start_s_resolution_takes_them_too(tmp_path: Path) -> None:
    """Rows queued to the alias by a run that ended before it resolved: the next start
    resolves it at once (`curator_room` is the room id from the first row on)."""
    database = await make_db(tmp_path / "k")
    try:
        await _asked_before_the_alias_resolved(database)
        client = _Client()
        sender = OutboxSender(client, database, encryption=False)  # type: ignore[arg-type]
        sender.curator_alias = ALIAS
        sender.curator_room = lambda: CURATORS
        await run_rounds(sender, 30)
        assert any(ANNA in body for body in await _to(client, CURATORS)), client.sent
        assert await pending_rooms(database) == []
    finally:
        await database.close()
