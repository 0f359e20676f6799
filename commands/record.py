"""`!oordeel`, `!besluit`, `!actie`, `!acties`: what the partners concluded, decided and must do.

Beeld – oordeel – besluit: a coordinator room records an assessment (O-n), a
decision (B-n) or an action (A-n) in the report grammar (leading `key: value`
lines, then text). Each item carries a TLP label (default: the room's, like
entries), follows edits of its command message (a new revision) and redactions
(withdrawn, kept in the history). An action's owner is told in their own room,
only if that room may see the action's label; the scheduler reminds them once
before the deadline (bot/scheduler.py).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from commands import exercise, render
from commands.common import local_time, page_number, session_of
from commands.context import CommandContext
from commands.dutch_time import TimeError
from commands.errors import UserError
from commands.grammar import ParsedCommand, is_command, parse_raw, strip_reply_fallback
from commands.i18n import Language, t
from commands.message import Outgoing, Reply
from commands.permissions import MODERATOR, in_roles, manages_incident
from commands.record_time import is_past, parse_ahead
from commands.registry import Command
from commands.report_parser import contains_html_tag, unformatted_field_line
from storage import audit, tlp
from storage import incidents as incident_repo
from storage import records as record_repo
from storage.ids import RoomId, UserId
from storage.models import RecordItem
from storage.vocabulary import INVISIBLE

MAX_FIELD_CHARS = 1000
MAX_TEXT_CHARS = 4000
# A reminder goes out this long before the deadline, or halfway for a closer one.
REMIND_LEAD = timedelta(minutes=15)
# A reminder sent later than this after its moment says it is late.
LATE_AFTER = timedelta(seconds=60)

may_record = in_roles("coordinator", min_power=MODERATOR)
may_list = in_roles("coordinator", "liaison", "municipality")

# Field words, Dutch and English, per kind -> the field's name.
_COMMON = {"tlp": "tlp", "incident": "incident"}
_FIELDS: dict[str, dict[str, str]] = {
    "assessment": {
        "verwachting": "development",
        "verwachte ontwikkeling": "development",
        "ontwikkeling": "development",
        "expected": "development",
        "expected development": "development",
        "development": "development",
        "risico's": "risks",
        "risicos": "risks",
        "risico": "risks",
        "risks": "risks",
        "risk": "risks",
        "scenario's": "scenarios",
        "scenarios": "scenarios",
        "scenario": "scenarios",
        "geldig tot": "due",
        "valid until": "due",
    },
    "decision": {
        "besloten door": "decided_by",
        "decided by": "decided_by",
        "door": "decided_by",
        "by": "decided_by",
        "besluit": "text",
        "wat": "text",
        "what": "text",
        "decision": "text",
        "uitvoerder": "owner",
        "eigenaar": "owner",
        "owner": "owner",
        "ingang": "due",
        "gaat in": "due",
        "takes effect": "due",
        "effective": "due",
    },
    "action": {
        "eigenaar": "owner",
        "owner": "owner",
        "deadline": "due",
        "uiterlijk": "due",
        "due": "due",
        "wat": "text",
        "what": "text",
        "actie": "text",
        "action": "text",
        "kamer": "room",
        "room": "room",
    },
}
# The value ends at its last non-blank, greedily: a lazy `(.*?)\s*$` was quadratic on
# a run of blanks inside it (see commands/report_parser._FIELD_LINE).
_FIELD_LINE = re.compile(r"^\s*([^\W\d_][\w '’-]{0,30}?)\s*:\s*+((?:.*\S)?)\s*$")
_USER_ID = re.compile(r"^@[^:\s]+:\S+$")


@dataclass
class Draft:
    """What a command said, before it is checked against rooms and labels."""

    kind: str
    values: dict[str, str] = field(default_factory=dict)
    text: str = ""
    problems: list[str] = field(default_factory=list)


def _read(kind: str, words: Sequence[str], body_lines: Sequence[str], lang: Language) -> Draft:
    """Leading `key: value` lines of known fields, then the text (as reports are read)."""
    draft = Draft(kind)
    keys = {**_COMMON, **_FIELDS[kind]}
    lines = list(body_lines)
    text_lines: list[str] = [" ".join(words)] if words else []
    index = 0
    while index < len(lines):
        # Read without invisible format characters, as report fields are: one in front
        # of `tlp:` must not make the label text (and the item the room's default).
        # Markdown and list markers too ("**besloten door:** ROT", "- tlp: rood").
        line = unformatted_field_line(INVISIBLE.sub("", lines[index]))
        match = _FIELD_LINE.match(line)
        key = match.group(1).strip().lower().replace("’", "'") if match else None
        if match is None or key not in keys:
            if line.strip() or text_lines:
                break
            index += 1
            continue
        name = keys[key]
        value = match.group(2).strip()
        if name in draft.values:
            draft.problems.append(t(lang, "record.field_twice", field=key))
        elif len(value) > MAX_FIELD_CHARS:
            draft.problems.append(
                t(lang, "record.field_too_long", field=key, limit=MAX_FIELD_CHARS)
            )
        else:
            draft.values[name] = value
        index += 1
    text_lines += lines[index:]
    text = "\n".join(text_lines).strip()
    if "text" in draft.values:
        text = (draft.values.pop("text") + ("\n" + text if text else "")).strip()
    draft.text = text
    if len(text) > MAX_TEXT_CHARS:
        draft.problems.append(t(lang, "record.text_too_long", limit=MAX_TEXT_CHARS))
    if any(contains_html_tag(v) for v in [text, *draft.values.values()]):
        draft.problems.append(t(lang, "record.no_html"))
    return draft


@dataclass
class Checked:
    data: record_repo.RecordInput
    owner_room: record_repo.OwnerRoom | None = None


async def _check(
    ctx: CommandContext, draft: Draft, fallback_incident: str | None, kept: RecordItem | None = None
) -> Checked:
    """The draft as an item to store, or UserError listing every problem (nothing stored).
    `kept`: the item an edit revises (see `_organisation`, `_checked_label`)."""
    lang = ctx.lang
    problems = list(draft.problems)
    values = draft.values
    incident = await _checked_incident(ctx, values.get("incident"), fallback_incident, problems)
    written = "\n".join([draft.text, *(v for k, v in values.items() if k != "tlp")])
    # Words of the other mode (OEFENING in a real room): refused, as reports are.
    if (crossing := exercise.words_cross_mode(ctx, written)) is not None:
        problems.append(t(lang, crossing))
    marked = tlp.text_marking(written)
    label = _checked_label(ctx, values.get("tlp"), problems, marked, kept.tlp if kept else None)
    due = _checked_due(ctx, draft, problems)
    fields: dict[str, str] = {
        k: v for k, v in values.items() if k in ("development", "risks", "scenarios", "decided_by")
    }
    text = draft.text
    if draft.kind == "assessment" and not (text or fields.get("development")):
        problems.append(t(lang, "record.assessment_needs_development"))
    if draft.kind in ("decision", "action") and not text:
        problems.append(t(lang, f"record.{draft.kind}_needs_text", prefix=ctx.prefix))
    organisation = _organisation(ctx, kept)
    owner = values.get("owner")
    owner_room: record_repo.OwnerRoom | None = None
    if draft.kind == "action":
        if not owner:
            problems.append(t(lang, "record.action_needs_owner"))
        if due is None and not values.get("due"):
            problems.append(t(lang, "record.action_needs_deadline"))
    if draft.kind == "action" and owner and incident is not None and not problems:
        owner_room = await _checked_owner_room(
            ctx, owner, values.get("room"), incident, label, organisation, problems
        )
    if problems:
        raise UserError(
            "record.refused", problems="\n".join(f"• {p}" for p in problems), prefix=ctx.prefix
        )
    assert incident is not None
    remind_at = None
    if draft.kind == "action" and due is not None:
        lead = min(REMIND_LEAD, max(due - ctx.written, timedelta(0)) / 2)  # as written
        remind_at = due - lead
    return Checked(
        record_repo.RecordInput(
            kind=draft.kind,
            incident=incident,
            organisation=organisation,
            tlp=label,
            text=text,
            fields=fields,
            owner=owner,
            owner_room=owner_room.room_id if owner_room else None,
            due_at=due,
            remind_at=remind_at,
        ),
        owner_room,
    )


def _organisation(ctx: CommandContext, kept: RecordItem | None) -> str | None:
    """What AMBER+STRICT keeps the item within: the posting room's organisation, and for
    an edit the one the item was recorded for. The room may have been rebound to another
    organisation since: an edited typo must not move the first's AMBER+STRICT words to
    the other's rooms. Who decided (a team such as the ROT) is a field of its own, shown,
    not a TLP boundary."""
    if kept is not None:
        return kept.organisation
    binding = ctx.room.binding
    return binding.organisation if binding else None


async def _checked_incident(
    ctx: CommandContext, given: str | None, fallback: str | None, problems: list[str]
) -> str | None:
    """The incident named with `incident:` (which must be open), or the room's."""
    incident = (given or fallback or "").strip().lower() or None
    if incident is None:
        problems.append(t(ctx.lang, "record.no_incident"))
    elif given:
        found = await incident_repo.get(session_of(ctx), incident)
        if found is None or not found.open:
            problems.append(t(ctx.lang, "record.unknown_incident", incident=incident))
        elif found.exercise != exercise.room_in_exercise(ctx):
            # Never across an exercise and reality, as a report naming the incident.
            key = (
                "exercise.real_room_exercise_incident"
                if found.exercise
                else "exercise.exercise_room_real_incident"
            )
            problems.append(t(ctx.lang, key, slug=incident))
    return incident


