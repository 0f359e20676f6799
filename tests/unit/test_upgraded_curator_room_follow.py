"""Posts for curators only follow their room's upgrade (session 17).

A real upgrade leaves the old room read-only for ordinary members, the bot included,
and the curators write in the new room. A post for the curators (it names who asked)
queued to the old room before or during the upgrade still went to the old room: refused
there by its power levels (lost), or read by nobody. Now such a post goes to the room
that replaced it, once the binding was carried and the bot has joined it; until then it
waits (also while the upgrade is pending: a tombstone the bot cannot follow yet). It
never goes to a successor that is no curator room (voided as before, the question stays
open), nor anywhere else."""

from __future__ import annotations

from types import SimpleNamespace

from bot.sender import OutboxSender
from storage import rooms
from storage.engine import Database
from storage.models import utcnow
from tests.support.outbox_sender import pending_rooms, run_rounds
from tests.unit.test_attack_outbox_access import _Client
from tests.unit.test_upgraded_curator_room_send import (
    CURATORS,
    SUCCESSOR,
    _notice_waiting_for_the_curators,
)


async def _run(db: Database, client: _Client, rounds: int = 40) -> None:
    await run_rounds(OutboxSender(client, db, encryption=False), rounds)  # type: ignore[arg-type]


def _to(client: _Client, room: str) -> list[str]:
    return [body for room_id, body in client.sent if room_id == room]


async def test_it_goes_to_the_room_that_replaced_the_curator_room(db: Database) -> None:
    await _notice_waiting_for_the_curators(db)
    client = _Client()
    await _run(db, client)
    assert _to(client, CURATORS) == []
    assert any("@wethouder:x" in body for body in _to(client, SUCCESSOR)), client.sent
    assert await pending_rooms(db) == []


async def test_it_waits_until_the_bot_has_joined_the_new_room(db: Database) -> None:
    await _notice_waiting_for_the_curators(db)
    async with db.transaction() as session:  # carried, but the bot's join not seen yet
        room = await rooms.ensure(session, SUCCESSOR)
        room.joined_at = None
    client = _Client()
    await _run(db, client)
    assert _to(client, CURATORS) == [] and _to(client, SUCCESSOR) == []
    assert await pending_rooms(db)
    async with db.transaction() as session:
        await rooms.mark_joined(session, SUCCESSOR, utcnow())
    await _run(db, client)
    assert _to(client, CURATORS) == [] and _to(client, SUCCESSOR), client.sent
    assert await pending_rooms(db) == []


async def test_it_waits_while_the_upgrade_is_pending(db: Database) -> None:
    """The tombstone is there (nio's state), the binding not carried yet (the bot was
    not invited to the new room): nothing goes to the old, read-only room."""
    await _notice_waiting_for_the_curators(db)
    async with db.transaction() as session:  # as it is before the carry
        await rooms.unbind(session, SUCCESSOR)
        await rooms.bind(
            session, CURATORS, role="curator", incident=None, organisation="VR",
            tlp_default="GREEN", clearance="AMBER", by="@admin:x",
        )  # fmt: skip
        old = await rooms.ensure(session, CURATORS)
        old.replaced_by = None
        await rooms.mark_joined(session, CURATORS, utcnow())
    client = _Client()
    client.rooms[CURATORS] = SimpleNamespace(replacement_room=SUCCESSOR, encrypted=False)
    await _run(db, client)
    assert _to(client, CURATORS) == [] and _to(client, SUCCESSOR) == []
    waiting = await pending_rooms(db)
    assert waiting and set(waiting) == {CURATORS}


async def test_never_to_a_successor_that_is_no_curator_room(db: Database) -> None:
    await _notice_waiting_for_the_curators(db)
    async with db.transaction() as session:
        await rooms.bind(
            session, SUCCESSOR, role="municipality", incident="storm", organisation="VR",
            tlp_default="GREEN", clearance="AMBER", by="@admin:x",
        )  # fmt: skip
    client = _Client()
    await _run(db, client)
    assert not any("@wethouder:x" in body for _, body in client.sent), client.sent
    assert _to(client, SUCCESSOR) == []


async def test_a_post_queued_to_the_configured_room_after_its_upgrade_follows(
    db: Database,
) -> None:
    """`curator_room` names the old room: the dispatcher still queues there (the
    operator's configuration), and the post goes to the room that replaced it."""
    from commands.dispatcher import CommandSettings
    from storage.ids import UserId
    from tests.support.chat import CoreChat, bound_views
    from tests.unit.test_upgraded_curator_room_send import TOWN

    await _notice_waiting_for_the_curators(db)
    await _run(db, _Client())  # the first post, gone
    settings = CommandSettings(bot_user_id="@bot:x", curator_room=CURATORS)
    chat = CoreChat(db, bound_views(), settings, prefix="$later")
    _, handled = await chat.handle(TOWN, UserId("@burgemeester:x"), "!vraag Waar staat het?")
    assert handled is not None
    client = _Client()
    await _run(db, client)
    assert _to(client, CURATORS) == []
    assert any("@burgemeester:x" in body for body in _to(client, SUCCESSOR)), client.sent
