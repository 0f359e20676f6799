"""Free text in a liaison room that reads as an update: offered as a report, or recorded.

"update stroom zwijndrecht: nog 800 huishoudens zonder stroom" names a municipality,
a figure and a category word, so the bot offers once to record it; a reply `ja` or a
👍 on the message or on the offer records it, exactly once (the offer is kept in the
database, and an entry's source event is unique). A room set to `direct` records such
messages at once and confirms; `uit`/`off` leaves free text alone. Other chatter gets
nothing.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from sqlalchemy import select

from commands import closed_incident, exercise, objects, render
from commands.common import session_of
from commands.context import CommandContext
from commands.grammar import ParsedCommand, strip_reply_fallback
from commands.i18n import t
from commands.message import Outgoing
from commands.permissions import MODERATOR, in_roles
from commands.registry import Command
from commands.report_parser import (
    Problem,
    ReportDraft,
    fields_under_text,
    read_free_text,
    read_structured_free_text,
)
from commands.reports import (
    _alerts,
    _refused,
    _room_entry_input,
    closed_parts,
    describe,
    figure_phrase,
    replaced_warning,
    with_warning,
)
from storage import entries as entry_repo
from storage import event_log
from storage.ids import EventId
from storage.models import OutboxMessage, PendingOffer, RoomBinding
from storage.vocabulary import Category, fold

MODES = ("offer", "direct", "off")
MODE_WORDS = {
    "aanbieden": "offer",
    "aanbod": "offer",
    "vragen": "offer",
    "offer": "offer",
    "ask": "offer",
    "direct": "direct",
    "meteen": "direct",
    "uit": "off",
    "off": "off",
}
MODE_NL = {"offer": "aanbieden", "direct": "direct", "off": "uit"}
# How long a `ja` may follow the offer it confirms.
OFFER_TTL = timedelta(hours=1)
THUMBS_UP = "👍"
# A reply that confirms an offer: only words that say yes, at least one of `_YES`, and
# words of courtesy (`_ALONG`). Only "ja", "yes", "graag" and 👍 counted: "ok", "ja hoor",
# "jazeker", "ja, doe maar", "akkoord", "klopt" got nothing, and the update the liaison
# believed recorded was lost without a word. Anything else ("ja maar", "Ja, de brug is
# dicht", "ja?") is no yes.
_YES = frozenset(
    {"ja", "j", "yes", "y", "ok", "oke", "okay", "oki", "jazeker", "zeker", "akkoord", "prima",
     "klopt", "graag", "jep", "jup", "yep", "yup", "sure", "correct", "goed", "top", "doe-maar"}
)  # fmt: skip
_ALONG = frozenset(
    {"hoor", "dank", "je", "u", "bedankt", "dankjewel", "dankje", "svp", "aub", "please",
     "pls", "thanks", "thank", "you", "vastleggen", "is", "dat", "het", "wat", "mij", "betreft"}
)  # fmt: skip


# The yes that confirmed the sender's latest open offer before the wider words came in:
# said to nobody else, it still does. "ok", "klopt", "prima" … are what people say to
# each other too, so without a reply to the offer they confirm only as the sender's
# next word after it (review6: an "ok" to a colleague, an hour after an offer the
# liaison had talked past, recorded the update).
_PLAIN_YES = frozenset({"ja", "j", "yes", "y", "graag"})


def _answer_words(body: str) -> list[str]:
    """The words of an answer; a 👍 typed against a word ("ja👍", as phone keyboards put
    no space before an emoji) is a word of its own (it made "ja👍" no yes at all)."""
    folded = fold(body).replace("doe maar", "doe-maar").replace(THUMBS_UP, " " + THUMBS_UP)
    return folded.replace(",", " ").replace("!", " ").replace(".", " ").split()


def is_plain_yes(body: str) -> bool:
    said = [w for w in _answer_words(body) if not w.startswith(THUMBS_UP)]
    return is_yes(body) and all(w in _PLAIN_YES or w in _ALONG for w in said)


def is_yes(body: str) -> bool:
    words = _answer_words(body)
    said = [w for w in words if not w.startswith(THUMBS_UP)]
    if len(said) < len(words):  # a 👍 (of any skin tone) among the words
        return all(w in _YES or w in _ALONG for w in said)
    return any(w in _YES for w in said) and all(w in _YES or w in _ALONG for w in said)


def _summary(ctx: CommandContext, draft: ReportDraft) -> str:
    parts = [Category.display(draft.category, ctx.lang)]
    if draft.municipality:
        parts.append(draft.municipality + (f" ({draft.region})" if draft.region else ""))
    # As the confirmation writes a figure, its unit too: "geevacueerden 200 per uur".
    parts += [figure_phrase(f) for f in draft.figures]
    return " · ".join(parts)


def _read(body: str, ctx: CommandContext, at: datetime) -> ReportDraft | list[Problem] | None:
    """The report a free-text message makes: a report typed without its command read with
    its fields (`ernst:`, `tlp:`), else an update in plain words; None for chatter."""
    vocab = ctx.settings.vocabulary
    structured = read_structured_free_text(body, vocab, at)
    if structured is not None:
        return structured
    draft = read_free_text(body, vocab)
    if draft is not None:
        # An update whose `ernst: extreem` (or `status: opgelost`) line is not among the
        # fields the first lines start: read as plain words it would be recorded as
        # severity unknown (no alert, not in the attention list). Refused with the
        # reason, as a `!melding` with its severity under the text is.
        lost = fields_under_text(body.split("\n"), {}, vocab)
        if lost:
            return lost
    return draft


def _real_words_in_drill(ctx: CommandContext, body: str) -> list[Outgoing]:
    """A message in a drill room that says a real emergency ("DIT IS GEEN OEFENING",
    "THIS IS NO EXERCISE") and no update the bot reads: told at once where a real
    situation goes (it got no answer, and the liaison believed the real coordinators
    warned); other chatter gets nothing. Also with free text off: it is no report."""
    if exercise.room_in_exercise(ctx) and exercise.words_cross_mode(ctx, body) is not None:
        return [render.plain(t(ctx.lang, "exercise.real_words_in_drill"))]
    return []


def _off_but_a_report(ctx: CommandContext, body: str) -> list[Outgoing]:
    """Free text is off: chatter gets nothing, but a report typed without its command
    (its fields read: `ernst: extreem` under "melding evacuatie") is told how to send it.
    It got no answer at all, and the liaison believed an extreme report sent."""
    vocab = ctx.settings.vocabulary
    if read_structured_free_text(body, vocab, ctx.message.timestamp) is None:
        return []
    return [render.plain(t(ctx.lang, "free_text_off_report", prefix=ctx.prefix))]


async def _mode(ctx: CommandContext) -> str:
    binding = await session_of(ctx).get(RoomBinding, ctx.room.room_id)
    mode = binding.free_text if binding is not None else "offer"
    return mode if mode in MODES else "offer"


async def on_liaison_text(ctx: CommandContext) -> list[Outgoing]:
    """Free text (no command) in a liaison room; also an edit of a message that left no
    entry (the dispatcher hands it over as the message it now is)."""
    body = strip_reply_fallback(ctx.message.body).strip()
    original = ctx.message.relation.replaces
    if original is not None:
        # The sender changed the message: what was offered for its old words is void (a
        # later `ja` or 👍 records the words as they are now, or nothing).
        if await _offer_recorded(ctx, original):
            return []
        await withdraw_offer(ctx, original)
        if is_yes(body):
            return []  # a message edited into "ja" confirms nothing
    elif is_yes(body):
        return await _confirm_by_yes(ctx)
    draft = _read(body, ctx, ctx.message.timestamp)
    if draft is None:
        return _real_words_in_drill(ctx, body)
    mode = await _mode(ctx)
    if mode == "off":
        return _off_but_a_report(ctx, body)
    if isinstance(draft, list):
        # A report typed without its command, under a category line, whose fields cannot
        # all be read: told as a `!melding` would be, never offered without the fields it
        # could not read (without a category line, severity or label: plain free text).
        return _refused(ctx, draft)
    crossing = exercise.words_cross_mode(ctx, body)
    if crossing is not None:
        # Words that say the other mode (OEFENING in a real room, GEEN OEFENING in a
        # drill room) are refused now, with the reason, as the report would be: not
        # offered for a `ja` that the report path then refuses.
        return _refused(ctx, [Problem.of(crossing)])
    session = session_of(ctx)
    offer = PendingOffer(
        room_id=ctx.room.room_id,
        # Kept under the message's own id, also for an edit: a 👍 on the message, its
        # redaction and the entry's source event all name that id.
        message_event_id=original or ctx.message.event_id,
        sender=ctx.sender,
        body=body,
        created_at=ctx.message.timestamp,
    )
    session.add(offer)
    await session.flush()
    if mode == "direct":
        return await _record(ctx, offer, "free_text_recorded_direct")
    return [render.plain(t(ctx.lang, "free_text_offer", summary=_summary(ctx, draft)))]


async def _offer_recorded(ctx: CommandContext, event_id: str) -> bool:
    offer = await session_of(ctx).scalar(
        select(PendingOffer).where(PendingOffer.message_event_id == event_id)
    )
    return offer is not None and offer.entry_code is not None


async def withdraw_offer(ctx: CommandContext, event_id: str) -> bool:
    """The open offer for the message `event_id` goes: its sender edited or redacted it
    (or a moderator redacted it). Whether there was one."""
    session = session_of(ctx)
    offer = await session.scalar(
        select(PendingOffer).where(
            PendingOffer.message_event_id == event_id,
            PendingOffer.room_id == ctx.room.room_id,
            PendingOffer.entry_code.is_(None),
        )
    )
    if offer is None:
        return False
    if offer.sender != ctx.sender and not ctx.room.may_redact_others(ctx.sender):
        return False
    await session.delete(offer)
    await session.flush()  # before a new offer under the same message id is added
    return True


async def on_redaction(ctx: CommandContext) -> None:
    """A redacted message takes its open offer with it: a later `ja` or 👍 must not
    record words their author withdrew. (A recorded one is the reports' to retract.)"""
    target = ctx.message.relation.redacts
    if target is not None:
        await withdraw_offer(ctx, target)


async def _confirm_by_yes(ctx: CommandContext) -> list[Outgoing]:
    """`ja`: the offer it replies to, else the sender's latest open offer in this room.
    A `ja` or `ok` in reply to a person's message (a colleague's question) answers that
    person, not the bot: it records nothing (it recorded an offer left unconfirmed)."""
    session = session_of(ctx)
    offer: PendingOffer | None = None
    reply_to = ctx.message.relation.reply_to
    if reply_to is not None:
        offer = await _offer_for(ctx, reply_to)
        answered = await event_log.seen(session, reply_to) if offer is None else None
        if answered is not None and answered.sender != ctx.settings.bot_user_id:
            return []  # chatter with someone
    if offer is None:
        offer = await session.scalar(
            select(PendingOffer)
            .where(
                PendingOffer.room_id == ctx.room.room_id,
                PendingOffer.sender == ctx.sender,
                PendingOffer.entry_code.is_(None),
                PendingOffer.created_at >= ctx.message.timestamp - OFFER_TTL,
            )
            .order_by(PendingOffer.created_at.desc(), PendingOffer.id.desc())
            .limit(1)
        )
        if (
            offer is not None
            and not is_plain_yes(strip_reply_fallback(ctx.message.body))
            and await event_log.wrote_since(
                session, ctx.room.room_id, ctx.sender, offer.created_at, offer.message_event_id
            )
        ):
            return []  # "ok" after talking past the offer: said to someone else
    if offer is None or offer.sender != ctx.sender:
        return []  # a `ja` in conversation, nothing offered: chatter
    if offer.entry_code is not None:
        return [render.plain(t(ctx.lang, "free_text_already", code=offer.entry_code))]
    if await _lapsed(ctx, offer):
        return [render.plain(t(ctx.lang, "free_text_offer_void"))]
    return await _record(ctx, offer, "free_text_recorded")


async def _lapsed(ctx: CommandContext, offer: PendingOffer) -> bool:
    """An offer made before the room was bound anew is void (and goes): it was made for
    another incident, label or mode (a drill's update must not become a real report)."""
    binding = await session_of(ctx).get(RoomBinding, ctx.room.room_id)
    if binding is None or binding.bound_at <= offer.created_at:
        return False
    session = session_of(ctx)
    await session.delete(offer)
    await session.flush()
    return True


async def _offer_for(ctx: CommandContext, target: str) -> PendingOffer | None:
    """The offer for a message: `target` is the free-text message or the bot's offer."""
    session = session_of(ctx)
    offer = await session.scalar(
        select(PendingOffer).where(PendingOffer.message_event_id == target)
    )
    if offer is None:
        source = await session.scalar(
            select(OutboxMessage.source_event_id).where(OutboxMessage.result_event_id == target)
        )
        if source is not None:
            offer = await session.scalar(
                select(PendingOffer).where(PendingOffer.message_event_id == source)
            )
    if offer is None or offer.room_id != ctx.room.room_id:
        return None
    return offer


async def on_reaction(ctx: CommandContext) -> list[Outgoing]:
    """A 👍 from the author on their update or on the bot's offer records it, once."""
    target = ctx.message.relation.annotates
    if target is None or not ctx.message.body.startswith(THUMBS_UP):
        return []
    if ctx.room.role != "liaison":
        return []
    offer = await _offer_for(ctx, target)
    if offer is None:
        return await _thumb_on_unknown(ctx, target)
    if offer.sender != ctx.sender or offer.entry_code is not None:
        return []  # not theirs, or recorded already: a second 👍 says nothing
    if await _lapsed(ctx, offer):
        return [render.plain(t(ctx.lang, "free_text_offer_void"))]
    return await _record(ctx, offer, "free_text_recorded")


async def _thumb_on_unknown(ctx: CommandContext, target: str) -> list[Outgoing]:
    """A 👍 on an event no offer knows, from someone with an open offer here.

    The bot's offer whose send was never recorded (the bot stopped between the send and
    its record, and came back as a new device, which sees no transaction id on the old
    device's echo) is such an event: the homeserver says it is the bot's and which
    message it answers, and the offer for that message is recorded. When it cannot say
    (the event is the bot's but answers nothing, or is not to be had), the liaison is
    told that nothing was recorded: a confirmation is never dropped without a word. A 👍
    on a person's message stays chatter."""
    session = session_of(ctx)
    open_offers = list(
        await session.scalars(
            select(PendingOffer).where(
                PendingOffer.room_id == ctx.room.room_id,
                PendingOffer.sender == ctx.sender,
                PendingOffer.entry_code.is_(None),
                PendingOffer.created_at >= ctx.message.timestamp - OFFER_TTL,
            )
        )
    )
    probe = ctx.settings.events
    if not open_offers or probe is None:
        return []
    if await event_log.seen(session, target) is not None:
        return []  # a message the bot handled: a person's, no offer of the bot's
    facts = await probe(ctx.room.room_id, target)
    if facts is not None and facts.sender != ctx.settings.bot_user_id:
        return []  # a 👍 on a colleague's message
    if facts is not None and facts.in_reply_to is not None:
        offer = next((o for o in open_offers if o.message_event_id == facts.in_reply_to), None)
        if offer is None:
            return []  # the bot's answer to another message: no confirmation
        if await _lapsed(ctx, offer):
            return [render.plain(t(ctx.lang, "free_text_offer_void"))]
        return await _record(ctx, offer, "free_text_recorded")
    return [render.plain(t(ctx.lang, "free_text_thumb_unmatched"))]


async def _record(ctx: CommandContext, offer: PendingOffer, head_key: str) -> list[Outgoing]:
    session = session_of(ctx)
    draft = _read(offer.body, ctx, offer.created_at)
    if draft is None or isinstance(draft, list):
        return []
    draft.observed_at = draft.observed_at or offer.created_at
    # Exactly once per message: an edit may have made it a report already (as the
    # `!melding` it became), and that report answers for it, retracted or not.
    made = await entry_repo.by_message(session, offer.message_event_id)
    if made is not None:
        offer.entry_code = made.code
        return [render.plain(t(ctx.lang, "free_text_already", code=made.code))]
    data = await _room_entry_input(ctx, draft)
    if isinstance(data, list):
        return _refused(ctx, data)
    entry = await entry_repo.record(
        session, data, offer.sender, ctx.room.room_id, offer.message_event_id
    )
    offer.entry_code = entry.code
    ctx.events.append("entry.recorded")
    reply = describe(ctx, entry, data.figures, t(ctx.lang, head_key, code=entry.code))
    # Known objects the update names, linked and shown as for a `!melding`.
    reply = render.with_lines(reply, await objects.confirmation_lines(ctx, entry))
    # The confirmation answers the message it recorded, also when a 👍 triggered it.
    confirmation = replace(reply, reply_to=EventId(offer.message_event_id))
    closed_note = await closed_incident.alerts_note(ctx, entry)
    coordinator = await _alerts(ctx, entry, data.figures, note=closed_note)
    unseen, closed_warning, told = await closed_parts(ctx, entry, coordinator, closed_note)
    confirmation = with_warning(confirmation, unseen)
    confirmation = with_warning(confirmation, replaced_warning(ctx))
    confirmation = with_warning(confirmation, closed_warning)
    return [confirmation, *coordinator.out, *told]


async def free_text_command(ctx: CommandContext, parsed: ParsedCommand) -> list[Outgoing]:
    session = session_of(ctx)
    binding = await session.get(RoomBinding, ctx.room.room_id)
    current = binding.free_text if binding is not None else "offer"
    shown = MODE_NL.get(current, current) if ctx.lang == "nl" else current
    wanted = MODE_WORDS.get(fold(parsed.words[0])) if parsed.words else None
    if binding is None or wanted is None:
        return [render.plain(t(ctx.lang, "free_text_mode_usage", prefix=ctx.prefix, mode=shown))]
    binding.free_text = wanted
    await session.flush()
    shown = MODE_NL[wanted] if ctx.lang == "nl" else wanted
    return [render.plain(t(ctx.lang, "free_text_mode_set", mode=shown))]


FREE_TEXT = Command(
    name_nl="vrijetekst",
    name_en="freetext",
    rereads_room=True,
    summary={
        "nl": "wat ik doe met vrije tekst die een update is: aanbieden, direct of uit",
        "en": "what I do with free text that is an update: offer, direct or off",
    },
    usage={
        "nl": "{prefix}vrijetekst aanbieden|direct|uit",
        "en": "{prefix}freetext offer|direct|off",
    },
    example={"nl": "{prefix}vrijetekst direct", "en": "{prefix}freetext direct"},
    handler=free_text_command,
    permission=in_roles("liaison", min_power=MODERATOR),
)