def _checked_label(
    ctx: CommandContext,
    given: str | None,
    problems: list[str],
    marked: str | None = None,
    default: str | None = None,
) -> str:
    """The label named with `tlp:`, or the room's default (AMBER in an unbound room). An
    edit without `tlp:` never lowers the item (`default`, its label): the room's default
    may have been lowered since, and a typo fixed in yesterday's AMBER decision must not
    make it GREEN without a word.

    `marked`: the highest TLP marking written in the text ("… TLP:RED"), as for reports:
    without `tlp:` it raises the default (never lowers it); above `tlp:` it is refused."""
    binding = ctx.room.binding
    label = tlp.highest(
        [binding.tlp_default if binding else "AMBER", *([default] if default else [])]
    )
    if given:
        parsed_label = tlp.parse_label(given)
        if parsed_label is None:
            problems.append(t(ctx.lang, "record.bad_label", value=render.shorten(given, 30)))
            return label
        label = parsed_label
        if marked is not None and tlp.RANK[marked] > tlp.RANK[label]:
            problems.append(
                t(ctx.lang, "report_parser.text_label_above_field", marked=marked, label=label)
            )
    elif marked is not None:
        label = tlp.highest([label, marked])
    return label


def _checked_due(ctx: CommandContext, draft: Draft, problems: list[str]) -> datetime | None:
    """The deadline or moment of taking effect; only a decision may lie in the past."""
    given = draft.values.get("due")
    if not given:
        return None
    try:
        # Ahead of when it was written (`ctx.written`): read from a backlog, "over 1 uur"
        # is overdue, not an hour after the bot read it.
        due = parse_ahead(given, ctx.written)
    except TimeError as exc:
        problems.append(exc.says(ctx.lang))
        return None
    if draft.kind != "decision" and is_past(due, ctx.written):
        problems.append(t(ctx.lang, "record.time_past", value=given))
    return due


