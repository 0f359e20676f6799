"""Storage on SQLite and on a real PostgreSQL: migrations, event log, outbox, lock, rooms."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect as sqlalchemy_inspect
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from storage import audit, event_log, instance_lock, outbox, rooms, sync_state
from storage.engine import Database, DatabaseError, normalise_url
from storage.ids import EventId, RoomId, UserId
from storage.models import Base, OutboxMessage, RoomBinding

ROOM = RoomId("!room:localhost")
USER = UserId("@alice:localhost")


async def test_migration_matches_models(db: Database) -> None:
    def diff(connection):  # type: ignore[no-untyped-def]
        context = MigrationContext.configure(connection, opts={"compare_type": False})
        return compare_metadata(context, Base.metadata)

    async with db.engine.connect() as conn:
        differences = await conn.run_sync(diff)
    assert differences == []


async def test_migrate_twice_is_harmless(db: Database) -> None:
    async def revision() -> list[str]:
        async with db.engine.connect() as conn:
            return list(
                (await conn.execute(text("SELECT version_num FROM alembic_version"))).scalars()
            )

    async with db.transaction() as session:
        await event_log.record(session, EventId("$kept"), ROOM, USER, "replied", datetime.now(UTC))
    before = await revision()
    await db.migrate()
    # Same single head revision, and the data written before is still there.
    assert await revision() == before and len(before) == 1
    async with db.session() as session:
        assert await event_log.is_processed(session, EventId("$kept"))


async def test_event_log_refuses_a_second_copy(db: Database) -> None:
    now = datetime.now(UTC)
    async with db.transaction() as session:
        await event_log.record(session, EventId("$a"), ROOM, USER, "replied", now)
    async with db.transaction() as session:
        assert await event_log.is_processed(session, EventId("$a"))
    with pytest.raises(IntegrityError):
        async with db.transaction() as session:
            await event_log.record(session, EventId("$a"), ROOM, USER, "replied", now)


async def test_effects_and_outbox_roll_back_together(db: Database) -> None:
    with pytest.raises(RuntimeError):
        async with db.transaction() as session:
            await event_log.record(session, EventId("$b"), ROOM, USER, "replied", datetime.now(UTC))
            await outbox.add(session, ROOM, "message", {"body": "x"}, outbox.txn_id_for("$b"))
            raise RuntimeError("crash between effect and commit")
    async with db.session() as session:
        assert not await event_log.is_processed(session, EventId("$b"))
        assert list(await outbox.pending(session)) == []


async def test_outbox_is_idempotent_and_marks_sent_by_echo(db: Database) -> None:
    txn = outbox.txn_id_for("$c", 0)
    assert txn == outbox.txn_id_for("$c", 0) != outbox.txn_id_for("$c", 1)
    async with db.transaction() as session:
        assert await outbox.add(session, ROOM, "message", {"body": "one"}, txn, "$c")
        assert not await outbox.add(session, ROOM, "message", {"body": "one"}, txn, "$c")
    async with db.session() as session:
        (row,) = await outbox.pending(session)
        assert row.content == {"body": "one"}
    async with db.transaction() as session:
        assert await outbox.mark_sent_by_txn(session, txn, "$echo")
        assert not await outbox.mark_sent_by_txn(session, txn, "$echo")
    async with db.session() as session:
        assert list(await outbox.pending(session)) == []
        (sent,) = await outbox.by_source(session, "$c")
        assert sent.result_event_id == "$echo"
        assert sent.sent_at is not None and sent.sent_at.tzinfo is not None


async def test_queued_copy_is_the_row_as_read_back(db: Database) -> None:
    """`outbox.add` returns a detached copy built without the ORM's constructor: every
    column as the stored row has it, usable after its transaction ended, and never
    part of a session."""
    label = outbox.RowLabel("AMBER", "GREEN", "VR", curators=True)
    async with db.transaction() as session:
        queued = await outbox.add(
            session, ROOM, "message", {"body": "q"}, outbox.txn_id_for("$q"), "$q", label=label
        )
        assert queued is not None and queued not in session
    async with db.session() as session:
        (stored,) = await outbox.pending(session)
    for column in OutboxMessage.__table__.columns:
        assert getattr(queued, column.key) == getattr(stored, column.key), column.key
    assert sqlalchemy_inspect(queued).transient


async def test_outbox_gives_up_after_permanent_error(db: Database) -> None:
    async with db.transaction() as session:
        await outbox.add(session, ROOM, "message", {"body": "x"}, outbox.txn_id_for("$d"))
    async with db.session() as session:
        (row,) = await outbox.pending(session)
    async with db.transaction() as session:
        await outbox.record_attempt(session, row.id, "M_FORBIDDEN", give_up=True)
    async with db.session() as session:
        assert list(await outbox.pending(session)) == []


async def test_sync_token_and_login_round_trip(db: Database) -> None:
    async with db.transaction() as session:
        assert await sync_state.get_next_batch(session, USER) is None
        await sync_state.set_next_batch(session, USER, "s1")
        await sync_state.set_next_batch(session, USER, "s2")
        await sync_state.save_login(
            session,
            sync_state.LoginSession(
                user_id=USER, device_id="DEV", access_token="tok", homeserver="http://x"
            ),
        )
    async with db.session() as session:
        assert await sync_state.get_next_batch(session, USER) == "s2"
        login = await sync_state.get_login(session, USER)
        assert login is not None and login.device_id == "DEV"


async def test_times_come_back_as_aware_utc(db: Database) -> None:
    amsterdam = datetime(2026, 11, 23, 14, 30, tzinfo=UTC) + timedelta(hours=0)
    async with db.transaction() as session:
        await event_log.record(session, EventId("$t"), ROOM, USER, "x", amsterdam)
    async with db.session() as session:
        from storage.models import ProcessedEvent

        row = await session.get(ProcessedEvent, "$t")
        assert row is not None
        assert row.origin_ts == amsterdam and row.origin_ts.tzinfo is not None


async def test_instance_lock_refuses_a_live_second_owner(db: Database) -> None:
    first, second = instance_lock.new_owner(), instance_lock.new_owner()
    async with db.transaction() as session:
        await instance_lock.acquire(session, "bot:@k:x", first)
    with pytest.raises(instance_lock.LockHeld):
        async with db.transaction() as session:
            await instance_lock.acquire(session, "bot:@k:x", second)
    async with db.transaction() as session:
        assert await instance_lock.heartbeat(session, "bot:@k:x", first)
        assert not await instance_lock.heartbeat(session, "bot:@k:x", second)
        await instance_lock.release(session, "bot:@k:x", first)
    async with db.transaction() as session:
        await instance_lock.acquire(session, "bot:@k:x", second)


async def test_instance_lock_taken_over_from_a_dead_process(db: Database) -> None:
    from storage.models import InstanceLock

    async with db.transaction() as session:
        await instance_lock.acquire(session, "bot:@k:y", "dead")
        row = await session.get(InstanceLock, "bot:@k:y")
        assert row is not None
        row.pid = 2**22 + 12345  # no such process on this host
    async with db.transaction() as session:
        await instance_lock.acquire(session, "bot:@k:y", "alive")


async def test_kick_keeps_binding_inactive_and_upgrade_carries_it(db: Database) -> None:
    async with db.transaction() as session:
        await rooms.mark_joined(session, ROOM, datetime.now(UTC))
        session.add(
            RoomBinding(
                room_id=ROOM,
                role="liaison",
                organisation="GGD",
                incident="x",
                tlp_default="AMBER",
                clearance="AMBER",
                active=True,
                bound_by="@admin:x",
            )
        )
    async with db.transaction() as session:
        await rooms.mark_left(session, ROOM, "kicked")
    async with db.session() as session:
        binding = await rooms.binding(session, ROOM)
        assert binding is not None and not binding.active and binding.organisation == "GGD"
    new_room = RoomId("!new:localhost")
    async with db.transaction() as session:
        await rooms.carry_binding(session, ROOM, new_room)
    async with db.session() as session:
        carried = await rooms.binding(session, new_room)
        assert carried is not None and carried.active and carried.clearance == "AMBER"
        old = await rooms.get(session, ROOM)
        assert old is not None and old.replaced_by == new_room


async def test_audit_log(db: Database) -> None:
    async with db.transaction() as session:
        await audit.add(session, USER, "invite.accepted", ROOM, subject="s", detail={"k": 1})
    async with db.session() as session:
        (record,) = await audit.for_subject(session, "s")
        assert record.detail == {"k": 1} and record.actor == USER


def test_database_url_normalisation() -> None:
    assert normalise_url("sqlite:///x.db").startswith("sqlite+aiosqlite://")
    assert normalise_url("postgresql://u@h/db").startswith("postgresql+asyncpg://")
    with pytest.raises(DatabaseError):
        normalise_url("mysql://u@h/db")
    with pytest.raises(DatabaseError):
        normalise_url("not a url")
