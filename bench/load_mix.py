"""The backlog as issue 15 describes it: reports, other commands and chatter, in
liaison rooms bound to an incident, so that the drain stores reports.

Of every five messages three are reports (`!melding` with fields and a numbered
text: each one different, so nothing may be taken for a repeat), one is `!help`
and one is chatter without a command: 5,000 messages are 4,000 commands, 3,000
of them reports. The bot's rooms are bound in its database while it is stopped
(as a config admin's `!kamer koppel` would bind them), the baseline's rooms need
nothing: it answers every `!` message.
"""

from __future__ import annotations

from sqlalchemy import func, select

from storage import incidents as incident_repo
from storage import rooms as room_repo
from storage.engine import Database
from storage.ids import RoomId
from storage.models import SituationEntry
from storage.rooms import BindingView

INCIDENT = "bench-hoogwater"
ORGANISATION = "GGD Bench"
CATEGORIES = ("opvang", "zorg", "stroom", "water", "evacuatie")


def message(index: int) -> str:
    """The backlog's message number `index` (0-based), by its place in a group of five."""
    kind = index % 5
    if kind in (0, 1, 2):
        category = CATEGORIES[index % len(CATEGORIES)]
        return (
            f"!melding {category}\ngemeente: Dordrecht\nernst: matig\n"
            f"Stand van zaken {index}: sporthal open, {index % 200} bedden bezet."
        )
    if kind == 3:
        return "!help"
    return f"Dank, ontvangen ({index})."


def is_report(body: str) -> bool:
    return body.startswith("!melding")


def is_command(body: str) -> bool:
    return body.startswith("!")


async def bind_liaison_rooms(url: str, rooms: list[str]) -> None:
    """Open the bench's incident (once) and bind `rooms` as its liaison rooms (GREEN)."""
    database = Database(url)
    try:
        await database.migrate()
        async with database.transaction() as session:
            await incident_repo.open_incident(session, INCIDENT, "Hoogwater (bench)", "bench")
            binding = BindingView("liaison", INCIDENT, ORGANISATION, "GREEN", "GREEN")
            for room_id in rooms:
                await room_repo.bind_as(session, RoomId(room_id), binding, "bench")
                room = await room_repo.get(session, RoomId(room_id))
                assert room is not None
                room.active = True
    finally:
        await database.close()


async def stored_reports(url: str) -> int:
    """How many reports the bot's database holds for the bench's incident."""
    database = Database(url)
    try:
        async with database.transaction() as session:
            query = select(func.count()).where(SituationEntry.incident == INCIDENT)
            return int(await session.scalar(query) or 0)
    finally:
        await database.close()


def reports_in(total: int) -> int:
    """How many of the backlog's first `total` messages are reports."""
    return sum(1 for index in range(total) if is_report(message(index)))
