"""`!qa show|list` for everyone; `!qa add|edit|retire` for curators, from chat.

A Q&A written in chat uses one field per line (`vraag:`, `antwoord:`,
`onderwerp:`, `bron:`, `geldig tot:`, …); a line without a known field name
continues the field above it, so answers can span several lines. Every change
is a new version in `knowledge_item_versions` plus an audit row.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from typing import Any

from pydantic import ValidationError

from commands import render
from commands.common import session_of
from commands.context import CommandContext
from commands.dutch_time import read_date
from commands.errors import UserError
from commands.grammar import ParsedCommand
from commands.i18n import t
from commands.knowledge_view import item_visible, link_list, qa_reply
from commands.message import Outgoing, Reply
from commands.questions import curators_only, may_curate, may_read, owns, today
from commands.registry import Command
from commands.subcommands import Action, Subcommand, Subcommands
from knowledge.model import QA
from knowledge.problems import complaint
from knowledge.service import Store, as_new_content
from storage import knowledge_items, tlp
from storage.errors import KnooppuntError
from storage.vocabulary import INVISIBLE

# Field names in chat (Dutch and English) -> QA field.
FIELDS = {
    "id": "id",
    "vraag": "question",
    "question": "question",
    "alternatief": "alternatives",
    "alternative": "alternatives",
    "ook": "alternatives",
    "antwoord": "answer",
    "answer": "answer",
    "onderwerp": "topic",
    "topic": "topic",
    "bron": "source_url",
    "source": "source_url",
    "brontitel": "source_title",
    "eigenaar": "owner",
    "owner": "owner",
    "geldig tot": "valid_until",
    "valid until": "valid_until",
    "geldig vanaf": "valid_from",
    "valid from": "valid_from",
    "tags": "tags",
    "doelgroep": "audience",
    "audience": "audience",
    "tlp": "tlp",
}
_FIELD_LINE = re.compile(r"^\s*([A-Za-z][A-Za-z ]{0,20}?)\s*:\s?(.*)$")
LIST_LIMIT = 30
_NONE = ("", "-", "geen", "none")


class FieldError(KnooppuntError, ValueError):
    pass


def read_fields(lines: tuple[str, ...] | list[str]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    current: str | None = None
    for line in lines:
        # Field names are read without invisible format characters (as report fields):
        # one pasted before `tlp:` must not fold the label into the answer's Markdown.
        match = _FIELD_LINE.match(INVISIBLE.sub("", line))
        key = match.group(1).strip().lower() if match else None
        if match and key in FIELDS:
            current = FIELDS[key]
            value = match.group(2).strip()
            if current == "alternatives":
                values.setdefault("alternatives", []).append(value)
            elif current == "tags":
                values["tags"] = [t.strip() for t in value.split(",") if t.strip()]
            else:
                values[current] = value
        elif current == "answer":
            # Answers are Markdown: continuation lines (and blank ones) belong to them.
            values["answer"] = f"{values.get('answer', '')}\n{line}"
        elif not line.strip():
            continue
        elif current == "question":
            values["question"] = f"{values['question']} {line.strip()}"
        else:
            raise FieldError(line.strip())
    for name in ("valid_until", "valid_from"):
        if name in values:
            values[name] = _date(values[name])
    if "source_url" in values and str(values["source_url"]).strip().lower() in _NONE:
        values["source_url"] = None  # `bron: -` takes the source away
    return values


def _date(text: str) -> date | None:
    if text.strip().lower() in _NONE:
        return None
    try:
        return read_date(text).date()
    except (ValueError, OverflowError) as exc:
        raise FieldError(text) from exc


def _unknown(ctx: CommandContext, item_id: str) -> Outgoing:
    """The one reply for an id that does not exist *for this room* (unknown or not visible)."""
    return render.plain(t(ctx.lang, "qa.q_does_not_exist", item_id=item_id))


def _usage(ctx: CommandContext) -> UserError:
    return UserError("qa.usage_qa_show_id", prefix=ctx.prefix)


async def _show(ctx: CommandContext, parsed: ParsedCommand, rest: list[str]) -> list[Outgoing]:
    if len(rest) != 1:
        raise _usage(ctx)
    store = await ctx.settings.knowledge.store(session_of(ctx))
    item = store.qa(rest[0])
    doc = store.qa_index.document(rest[0])
    if item is None or doc is None or not may_read(ctx, store, current_only=False)(doc):
        return [_unknown(ctx, rest[0])]
    return [qa_reply(item, store.changed.get(item.id), today(ctx), ctx.lang, ctx.prefix)]


async def _list(ctx: CommandContext, parsed: ParsedCommand, rest: list[str]) -> list[Outgoing]:
    store = await ctx.settings.knowledge.store(session_of(ctx))
    accept = may_read(ctx, store)
    wanted = " ".join(rest).lower()
    items = [
        item
        for item in store.qas
        if (not wanted or item.topic.lower().startswith(wanted))
        and (doc := store.qa_index.document(item.id)) is not None
        and accept(doc)
    ]
    if not items:
        return [_topics_reply(ctx, store, accept)]
    label = tlp.highest([item.tlp for item in items[:LIST_LIMIT]])
    banner = f"TLP:{label}"
    title = f"{banner} — Q&As" + (f" ({wanted})" if wanted else "") + f": {len(items)}"
    lines, listed = link_list(ctx.prefix, [(item.id, item.question) for item in items[:LIST_LIMIT]])
    text = [title, *lines]
    html = f"<p><b>{render.escape(title)}</b></p>{listed}"
    if len(items) > LIST_LIMIT:
        more = t(ctx.lang, "qa.more_pick_topic", value=len(items) - LIST_LIMIT)
        text.append(more)
        html += f"<p>{render.escape(more)}</p>"
    return [Reply(text="\n".join(text), html=html, tlp=label)]


def _topics_reply(ctx: CommandContext, store: Store, accept: Callable[[Any], bool]) -> Reply:
    """No Q&A under the topic asked: the topics this room may see instead. Only topics
    of Q&As it may see (a topic name can say too much by itself), and the reply carries
    the highest label among the Q&As of the topics it names, like every list: the check
    just before the send holds it back from a room that may no longer see that."""
    label_of: dict[str, str] = {}
    for item in store.qas:
        if item.topic and (doc := store.qa_index.document(item.id)) is not None and accept(doc):
            label_of[item.topic] = tlp.highest([label_of.get(item.topic, "CLEAR"), item.tlp])
    topics = sorted(label_of)[:30]
    hint = t(ctx.lang, "qa.topics") + (", ".join(topics) or "-")
    reply = render.plain(t(ctx.lang, "qa.no_q_as_found") + hint)
    return replace(reply, tlp=tlp.highest([label_of[topic] for topic in topics]))


def _fields(ctx: CommandContext, parsed: ParsedCommand) -> dict[str, Any]:
    try:
        return read_fields(list(parsed.body_lines))
    except FieldError as exc:
        known = ", ".join(sorted(k for k in FIELDS if " " not in k))
        raise UserError(
            "qa.line_not_understood_fields", shorten=render.shorten(str(exc), 60), known=known
        ) from None


async def _fresh_id(ctx: CommandContext, fields: dict[str, Any], rest: list[str]) -> None:
    """The id of a new Q&A, in `fields`: given, or the next free one; a taken id is refused."""
    session = session_of(ctx)
    if rest:
        fields.setdefault("id", rest[0])
    if "id" not in fields:
        fields["id"] = await knowledge_items.next_id(session, "qa")
    elif (taken := await knowledge_items.get(session, str(fields["id"]))) is not None:
        if may_curate(ctx, taken.tlp, taken.data.get("owner")):
            raise UserError("qa.q_already_exists_use", id=taken.id, prefix=ctx.prefix)
        # Taken by an item this room may not see: say no more than that.
        raise UserError("qa.id_not_available_choose", id=taken.id)


async def _editable(
    ctx: CommandContext, fields: dict[str, Any], rest: list[str]
) -> tuple[dict[str, Any], tuple[str, str]]:
    """The Q&A being edited (its data, and its label and owner before the change)."""
    if len(rest) != 1:
        raise _usage(ctx)
    row = await knowledge_items.get(session_of(ctx), rest[0])
    if row is None or row.kind != "qa" or not may_curate(ctx, row.tlp, row.data.get("owner")):
        raise UserError("qa.q_does_not_exist", item_id=rest[0])
    fields.pop("id", None)
    if not fields:
        raise UserError("qa.no_fields_change_nothing")
    return dict(row.data), (row.tlp, str(row.data.get("owner") or ""))


def _validated(data: dict[str, Any]) -> QA:
    try:
        return QA.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "Q&A"
        if first["loc"] == ("source_url",):
            raise UserError("qa.source_not_allowed_only") from None
        # A content rule is said in the room's language; pydantic's own checks in English.
        raise UserError("qa.not_saved", where=where, value=complaint(first)) from None


def _marked_label(data: dict[str, Any], fields: dict[str, Any]) -> None:
    """A TLP marking in the question or answer ("… TLP:RED"), as for reports: without a
    `tlp:` line it raises the label (never lowers it); above the `tlp:` line it is refused."""
    written = "\n".join(str(data.get(k) or "") for k in ("question", "answer"))
    marked = tlp.text_marking(written)
    if marked is None:
        return
    label = tlp.parse_label(str(data.get("tlp") or "GREEN")) or "GREEN"
    if "tlp" in fields and tlp.RANK[marked] > tlp.RANK[label]:
        raise UserError("report_parser.text_label_above_field", marked=marked, label=label)
    if "tlp" not in fields:
        data["tlp"] = tlp.highest([label, marked])


async def _save(
    ctx: CommandContext, parsed: ParsedCommand, rest: list[str], adding: bool
) -> list[Outgoing]:
    session = session_of(ctx)
    fields = _fields(ctx, parsed)
    base: dict[str, Any] = {}
    before: tuple[str, str] | None = None
    if adding:
        await _fresh_id(ctx, fields, rest)
    else:
        base, before = await _editable(ctx, fields, rest)
    # Chat has no `updated:` field: a change from chat is dated today.
    data = {**base, **fields, "updated": today(ctx)}
    # A new Q&A belongs to the organisation of the curator room that writes it; a change
    # keeps the owner it had (taking it over is an owner change, below).
    if adding and not data.get("owner") and ctx.room.binding and ctx.room.binding.organisation:
        data["owner"] = ctx.room.binding.organisation
    _marked_label(data, fields)
    item = _validated(data)
    if before is not None:
        label, owner = before
        lowered = tlp.RANK[item.tlp] < tlp.RANK[label]
        if (lowered or item.owner != owner) and not owns(ctx, owner):
            raise UserError("qa.only_curator_room_owner", value=owner or "-", id=item.id)
    elif item.owner and not owns(ctx, item.owner):
        # A new item in another organisation's name is that organisation's to write
        # (the answer shows its owner as the authority): as handing one over, an admin's.
        raise UserError("qa.only_owner_adds", value=item.owner)
    counts = await knowledge_items.upsert(session, [as_new_content(item)], ctx.sender)
    stored = await knowledge_items.get(session, item.id)
    version = stored.version if stored else 1
    if counts.unchanged:
        return [render.plain(t(ctx.lang, "qa.q_unchanged_version", id=item.id, version=version))]
    verb = t(ctx.lang, "qa.verb_added" if adding else "qa.verb_updated")
    # The question is echoed only where it may be read (an admin may curate from anywhere).
    visible = item_visible(ctx.room.access, item.tlp, item.owner)
    echo = f": {render.shorten(item.question, 100)}" if visible else ""
    reply = t(
        ctx.lang,
        "qa.q_version_tlp",
        id=item.id,
        verb=verb,
        version=version,
        tlp=item.tlp,
        echo=echo,
    )
    return [render.plain(reply)]


async def _retire(ctx: CommandContext, parsed: ParsedCommand, rest: list[str]) -> list[Outgoing]:
    if len(rest) != 1:
        raise _usage(ctx)
    session = session_of(ctx)
    current = await knowledge_items.get(session, rest[0])
    visible = current is not None and may_curate(ctx, current.tlp, current.data.get("owner"))
    row = await knowledge_items.retire(session, rest[0], ctx.sender) if visible else None
    if row is None:
        return [render.plain(t(ctx.lang, "qa.q_does_not_exist_2", value=rest[0]))]
    return [render.plain(t(ctx.lang, "qa.q_retired_version", id=row.id, version=row.version))]


async def _add(ctx: CommandContext, parsed: ParsedCommand, rest: list[str]) -> list[Outgoing]:
    return await _save(ctx, parsed, rest, adding=True)


async def _edit(ctx: CommandContext, parsed: ParsedCommand, rest: list[str]) -> list[Outgoing]:
    return await _save(ctx, parsed, rest, adding=False)


def _curators(action: Action) -> Action:
    """Adding, editing and retiring are the curators'."""

    async def checked(
        ctx: CommandContext, parsed: ParsedCommand, rest: list[str]
    ) -> list[Outgoing]:
        refusal = curators_only(ctx)
        if refusal is not None:
            return [render.plain(t(ctx.lang, "qa.not_allowed_here", refusal=refusal))]
        return await action(ctx, parsed, rest)

    return checked


