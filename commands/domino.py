"""Domino effects on the report path: a report's sector, its cause, and the alerts.

A report belongs to a vital sector: the `sector:` it names, else the one its category
speaks for (`!melding stroom` is energy), else its organisation's first sector. When a
report is severe or extreme and the dependency map says other sectors depend on its
sector, the incident gets one open domino item per dependent sector, and the liaison
rooms of the partners in those sectors (bound to the incident) get one alert each: the
report as far as that room may see it (`tlp.may_see`), what may follow per the map, and
how to answer (`oorzaak: M-7`). All of it is written in the report's own transaction,
alerts as outbox rows, so a crash sends each alert once or not at all, never twice.

A later report in a dependent sector answers that sector's open items; a retracted
cause takes its open items away, and so does an edit that makes it no longer severe.
The rooms alerted about such a cause are told, once, as a reply to their alert and under
its label, that it no longer holds (`withdraw_alerts`); a cause that holds again (an
edit back to severe) alerts them anew.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from commands import render
from commands.common import session_of
from commands.context import CommandContext
from commands.i18n import Language, t
from commands.message import Outgoing, Reply
from commands.report_parser import Problem
from commands.texts import Word
from storage import alerts, audit, items, rooms, tlp
from storage import exercise as exercise_store
from storage import network as store
from storage.ids import EventId, RoomId
from storage.models import CoordinatorAlert, DominoAlert, SectorDependency, SituationEntry
from storage.vocabulary import CATEGORY_SECTOR, SECTOR_CATEGORY, Category, Sector

SEVERE = store.SEVERE
ADJECTIVE = {"Severe": Word("Ernstige", "Severe"), "Extreme": Word("Extreme", "Extreme")}


def sector_word(value: str, lang: Language) -> str:
    return Sector.display(value, lang)


async def resolve_sector(
    session: AsyncSession,
    written: str | None,
    category: str,
    organisation: str | None,
    known: tuple[str, ...] | None = None,
) -> str | Problem | None:
    """The stored sector of a report (see the module text), or a problem for a `sector:`
    the vocabulary does not know. `known`: the organisation's sectors when the caller has
    them already (the room's binding read them), so the hot path needs no query."""
    if written:
        found = Sector.parse(written)
        if found is None:
            names = ", ".join(s.nl for s in Sector)
            return Problem.of(
                "domino.unknown_sector", value=render.shorten(written, 40), known=names
            )
        return found.value
    if category in CATEGORY_SECTOR:
        return CATEGORY_SECTOR[category]
    if organisation:
        sectors = list(known) if known is not None else None
        if sectors is None:
            sectors = await store.organisation_sectors(session, organisation)
        if sectors:
            return str(sectors[0])
    return None


async def check_cause(ctx: CommandContext, cause_id: int, incident: str) -> Problem | None:
    """`oorzaak: M-7` must name a live report of the same incident that this room may see.
    Anything else gets the same answer as an unknown number, so the field tells nothing
    about reports the room may not see. (A room alerted without the content is not told
    the cause's id; its report in the dependent sector answers the domino item anyway.)"""
    session = session_of(ctx)
    cause = await session.get(SituationEntry, cause_id)
    unknown = Problem.of("domino.cause_unknown", code=f"M-{cause_id}")
    if cause is None or cause.retracted_at is not None or cause.incident != incident:
        return unknown
    if tlp.may_see(ctx.room.access, cause.tlp, cause.room_id, cause.organisation):
        return None
    return unknown


async def cause_visible(session: AsyncSession, access: tlp.RoomAccess, cause_id: int) -> bool:
    """Whether a room may be told the id of a report's cause."""
    cause = await session.get(SituationEntry, cause_id)
    return cause is not None and tlp.may_see(access, cause.tlp, cause.room_id, cause.organisation)


def _answer_example(prefix: str, lang: Language, sector: str, code: str | None) -> list[str]:
    """How to answer: `!melding telecom` + `oorzaak: M-7` (only where the room may see the
    cause: an id the room may not see is not named to it) + a text line."""
    category = SECTOR_CATEGORY.get(sector, Category.OTHER)
    command = "melding" if lang == "nl" else "report"
    lines = [f"{prefix}{command} {Category.display(category, lang)}"]
    if CATEGORY_SECTOR.get(category) != sector:
        lines.append(f"sector: {sector_word(sector, lang)}")
    if code is not None:
        lines.append(f"{'oorzaak' if lang == 'nl' else 'cause'}: {code}")
    lines.append(t(lang, "domino.answer_text"))
    return lines


def _follows(lang: Language, line: SectorDependency) -> str:
    sector = sector_word(line.dependent, lang)
    if line.onset:
        return t(lang, "domino.alert_follows", sector=sector, onset=line.onset, reason=line.reason)
    return t(lang, "domino.alert_follows_no_onset", sector=sector, reason=line.reason)


def _cause(
    lang: Language, entry: SituationEntry, sector: str, full: bool, access: tlp.RoomAccess
) -> tuple[str, list[str]]:
    """What the alert says about the report that caused it, and the label that makes:
    the report itself when the room may see it (`full`), else only where and what."""
    region = entry.region or t(lang, "domino.region_unknown")
    label = alert_label(entry, full, access)
    if full:
        place = entry.municipality or entry.location or t(lang, "domino.place_unknown")
        if entry.region:
            place += f" ({entry.region})"
        body = [
            t(
                lang,
                "domino.alert_cause",
                severity=ADJECTIVE.get(entry.severity, Word(entry.severity, entry.severity)),
                code=entry.code,
                sector=sector_word(sector, lang),
                place=place,
                incident=entry.incident,
            )
        ]
        if entry.text:
            body.append(render.shorten(entry.text, 400))
    else:
        # Above the room's clearance: that there is a severe outage, where, and nothing
        # of its text, figures, reporter or id (what a room may not see does not exist
        # for it). Its answer in that sector still answers the open domino item.
        body = [
            t(
                lang,
                "domino.alert_redacted",
                sector=sector_word(sector, lang),
                region=region,
                incident=entry.incident,
            )
        ]
    return label, body


def alert_label(entry: SituationEntry, full: bool, access: tlp.RoomAccess) -> str:
    """The label of a room's alert: the report's when it shows the report, else that of
    the redacted alert (sector, region, severity): GREEN, or CLEAR for a room that sees
    CLEAR only."""
    if full:
        return entry.tlp
    return "GREEN" if access.bound and not access.public else "CLEAR"


def alert_for(
    lang: Language,
    prefix: str,
    entry: SituationEntry,
    sector: str,
    lines: list[SectorDependency],
    access: tlp.RoomAccess,
) -> tuple[Reply, bool]:
    """One room's alert (plain and HTML) and whether it shows the report's content."""
    full = tlp.may_see(access, entry.tlp, entry.room_id, entry.organisation)
    dependents = ", ".join(sector_word(line.dependent, lang) for line in lines)
    label, body = _cause(lang, entry, sector, full, access)
    head = t(lang, "domino.alert_head", sectors=dependents, label=label)
    follows = [_follows(lang, line) for line in lines]
    answer_head = t(lang, "domino.alert_answer")
    example: list[str] = []
    for line in lines[:1]:
        example = _answer_example(prefix, lang, line.dependent, entry.code if full else None)
    text = "\n".join([head, *body, *follows, answer_head, *example])
    html = "".join(
        [
            f"<p><b>{render.escape(head)}</b></p>",
            *(f"<p>{render.escape(b)}</p>" for b in body),
            "<ul>" + "".join(f"<li>{render.escape(f)}</li>" for f in follows) + "</ul>",
            f"<p>{render.escape(answer_head)}</p>",
            "<pre><code>" + render.escape("\n".join(example)) + "</code></pre>",
        ]
    )
    room = RoomId(access.room_id)
    return Reply(text=text, html=html, room_id=room, notify=True, tlp=label), full


async def after_record(
    ctx: CommandContext, entry: SituationEntry, *, edited: bool = False
) -> tuple[list[Outgoing], str]:
    """Answer open domino items of the report's sector; for a severe report, open the
    items its sector causes and alert the dependent partners' liaison rooms (once per
    room and cause). Returns the alerts and a line for the reporter ('' for none).

    `edited`: the report was edited. Its open items that it no longer causes go, as
    on a retraction: below severe, another sector or region, no incident."""
    session = session_of(ctx)
    if entry.incident is None or entry.sector is None:
        if edited:
            await store.remove_for_cause(session, entry.id)
            return await withdraw_alerts(ctx, entry, "moved"), ""
        return [], ""
    await store.close_for_sector(session, entry)
    lines = []
    over = resolves(entry, edited)
    settled = await settle_item(ctx, entry, edited, DOMINO)
    if entry.severity in SEVERE and entry.retracted_at is None and not over:
        lines = await store.dependents_of(session, [entry.sector], entry.region)
        lines = [line for line in lines if line.dependent != entry.sector]
    withdrawn: list[Outgoing] = []
    if edited:
        kept = {line.dependent for line in lines}
        await store.remove_for_cause(session, entry.id, keep=kept)
        liaison = await store.bound_rooms(session, entry.incident, "liaison")
        withdrawn = await _withdraw_unhearing(ctx, entry, liaison)
        # The rooms whose sectors the cause no longer reaches: their alert is withdrawn.
        still = {room.room_id for room in liaison if kept.intersection(room.sectors)}
        why = "resolved" if over else "moved" if lines or entry.severity in SEVERE else "below"
        withdrawn += await withdraw_alerts(ctx, entry, why, keep_rooms=still)
    withdrawn += settled
    if not lines:
        return withdrawn, ""
    await store.open_items(session, entry, entry.sector, lines)
    held: list[str] = []
    alerted = await _alert_dependents(ctx, entry, lines, held=held)
    out = [*withdrawn, *alerted]
    note = t(
        ctx.lang,
        "domino.items_opened",
        sectors=", ".join(sector_word(line.dependent, ctx.lang) for line in lines),
        rooms=len(alerted),
    )
    if held:
        # The partners would believe they were warned, the reporter that they were.
        note += "\n" + t(ctx.lang, "domino.held_back", count=len(held), label=entry.tlp)
    return out, note


async def _withdraw_unhearing(
    ctx: CommandContext, entry: SituationEntry, liaison: list[store.BoundRoom]
) -> list[Outgoing]:
    """An edit raised the cause to a label an alerted room may not even hear of (RED, or
    another organisation's AMBER+STRICT: `tlp.may_hear_of`): its alert is withdrawn with
    a notice that names nothing of the cause ("hidden"), as the coordinators' is. A room
    that saw the cause and may now only hear of it keeps its alert (it is still warned;
    a later notice is the redacted one)."""
    session = session_of(ctx)
    standing = await alerts.alerted_rooms(session, DominoAlert, entry.id)
    hidden = {
        room.room_id
        for room in liaison
        if room.room_id in standing
        and not tlp.may_hear_of(room.access, entry.tlp, entry.room_id, entry.organisation)
    }
    if not hidden:
        return []
    return await withdraw_alerts(ctx, entry, "hidden", keep_rooms=standing - hidden)


async def item_reopened(ctx: CommandContext, entry: SituationEntry, note: str) -> list[Outgoing]:
    """`entry`'s item is severe and open again, `entry` its latest state: a follow-up
    that resolved it or took it below severe no longer counts (deleted, moved away by an
    edit; commands/reports.py `_reopened`). That follow-up had answered the dependent
    partners' alerts and their open items went (`settle_item`): the items are opened
    again and the partners alerted anew, with `note` (why it comes again), as the
    coordinators are. Once per room and cause: a room whose alert stands hears nothing.
    Not through `after_record`, which would answer the sector's newer open items with
    this older report."""
    if entry.incident is None or entry.sector is None or entry.retracted_at is not None:
        return []
    session = session_of(ctx)
    lines = await store.dependents_of(session, [entry.sector], entry.region)
    lines = [line for line in lines if line.dependent != entry.sector]
    if not lines:
        return []
    await store.open_items(session, entry, entry.sector, lines)
    return await _alert_dependents(ctx, entry, lines, note)


async def _alert_dependents(
    ctx: CommandContext,
    entry: SituationEntry,
    lines: list[SectorDependency],
    note: str = "",
    held: list[str] | None = None,
) -> list[Outgoing]:
    """Alert the liaison rooms of the partners in the dependent sectors of `lines`, once
    per room and cause (never the reporter's own room); each alert is audited. `note`:
    a last line saying why the alert comes (again). `held` gets the rooms that may not
    even hear of the cause (its label: `tlp.may_hear_of`), for telling the reporter."""
    assert entry.incident is not None and entry.sector is not None
    session = session_of(ctx)
    by_dependent = {line.dependent: line for line in lines}
    already = await alerts.alerted_rooms(session, DominoAlert, entry.id)
    sent: list[Outgoing] = []
    claimed: dict[str, alerts.AlertClaim] = {}
    for room in await store.bound_rooms(session, entry.incident, "liaison"):
        if room.access.own(entry.room_id) or room.room_id in already:
            continue  # the reporter's own room (or its upgrade); a room that heard of it
        mine = [by_dependent[s] for s in room.sectors if s in by_dependent]
        if not mine:
            continue
        access = room.access
        if not tlp.may_hear_of(access, entry.tlp, entry.room_id, entry.organisation):
            # Even the redacted alert (sector, region, severity of a report above the
            # room's view) is GREEN and says the cause exists: not for a public room,
            # nor of a cause that may not leave its room (RED) or organisation.
            if held is not None and tlp.may_see(access, "GREEN", "", None):
                held.append(room.room_id)  # a partner's room the label kept it from
            continue
        reply, full = alert_for(ctx.lang, ctx.prefix, entry, entry.sector, mine, access)
        reply = render.with_lines(reply, [note] if note else [], bold=True)
        claimed[room.room_id] = alerts.AlertClaim(full, alert_label(entry, full, access))
        sent.append(reply)
        ctx.events.append("domino.alert.full" if full else "domino.alert.redacted")
        await audit.add(
            session,
            "bot",
            "domino.alert",
            room.room_id,
            subject=entry.code,
            detail={
                "incident": entry.incident,
                "sector": entry.sector,
                "dependents": [line.dependent for line in mine],
                "tlp": entry.tlp,
                "clearance": access.clearance,
                "full": full,
            },
        )
    await alerts.record(session, DominoAlert, entry.id, claimed, ctx.message.event_id)
    return sent


def resolves(entry: SituationEntry, edited: bool) -> bool:
    """A follow-up (or an edited report) that says its item is resolved: it alerts
    nobody and causes nothing, whatever severity it inherited (the picture's attention
    list leaves it out too)."""
    return entry.status == "resolved" and (entry.item_id is not None or edited)


async def settle_item(
    ctx: CommandContext, entry: SituationEntry, edited: bool, kind: AlertKind
) -> list[Outgoing]:
    """`entry` resolved its item or took it below severe: the rooms whose alert (of
    `kind`) about an earlier entry of the item still stands are told so, as a reply to
    that alert (`withdraw_alerts`: told once, alerted anew if the item turns severe
    again); that entry's open domino items go, as for an edit below severe. Only when
    `entry` is now the item's latest state. Coordinator rooms that may not see `entry`
    are not told (their picture still shows the item open); a partner's room is told
    in the form its alert had."""
    if entry.severity in SEVERE and not resolves(entry, edited):
        return []
    if entry.incident is None or (entry.item_id is None and not edited):
        return []  # a new report that opens its own item: nothing earlier to answer
    if entry.keeps_item_state:
        # It lowers no severe state of the item for the rooms that see that state
        # (storage/items.py `_state`): their alerts stand.
        return []
    session = session_of(ctx)
    item_id = entry.item_id if entry.item_id is not None else entry.id
    earlier = await alerts.standing_in_item(session, kind.model, item_id, entry.id)
    if not earlier:
        return []
    latest = await items.latest_in_item(session, ctx.room.access, item_id)
    if latest is None or latest.id != entry.id:
        return []  # a later entry stands for the item
    why = "resolved" if entry.status == "resolved" else "lowered"
    out: list[Outgoing] = []
    blind, hearing = await _blind_to(ctx, entry) if kind is COORDINATOR else (set(), set())
    for entry_id in earlier:
        alerted = await session.get(SituationEntry, entry_id)
        if alerted is None:
            continue
        if kind is DOMINO:
            await store.remove_for_cause(session, entry_id)
        # A room that only heard of the alerted report (a redacted alert: its picture
        # never showed the item) and may hear of `entry` is told, redacted: left out as
        # blind, its alert of a situation that was over stood (review 17a).
        standing = await alerts.standing(session, kind.model, entry_id)
        heard = {
            room
            for room, row in standing.items()
            if heard_only(row, alerted, await rooms.access_of(session, RoomId(room)))
        }
        keep = blind - (hearing & heard)
        out += await withdraw_alerts(
            ctx, alerted, why, keep_rooms=keep, kind=kind, follow_up=entry.code
        )
    return out


async def _blind_to(ctx: CommandContext, entry: SituationEntry) -> tuple[set[str], set[str]]:
    """The coordinator rooms of the entry's incident that may not see `entry`, and those
    of them that may hear of it (`tlp.may_hear_of`)."""
    session = session_of(ctx)
    assert entry.incident is not None
    blind: set[str] = set()
    hearing: set[str] = set()
    views = await rooms.coordinator_views(session, entry.incident)
    for room_id, binding, public, direct in views:
        access = tlp.RoomAccess.for_binding(room_id, binding, public, direct)
        if tlp.may_see(access, entry.tlp, entry.room_id, entry.organisation):
            continue
        blind.add(room_id)
        if tlp.may_hear_of(access, entry.tlp, entry.room_id, entry.organisation):
            hearing.add(room_id)
    return blind, hearing


async def after_retraction(ctx: CommandContext, entry: SituationEntry) -> list[Outgoing]:
    """A retracted report: a cause's open items go, items it answered are open again, and
    the rooms alerted about it are told (`withdraw_alerts`)."""
    session = session_of(ctx)
    await store.remove_for_cause(session, entry.id)
    await store.reopen_answered_by(session, entry.id)
    return await withdraw_alerts(ctx, entry, "retracted")


@dataclass(frozen=True)
class AlertKind:
    """What differs between the alerts a withdrawal follows up: where they are stored,
    the catalogue keys of the notice (`<texts>.withdrawn_head`, `_<why>`, `_tail`) and
    the audit action."""

    model: alerts.AlertModel
    texts: str
    audited: str


DOMINO = AlertKind(DominoAlert, "domino", "domino.alert_withdrawn")
COORDINATOR = AlertKind(CoordinatorAlert, "reports", "alert.withdrawn")


async def withdraw_alerts(
    ctx: CommandContext,
    entry: SituationEntry,
    why: str,
    keep_rooms: set[str] | None = None,
    kind: AlertKind = DOMINO,
    follow_up: str = "",
) -> list[Outgoing]:
    """Tell each room whose alert about `entry` still stands (except `keep_rooms`) that
    it no longer holds: `why` is "retracted", "below" (no longer severe), "moved"
    (another sector, region or incident) or "hidden" (a label the room may not see). A coordinator reading the alert needs the
    correction where the alert is: a reply to it, under its label. Marked withdrawn in
    this transaction, with the notices as its outbox rows: told once, across restarts
    and replays. "resolved" and "lowered": a follow-up (`follow_up`, its code) resolved
    the item or took it below severe."""
    session = session_of(ctx)
    notices: list[Outgoing] = []
    for alert in (await alerts.standing(session, kind.model, entry.id)).values():
        if keep_rooms is not None and alert.room_id in keep_rooms:
            continue
        alert.withdrawn_at = ctx.now
        notice = await _withdrawal_notice(ctx, entry, alert, why, kind.texts, follow_up)
        if notice is not None:
            notices.append(notice)
        await audit.add(
            session,
            "bot",
            kind.audited,
            alert.room_id,
            subject=entry.code,
            detail={"why": why, "told": notice is not None},
        )
    return notices


def heard_only(alert: alerts.AlertRow, entry: SituationEntry, access: tlp.RoomAccess) -> bool:
    """Whether the room (`access`, as it is now) knows the alerted report only as heard
    of: a redacted alert, or a full one under a label the room may no longer see (its
    clearance lowered since; session 19 names such a report in its pictures as heard of).
    What it is told of the report later is what a room with the redacted alert is told:
    treated as a room that sees it, an unseen edit withdrew its alert as "edited to a
    label this room may not see" (and alerted it anew), RED read as "ask the reporter",
    and a follow-up resolving the item told it nothing (review 19a)."""
    # (A row from before alerts kept their label: the report's label now.)
    shown = alert.label or entry.tlp
    return not alert.full or not tlp.may_see(access, shown, entry.room_id, entry.organisation)


async def _withdrawal_notice(
    ctx: CommandContext,
    entry: SituationEntry,
    alert: alerts.AlertRow,
    why: str,
    texts: str,
    follow_up: str = "",
) -> Reply | None:
    """The notice for one alerted room, as far as the room may see now: the report's code
    under its label where the room saw the report and still may, else the redacted form
    (GREEN: no code, no text); nothing for a room that now sees CLEAR only, or that was
    rebound across real and exercise."""
    session = session_of(ctx)
    if await exercise_store.room_moved_mode(session, alert.room_id, entry.incident) is not None:
        return None  # rebound across real and exercise since the alert
    access = await rooms.access_of(session, RoomId(alert.room_id))
    full = alert.full and tlp.may_see(access, entry.tlp, entry.room_id, entry.organisation)
    label = alert_label(entry, full, access)
    if not full and label != "GREEN":
        return None  # the room sees CLEAR only now: it was told nothing it may still read
    lang = ctx.lang
    code = f" ({entry.code})" if full else ""
    heard = heard_only(alert, entry, access)
    if heard and texts == "reports" and why in ("retracted", "hidden"):
        # A coordinator room that only heard of the report: retracted, or now under a
        # label it may not even hear of (RED, another organisation's AMBER+STRICT), it
        # is told alike. "Edited to a label this room may not see" told it that the
        # report still stands, now RED (review 17a).
        why = "gone"
    elif heard and texts == "reports" and why in ("resolved", "lowered"):
        # Told without the follow-up's code: the room may not see that report either.
        why = f"heard_{why}"
    lines = [
        t(lang, f"{texts}.withdrawn_head", label=label, code=code),
        t(lang, f"{texts}.withdrawn_{why}", incident=entry.incident or "-", code=follow_up),
    ]
    if why not in ("hidden", "gone"):  # a report out of this room's view may still stand
        lines.append(t(lang, f"{texts}.withdrawn_tail"))
    text = "\n".join(lines)
    html = f"<p><b>{render.escape(lines[0])}</b></p>" + "".join(
        f"<p>{render.escape(line)}</p>" for line in lines[1:]
    )
    event_id = await alerts.event_id_of(session, alert)
    return Reply(
        text=text,
        html=html,
        room_id=RoomId(alert.room_id),
        reply_to=EventId(event_id) if event_id else None,
        tlp=label,
    )
