"""The binding an upgraded room works under until the bot leaves it.

A verified upgrade carries a room's binding to the room that replaced it and leaves
the old room an inactive copy (storage/rooms.carry_binding). The bot stays in the old
room, and people go on writing there: members whose client has not followed yet,
moderators (an upgrade leaves the old room writable for them), messages in the same
sync batch after the tombstone. Read as an unbound room's, a report there was refused
and free text ignored (note13). The old room now works under the binding of the room
that replaced it, followed along the chain of upgrades to the first active one: its
incident, organisation and role, where the work goes on. What it may see is the least
of what the copies along the way allowed (the lowest clearance) and its reports take
the highest default label of them: the old room's members were vetted for its own
binding, not for a raise made since in the new room. When the successor is unbound,
the old room is unbound with it; so it is when a binding along the chain names another
organisation or role than the old room's own: its members were vetted for that
organisation (an AMBER+STRICT report of theirs would be filed as the other one's and
reach its rooms, and theirs would read the other's), and a liaison room is no
coordinator room.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from storage import tlp
from storage.models import Incident, Room, RoomBinding

# Upgrades in a row followed at most (a loop of replaced_by links ends too).
_CHAIN_LIMIT = 8


@dataclass(frozen=True)
class Successor:
    """The active binding found along the chain, and the old room's limits on it."""

    binding: RoomBinding
    room_id: str  # the room that holds that binding now
    tlp_default: str
    clearance: str
    exercise: bool


async def successor(
    session: AsyncSession,
    room_id: str,
    tlp_default: str,
    clearance: str,
    *,
    role: str,
    organisation: str | None,
) -> Successor | None:
    """For a room whose own binding is inactive (`tlp_default`, `clearance`, `role`,
    `organisation`: that copy's), the active binding of the room that replaced it, capped
    as the module says; None when the room was not replaced, nothing along the chain is
    bound now, or a binding on the way names another organisation or role."""
    defaults, ceilings = [tlp_default], [clearance]
    seen = {room_id}
    room = await session.get(Room, room_id)
    current = room.replaced_by if room is not None else None
    while current is not None and current not in seen and len(seen) <= _CHAIN_LIMIT:
        seen.add(current)
        binding = await session.get(RoomBinding, current)
        if binding is not None and (binding.role, binding.organisation) != (role, organisation):
            return None  # vetted for another organisation or role: see the module
        if binding is not None and binding.active:
            incident = await session.get(Incident, binding.incident) if binding.incident else None
            return Successor(
                binding,
                current,
                tlp.highest([*defaults, binding.tlp_default]),
                tlp.lowest([*ceilings, binding.clearance]),
                bool(incident is not None and incident.exercise),
            )
        if binding is None:
            return None  # unbound on the way: what is bound further on was never this room's
        defaults.append(binding.tlp_default)
        ceilings.append(binding.clearance)
        room = await session.get(Room, current)
        current = room.replaced_by if room is not None else None
    return None
