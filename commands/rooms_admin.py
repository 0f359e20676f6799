"""`!kamer` / `!room` (bind, unbind, show, list) and `!org set`: admins only."""

from __future__ import annotations

from commands import render
from commands.common import option, session_of, unknown_options
from commands.context import CommandContext
from commands.errors import UserError
from commands.grammar import ParsedCommand
from commands.i18n import t
from commands.message import Outgoing
from commands.permissions import admin_only
from commands.registry import Command
from storage import audit, organisations, tlp
from storage import incidents as incident_repo
from storage import rooms as room_repo
from storage.ids import RoomId
from storage.models import RoomBinding
from storage.vocabulary import ORG_KINDS, ROLES, lookup


def _binding_line(ctx: CommandContext, room_id: str, binding: RoomBinding) -> str:
    state = "" if binding.active else t(ctx.lang, "rooms_admin.inactive")
    return (
        f"{room_id}: {t(ctx.lang, 'rooms_admin.role')} {binding.role}, incident {binding.incident or '-'}, "
        f"org {binding.organisation or '-'}, tlp {binding.tlp_default}, clearance {binding.clearance}{state}"
    )


async def room_command(ctx: CommandContext, parsed: ParsedCommand) -> list[Outgoing]:
    session = session_of(ctx)
    action = parsed.words[0].lower() if parsed.words else "show"
    room_id = RoomId(ctx.room.room_id)
    if action in ("show", "toon"):
        binding = await room_repo.binding(session, room_id)
        if binding is None:
            return [render.plain(t(ctx.lang, "rooms_admin.this_room_not_bound"))]
        return [render.plain(_binding_line(ctx, room_id, binding))]
    if action in ("list", "lijst"):
        rows = await room_repo.all_bindings(session)
        if not rows:
            return [render.plain(t(ctx.lang, "rooms_admin.no_rooms_bound_yet"))]
        return [render.plain("\n".join(_binding_line(ctx, row.room_id, row) for row in rows))]
    if action in ("unbind", "ontkoppel"):
        removed = await room_repo.unbind(session, room_id)
        await audit.add(session, ctx.sender, "room.unbound", room_id, subject=room_id)
        return [
            render.plain(
                t(ctx.lang, "rooms_admin.unbound" if removed else "rooms_admin.was_not_bound")
            )
        ]
    if action not in ("bind", "koppel"):
        raise UserError("rooms_admin.usage_room_bind_unbind", prefix=ctx.prefix)

    extra = unknown_options(parsed, ("incident", "org", "role", "tlp", "clearance"))
    if extra:
        return [render.plain(t(ctx.lang, "rooms_admin.unknown_option", value=extra[0]))]
    role_word = option(parsed, "role")
    role = lookup(ROLES, role_word) if role_word else None
    if role is None:
        return [render.plain(t(ctx.lang, "rooms_admin.give_role_role_liaison"))]
    incident = option(parsed, "incident")
    if incident is not None:
        incident = incident.lower()
        found = await incident_repo.get(session, incident)
        # From this binding on the room works in the exercise: its confirmation says so.
        ctx.concerns_exercise = ctx.concerns_exercise or bool(found and found.exercise)
        if found is None:
            return [
                render.plain(
                    t(
                        ctx.lang,
                        "rooms_admin.unknown_incident_open_it",
                        incident=incident,
                        prefix=ctx.prefix,
                    )
                )
            ]
    default_label = tlp.parse_label(option(parsed, "tlp") or "amber")
    clearance = tlp.parse_label(
        option(parsed, "clearance") or ("amber" if role == "coordinator" else "green")
    )
    if default_label is None or clearance is None:
        return [render.plain(t(ctx.lang, "rooms_admin.tlp_labels_clear_green"))]
    org_name = option(parsed, "org")
    organisation = (await organisations.ensure(session, org_name)).name if org_name else None
    binding = await room_repo.bind(
        session,
        room_id,
        role=role,
        incident=incident,
        organisation=organisation,
        tlp_default=default_label,
        clearance=clearance,
        by=ctx.sender,
    )
    await audit.add(
        session,
        ctx.sender,
        "room.bound",
        room_id,
        subject=room_id,
        detail={
            "role": role,
            "incident": incident,
            "org": organisation,
            "tlp": default_label,
            "clearance": clearance,
        },
    )
    return [
        render.plain(t(ctx.lang, "rooms_admin.room_bound") + _binding_line(ctx, room_id, binding))
    ]


async def org_command(ctx: CommandContext, parsed: ParsedCommand) -> list[Outgoing]:
    session = session_of(ctx)
    if not parsed.words or parsed.words[0].lower() not in ("set", "zet") or len(parsed.words) < 2:
        rows = await organisations.all_organisations(session)
        lines = [f"• {o.name} ({o.kind or '-'}, {o.sector or '-'})" for o in rows]
        head = t(ctx.lang, "rooms_admin.organisations")
        return [
            render.plain(
                "\n".join([head, *lines])
                if lines
                else t(ctx.lang, "rooms_admin.no_organisations_yet")
            )
        ]
    name = " ".join(parsed.words[1:])
    extra = unknown_options(parsed, ("kind", "sector"))
    if extra:
        return [render.plain(t(ctx.lang, "rooms_admin.unknown_option", value=extra[0]))]
    organisation = await organisations.ensure(session, name)
    kind_word = option(parsed, "kind")
    if kind_word is not None:
        kind = lookup(ORG_KINDS, kind_word)
        if kind is None:
            return [render.plain(t(ctx.lang, "rooms_admin.kinds_emergency_service_infrastructure"))]
        organisation.kind = kind
    sector = option(parsed, "sector")
    if sector is not None:
        organisation.sector = sector
    await audit.add(
        session,
        ctx.sender,
        "org.set",
        ctx.room.room_id,
        subject=organisation.name,
        detail={"kind": organisation.kind, "sector": organisation.sector},
    )
    return [
        render.plain(
            f"{organisation.name}: {organisation.kind or '-'}, sector {organisation.sector or '-'}"
        )
    ]


ROOM = Command(
    name_nl="kamer",
    name_en="room",
    summary={
        "nl": "koppelt deze kamer aan incident, organisatie, rol en TLP (beheerders)",
        "en": "binds this room to an incident, organisation, role and TLP (admins)",
    },
    usage={
        "nl": "{prefix}kamer koppel incident=<naam> org=<org> rol=<rol> tlp=<label> clearance=<label> | ontkoppel | toon | lijst",
        "en": "{prefix}room bind incident=<slug> org=<org> role=<role> tlp=<label> clearance=<label> | unbind | show | list",
    },
    example={
        "nl": '{prefix}kamer koppel incident=hoogwater-ijssel org="Rode Kruis" rol=liaison tlp=amber clearance=amber',
        "en": '{prefix}room bind incident=flood-ijssel org="Red Cross" role=liaison tlp=amber clearance=amber',
    },
    handler=room_command,
    permission=admin_only,
)

ORG = Command(
    name_nl="org",
    name_en="organisation",
    summary={
        "nl": "soort en sector van een organisatie (beheerders)",
        "en": "an organisation's kind and sector (admins)",
    },
    usage={
        "nl": "{prefix}org set <naam> soort=<soort> sector=<sector>",
        "en": "{prefix}org set <name> kind=<kind> sector=<sector>",
    },
    example={
        "nl": '{prefix}org set "Rode Kruis" soort=incidentele-partner sector=zorg',
        "en": '{prefix}org set "Red Cross" kind=incidental-partner sector=health',
    },
    handler=org_command,
    permission=admin_only,
    aliases=("organisatie",),
)
