"""Curator-only content in a waiting outbox row (session 12's known gap, found by the
"paths" helper's property run of 14,695 steps).

A curator room's posts name who asked a question: the notice of a new open question
("Open vraag V1 … van @anna:x in !dm:x"), `!vragen`, the curators' situation picture
(which also lists questions asked in direct chats). The send-time check knew labels
only: a row queued while its room was a curator room and sent after the room was
rebound as a municipality room (same clearance) went out, and the asker's Matrix id with
it. A row now also keeps whether it is for curators only (`Reply.curators_only`, the
outbox column `curators_only`), and the sender voids it once its room is no curator
room any more, as it voids a row whose label the room may no longer see.
"""

from __future__ import annotations

from pathlib import Path

from commands.dispatcher import CommandSettings
from storage import rooms
from storage.engine import Database
from storage.ids import RoomId
from storage.rooms import BindingView
from tests.support.chat import CoreChat, bound_views
from tests.support.rooms import bind_room
from tests.unit.test_answers_learn import ANNA, EDITOR, ROOMS, WATER_1, make_db
from tests.unit.test_attack_outbox_access import _drain, _to, _voided

DM = RoomId("!dm:x")
CURATORS = ROOMS["cur"][0]


def _chat(database: Database, *admins: str) -> CoreChat:
    settings = CommandSettings(bot_user_id="@bot:x", admins=frozenset(admins))
    return CoreChat(database, bound_views(direct={DM}), settings)


async def _note_direct(database: Database) -> None:
    """The direct chat as the bot keeps it once invited to one (`is_direct`): its
    question's answer is judged as the chat's own post (commands/questions.py)."""
    async with database.transaction() as session:
        (await rooms.ensure(session, DM)).is_direct = True


async def _rebind_as_municipality(database: Database) -> None:
    """The curator room becomes a municipality room, cleared as before (AMBER)."""
    async with database.transaction() as session:
        rebound = BindingView("municipality", None, "KCIO", "GREEN", "AMBER")
        await bind_room(session, CURATORS, rebound)


async def test_a_curator_notice_waiting_while_its_room_was_rebound_is_not_sent(
    tmp_path: Path,
) -> None:
    database = await make_db(tmp_path / "k")
    try:
        chat = _chat(database)
        _, replies = await chat.send_event(DM, ANNA, f"!vraag {WATER_1}")
        notice = [r for r in replies or [] if getattr(r, "room_id", None) == CURATORS]
        assert notice and ANNA in notice[0].text, [getattr(r, "text", r) for r in replies or []]
        await _rebind_as_municipality(database)
        client = await _drain(database)
        to_curators = await _to(client, CURATORS)
        assert not any(ANNA in body for body in to_curators), to_curators
        assert to_curators == [_voided()], to_curators
        # The asker still hears that the question went to the curators.
        assert any("V1" in body for body in await _to(client, DM)), client.sent
    finally:
        await database.close()


async def test_the_curators_question_list_waiting_while_rebound_is_not_sent(
    tmp_path: Path,
) -> None:
    database = await make_db(tmp_path / "k")
    try:
        chat = _chat(database)
        await chat.send_event(DM, ANNA, f"!vraag {WATER_1}")
        await _drain(database)
        _, listed = await chat.send_event(CURATORS, EDITOR, "!vragen")
        assert any(ANNA in getattr(r, "text", "") for r in listed or []), listed
        await _rebind_as_municipality(database)
        client = await _drain(database)
        to_curators = await _to(client, CURATORS)
        assert not any(ANNA in body for body in to_curators), to_curators
        assert to_curators == [_voided()], to_curators
    finally:
        await database.close()


async def test_a_curator_post_still_goes_while_the_room_is_a_curator_room(
    tmp_path: Path,
) -> None:
    database = await make_db(tmp_path / "k")
    try:
        chat = _chat(database)
        await chat.send_event(DM, ANNA, f"!vraag {WATER_1}")
        client = await _drain(database)
        assert any(ANNA in body for body in await _to(client, CURATORS)), client.sent
    finally:
        await database.close()


async def test_the_curators_picture_waiting_while_rebound_is_not_sent(tmp_path: Path) -> None:
    """The curators' picture lists questions asked in direct chats, with the asker (an
    admin asks for it here; the scheduler posts the same to a subscribed curator room)."""
    from storage import incidents as incident_repo

    database = await make_db(tmp_path / "k")
    try:
        async with database.transaction() as session:
            await incident_repo.open_incident(session, "storm", "Storm", "test")
        chat = _chat(database, EDITOR)
        await chat.send_event(DM, ANNA, f"!vraag {WATER_1}")
        await _drain(database)
        _, shown = await chat.send_event(CURATORS, EDITOR, "!beeld storm")
        assert any(ANNA in getattr(r, "text", "") for r in shown or []), shown
        await _rebind_as_municipality(database)
        client = await _drain(database)
        to_curators = await _to(client, CURATORS)
        assert not any(ANNA in body for body in to_curators), to_curators
    finally:
        await database.close()


async def test_the_answer_s_confirmation_waiting_while_rebound_is_not_sent(
    tmp_path: Path,
) -> None:
    """'Antwoord op V1 verstuurd naar @anna:x' names the asker; the answer itself goes
    to Anna's chat whatever the curators' room became."""
    database = await make_db(tmp_path / "k")
    try:
        await _note_direct(database)
        chat = _chat(database)
        await chat.send_event(DM, ANNA, f"!vraag {WATER_1}")
        await _drain(database)
        await chat.send_event(CURATORS, EDITOR, "!antwoord V1 Bij de kazernes.")
        await _rebind_as_municipality(database)
        client = await _drain(database)
        to_curators = await _to(client, CURATORS)
        assert not any(ANNA in body for body in to_curators), to_curators
        assert any("kazernes" in body for body in await _to(client, DM)), client.sent
    finally:
        await database.close()


async def test_a_scheduled_curator_picture_is_kept_for_curators(tmp_path: Path) -> None:
    """The scheduler posts the same picture to a subscribed curator room: its row is for
    curators only, and a rebind before the send voids it."""
    from datetime import UTC, datetime, timedelta

    from bot.scheduler import Scheduler
    from storage import incidents as incident_repo
    from storage import outbox
    from storage import subscriptions as subscription_repo
    from tests.unit.test_scheduler import RecordingSender

    database = await make_db(tmp_path / "k")
    try:
        chat = _chat(database)
        await chat.send_event(DM, ANNA, f"!vraag {WATER_1}")
        await _drain(database)
        first = datetime.now(UTC)
        async with database.transaction() as session:
            await incident_repo.open_incident(session, "storm", "Storm", "test")
            curators = BindingView("curator", "storm", "KCIO", "GREEN", "AMBER")
            await bind_room(session, CURATORS, curators)
            sub = await subscription_repo.add(
                session, CURATORS, "storm", timedelta(hours=4), None, "test"
            )
            sub.next_due_at = first
        scheduler = Scheduler(database, RecordingSender(), "nl", "!")  # type: ignore[arg-type]
        assert await scheduler.tick(first + timedelta(seconds=2)) == 1
        async with database.session() as session:
            (row,) = await outbox.pending(session)
        assert ANNA in row.content["body"] and row.curators_only, row.content["body"]
        await _rebind_as_municipality(database)
        client = await _drain(database)
        assert await _to(client, CURATORS) == [_voided()], client.sent
    finally:
        await database.close()