async def _checked_owner_room(
    ctx: CommandContext,
    owner: str,
    room: str | None,
    incident: str,
    label: str,
    organisation: str | None,
    problems: list[str],
) -> record_repo.OwnerRoom | None:
    """The action owner's room, which must exist and may see the action's label."""
    owner_room = await _owner_room(ctx, owner, room, incident)
    if owner_room is None:
        problems.append(t(ctx.lang, "record.owner_room_unknown", owner=owner))
    elif not tlp.may_see(owner_room.access, label, ctx.room.room_id, organisation):
        problems.append(
            t(
                ctx.lang,
                "record.owner_may_not_see",
                owner=owner,
                label=label,
                clearance=owner_room.access.clearance if not owner_room.public else "CLEAR",
            )
        )
    return owner_room


async def _owner_room(
    ctx: CommandContext, owner: str, room: str | None, incident: str
) -> record_repo.OwnerRoom | None:
    """The owner's own room: named with `kamer:`, a user's room, or an organisation's."""
    session = session_of(ctx)
    if room:
        found = await record_repo.owner_room_by_id(session, room.strip())
        # A room bound to another incident (an exercise, another crisis) is no room of
        # this incident: its notices and reminders would cross incidents or modes.
        if found is not None and found.binding.incident not in (None, incident):
            return None
        return found
    if _USER_ID.match(owner):
        return await record_repo.owner_room_of_user(session, owner, incident)
    return await record_repo.owner_room_of_org(session, owner, incident)


def _kind_word(kind: str, lang: Language) -> str:
    return t(lang, f"record.kind_{kind}")


def describe(item: RecordItem, lang: Language, head: str | None = None) -> list[str]:
    """An item, one fact a line (the confirmation, `!acties`, the picture's details)."""
    lines = [head or f"{_kind_word(item.kind, lang)} {item.code} · TLP:{item.tlp}"]
    fields = item.fields or {}
    if item.kind == "assessment":
        if item.organisation:
            lines.append(f"{t(lang, 'record.f_organisation')}: {item.organisation}")
        for name in ("development", "risks", "scenarios"):
            if fields.get(name):
                lines.append(f"{t(lang, 'record.f_' + name)}: {fields[name]}")
        if item.text and item.text != fields.get("development"):
            lines.append(item.text)
        if item.due_at:
            lines.append(f"{t(lang, 'record.f_valid_until')}: {local_time(item.due_at)}")
    elif item.kind == "decision":
        decided_by = fields.get("decided_by") or item.organisation or "-"
        lines.append(f"{t(lang, 'record.f_decided_by')}: {decided_by}")
        lines.append(f"{t(lang, 'record.f_decision')}: {item.text}")
        if item.owner:
            lines.append(f"{t(lang, 'record.f_executor')}: {item.owner}")
        if item.due_at:
            lines.append(f"{t(lang, 'record.f_effective')}: {local_time(item.due_at)}")
    else:
        lines.append(f"{t(lang, 'record.f_action')}: {item.text}")
        lines.append(f"{t(lang, 'record.f_owner')}: {item.owner or '-'}")
        if item.due_at:
            lines.append(f"{t(lang, 'record.f_deadline')}: {local_time(item.due_at)}")
    return lines


