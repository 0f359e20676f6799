"""`!kamer` / `!room` (bind, unbind, show, list) and `!org set`: admins only."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, replace

from commands import partners, render
from commands.common import option, session_of, unknown_options
from commands.context import CommandContext
from commands.errors import UserError
from commands.grammar import ParsedCommand
from commands.i18n import t
from commands.message import Outgoing
from commands.permissions import admin_only
from commands.registry import Command
from commands.subcommands import Subcommand, Subcommands
from storage import incidents as incident_repo
from storage import organisations, tlp
from storage import rooms as room_repo
from storage.exercise import MARKER
from storage.ids import RoomId
from storage.models import RoomBinding
from storage.vocabulary import ORG_KINDS, ROLES, lookup


def _binding_line(
    ctx: CommandContext, room_id: str, binding: RoomBinding, exercises: Collection[str] = ()
) -> str:
    state = "" if binding.active else t(ctx.lang, "rooms_admin.inactive")
    # A binding to an exercise says so, in the marker's own word (as `!incident lijst`).
    tag = f"{MARKER} " if binding.incident in exercises else ""
    return (
        f"{room_id}: {t(ctx.lang, 'rooms_admin.role')} {binding.role}, incident {tag}{binding.incident or '-'}, "
        f"org {binding.organisation or '-'}, tlp {binding.tlp_default}, clearance {binding.clearance}{state}"
    )


async def _show(ctx: CommandContext, parsed: ParsedCommand, args: list[str]) -> list[Outgoing]:
    room_id = RoomId(ctx.room.room_id)
    binding = await room_repo.binding(session_of(ctx), room_id)
    if binding is None:
        return [render.plain(t(ctx.lang, "rooms_admin.this_room_not_bound"))]
    return [render.plain(_binding_line(ctx, room_id, binding))]


async def _list(ctx: CommandContext, parsed: ParsedCommand, args: list[str]) -> list[Outgoing]:
    session = session_of(ctx)
    rows = await room_repo.all_bindings(session)
    if not rows:
        return [render.plain(t(ctx.lang, "rooms_admin.no_rooms_bound_yet"))]
    exercises = {row.slug for row in await incident_repo.all_incidents(session) if row.exercise}
    return [
        render.plain("\n".join(_binding_line(ctx, row.room_id, row, exercises) for row in rows))
    ]


async def _unbind(ctx: CommandContext, parsed: ParsedCommand, args: list[str]) -> list[Outgoing]:
    session = session_of(ctx)
    room_id = RoomId(ctx.room.room_id)
    removed = await room_repo.unbind(session, room_id)
    await ctx.audit(session, "room.unbound", subject=room_id)
    return [
        render.plain(t(ctx.lang, "rooms_admin.unbound" if removed else "rooms_admin.was_not_bound"))
    ]


@dataclass(frozen=True)
class _Binding:
    role: str
    incident: str | None
    tlp_default: str
    clearance: str
    organisation: str | None = None  # ensured (created if new) just before binding


async def _binding_of(ctx: CommandContext, parsed: ParsedCommand) -> _Binding:
    """The options of `bind`, checked; a bad one is the user's error (nothing written yet)."""
    extra = unknown_options(parsed, ("incident", "org", "role", "tlp", "clearance"))
    if extra:
        raise UserError("rooms_admin.unknown_option", value=extra[0])
    role_word = option(parsed, "role")
    role = lookup(ROLES, role_word) if role_word else None
    if role is None:
        raise UserError("rooms_admin.give_role_role_liaison")
    incident = option(parsed, "incident")
    if incident is not None:
        incident = incident.lower()
        found = await incident_repo.get(session_of(ctx), incident)
        # From this binding on the room works in the exercise: its confirmation says so.
        ctx.concerns_exercise = ctx.concerns_exercise or bool(found and found.exercise)
        if found is None:
            raise UserError(
                "rooms_admin.unknown_incident_open_it", incident=incident, prefix=ctx.prefix
            )
    default_label = tlp.parse_label(option(parsed, "tlp") or "amber")
    clearance = tlp.parse_label(
        option(parsed, "clearance") or ("amber" if role == "coordinator" else "green")
    )
    if default_label is None or clearance is None:
        raise UserError("rooms_admin.tlp_labels_clear_green")
    return _Binding(role, incident, default_label, clearance)


async def _bind(ctx: CommandContext, parsed: ParsedCommand, args: list[str]) -> list[Outgoing]:
    wanted = await _binding_of(ctx, parsed)
    session = session_of(ctx)
    room_id = RoomId(ctx.room.room_id)
    org_name = option(parsed, "org")
    if org_name:
        _check_name(org_name)
        organisation = (await organisations.ensure(session, org_name)).name
        wanted = replace(wanted, organisation=organisation)
    binding = await room_repo.bind_as(session, room_id, wanted, ctx.sender)
    await ctx.audit(
        session,
        "room.bound",
        subject=room_id,
        detail={
            "role": wanted.role,
            "incident": wanted.incident,
            "org": wanted.organisation,
            "tlp": wanted.tlp_default,
            "clearance": wanted.clearance,
        },
    )
    return [
        render.plain(t(ctx.lang, "rooms_admin.room_bound") + _binding_line(ctx, room_id, binding))
    ]


