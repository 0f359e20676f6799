"""Who may run what: config admins, the room binding's role, and Matrix power levels.

Each rule returns None when allowed, else the reason in the caller's language
(the dispatcher prefixes "Dat mag hier niet:"). Clearance is never granted by
a room's own moderators: only config admins bind rooms.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from commands.context import CommandContext
from commands.i18n import Language, t

MODERATOR = 50

_ROLE_NL = {
    "liaison": "liaison-kamer",
    "coordinator": "coördinatiekamer",
    "municipality": "gemeentekamer",
    "curator": "redactiekamer",
}
_ROLE_EN = {
    "liaison": "liaison room",
    "coordinator": "coordination room",
    "municipality": "municipality room",
    "curator": "curator room",
}


def admin_only(ctx: CommandContext) -> str | None:
    return None if ctx.is_admin else t(ctx.lang, "reason_admin_only")


def in_roles(*roles: str, min_power: int = 0) -> Callable[[CommandContext], str | None]:
    """Members of a room bound with one of `roles` (and at least `min_power`), or admins."""

    def rule(ctx: CommandContext) -> str | None:
        if ctx.is_admin:
            return None
        if ctx.room.role not in roles:
            return _only_in(ctx.lang, roles)
        if ctx.power < min_power:
            return t(ctx.lang, "permissions.needs_moderator", min_power=min_power)
        return None

    return rule


@functools.cache
def _only_in(lang: Language, roles: tuple[str, ...]) -> str:
    """The refusal "only in a liaison room or coordination room": the same sentence every
    time, made once (`!help` asks every command's rule, and most refuse)."""
    names = _ROLE_NL if lang == "nl" else _ROLE_EN
    wanted = t(lang, "permissions.or").join(names[r] for r in roles)
    return t(lang, "permissions.only_in_room", wanted=wanted)


def manages_incident(ctx: CommandContext, incident: str) -> str | None:
    """Admins, or moderators of a coordinator room bound to `incident` itself.

    A coordinator room of one incident must not close or re-phase another
    partner's incident: the binding's incident is the boundary.
    """
    refusal = in_roles("coordinator", min_power=MODERATOR)(ctx)
    if refusal is not None or ctx.is_admin:
        return refusal
    bound = ctx.room.binding.incident if ctx.room.binding is not None else None
    if bound is None or bound.lower() != incident.lower():
        return t(ctx.lang, "reason_other_incident", incident=incident)
    return None