def _notification(item: RecordItem, lang: Language, prefix: str, updated: bool) -> Reply:
    """The owner's notice, in their own room: only the action itself (its label was checked)."""
    owner = item.owner or ""
    mentions = (UserId(owner),) if _USER_ID.match(owner) else ()
    key = "record.notify_updated" if updated else "record.notify_new"
    head = t(
        lang,
        key,
        owner=owner,
        code=item.code,
        label=item.tlp,
        incident=item.incident,
        by=item.organisation or "-",
    )
    lines = [
        head,
        f"{t(lang, 'record.f_action')}: {item.text}",
        f"{t(lang, 'record.f_deadline')}: {local_time(item.due_at) if item.due_at else '-'}",
        t(lang, "record.notify_done_hint", prefix=prefix, code=item.code),
    ]
    text = "\n".join(lines)
    return Reply(
        text=text,
        html=render.text_to_html(text),
        room_id=RoomId(item.owner_room or ""),
        notify=True,
        mentions=mentions,
        tlp=item.tlp,  # the item's text is shown: its label, set where it is known
    )


def reminder(item: RecordItem, lang: Language, prefix: str, now: datetime, late: bool) -> Reply:
    """The reminder before the deadline (the scheduler sends it once)."""
    owner = item.owner or ""
    mentions = (UserId(owner),) if _USER_ID.match(owner) else ()
    due = item.due_at or now
    lines = [
        t(
            lang,
            "record.reminder",
            owner=owner,
            code=item.code,
            label=item.tlp,
            deadline=local_time(due),
        ),
        f"{t(lang, 'record.f_action')}: {item.text}",
    ]
    if late:
        key = "record.reminder_late_overdue" if due <= now else "record.reminder_late"
        lines.append(t(lang, key, planned=local_time(item.remind_at or due)))
    lines.append(t(lang, "record.notify_done_hint", prefix=prefix, code=item.code))
    text = "\n".join(lines)
    return Reply(
        text=text,
        html=render.text_to_html(text),
        room_id=RoomId(item.owner_room or ""),
        notify=True,
        mentions=mentions,
        tlp=item.tlp,  # the item's text is shown: its label, set where it is known
    )


async def _create(ctx: CommandContext, parsed: ParsedCommand, kind: str) -> list[Outgoing]:
    draft = _read(kind, parsed.words, parsed.body_lines, ctx.lang)
    binding = ctx.room.binding
    checked = await _check(ctx, draft, binding.incident if binding else None)
    session = session_of(ctx)
    item = await record_repo.record(
        session,
        checked.data,
        ctx.sender,
        ctx.room.room_id,
        ctx.message.event_id,
        origin_event_id=ctx.message.relation.replaces,
    )
    await ctx.audit(
        session,
        f"{kind}.recorded",
        subject=item.code,
        detail={"incident": item.incident, "tlp": item.tlp, "revision": 1},
    )
    ctx.events.append(f"{kind}.recorded")
    head = t(
        ctx.lang,
        "record.recorded",
        kind=_kind_word(kind, ctx.lang),
        code=item.code,
        label=item.tlp,
        incident=item.incident,
    )
    out: list[Outgoing] = []
    lines = describe(item, ctx.lang, head)
    if kind == "action" and item.owner_room:
        lines.append(t(ctx.lang, "record.owner_told"))
        out.append(await _notify(ctx, item, updated=False))
    out.insert(0, render.plain("\n".join(lines)))
    return out


async def _notify(ctx: CommandContext, item: RecordItem, updated: bool) -> Reply:
    await audit.add(
        session_of(ctx),
        "bot",
        "action.notified",
        item.owner_room,
        subject=item.code,
        detail={"owner": item.owner, "tlp": item.tlp, "updated": updated},
    )
    return _notification(item, ctx.lang, ctx.prefix, updated)


async def assessment_command(ctx: CommandContext, parsed: ParsedCommand) -> list[Outgoing]:
    return await _create(ctx, parsed, "assessment")


async def decision_command(ctx: CommandContext, parsed: ParsedCommand) -> list[Outgoing]:
    return await _create(ctx, parsed, "decision")


_DONE_WORDS = ("klaar", "done", "afgerond", "gereed")
REOPEN_WORDS = ("heropen", "reopen")


def _action_permission(ctx: CommandContext) -> str | None:
    """Recording needs a coordinator moderator; closing is checked per item by the handler."""
    body = strip_reply_fallback(ctx.message.body).strip()
    words = body.split(maxsplit=2)
    if len(words) > 1 and words[1].lower() in (*_DONE_WORDS, *REOPEN_WORDS):
        return None
    return may_record(ctx)


async def action_command(ctx: CommandContext, parsed: ParsedCommand) -> list[Outgoing]:
    if parsed.words and parsed.words[0].lower() in _DONE_WORDS:
        return await _done(ctx, parsed.words[1:])
    if parsed.words and parsed.words[0].lower() in REOPEN_WORDS:
        return await _reopen(ctx, parsed.words[1:])
    return await _create(ctx, parsed, "action")