ROOM_ACTIONS = Subcommands(
    Subcommand(("show", "toon"), _show),
    Subcommand(("list", "lijst"), _list),
    Subcommand(("unbind", "ontkoppel"), _unbind),
    Subcommand(("bind", "koppel"), _bind),
    default="show",
)


async def room_command(ctx: CommandContext, parsed: ParsedCommand) -> list[Outgoing]:
    usage = UserError("rooms_admin.usage_room_bind_unbind", prefix=ctx.prefix)
    return await ROOM_ACTIONS.run(ctx, parsed, parsed.words, usage)


async def _org_list(ctx: CommandContext, parsed: ParsedCommand, args: list[str]) -> list[Outgoing]:
    rows = await organisations.all_organisations(session_of(ctx))
    lines = [f"• {partners.org_line(ctx.lang, o)}" for o in rows]
    head = t(ctx.lang, "rooms_admin.organisations")
    return [
        render.plain(
            "\n".join([head, *lines]) if lines else t(ctx.lang, "rooms_admin.no_organisations_yet")
        )
    ]


async def _org_contact(
    ctx: CommandContext, parsed: ParsedCommand, args: list[str]
) -> list[Outgoing]:
    return await partners.org_contact(ctx, parsed)


def _check_name(name: str) -> None:
    if organisations.too_long(name):
        raise UserError("rooms_admin.org_name_too_long", limit=organisations.NAME_LIMIT)


async def _org_set(ctx: CommandContext, parsed: ParsedCommand, args: list[str]) -> list[Outgoing]:
    session = session_of(ctx)
    name = " ".join(args)
    _check_name(name)
    # kind=, sector= (one or more, comma-separated) and a role per phase (warm="…").
    phases = {key: value for key, value in parsed.options.items() if key in partners.PHASE_KEYS}
    extra = [key for key in unknown_options(parsed, ("kind", "sector")) if key not in phases]
    if extra:
        return [render.plain(t(ctx.lang, "rooms_admin.unknown_option", value=extra[0]))]
    kind_word = option(parsed, "kind")
    kind = lookup(ORG_KINDS, kind_word) if kind_word is not None else None
    if kind_word is not None and kind is None:
        return [render.plain(t(ctx.lang, "rooms_admin.kinds_emergency_service_infrastructure"))]
    sector_words = option(parsed, "sector")
    sectors = partners.parse_sectors(ctx.lang, sector_words) if sector_words is not None else None
    if isinstance(sectors, str):
        return [render.plain(sectors)]
    organisation = await organisations.ensure(session, name)
    if kind is not None:
        organisation.kind = kind
    if sectors is not None:
        organisation.sectors = sectors
        organisation.sector = sectors[0] if sectors else None
    if phases:
        roles = dict(organisation.roles or {})
        for key, value in phases.items():
            roles[partners.PHASE_KEYS[key]] = " ".join(value.split())[:300]
        organisation.roles = {k: v for k, v in roles.items() if v}
    await ctx.audit(
        session,
        "org.set",
        subject=organisation.name,
        detail={
            "kind": organisation.kind,
            "sector": organisation.sector,
            "sectors": list(organisation.sectors or []),
            "roles": sorted(organisation.roles or {}),
        },
    )
    return [render.plain(partners.org_line(ctx.lang, organisation))]


ORG_ACTIONS = Subcommands(
    Subcommand(("set", "zet"), _org_set),
    Subcommand(("contact",), _org_contact),
    Subcommand(("list", "lijst"), _org_list),
    default="list",
)


async def org_command(ctx: CommandContext, parsed: ParsedCommand) -> list[Outgoing]:
    # `set` and `contact` need a name after them; anything else lists, as it always did.
    sub = ORG_ACTIONS.find(parsed.words[0]) if len(parsed.words) >= 2 else None
    action = sub.action if sub is not None else _org_list
    return await action(ctx, parsed, list(parsed.words[1:]))


ROOM = Command(
    name_nl="kamer",
    name_en="room",
    rereads_room=True,
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
        "nl": "soort, sectoren, rol per fase en contactlijnen van een organisatie (beheerders)",
        "en": "an organisation's kind, sectors, role per phase and contact lines (admins)",
    },
    usage={
        "nl": "{prefix}org set <naam> soort=<soort> sector=<sector>[,<sector>] [koud|lauw|warm|na=<rol>] | contact <naam> wat= lijn= [tlp=] [gemeente=] | contact <naam> wis=<nr>",
        "en": "{prefix}org set <name> kind=<kind> sector=<sector>[,<sector>] [cold|lukewarm|warm|after=<role>] | contact <name> label= line= [tlp=] [municipality=] | contact <name> remove=<nr>",
    },
    example={
        "nl": '{prefix}org set "Rode Kruis" soort=incidentele-partner sector=zorg',
        "en": '{prefix}org set "Red Cross" kind=incidental-partner sector=health',
    },
    handler=org_command,
    permission=admin_only,
    aliases=("organisatie",),
)
