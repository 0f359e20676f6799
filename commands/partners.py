"""`!partners [sector]`, `!wie <sector> [gemeente]`, and the network part of `!org`.

`!partners` (coordinator rooms) shows, per sector, the partners bound to the room's
incident: their rooms' roles, their role in the incident's phase, and how long ago
they last reported (reports this room may see). It flags every sector the dependency
map says is affected by a current severe report but that has no bound partner:
"Ontbreekt: drinkwater — afhankelijk van energie".

`!wie` (coordinator and liaison rooms) lists the contact lines of a sector's partners
that this room may see; a contact line is judged by `tlp.may_see` like an object: no
room of its own, its organisation as owner (AMBER+STRICT stays in the organisation,
RED reaches no room).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from commands import render
from commands.common import age, session_of
from commands.context import CommandContext
from commands.grammar import ParsedCommand
from commands.i18n import Language, t
from commands.message import Outgoing
from commands.permissions import in_roles
from commands.registry import Command
from storage import incidents as incident_repo
from storage import network as store
from storage import organisations, tlp
from storage.models import Organisation
from storage.vocabulary import OrgKind, Phase, Role, Sector, fold


def _sector_or_error(lang: Language, word: str) -> str | Outgoing:
    found = Sector.parse(word)
    if found is None:
        known = ", ".join(s.nl if lang == "nl" else s.en for s in Sector)
        return render.plain(
            t(lang, "domino.sector_usage", value=render.shorten(word, 40), known=known)
        )
    return found.value


def _missing_line(lang: Language, sector: str, causes: Iterable[str]) -> str:
    """A sector affected by reports (`causes`) that has no partner in the incident."""
    named = ", ".join(sorted(Sector.display(c, lang) for c in causes))
    return t(lang, "domino.missing", sector=Sector.display(sector, lang), causes=named)


async def partners_command(ctx: CommandContext, parsed: ParsedCommand) -> list[Outgoing]:
    session = session_of(ctx)
    lang = ctx.lang
    binding = ctx.room.binding
    incident_slug = binding.incident if binding else None
    if incident_slug is None:
        return [render.plain(t(lang, "domino.no_incident"))]
    only: str | None = None
    if parsed.words:
        chosen = _sector_or_error(lang, " ".join(parsed.words))
        if not isinstance(chosen, str):
            return [chosen]
        only = chosen
    incident = await incident_repo.get(session, incident_slug)
    phase = incident.phase if incident else Phase.COLD.value
    access = ctx.room.access
    # Partner names, their rooms' roles and their phase roles are GREEN network facts:
    # a room that may not see GREEN (public) gets none of them, by the one TLP rule.
    if not tlp.may_see(access, "GREEN", "", None):
        return [render.plain(t(lang, "domino.partners_public"))]
    per_sector = _roles_per_sector(await store.bound_rooms(session, incident_slug))
    causes = await _affected_sectors(session, access, incident_slug)
    sectors = sorted(set(per_sector) | set(causes), key=lambda s: Sector.display(s, lang))
    if only is not None:
        sectors = [s for s in sectors if s == only]
    lines = await _sector_lines(ctx, incident_slug, sectors, per_sector, causes, phase)
    if not lines:
        return [
            render.plain(t(lang, "domino.no_partners", incident=incident_slug, prefix=ctx.prefix))
        ]
    # The banner: partner names and roles are GREEN network facts; the missing-sector
    # flags derive from reports this room may see.
    head = t(
        lang,
        "domino.partners_head",
        label="GREEN",
        incident=incident_slug,
        phase=Phase.display(phase, lang),
    )
    await ctx.audit(
        session,
        "partners.listed",
        subject=incident_slug,
        detail={"sector": only, "missing": sorted(s for s in sectors if s not in per_sector)},
    )
    return [render.plain("\n".join([head, *lines]))]


async def _sector_lines(
    ctx: CommandContext,
    incident_slug: str,
    sectors: list[str],
    per_sector: dict[str, dict[str, set[str]]],
    causes: dict[str, set[str]],
    phase: str,
) -> list[str]:
    """Per sector its partners (roles, last report, contact), or the flag that an
    affected sector has none."""
    session, lang, access = session_of(ctx), ctx.lang, ctx.room.access
    orgs = {name for members in per_sector.values() for name in members}
    last = await store.last_reports(session, access, incident_slug, orgs)
    details = {o.name: o for o in await organisations.all_organisations(session) if o.name in orgs}
    lines: list[str] = []
    for sector in sectors:
        members = per_sector.get(sector, {})
        if not members:
            lines.append(_missing_line(lang, sector, causes[sector]))
            continue
        lines.append(f"{Sector.display(sector, lang)}:")
        for org in sorted(members):
            lines += _partner_lines(ctx, org, members[org], last.get(org), details.get(org), phase)
    return lines


def _roles_per_sector(rooms: list[store.BoundRoom]) -> dict[str, dict[str, set[str]]]:
    """Sector -> organisation -> the roles of its rooms."""
    per_sector: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for room in rooms:
        if room.binding.organisation is None:
            continue
        for sector in room.sectors:
            per_sector[sector][room.binding.organisation].add(room.binding.role)
    return per_sector


async def _affected_sectors(
    session: AsyncSession, access: tlp.RoomAccess, incident_slug: str
) -> dict[str, set[str]]:
    """Sectors the map says are affected by a current severe report (that this room
    sees), each with the sectors whose reports affect it."""
    causes: dict[str, set[str]] = defaultdict(set)
    for found in await store.severe_sectors(session, access, incident_slug):
        for line in await store.dependents_of(session, [found.sector], found.region):
            if line.dependent != found.sector:
                causes[line.dependent].add(found.sector)
    return causes


def _partner_lines(
    ctx: CommandContext,
    org: str,
    roles: set[str],
    when: datetime | None,
    details: Organisation | None,
    phase: str,
) -> list[str]:
    """One partner under its sector: its rooms' roles, its last report, its role in
    this phase when the network file gives one."""
    lang = ctx.lang
    room_roles = ", ".join(sorted(Role.display(r, lang) for r in roles))
    shown = (
        t(lang, "domino.last_ago", age=age(ctx.now, when, lang))
        if when
        else t(lang, "domino.last_never")
    )
    lines = ["• " + t(lang, "domino.partner_line", org=org, rooms=room_roles, last=shown)]
    role = (details.roles or {}).get(phase) if details is not None else None
    if role:
        lines.append(
            "  " + t(lang, "domino.partner_role", phase=Phase.display(phase, lang), role=role)
        )
    return lines


def _serves(organisation: Organisation, municipality: str | None, region: str | None) -> bool:
    """Whether an organisation works in the municipality (no coverage given: everywhere)."""
    if municipality is None:
        return True
    places = [fold(m) for m in organisation.municipalities or []]
    regions = list(organisation.regions or [])
    if not places and not regions:
        return True
    return fold(municipality) in places or (region is not None and region in regions)


def _sector_and_rest(words: Sequence[str]) -> tuple[str | None, list[str]]:
    """The sector the words start with (it may be two words, "drinking water") and the
    words after it (the municipality); no sector when none of the first three is one."""
    for cut in range(min(len(words), 3), 0, -1):
        found = Sector.parse(" ".join(words[:cut]))
        if found is not None:
            return found.value, list(words[cut:])
    return None, []


def _serves_in(contact: dict[str, Any], municipality: str | None) -> bool:
    """A contact line serves the municipality when it names none or names this one."""
    places = contact.get("municipalities")
    return municipality is None or not places or fold(municipality) in [fold(m) for m in places]


async def who_command(ctx: CommandContext, parsed: ParsedCommand) -> list[Outgoing]:
    session = session_of(ctx)
    lang = ctx.lang
    if not parsed.words:
        return [render.plain(t(lang, "domino.who_usage", prefix=ctx.prefix))]
    sector, rest = _sector_and_rest(parsed.words)
    if sector is None:
        chosen = _sector_or_error(lang, parsed.words[0])
        return [chosen] if not isinstance(chosen, str) else []
    regions = ctx.settings.vocabulary.regions
    municipality = regions.canonical_municipality(" ".join(rest)) if rest else None
    region = regions.region_of(municipality) if municipality else None
    access = ctx.room.access
    where = t(lang, "domino.who_where", municipality=municipality) if municipality else ""
    lines: list[str] = []
    labels: list[str] = []
    for organisation in await store.partners_with_sector(session, sector):
        if not _serves(organisation, municipality, region):
            continue
        contacts = [
            c for c in store.visible_contacts(access, organisation) if _serves_in(c, municipality)
        ]
        if not contacts:
            continue
        lines.append(f"{organisation.name}:")
        for contact in contacts:
            labels.append(str(contact.get("tlp", "AMBER")))
            lines.append(
                "• "
                + t(
                    lang,
                    "domino.who_line",
                    label=contact.get("label", ""),
                    line=contact.get("line", ""),
                    tlp=contact.get("tlp", "AMBER"),
                )
            )
    shown_sector = Sector.display(sector, lang)
    await ctx.audit(
        session,
        "contacts.listed",
        subject=sector,
        detail={"municipality": municipality, "clearance": access.clearance, "tlp": labels},
    )
    if not lines:
        return [render.plain(t(lang, "domino.who_none", sector=shown_sector, where=where))]
    head = t(lang, "domino.who_head", label=tlp.highest(labels), sector=shown_sector, where=where)
    return [render.plain("\n".join([head, *lines]))]


# ------------------------------------------------------------------ !org (network part)

# Option keys of `!org set` beyond kind and sector: a role per phase.
PHASE_KEYS = {word: phase.value for phase in Phase for word in (phase.value, phase.nl, phase.en)}
_CONTACT_KEYS = {
    "label": ("wat", "label", "naam", "name"),
    "line": ("lijn", "line", "nummer", "number"),
    "tlp": ("tlp",),
    "municipality": ("gemeente", "municipality"),
    "remove": ("wis", "remove", "verwijder", "delete"),
}


def parse_sectors(lang: Language, value: str) -> list[str] | str:
    """`energie,telecom` -> stored sectors, or the error text for an unknown one."""
    out: list[str] = []
    for word in value.split(","):
        if not word.strip():
            continue
        found = Sector.parse(word)
        if found is None:
            known = ", ".join(s.nl if lang == "nl" else s.en for s in Sector)
            return t(
                lang, "domino.sector_usage", value=render.shorten(word.strip(), 40), known=known
            )
        if found.value not in out:
            out.append(found.value)
    return out


def org_line(lang: Language, organisation: Organisation) -> str:
    kind = OrgKind.display(organisation.kind, lang) if organisation.kind else "-"
    sectors = ", ".join(Sector.display(s, lang) for s in organisation.sectors or []) or "-"
    return t(lang, "domino.org_line", org=organisation.name, kind=kind, sectors=sectors)


async def org_contact(ctx: CommandContext, parsed: ParsedCommand) -> list[Outgoing]:
    """`!org contact <name> wat="…" lijn="…" [tlp=] [gemeente=]` / `wis=<nr>`."""
    session = session_of(ctx)
    lang = ctx.lang
    usage: list[Outgoing] = [render.plain(t(lang, "domino.org_contact_usage", prefix=ctx.prefix))]
    name = " ".join(parsed.words[1:])
    known_keys = {k for keys in _CONTACT_KEYS.values() for k in keys}
    if not name or any(key not in known_keys for key in parsed.options):
        return usage
    organisation = await organisations.find(session, name)
    if organisation is None:
        return [render.plain(t(lang, "domino.org_unknown", org=render.shorten(name, 60)))]
    remove = parsed.option(*_CONTACT_KEYS["remove"])
    if remove is not None:
        return await _remove_contact(ctx, organisation, remove)
    label = parsed.option(*_CONTACT_KEYS["label"])
    line = parsed.option(*_CONTACT_KEYS["line"])
    if not label or not line:
        return usage
    return await _add_contact(ctx, organisation, parsed, label, line)


async def _remove_contact(
    ctx: CommandContext, organisation: Organisation, remove: str
) -> list[Outgoing]:
    """`wis=<nr>`: the contact line with that number (as listed, from 1) goes."""
    lang = ctx.lang
    contacts = list(organisation.contacts or [])
    if not remove.isdigit() or not 1 <= int(remove) <= len(contacts):
        return [
            render.plain(
                t(
                    lang,
                    "domino.org_contact_no_such",
                    org=organisation.name,
                    number=render.shorten(remove, 10),
                )
            )
        ]
    contacts.pop(int(remove) - 1)
    organisation.contacts = contacts
    await ctx.audit(
        session_of(ctx),
        "org.contact_removed",
        subject=organisation.name,
        detail={"number": int(remove)},
    )
    return [
        render.plain(
            t(lang, "domino.org_contact_removed", org=organisation.name, number=int(remove))
        )
    ]


async def _add_contact(
    ctx: CommandContext, organisation: Organisation, parsed: ParsedCommand, label: str, line: str
) -> list[Outgoing]:
    """A contact line `wat=` / `lijn=` with its label (AMBER unless `tlp=`) and place."""
    lang = ctx.lang
    label_tlp = tlp.parse_label(parsed.option("tlp") or "AMBER")
    if label_tlp is None:
        return [render.plain(t(lang, "domino.org_bad_tlp"))]
    place = parsed.option(*_CONTACT_KEYS["municipality"])
    contact = {
        "label": " ".join(label.split())[:120],
        "line": " ".join(line.split())[:200],
        "tlp": label_tlp,
        "municipalities": [ctx.settings.vocabulary.regions.canonical_municipality(place)]
        if place
        else [],
    }
    organisation.contacts = [*(organisation.contacts or []), contact]
    await ctx.audit(
        session_of(ctx),
        "org.contact_added",
        subject=organisation.name,
        detail={"tlp": label_tlp},
    )
    return [
        render.plain(
            t(
                lang,
                "domino.org_contact_added",
                org=organisation.name,
                number=len(organisation.contacts),
                label=contact["label"],
                tlp=label_tlp,
            )
        )
    ]


PARTNERS = Command(
    name_nl="partners",
    name_en="partners",
    summary={
        "nl": "de partners van dit incident per sector, en welke sectoren ontbreken",
        "en": "this incident's partners per sector, and which sectors are missing",
    },
    usage={"nl": "{prefix}partners [sector]", "en": "{prefix}partners [sector]"},
    example={"nl": "{prefix}partners drinkwater", "en": "{prefix}partners drinking-water"},
    handler=partners_command,
    permission=in_roles("coordinator"),
)

WHO = Command(
    name_nl="wie",
    name_en="who",
    summary={
        "nl": "contactlijnen van de partners in een sector (wat deze kamer mag zien)",
        "en": "contact lines of a sector's partners (what this room may see)",
    },
    usage={"nl": "{prefix}wie <sector> [gemeente]", "en": "{prefix}who <sector> [municipality]"},
    example={"nl": "{prefix}wie drinkwater Alkmaar", "en": "{prefix}who drinking-water Alkmaar"},
    handler=who_command,
    permission=in_roles("coordinator", "liaison"),
)