async def _reopen(ctx: CommandContext, words: Sequence[str]) -> list[Outgoing]:
    """`!actie heropen A-1`: a closed action open again, for whoever may close it. Deleting
    the closing message does that too (commands/action_reopen.py), but not for an action
    closed before migration 0030 (no `done_event_id`), nor after the message is gone from
    view. The owner's room, told it was done, is told it is open again."""
    codes = _done_codes(words)
    if not codes:
        raise UserError("record.usage_reopen", prefix=ctx.prefix)
    lines: list[str] = []
    out: list[Outgoing] = []
    for code in dict.fromkeys(codes):
        try:
            item = await _closable(ctx, code)
        except UserError as refused:
            lines.append(refused.text(ctx.lang))
            continue
        if item is None:
            lines.append(t(ctx.lang, "not_allowed", reason=t(ctx.lang, "record.done_who")))
        elif item.done_at is None:
            lines.append(t(ctx.lang, "record.already_open", code=item.code))
        else:
            item.done_at = item.done_by = item.done_event_id = None
            item.updated_at = ctx.now
            await ctx.audit(
                session_of(ctx), "action.reopened", subject=item.code, detail={"why": "command"}
            )
            lines.append(t(ctx.lang, "record.reopened", code=item.code))
            out += await tell_owner_reopened(ctx, item)
    return [render.plain("\n".join(lines)), *out]


async def tell_owner_reopened(ctx: CommandContext, item: RecordItem) -> list[Outgoing]:
    """The owner's room, told the action was done, is told it is open again (not when
    that room is where it was reopened, or may no longer see it: `_owner_room_ok`)."""
    if not item.owner_room or item.owner_room == ctx.room.room_id:
        return []
    if not await _owner_room_ok(ctx, item):
        return []
    notice = _notification(item, ctx.lang, ctx.prefix, updated=True)
    head = t(ctx.lang, "record.notify_reopened", owner=item.owner or "", code=item.code)
    text = "\n".join([head, *notice.text.split("\n")[1:]])
    return [replace(notice, text=text, html=render.text_to_html(text))]


_CODE_SEPARATORS = re.compile(r"[\s,;&+]+")


def _done_codes(words: Sequence[str]) -> list[str]:
    """The codes `!actie klaar` names: the first word, and every later word that is a
    record code (`A-1, A-2 en A-3`); other words are a remark ("(geleverd)"). Only the
    first was read: the others stayed open while the reply read as if all were done."""
    tokens = [w for w in _CODE_SEPARATORS.split(" ".join(words)) if w]
    if not tokens:
        return []
    return [tokens[0], *(w for w in tokens[1:] if record_repo.parse_code(w) is not None)]


async def _done(ctx: CommandContext, words: Sequence[str]) -> list[Outgoing]:
    codes = _done_codes(words)
    if not codes:
        raise UserError("record.usage_done", prefix=ctx.prefix)
    lines: list[str] = []
    for code in dict.fromkeys(codes):
        try:
            lines.append(await _close(ctx, code))
        except UserError as refused:
            # Said per code: what the codes before it closed stays closed (and said).
            lines.append(refused.text(ctx.lang))
    return [render.plain("\n".join(lines))]


async def _close(ctx: CommandContext, word: str) -> str:
    """Close the action `word` names, or say why not."""
    session = session_of(ctx)
    item = await _closable(ctx, word)
    if item is None:
        return t(ctx.lang, "not_allowed", reason=t(ctx.lang, "record.done_who"))
    if item.done_at is not None:
        return t(ctx.lang, "record.already_done", code=item.code)
    item.done_at = ctx.now
    item.done_by = ctx.sender
    # The message later deletions and edits name (commands/action_reopen.py).
    item.done_event_id = ctx.message.relation.replaces or ctx.message.event_id
    item.updated_at = ctx.now
    await ctx.audit(
        session,
        "action.done",
        subject=item.code,
        detail={"tlp": item.tlp, "incident": item.incident},
    )
    ctx.events.append("action.done")
    return t(ctx.lang, "record.done", code=item.code)


async def _closable(ctx: CommandContext, word: str) -> RecordItem | None:
    """The action `word` names when the sender may close (or reopen) it; None when they
    may not; UserError when this room knows no such action."""
    session = session_of(ctx)
    code = record_repo.parse_code(word)
    item = None
    if code is not None and code[0] == "action":
        item = await record_repo.visible_by_code(session, ctx.room.access, "action", code[1])
    if item is None or item.withdrawn_at is not None:
        # What this room may not see does not exist for it: the same reply as an unknown id.
        raise UserError("record.unknown_action", code=render.shorten(word, 20))
    # Codes are global and a GREEN action is seen by every cleared room: closing is for
    # the coordinators of the action's own incident (as `!incident fase`), its owner or
    # the owner's room, and never across an exercise and reality. The owner's room is
    # the one the action itself names (a room bound without an incident serves drills
    # too, and gets a drill action's reminders): no crossing, so no mode check there,
    # unless the room has since been bound to another incident.
    bound = ctx.room.binding.incident if ctx.room.binding is not None else None
    owners_room = ctx.room.room_id == item.owner_room and bound in (None, item.incident)
    if not owners_room:
        await exercise.check_incident(ctx, item.incident)
    if not (
        owners_room or manages_incident(ctx, item.incident) is None or ctx.sender == item.owner
    ):
        return None
    return item


