"""How curated content looks in a reply: one Q&A in full, one-line links, guidance sections.

Answers are Markdown written by curators; their HTML goes through
`knowledge.markdown.to_html` (markdown-it-py, then the nh3 allow-list).
"""

from __future__ import annotations

from datetime import date

from commands import render
from commands.common import tr
from commands.i18n import Language
from commands.message import Reply
from knowledge.markdown import to_html
from knowledge.model import QA, Guidance, safe_url
from knowledge.search import Document


def provenance(item: QA, changed: date | None, lang: Language) -> tuple[str, str]:
    """'Bron: … · Eigenaar: … · Bijgewerkt: …' as text and HTML."""
    when = item.updated or changed
    # Checked again here, whatever the store holds: only an http(s) source becomes a link.
    url = safe_url(item.source_url)
    source_name = item.source_title or url or "-"
    parts_text = [f"{tr(lang, 'Bron', 'Source')}: {source_name}"]
    parts_html = [f"{tr(lang, 'Bron', 'Source')}: {render.escape(source_name)}"]
    if url:
        if item.source_title:
            parts_text[0] += f" ({url})"
        parts_html[0] = (
            f"{tr(lang, 'Bron', 'Source')}: "
            f'<a href="{render.escape(url)}">{render.escape(source_name)}</a>'
        )
    owner = item.owner or "-"
    updated = when.strftime("%d-%m-%Y") if when else "-"
    for label, value in ((tr(lang, "Eigenaar", "Owner"), owner),
                         (tr(lang, "Bijgewerkt", "Updated"), updated)):  # fmt: skip
        parts_text.append(f"{label}: {value}")
        parts_html.append(f"{label}: {render.escape(value)}")
    return " · ".join(parts_text), " · ".join(parts_html)


def expired_note(item: QA, today: date, lang: Language) -> str | None:
    if item.valid_until is not None and item.valid_until < today:
        until = item.valid_until.strftime("%d-%m-%Y")
        return tr(lang, f"Let op: verlopen sinds {until}.", f"Note: expired since {until}.")
    if item.valid_from is not None and item.valid_from > today:
        start = item.valid_from.strftime("%d-%m-%Y")
        return tr(lang, f"Let op: pas geldig vanaf {start}.", f"Note: valid only from {start}.")
    return None


def link_list(prefix: str, items: list[tuple[str, str]]) -> tuple[list[str], str]:
    """(id, question) pairs as `!qa show <id> — question` lines, and as an HTML list."""
    text: list[str] = []
    html: list[str] = []
    for item_id, question in items:
        command = f"{prefix}qa show {item_id}"
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
) -> Reply:
    banner = f"TLP:{item.tlp}"
    head = heading or item.question
    source_text, source_html = provenance(item, changed, lang)
    text_lines = [f"{banner} — {head} ({item.id})", "", item.answer.strip(), "", source_text]
    html_parts = [
        f"<p><b>{render.escape(banner)}</b> — <b>{render.escape(head)}</b> "
        f"({render.code(item.id)})</p>",
        to_html(item.answer),
        f"<p><i>{source_html}</i></p>",
    ]
    note = expired_note(item, today, lang)
    if note:
        text_lines.insert(1, note)
        html_parts.insert(1, f"<p><b>{render.escape(note)}</b></p>")
    if others:
        title = tr(lang, "Zie ook:", "See also:")
        lines, listed = link_list(prefix, others)
        text_lines += [title, *lines]
        html_parts.append(f"<p>{render.escape(title)}</p>{listed}")
    return Reply(text="\n".join(text_lines), html="".join(html_parts))


def guidance_reply(sections: list[tuple[Guidance, Document]], lang: Language, banner: str) -> Reply:
    text_lines = [f"TLP:{banner} — {tr(lang, 'Handreiking', 'Guidance')}"]
    html_parts = [f"<p><b>{render.escape(f'TLP:{banner}')}</b></p>"]
    for document, section in sections:
        version = tr(lang, "versie", "version")
        title = f"{document.title} ({version} {document.version}) — {section.title}"
        text_lines += ["", title, section.body.strip()]
        html_parts.append(f"<h4>{render.escape(title)}</h4>{to_html(section.body)}")
    return Reply(text="\n".join(text_lines), html="".join(html_parts))