QA_ACTIONS = Subcommands(
    Subcommand(("show", "toon"), _show),
    Subcommand(("list", "lijst"), _list),
    Subcommand(("add", "nieuw"), _curators(_add)),
    Subcommand(("edit", "wijzig"), _curators(_edit)),
    Subcommand(("retire", "intrekken"), _curators(_retire)),
)


async def qa_command(ctx: CommandContext, parsed: ParsedCommand) -> list[Outgoing]:
    return await QA_ACTIONS.run(ctx, parsed, parsed.raw_args.split(), _usage(ctx))


QA_COMMAND = Command(
    name_nl="qa",
    name_en="qa",
    summary={
        "nl": "toont Q&As; de redactie voegt toe, wijzigt en trekt in",
        "en": "shows Q&As; curators add, edit and retire",
    },
    usage={
        "nl": "{prefix}qa show <id> | list [onderwerp] | add | edit <id> | retire <id>",
        "en": "{prefix}qa show <id> | list [topic] | add | edit <id> | retire <id>",
    },
    example={
        "nl": "{prefix}qa add\nvraag: Waar meld ik een vrije opvangplek?\nantwoord: Bij het meldpunt van je gemeente.\nonderwerp: opvang\ngeldig tot: 31-12-2026",
        "en": "{prefix}qa add\nquestion: Where do I report a free shelter place?\nanswer: At your municipality's desk.\ntopic: shelter\nvalid until: 31-12-2026",
    },
    handler=qa_command,
    raw_arguments=True,
)
