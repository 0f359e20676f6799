"""The rooms listed under `rooms:` in the config file, bound at the start of the bot.

The file says how a room is bound when the bot is set up; an admin may change that in
chat later (lower a compromised room's clearance, unbind it, move it into a drill).
A restart must not silently undo such a change, so an entry is applied only when it is
new or changed since it was last applied (the applied entry is kept in `kv`); a
binding changed in chat since is kept, and the start logs and audits that the file
and the room disagree. A binding that already says what the file says is left alone
(a new `bound_at` would void the room's pending free-text offers).

An entry deleted from the file unbinds its room, when the binding is still the one the
file made: an operator takes a room out of the crisis that way, and it must not keep
reading at its old clearance. A binding changed in chat since stays (chat wins, as for
a changed entry). While an alias of the file is not resolved, nothing is unbound: which
room that entry names is not known.

An alias that names another room than the one it named when its entry was last applied
(its owner moved it) is not followed: the start logs and audits it and binds nor unbinds
anything for that entry, as for an upgraded room. Whoever administers an alias can move
it; following silently gave the room it now names the entry's clearance. Naming the room
by its id in the file applies the entry to it.
"""

from __future__ import annotations

import hashlib
import json
import logging

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import RoomBindingConfig
from storage import audit, organisations, sync_state
from storage import incidents as incident_repo
from storage import rooms as room_repo
from storage.engine import Database
from storage.ids import RoomId
from storage.models import RoomBinding
from storage.vocabulary import ROLES, lookup

log = logging.getLogger("knooppunt.config")


def _wanted(item: RoomBindingConfig, organisation: str | None) -> dict[str, str | None]:
    return {
        "role": lookup(ROLES, item.role) or item.role,
        "incident": item.incident.lower() if item.incident else None,
        "organisation": organisation,
        "tlp_default": item.tlp,
        "clearance": item.clearance,
    }


def _stored(binding: RoomBinding) -> dict[str, str | None]:
    return {
        "role": binding.role,
        "incident": binding.incident,
        "organisation": binding.organisation,
        "tlp_default": binding.tlp_default,
        "clearance": binding.clearance,
    }


def _mark_key(room_id: str) -> str:
    return "config-binding:" + hashlib.sha256(room_id.encode()).hexdigest()[:40]


async def _apply_one(session: AsyncSession, room_id: RoomId, item: RoomBindingConfig) -> bool:
    """Bind one room as the file says, unless chat changed it since the file was last
    applied. True when the room is bound as the file says (now or already)."""
    if await _replaced(session, room_id, item):
        return False
    if item.incident and await incident_repo.get(session, item.incident) is None:
        await incident_repo.open_incident(session, item.incident.lower(), item.incident, "config")
    organisation = (await organisations.ensure(session, item.org)).name if item.org else None
    wanted = _wanted(item, organisation)
    mark = json.dumps(wanted, sort_keys=True)
    last = await sync_state.get_value(session, _mark_key(room_id))
    binding = await room_repo.binding(session, room_id)
    if binding is not None and _stored(binding) == wanted:
        await sync_state.set_value(session, _mark_key(room_id), mark)
        return True
    # The file has not changed since it was applied, and the room's binding has: an
    # admin changed it in chat (a binding made before these marks existed counts as
    # chat's when an admin, not the file, made it).
    changed_in_chat = last == mark or (
        last is None and binding is not None and binding.bound_by != "config"
    )
    if changed_in_chat:
        log.warning(
            "config binding for %s not applied: changed in chat since (%s); "
            "edit its entry in the config file to apply it",
            room_id,
            "unbound" if binding is None else f"bound by {binding.bound_by}",
        )
        await audit.add(
            session, "config", "room.config_binding_kept", room_id, detail={"file": wanted}
        )
        # What the file says now counts as seen: an edit of the entry is then applied,
        # as the log says (without it a room first bound in chat never got the file's).
        await sync_state.set_value(session, _mark_key(room_id), mark)
        return False
    await room_repo.bind(session, room_id, **wanted, by="config")  # type: ignore[arg-type]
    await sync_state.set_value(session, _mark_key(room_id), mark)
    return True


