"""A database with the incidents, bound rooms and sample partner network that the
domino tests share (`tests/unit/test_domino.py`, `test_attack_network.py`), the chat
they talk through, the severe power outage that causes their domino items, and the
picture's domino section."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import UTC, datetime
from pathlib import Path

from commands.dispatcher import CommandSettings
from knowledge import network_service
from storage import incidents as incident_repo
from storage import rooms
from storage.engine import Database
from storage.ids import RoomId, UserId
from tests.support.chat import CoreChat, bound_views, texts
from tests.support.migrated import migrated_sqlite

SAMPLE = Path(__file__).resolve().parents[2] / "knowledge" / "sample_network"
# (room, role, organisation, clearance, incident)
RoomSpec = tuple[RoomId, str, str, str, str]
ALICE = UserId("@alice:x")
# The cause: a severe outage in the energy sector of Alkmaar (region NHN), AMBER.
POWER = (
    "!melding stroom\ngemeente: Alkmaar\nernst: ernstig\ntlp: amber\n"
    "Middenspanningsstation Alkmaar-Noord uitgevallen."
)


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


def chat(db: Database) -> CoreChat:
    """The dispatcher over `db`'s bound rooms, with "@admin:x" as the admin."""
    admins = frozenset({"@admin:x"})
    return CoreChat(db, bound_views(), CommandSettings(bot_user_id="@bot:x", admins=admins))


async def say(c: CoreChat, room: RoomId, body: str) -> str:
    """What ALICE's message in `room` gets back in that room."""
    _, result = await c.handle(room, ALICE, body)
    assert result is not None
    return texts([r for r in result[0] if getattr(r, "room_id", None) in (None, room)])


def domino_section(picture: str) -> str:
    """The picture's domino section (empty when it has none)."""
    if "Mogelijke domino-effecten" not in picture:
        return ""
    return picture.split("Mogelijke domino-effecten", 1)[1].split("\n\n", 1)[0]
