"""A database with the incidents, bound rooms and sample partner network that the
domino tests share (`tests/unit/test_domino.py`, `test_attack_network.py`)."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import UTC, datetime
from pathlib import Path

from knowledge import network_service
from storage import incidents as incident_repo
from storage import rooms
from storage.engine import Database
from storage.ids import RoomId
from tests.support.migrated import migrated_sqlite

SAMPLE = Path(__file__).resolve().parents[2] / "knowledge" / "sample_network"
# (room, role, organisation, clearance, incident)
RoomSpec = tuple[RoomId, str, str, str, str]


async def network_database(
    path: Path, bound: Iterable[RoomSpec], public: Collection[RoomId] = (), url: str = ""
) -> Database:
    """Migrated, with the incidents `stroom-nh` and `ander`, the rooms bound (default
    label AMBER) and joined, `public` rooms marked public, and the sample network. On
    SQLite at `path`, or at `url` when given (an already migrated database, such as the
    `migrated_database_url` fixture's on either backend)."""
    database = Database(url) if url else await migrated_sqlite(path)
    async with database.transaction() as session:
        await incident_repo.open_incident(session, "stroom-nh", "Stroomuitval NH", "test")
        await incident_repo.open_incident(session, "ander", "Ander incident", "test")
        for room_id, role, org, clearance, incident in bound:
            await rooms.bind(
                session, room_id, role=role, incident=incident, organisation=org,
                tlp_default="AMBER", clearance=clearance, by="test",
            )  # fmt: skip
            await rooms.mark_joined(session, room_id, datetime.now(UTC))
            if room_id in public:
                room = await rooms.get(session, room_id)
                assert room is not None
                room.public = True
    report = await network_service.import_path(database, SAMPLE, "test")
    assert report.ok, report.problems
    return database
