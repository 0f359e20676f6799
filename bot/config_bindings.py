"""The rooms listed under `rooms:` in the config file, bound at every start of the bot."""

from __future__ import annotations

from bot.config import RoomBindingConfig
from storage import incidents as incident_repo
from storage import organisations
from storage import rooms as room_repo
from storage.engine import Database
from storage.ids import RoomId
from storage.vocabulary import ROLES, lookup


async def apply_config_bindings(
    db: Database, bindings: list[RoomBindingConfig], resolved: dict[str, str]
) -> int:
    """Bind the rooms listed under `rooms:` in the config file (aliases already resolved)."""
    applied = 0
    async with db.transaction() as session:
        for item in bindings:
            room_id = resolved.get(item.room, item.room)
            if not room_id.startswith("!"):
                continue
            role = lookup(ROLES, item.role) or item.role
            if item.incident and await incident_repo.get(session, item.incident) is None:
                await incident_repo.open_incident(
                    session, item.incident.lower(), item.incident, "config"
                )
            organisation = (
                (await organisations.ensure(session, item.org)).name if item.org else None
            )
            await room_repo.bind(
                session,
                RoomId(room_id),
                role=role,
                incident=item.incident.lower() if item.incident else None,
                organisation=organisation,
                tlp_default=item.tlp,
                clearance=item.clearance,
                by="config",
            )
            applied += 1
    return applied
