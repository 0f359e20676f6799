"""Attack on room upgrades (outside tester, session 11): what a room had besides its
binding must follow the binding to the room that replaced it.

An upgrade (Element offers it whenever a room version is unstable) carried the binding
to the new room and marked the old one left. The room's scheduled pictures and the
actions owned through that room stayed on the old room id: the scheduler skips a room
that is no longer active, and a reminder for an owner room without an active binding
is skipped. So the coordinators' "every 4h" picture and every reminder of that room's
actions stopped without a word. They now move with the binding
(`storage.rooms.carry_binding`), in the same transaction.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from storage import outbox, rooms
from storage import subscriptions as subscription_repo
from storage.engine import Database
from storage.ids import RoomId, UserId
from tests.unit.test_attack_records import REAL, setup
from tests.unit.test_scheduler import RecordingSender, scheduler

NEW = RoomId("!coord-echt-v2:x")


async def _upgrade(db: Database) -> None:
    async with db.transaction() as session:
        await rooms.mark_joined(session, NEW, datetime.now(UTC))
        assert await rooms.carry_binding(session, REAL, NEW) is not None
        await rooms.mark_left(session, REAL, "upgraded")


async def test_scheduled_pictures_follow_an_upgraded_room(tmp_path: Path) -> None:
    from tests.support.rooms import incident_database

    db = await incident_database(tmp_path / "u.db", {"storm": "Storm"}, "test")
    try:
        await setup(db)  # REAL: the coordination room of storm
        first = datetime.now(UTC) + timedelta(minutes=5)
        async with db.transaction() as session:
            sub = await subscription_repo.add(
                session, REAL, "storm", timedelta(hours=4), None, "@a:x"
            )
            sub.next_due_at = first
        await _upgrade(db)
        async with db.session() as session:
            before = len(await outbox.pending(session))
        await scheduler(db, RecordingSender()).tick(first)
        async with db.session() as session:
            rows = list(await outbox.pending(session))[before:]
        # Only the pictures: from 23:54 local time the tick (5 minutes on) is past the
        # setup's actions' deadline (23:59), and their overdue reminders go out as well.
        rows = [r for r in rows if "Situatiebeeld" in r.content["body"]]
        assert [r.room_id for r in rows] == [NEW], [(r.room_id, r.content["body"]) for r in rows]
        assert "storm" in rows[0].content["body"]
    finally:
        await db.close()


async def test_an_action_s_reminder_follows_its_owner_room_s_upgrade(tmp_path: Path) -> None:
    from tests.support.rooms import incident_database

    db = await incident_database(tmp_path / "r.db", {"storm": "Storm"}, "test")
    try:
        await setup(db)  # a real action of storm, owner VR, whose room is REAL
        await _upgrade(db)
        async with db.session() as session:
            before = len(await outbox.pending(session))
        await scheduler(db, RecordingSender()).remind(datetime.now(UTC) + timedelta(days=2))
        async with db.session() as session:
            rows = list(await outbox.pending(session))[before:]
        bodies = [r.content["body"] for r in rows if r.room_id == NEW]
        assert any("Echte actie" in body for body in bodies), [
            (r.room_id, r.content["body"]) for r in rows
        ]
    finally:
        await db.close()


async def test_an_open_question_is_answered_in_the_room_that_replaced_the_asker_s(
    tmp_path: Path,
) -> None:
    """Asked in a municipality room that was upgraded before the curators answered: the
    old room has no active binding (it sees CLEAR only), so the answer was refused for
    that asker and the question stayed open. It goes to the new room now."""
    from commands.builtin import build_dispatcher
    from commands.dispatcher import CommandSettings
    from tests.unit.test_answers_learn import ANNA, ROOMS, WATER_1, make_db, send, view

    db = await make_db(tmp_path / "k")
    dispatcher = build_dispatcher(CommandSettings(bot_user_id="@knooppunt:x"))
    try:
        await send(db, dispatcher, view("a"), f"!vraag {WATER_1}", ANNA)
        old, new = ROOMS["a"][0], RoomId("!gemeente-a-v2:x")
        async with db.transaction() as session:
            await rooms.mark_joined(session, new, datetime.now(UTC))
            assert await rooms.carry_binding(session, old, new) is not None
            await rooms.mark_left(session, old, "upgraded")
        _, replies = await send(db, dispatcher, view("cur"), "!antwoord V1 Bij de kazernes.")
        assert [(r.room_id, r.mentions) for r in replies if r.notify] == [(new, (ANNA,))], [
            r.text for r in replies
        ]
    finally:
        await db.close()


async def test_an_upgraded_room_still_sees_its_own_red_reports(tmp_path: Path) -> None:
    """RED never leaves the room it was posted in, and a room always sees its own posts.
    After an upgrade the room is a new room id: its own RED report (an extreme one, which
    no coordinator room may see either) vanished from its `!meldingen` and portal page,
    and so from every view the bot has."""
    from storage import portal_view
    from tests.support.chat import CoreChat, texts
    from tests.support.rooms import storm_database

    liaison, new = RoomId("!ggd:x"), RoomId("!ggd-v2:x")
    db = await storm_database(tmp_path / "red.db", [(liaison, "liaison", "GGD")], active=True)
    try:
        chat = CoreChat(db)
        body = "!melding evacuatie\ngemeente: Dordrecht\nernst: extreem\ntlp: rood\nDijk weg."
        _, result = await chat.handle(liaison, UserId("@alice:x"), body)
        assert result is not None and "M-1" in texts(result[0])
        async with db.transaction() as session:
            await rooms.mark_joined(session, new, datetime.now(UTC))
            assert await rooms.carry_binding(session, liaison, new) is not None
            await rooms.mark_left(session, liaison, "upgraded")
        _, listed = await chat.handle(new, UserId("@alice:x"), "!meldingen")
        assert listed is not None and "Dijk weg." in texts(listed[0]), texts(listed[0])
        async with db.session() as session:
            view = await portal_view.room_view(session, new)
            assert view is not None
            shown = await portal_view.entry_with_history(session, view, 1)
        assert shown is not None
    finally:
        await db.close()
