"""`!handreiking` / `!guidance <topic>`: the best matching sections of guidance documents."""

from __future__ import annotations

from commands import render
from commands.common import session_of
from commands.context import CommandContext
from commands.grammar import ParsedCommand
from commands.i18n import t
from commands.knowledge_view import guidance_reply, item_visible
from commands.message import Outgoing
from commands.questions import may_read, search_view, today
from commands.registry import Command
from knowledge.model import Guidance
from knowledge.search import Document
from storage import tlp

MAX_SECTIONS = 3


async def guidance_command(ctx: CommandContext, parsed: ParsedCommand) -> list[Outgoing]:
    topic = " ".join([parsed.raw_args, *parsed.body_lines]).strip()
    store = await ctx.settings.knowledge.store(session_of(ctx))
    if not topic:
        # Only the documents this room may see (and that are current), as for a search.
        day = today(ctx)
        version = t(ctx.lang, "guidance.version")
        shown = [
            doc
            for doc in store.guidance
            if doc.current(day) and item_visible(ctx.room.access, doc.tlp, doc.owner)
        ]
        listing = "; ".join(f"{doc.title} ({version} {doc.version})" for doc in shown) or "-"
        # A list of titles carries the highest label it contains, as every list does.
        label = tlp.highest([doc.tlp for doc in shown])
        return [
            render.plain(
                t(
                    ctx.lang,
                    "guidance.usage_guidance_topic_guidance",
                    prefix=ctx.prefix,
                    listing=listing,
                    label=label,
                )
            )
        ]
    # A section by its id (`<document>#<n>`, as `!vraag` links to it): that section only,
    # if the room may see it; otherwise it is a search like any other.
    section = store.section(topic) if "#" in topic else None
    document = store.guidance_document(topic) if section is not None else None
    if section is not None and document is not None and may_read(ctx, store)(section):
        return [guidance_reply([(document, section)], ctx.lang, document.tlp)]
    # Only what the room may see exists in its search (ranking and scores alike).
    _, sections = store.indexes_for(await search_view(ctx, store))
    result = sections.search(
        render.shorten(topic, 300), limit=MAX_SECTIONS, refuse=store.not_current(today(ctx))
    )
    # Only the sections that score close to the best: a weak third match is noise.
    best = result.hits[0].score if result.hits else 0.0
    kept: list[tuple[Guidance, Document]] = []
    for hit in result.hits:
        document, section = store.guidance_document(hit.id), store.section(hit.id)
        if document is not None and section is not None and hit.score >= best / 2:
            kept.append((document, section))
    if not kept:
        return [
            render.plain(
                t(
                    ctx.lang,
                    "guidance.no_guidance_found_about",
                    shorten=render.shorten(topic, 60),
                    prefix=ctx.prefix,
                )
            )
        ]
    banner = tlp.highest([section.label for _, section in kept])
    return [guidance_reply(kept, ctx.lang, banner)]


GUIDANCE = Command(
    name_nl="handreiking",
    name_en="guidance",
    summary={"nl": "zoekt in de handreikingen", "en": "searches the guidance documents"},
    usage={
        "nl": "{prefix}handreiking <onderwerp> | <document>#<nummer>",
        "en": "{prefix}guidance <topic> | <document>#<number>",
    },
    example={
        "nl": "{prefix}handreiking noodopvang inrichten",
        "en": "{prefix}guidance setting up emergency shelter",
    },
    handler=guidance_command,
    raw_arguments=True,
)