ACTIONS_PAGE = 25  # as many as the picture's section shows at most
MAX_PAGE_DIGITS = 6


async def actions_command(ctx: CommandContext, parsed: ParsedCommand) -> list[Outgoing]:
    session = session_of(ctx)
    binding = ctx.room.binding
    incident = parsed.words[0].lower() if parsed.words else (binding.incident if binding else None)
    page, page_text = page_number(parsed, MAX_PAGE_DIGITS)
    # Never across an exercise and reality: a named incident of the other mode is
    # refused, and a list across incidents holds only those of the room's mode (an
    # exercise's actions in a real room would read as real ones).
    await exercise.check_incident(ctx, incident)
    mode = exercise.room_in_exercise(ctx) if incident is None else None
    access = ctx.room.access
    total = await record_repo.count_open_actions(session, access, incident, mode)
    pages = (total + ACTIONS_PAGE - 1) // ACTIONS_PAGE
    if total and (page == 0 or page > pages):
        raise UserError("page_out_of_range", page=render.shorten(page_text, 30), pages=pages)
    rows = await record_repo.open_actions(
        session,
        access,
        incident,
        ctx.now,
        limit=ACTIONS_PAGE,
        offset=(page - 1) * ACTIONS_PAGE,
        exercise_mode=mode,
    )
    await ctx.audit(
        session,
        "actions.listed",
        subject=incident,
        detail={"actions": [r.code for r in rows], "clearance": ctx.room.access.clearance},
    )
    lang = ctx.lang
    if not rows:
        return [render.plain(t(lang, "record.no_open_actions"))]
    label = tlp.highest([r.tlp for r in rows])
    lines = [t(lang, "record.open_actions_head", banner=f"TLP:{label}", count=total)]
    for row in rows:
        lines.append(action_line(row, lang, ctx.now))
    hidden = total - page * ACTIONS_PAGE
    if hidden > 0:
        lines.append(
            t(lang, "record.more_actions_page", count=hidden, prefix=ctx.prefix, page=page + 1)
        )
    return [replace(render.plain("\n".join(lines)), tlp=label)]


def action_line(row: RecordItem, lang: Language, now: datetime) -> str:
    overdue = row.due_at is not None and row.due_at <= now
    deadline = local_time(row.due_at) if row.due_at else "-"
    mark = f" · {t(lang, 'record.overdue')}" if overdue else ""
    return (
        f"• {row.code} · {render.shorten(row.text, 100)} · {row.owner or '-'} · "
        f"{t(lang, 'record.f_deadline').lower()} {deadline}{mark} · TLP:{row.tlp}"
    )


# ------------------------------------------------------------ edits and redactions

_COMMAND_KIND = {
    "oordeel": "assessment",
    "assessment": "assessment",
    "besluit": "decision",
    "decision": "decision",
    "actie": "action",
    "action": "action",
}


async def on_edit(ctx: CommandContext) -> list[Outgoing] | None:
    """An edit of a command message that made an item: a new revision (or a refusal that
    keeps the previous one). Returns None when the message made no item: the caller
    hands the edit to the next hook (reports)."""
    original = ctx.message.relation.replaces
    if original is None:
        return None
    session = session_of(ctx)
    item = await record_repo.by_message(session, original)
    if item is None:
        return None
    if item.origin_event_id not in (None, original):
        return []  # an edit of the edit that made the item is no replacement
    lang = ctx.lang
    if item.room_id != ctx.room.room_id:
        return [render.plain(t(lang, "edit_unknown_original", prefix=ctx.prefix))]
    if ctx.sender != item.author:
        return [render.plain(t(lang, "record.only_author", code=item.code))]
    if item.withdrawn_at is not None:
        return [render.plain(t(lang, "record.withdrawn_not_changed", code=item.code))]
    # An item stays in its own mode: an edit typed since the room was rebound across
    # real and exercise would carry the one's words into the other (and notices).
    await exercise.check_incident(ctx, item.incident)
    body = strip_reply_fallback(ctx.message.body)
    keep = t(lang, "record.edit_kept", code=item.code, revision=item.revision)
    if not is_command(body, ctx.prefix):
        return [render.plain(keep)]
    parsed = parse_raw(body, ctx.prefix)
    if _COMMAND_KIND.get(parsed.name) != item.kind:
        return [render.plain(keep)]
    draft = _read(item.kind, parsed.words, parsed.body_lines, lang)
    try:
        checked = await _check(ctx, draft, item.incident, kept=item)
    except UserError as error:
        return [render.plain(f"{keep}\n{error.text(lang)}")]
    before_owner = (item.owner, item.owner_room, item.due_at)
    former = await record_repo.current_input(session, item)
    await record_repo.revise(session, item, checked.data, ctx.message.event_id, ctx.sender)
    await ctx.audit(
        session,
        f"{item.kind}.edited",
        subject=item.code,
        detail={"revision": item.revision, "tlp": item.tlp},
    )
    head = t(lang, "record.updated", code=item.code, revision=item.revision, label=item.tlp)
    out: list[Outgoing] = [render.plain("\n".join(describe(item, lang, head)))]
    if (
        item.kind == "action"
        and item.owner_room
        and (before_owner != (item.owner, item.owner_room, item.due_at))
    ):
        out.append(await _notify(ctx, item, updated=True))
    return out + await _tell_former_owner(ctx, item, former)


