"""A unit test's database: migrated SQLite with incident `storm` open and rooms bound."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from knowledge import service
from storage import incidents as incident_repo
from storage import rooms
from storage.engine import Database
from storage.ids import RoomId
from storage.models import Incident
from storage.rooms import BindingView
from tests.support.migrated import migrated_sqlite


async def storm_database(
    path: Path,
    bound: Sequence[tuple[RoomId, str, str]],
    *,
    active: bool = False,
    more: Mapping[RoomId, BindingView] | None = None,
) -> Database:
    """`bound`: (room, role, organisation), each bound to `storm` with TLP default and
    clearance AMBER; `active` also marks them active (the bot is in the room). `more`:
    rooms bound (and active) as their own binding says."""
    database = await migrated_sqlite(path)
    async with database.transaction() as session:
        await incident_repo.open_incident(session, "storm", "Storm", "test")
        for room_id, role, organisation in bound:
            binding = BindingView(role, "storm", organisation, "AMBER", "AMBER")
            await bind_room(session, room_id, binding, active=active)
        for room_id, binding in (more or {}).items():
            await bind_room(session, room_id, binding)
    return database


def storm_database_fixture(bound: Sequence[tuple[RoomId, str, str]]) -> Any:
    """A module's `db` fixture: `storm_database(tmp_path / "storm.db", bound)`, closed
    after the test (`db = storm_database_fixture([(ROOM, "liaison", "GGD")])`)."""

    async def db(tmp_path: Path) -> AsyncIterator[Database]:
        database = await storm_database(tmp_path / "storm.db", bound)
        yield database
        await database.close()

    return pytest.fixture(name="db")(db)


async def bound_database(
    url: str,
    bindings: Mapping[RoomId, BindingView],
    *,
    warm: Iterable[str] = (),
    knowledge: Path | None = None,
) -> Database:
    """Migrated database at `url`: the Q&As under `knowledge` imported, the incidents
    `warm` open in phase warm, each room bound (and active) as `bindings` says."""
    database = Database(url)
    await database.migrate()
    if knowledge is not None:
        await service.import_path(database, knowledge, "test")
    async with database.transaction() as session:
        add_warm_incidents(session, warm)
        for room_id, binding in bindings.items():
            await bind_room(session, room_id, binding)
    return database


def bound_database_fixture(
    bindings: Mapping[RoomId, BindingView],
    *,
    warm: Iterable[str] = (),
    knowledge: Path | None = None,
) -> Any:
    """A module's `db` fixture on SQLite and PostgreSQL: `bound_database` on the
    `migrated_database_url` fixture's database, closed after the test
    (`db = bound_database_fixture(BINDINGS, warm=("storm",), knowledge=SAMPLE)`)."""

    async def db(migrated_database_url: str) -> AsyncIterator[Database]:
        database = await bound_database(
            migrated_database_url, bindings, warm=warm, knowledge=knowledge
        )
        yield database
        await database.close()

    return pytest.fixture(name="db")(db)


async def incident_database(path: Path, incidents: Mapping[str, str], by: str) -> Database:
    """Migrated SQLite with each incident (slug: title) opened by `by`, no rooms bound."""
    database = await migrated_sqlite(path)
    async with database.transaction() as session:
        for slug, title in incidents.items():
            await incident_repo.open_incident(session, slug, title, by)
    return database


async def bind_room(
    session: AsyncSession, room_id: RoomId, binding: BindingView, *, active: bool = True
) -> None:
    """Bind the room as `binding` says; `active` also marks it active (the bot is in it)."""
    await rooms.bind_as(session, room_id, binding, "test")
    if active:
        room = await rooms.get(session, room_id)
        assert room is not None
        room.active = True


def warm_incident(
    slug: str, opened_at: datetime, by: str = "test", *, exercise: bool = False
) -> Incident:
    """An open incident in phase `warm`, titled after its slug (`storm`: Storm)."""
    return Incident(
        slug=slug,
        title=slug.capitalize(),
        phase="warm",
        open=True,
        opened_at=opened_at,
        opened_by=by,
        exercise=exercise,
    )


def add_warm_incidents(session: AsyncSession, slugs: Iterable[str]) -> None:
    """Open incidents in phase `warm`, opened a day ago, titled after their slug."""
    for slug in slugs:
        session.add(warm_incident(slug, datetime.now(UTC) - timedelta(days=1)))