async def _replaced(session: AsyncSession, room_id: RoomId, item: RoomBindingConfig) -> bool:
    """Whether the entry names a room that was upgraded (tombstoned): it is not bound
    again, and the start says which room replaced it. Binding it made a dead room active
    and cleared while the room the partner works in kept its old binding; following the
    upgrade silently could overwrite what an admin set in the new room since."""
    room = await room_repo.get(session, room_id)
    if room is None or room.replaced_by is None:
        return False
    latest, seen = room.replaced_by, {room_id}
    while latest not in seen:  # the newest room of a chain of upgrades
        seen.add(RoomId(latest))
        successor = await room_repo.get(session, RoomId(latest))
        if successor is None or successor.replaced_by is None:
            break
        latest = successor.replaced_by
    log.warning(
        "config binding for %s not applied: the room was upgraded and replaced by %s; "
        "name that room in the config file",
        room_id,
        latest,
    )
    detail = {"replaced_by": latest, "file": {"role": item.role, "clearance": item.clearance}}
    await audit.add(session, "config", "room.config_binding_replaced", room_id, detail=detail)
    return True


def _alias_key(alias: str) -> str:
    return "config-alias:" + hashlib.sha256(alias.encode()).hexdigest()[:40]


async def _alias_rooms(session: AsyncSession, bindings: list[RoomBindingConfig]) -> dict[str, str]:
    """The room each alias of the file named when its entry was last applied."""
    found: dict[str, str] = {}
    for item in bindings:
        if item.room.startswith("#"):
            room = await sync_state.get_value(session, _alias_key(item.room))
            if room:
                found[item.room] = room
    return found


async def _alias_moved(session: AsyncSession, alias: str, before: str, now: str) -> None:
    log.warning(
        "config binding for %s not applied: the alias now names %s, not %s as when its "
        "entry was applied; name the room by its id in the config file to bind it",
        alias,
        now,
        before,
    )
    detail = {"alias": alias, "before": before, "now": now}
    await audit.add(session, "config", "room.config_alias_moved", now, detail=detail)


async def _dropped(session: AsyncSession, listed: set[str]) -> list[tuple[RoomBinding, bool]]:
    """The bindings the file made whose entry is gone, each with whether it is still as
    the file last applied it (else an admin changed it in chat since)."""
    found: list[tuple[RoomBinding, bool]] = []
    made = await session.scalars(select(RoomBinding).where(RoomBinding.bound_by == "config"))
    for binding in made.all():
        if binding.room_id in listed:
            continue
        # Only a room the file itself named has a mark: a binding carried over by a
        # room upgrade says "config" too, and its entry names the old room.
        last = await sync_state.get_value(session, _mark_key(binding.room_id))
        if last is not None:
            found.append((binding, last == json.dumps(_stored(binding), sort_keys=True)))
    return found


async def _unbind_dropped(session: AsyncSession, dropped: list[tuple[RoomBinding, bool]]) -> None:
    for binding, as_applied in dropped:
        room_id = RoomId(binding.room_id)
        await sync_state.set_value(session, _mark_key(room_id), "")
        if not as_applied:
            log.warning(
                "config binding for %s: its entry is gone from the config file; kept, "
                "as an admin changed it in chat since",
                room_id,
            )
            continue
        await room_repo.unbind(session, room_id)
        log.warning(
            "config binding for %s: its entry is gone from the config file; unbound", room_id
        )
        await audit.add(
            session, "config", "room.config_binding_removed", room_id, detail=_stored(binding)
        )


async def apply_config_bindings(
    db: Database, bindings: list[RoomBindingConfig], resolved: dict[str, str]
) -> int:
    """Bind the rooms listed under `rooms:` in the config file (aliases already
    resolved), and unbind those whose entry the file no longer has (see the module
    text): the number of rooms bound as the file says."""
    rooms = [resolved.get(item.room, item.room) for item in bindings]
    async with db.session() as session:  # reads: a start without entries writes nothing
        before = await _alias_rooms(session, bindings)
        moved = {a for a, room in before.items() if resolved.get(a, room) != room}
        # A moved alias's entry still stands for the room it named: that one stays.
        pairs = zip(rooms, bindings, strict=True)
        listed = {before[i.room] if i.room in moved else r for r, i in pairs}
        complete = all(room_id.startswith("!") for room_id in listed)
        dropped = complete and bool(await _dropped(session, listed))
    if not bindings and not dropped:
        return 0
    applied = 0
    async with db.transaction() as session:
        for room_id, item in zip(rooms, bindings, strict=True):
            if item.room in moved:
                await _alias_moved(session, item.room, before[item.room], room_id)
            elif room_id.startswith("!"):
                applied += await _apply_one(session, RoomId(room_id), item)
                if item.room.startswith("#"):
                    await sync_state.set_value(session, _alias_key(item.room), room_id)
        if complete:
            await _unbind_dropped(session, await _dropped(session, listed))
    return applied