async def _tell_former_owner(
    ctx: CommandContext, item: RecordItem, former: record_repo.RecordInput
) -> list[Outgoing]:
    """An edit gave an open action to another owner's room (or withdrawing an edit gave
    it back): the room told before to do it is told it is no longer theirs (only the
    new owner was told, and both did it); only where that room may see the action as
    it is now (`_owner_room_ok`)."""
    if item.kind != "action" or item.done_at is not None or not former.owner_room:
        return []
    if former.owner_room in (item.owner_room, ctx.room.room_id):
        return []
    if not await _owner_room_ok(ctx, item, former.owner_room):
        return []
    owner = former.owner or ""
    text = t(
        ctx.lang,
        "record.notify_owner_changed",
        owner=owner,
        code=item.code,
        incident=item.incident,
        new_owner=item.owner or "-",
    )
    return [
        Reply(
            text=text,
            html=render.text_to_html(text),
            room_id=RoomId(former.owner_room),
            notify=True,
            mentions=(UserId(owner),) if _USER_ID.match(owner) else (),
            tlp=item.tlp,  # it names the new owner, a field of the action
        )
    ]


async def on_redaction(ctx: CommandContext) -> list[Outgoing] | None:
    """Redacting the command withdraws the item (kept in the history); redacting an edit
    goes back one revision. None: the redaction is about something else."""
    target = ctx.message.relation.redacts
    if target is None:
        return None
    session = session_of(ctx)
    lang = ctx.lang
    item = await record_repo.by_message(session, target)
    if item is not None:
        if item.room_id != ctx.room.room_id or item.withdrawn_at is not None:
            return []
        if ctx.sender != item.author and not ctx.room.may_redact_others(ctx.sender):
            raise UserError("redaction_not_allowed", code=item.code)
        await record_repo.withdraw(session, item)
        await ctx.audit(session, f"{item.kind}.withdrawn", subject=item.code)
        told = await _tell_owner_withdrawn(ctx, item)
        return [render.plain(t(lang, "record.withdrawn", code=item.code)), *told]
    revision = await record_repo.revision_by_event(session, target)
    if revision is None:
        return None
    edited = await session.get(RecordItem, revision.item_id)
    # A withdrawn item stays withdrawn: going back a revision would tell its earlier
    # owner about it again.
    if edited is None or edited.room_id != ctx.room.room_id or edited.withdrawn_at is not None:
        return []
    if ctx.sender != revision.created_by and not ctx.room.may_redact_others(ctx.sender):
        raise UserError("redaction_not_allowed", code=edited.code)
    await exercise.follow_mode_of(ctx, edited.incident)
    before_owner = (edited.owner, edited.owner_room, edited.due_at)
    former = await record_repo.current_input(session, edited)
    reverted = await record_repo.withdraw_revision(session, target)
    if reverted is None:
        return []
    await ctx.audit(
        session,
        f"{reverted.kind}.edit_withdrawn",
        subject=reverted.code,
        detail={"revision": reverted.revision},
    )
    out: list[Outgoing] = [
        render.plain(
            t(lang, "record.edit_withdrawn", code=reverted.code, revision=reverted.revision)
        )
    ]
    if before_owner != (reverted.owner, reverted.owner_room, reverted.due_at):
        out += await _tell_restored_owner(ctx, reverted)
    # The owner the withdrawn edit gave the action to is told it is no longer theirs,
    # as after an edit that gives it to another (only where that room may see it).
    return out + await _tell_former_owner(ctx, reverted, former)


async def _tell_owner_withdrawn(ctx: CommandContext, item: RecordItem) -> list[Outgoing]:
    """The owner's room, told to do an open action, is told it was withdrawn (it kept
    working on what the coordinators had taken back): as a reply of the redaction,
    so through the outbox, exactly once; only where that room may still see the
    action (`_owner_room_ok`) and not where it was withdrawn."""
    if item.kind != "action" or not item.owner_room or item.done_at is not None:
        return []
    if item.owner_room == ctx.room.room_id or not await _owner_room_ok(ctx, item):
        return []
    notice = _notification(item, ctx.lang, ctx.prefix, updated=True)
    text = t(
        ctx.lang,
        "record.notify_withdrawn",
        owner=item.owner or "",
        code=item.code,
        incident=item.incident,
    )
    return [replace(notice, text=text, html=render.text_to_html(text))]


