"""How curated content looks in a reply: one Q&A in full, one-line links, guidance sections.

Answers are Markdown written by curators; their HTML goes through
`knowledge.markdown.to_html` (markdown-it-py, then the nh3 allow-list).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from commands import render
from commands.i18n import Language, t
from commands.message import Reply
from knowledge.markdown import to_html
from knowledge.model import QA, Guidance, safe_url
from knowledge.search import Document
from storage import organisations, tlp


def provenance(item: QA, changed: date | None, lang: Language) -> tuple[str, str]:
    """'Bron: … · Eigenaar: … · Bijgewerkt: …' as text and HTML."""
    when = item.updated or changed
    # Checked again here, whatever the store holds: only an http(s) source becomes a link.
    url = safe_url(item.source_url)
    source_name = item.source_title or url or "-"
    parts_text = [f"{t(lang, 'knowledge_view.source')}: {source_name}"]
    parts_html = [f"{t(lang, 'knowledge_view.source')}: {render.escape(source_name)}"]
    if url:
        if item.source_title:
            parts_text[0] += f" ({url})"
        parts_html[0] = (
            f"{t(lang, 'knowledge_view.source')}: "
            f'<a href="{render.escape(url)}">{render.escape(source_name)}</a>'
        )
    owner = item.owner or "-"
    updated = when.strftime("%d-%m-%Y") if when else "-"
    for label, value in ((t(lang, "knowledge_view.owner"), owner),
                         (t(lang, "knowledge_view.updated"), updated)):  # fmt: skip
        parts_text.append(f"{label}: {value}")
        parts_html.append(f"{label}: {render.escape(value)}")
    return " · ".join(parts_text), " · ".join(parts_html)


def expired_note(item: QA, today: date, lang: Language) -> str | None:
    if item.valid_until is not None and item.valid_until < today:
        until = item.valid_until.strftime("%d-%m-%Y")
        return t(lang, "knowledge_view.note_expired_since", until=until)
    if item.valid_from is not None and item.valid_from > today:
        start = item.valid_from.strftime("%d-%m-%Y")
        return t(lang, "knowledge_view.note_valid_only_from", start=start)
    return None


def show_command(prefix: str, item_id: str, lang: Language = "nl") -> str:
    """The command that shows one item: a Q&A, or a guidance section (`<document>#<n>`)."""
    if "#" in item_id:
        return f"{prefix}{t(lang, 'knowledge_view.guidance')} {item_id}"
    return f"{prefix}qa show {item_id}"


def link_list(
    prefix: str, items: list[tuple[str, str]], lang: Language = "nl"
) -> tuple[list[str], str]:
    """(id, question) pairs as `!qa show <id> — question` lines, and as an HTML list
    (a guidance section's id gives `!handreiking <document>#<n>`)."""
    text: list[str] = []
    html: list[str] = []
    for item_id, question in items:
        command = show_command(prefix, item_id, lang)
        short = render.shorten(question, 100)
        text.append(f"• {command} — {short}")
        html.append(f"<li>{render.code(command)} — {render.escape(short)}</li>")
    return text, f"<ul>{''.join(html)}</ul>"


def qa_reply(
    item: QA,
    changed: date | None,
    today: date,
    lang: Language,
    prefix: str,
    others: list[tuple[str, str]] | None = None,
    heading: str | None = None,
    read_as: bool = False,
    label: str | None = None,
) -> Reply:
    """One Q&A in full. `read_as`: it answers a question, so the first line says which
    question it answers ("Ik lees je vraag als: …") and the asker can judge the match.
    `label`: the highest label of everything shown (the related items' titles are
    content too), when above the item's own; the banner and `Reply.tlp` say it."""
    label = label or item.tlp
    banner = f"TLP:{label}"
    head = heading or item.question
    lead = t(lang, "read_as", question="") if read_as else ""
    source = provenance(item, changed, lang)
    note = expired_note(item, today, lang)
    reply = _answer(
        banner, (lead, head), (item.id, item.answer), source, lang, prefix, others, note
    )
    return replace(reply, tlp=label)


def _answer(
    banner: str,
    heading: tuple[str, str],
    body: tuple[str, str],
    source: tuple[str, str],
    lang: Language,
    prefix: str,
    others: list[tuple[str, str]] | None,
    note: str | None = None,
) -> Reply:
    """A Q&A or guidance section in full: the banner, the heading (the "read as" lead,
    the title) with the item's id, the body (id, Markdown), its source (text, HTML), a
    note under the heading (an expired item), and links to related items below."""
    lead, head = heading
    item_id, markdown = body
    source_text, source_html = source
    text_lines = [f"{banner} — {lead}{head} ({item_id})", "", markdown.strip(), "", source_text]
    html_parts = [
        f"<p><b>{render.escape(banner)}</b> — {render.escape(lead)}<b>{render.escape(head)}</b> "
        f"({render.code(item_id)})</p>",
        to_html(markdown),
        f"<p><i>{source_html}</i></p>",
    ]
    if note:
        text_lines.insert(1, note)
        html_parts.insert(1, f"<p><b>{render.escape(note)}</b></p>")
    if others:
        title = t(lang, "knowledge_view.see_also")
        lines, listed = link_list(prefix, others, lang)
        text_lines += [title, *lines]
        html_parts.append(f"<p>{render.escape(title)}</p>{listed}")
    return Reply(text="\n".join(text_lines), html="".join(html_parts))


def guidance_reply(sections: list[tuple[Guidance, Document]], lang: Language, banner: str) -> Reply:
    text_lines = [f"TLP:{banner} — {t(lang, 'knowledge_view.guidance_2')}"]
    html_parts = [f"<p><b>{render.escape(f'TLP:{banner}')}</b></p>"]
    for document, section in sections:
        version = t(lang, "knowledge_view.version")
        title = f"{document.title} ({version} {document.version}) — {section.title}"
        text_lines += ["", title, section.body.strip()]
        html_parts.append(f"<h4>{render.escape(title)}</h4>{to_html(section.body)}")
    return Reply(text="\n".join(text_lines), html="".join(html_parts), tlp=banner)


def section_reply(
    document: Guidance,
    section: Document,
    lang: Language,
    prefix: str,
    others: list[tuple[str, str]] | None = None,
    read_as: bool = False,
    label: str | None = None,
) -> Reply:
    """One guidance section as the answer to a question (it competes with Q&As in `!vraag`);
    `label` as for `qa_reply`."""
    label = label or document.tlp
    banner = f"TLP:{label}"
    version = t(lang, "knowledge_view.version")
    head = f"{document.title} ({version} {document.version}) — {section.title}"
    lead = t(lang, "read_as", question="") if read_as else ""
    url = safe_url(document.source_url)
    source = f"{t(lang, 'knowledge_view.source')}: {url or '-'}"
    source_html = (
        f'{t(lang, "knowledge_view.source")}: <a href="{render.escape(url)}">{render.escape(url)}</a>'
        if url
        else render.escape(source)
    )
    body = (section.id, section.body)
    reply = _answer(banner, (lead, head), body, (source, source_html), lang, prefix, others)
    return replace(reply, tlp=label)


def item_visible(access: tlp.RoomAccess, label: str, owner: str | None) -> bool:
    """May a room see a curated item? The shared TLP rule, with the item's `owner` as its
    organisation (what AMBER+STRICT compares) and no room of its own (so RED: nowhere).
    The owner is as its file or curator wrote it, not the stored organisation's name that
    bindings copy: it is the room's organisation when `organisations.same` says so."""
    return tlp.may_see(access, label, "", as_bound(access.organisation, owner))


def as_bound(organisation: str | None, owner: str | None) -> str | None:
    """`owner` in the spelling of the room's `organisation` when they are one."""
    return organisation if owner and organisations.same(organisation, owner) else owner or None