async def _tell_restored_owner(ctx: CommandContext, reverted: RecordItem) -> list[Outgoing]:
    """Back on its earlier owner (or deadline): that owner is told again, as after an
    edit, as a reply of the redaction (so through the outbox, exactly once). Only when
    the owner's room may still see the restored label and is still a room of the
    item's incident (rebound since: never across incidents or into a drill)."""
    if reverted.kind != "action" or not reverted.owner_room:
        return []
    if not await _owner_room_ok(ctx, reverted):
        return []
    return [await _notify(ctx, reverted, updated=True)]


async def _owner_room_ok(ctx: CommandContext, item: RecordItem, room_id: str | None = None) -> bool:
    """Whether the owner's room (or `room_id`, a former owner's) may be told about
    `item`: it may still see its label and is still a room of its incident (never
    across incidents or into a drill)."""
    owner_room = await record_repo.owner_room_by_id(
        session_of(ctx), room_id or item.owner_room or ""
    )
    return not (
        owner_room is None
        or owner_room.binding.incident not in (None, item.incident)
        or not tlp.may_see(owner_room.access, item.tlp, item.room_id, item.organisation)
    )


ASSESSMENT = Command(
    name_nl="oordeel",
    name_en="assessment",
    summary={
        "nl": "legt een oordeel vast: verwachting, risico's, scenario's",
        "en": "records an assessment: expected development, risks, scenarios",
    },
    usage={
        "nl": "{prefix}oordeel + regels 'verwachting:', 'risico's:', 'scenario's:', 'geldig tot:', 'tlp:'",
        "en": "{prefix}assessment + lines 'expected:', 'risks:', 'scenarios:', 'valid until:', 'tlp:'",
    },
    example={
        "nl": "{prefix}oordeel\nverwachting: waterstand stijgt tot 18:00\nrisico's: dijk Alblasserwaard\n"
        "scenario's: evacuatie 2.000 inwoners\ngeldig tot: 18u\ntlp: amber",
        "en": "{prefix}assessment\nexpected: water keeps rising until 18:00\nrisks: dike Alblasserwaard\n"
        "scenarios: evacuating 2,000 residents\nvalid until: 18:00\ntlp: amber",
    },
    handler=assessment_command,
    permission=may_record,
    raw_arguments=True,
)

DECISION = Command(
    name_nl="besluit",
    name_en="decision",
    summary={"nl": "legt een besluit vast", "en": "records a decision"},
    usage={
        "nl": "{prefix}besluit <wat> + regels 'besloten door:', 'uitvoerder:', 'ingang:', 'tlp:'",
        "en": "{prefix}decision <what> + lines 'decided by:', 'owner:', 'takes effect:', 'tlp:'",
    },
    example={
        "nl": "{prefix}besluit Sporthal De Schans blijft open als noodopvang\n"
        "besloten door: ROT\nuitvoerder: gemeente Dordrecht\ningang: 16u\ntlp: green",
        "en": "{prefix}decision Sports hall De Schans stays open as shelter\n"
        "decided by: ROT\nowner: municipality Dordrecht\ntakes effect: 16:00\ntlp: green",
    },
    handler=decision_command,
    permission=may_record,
    raw_arguments=True,
)

ACTION = Command(
    name_nl="actie",
    name_en="action",
    summary={
        "nl": "legt een actie vast met eigenaar en deadline; 'klaar A-4' sluit haar, 'heropen A-4' opent haar weer",
        "en": "records an action with owner and deadline; 'done A-4' closes it, 'reopen A-4' opens it again",
    },
    usage={
        "nl": "{prefix}actie <wat> + regels 'eigenaar: @gebruiker of organisatie', 'deadline:', 'tlp:' | {prefix}actie klaar A-4 | {prefix}actie heropen A-4",
        "en": "{prefix}action <what> + lines 'owner: @user or organisation', 'deadline:', 'tlp:' | {prefix}action done A-4 | {prefix}action reopen A-4",
    },
    example={
        "nl": "{prefix}actie Extra veldbedden naar De Schans\neigenaar: @liaison:example.org\ndeadline: 16u\ntlp: amber",
        "en": "{prefix}action Extra camp beds to De Schans\nowner: @liaison:example.org\ndeadline: 16:00\ntlp: amber",
    },
    handler=action_command,
    permission=_action_permission,
    raw_arguments=True,
)

ACTIONS = Command(
    name_nl="acties",
    name_en="actions",
    reads_written=True,
    summary={"nl": "open acties, te laat eerst", "en": "open actions, overdue first"},
    usage={
        "nl": "{prefix}acties [incident] [pagina=]",
        "en": "{prefix}actions [incident] [page=]",
    },
    example={"nl": "{prefix}acties", "en": "{prefix}actions"},
    handler=actions_command,
    permission=may_list,
)
