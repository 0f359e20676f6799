"""How curated content looks in a reply: one Q&A in full, one-line links, guidance sections.

Answers are Markdown written by curators; their HTML goes through
`knowledge.markdown.to_html` (markdown-it-py, then the nh3 allow-list).
"""

from __future__ import annotations

from datetime import date

from commands import render
from commands.i18n import Language
from commands.message import Reply
from knowledge.markdown import to_html
from knowledge.model import QA, Guidance
from knowledge.search import Document


def _tr(lang: Language, nl: str, en: str) -> str:
    return nl if lang == "nl" else en


def provenance(item: QA, changed: date | None, lang: Language) -> tuple[str, str]:
    """'Bron: … · Eigenaar: … · Bijgewerkt: …' as text and HTML."""
    when = item.updated or changed
    source_name = item.source_title or item.source_url or "-"
    parts_text = [f"{_tr(lang, 'Bron', 'Source')}: {source_name}"]
    parts_html = [f"{_tr(lang, 'Bron', 'Source')}: {render.escape(source_name)}"]
    if item.source_url:
        if item.source_title:
            parts_text[0] += f" ({item.source_url})"
        parts_html[0] = (
            f"{_tr(lang, 'Bron', 'Source')}: "
            f'<a href="{render.escape(item.source_url)}">{render.escape(source_name)}</a>'
        )
    owner = item.owner or "-"
    updated = when.strftime("%d-%m-%Y") if when else "-"
    for label, value in ((_tr(lang, "Eigenaar", "Owner"), owner),
                         (_tr(lang, "Bijgewerkt", "Updated"), updated)):  # fmt: skip
        parts_text.append(f"{label}: {value}")
        parts_html.append(f"{label}: {render.escape(value)}")
    return " · ".join(parts_text), " · ".join(parts_html)


def expired_note(item: QA, today: date, lang: Language) -> str | None:
    if item.valid_until is not None and item.valid_until < today:
        until = item.valid_until.strftime("%d-%m-%Y")
        return _tr(lang, f"Let op: verlopen sinds {until}.", f"Note: expired since {until}.")
    if item.valid_from is not None and item.valid_from > today:
        start = item.valid_from.strftime("%d-%m-%Y")
        return _tr(lang, f"Let op: pas geldig vanaf {start}.", f"Note: valid only from {start}.")
    return None


def link_line(prefix: str, item_id: str, question: str) -> tuple[str, str]:
    command = f"{prefix}qa show {item_id}"
    return (
        f"• {command} — {render.shorten(question, 100)}",
        f"<li>{render.code(command)} — {render.escape(render.shorten(question, 100))}</li>",
    )


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
        title = _tr(lang, "Zie ook:", "See also:")
        lines = [link_line(prefix, item_id, question) for item_id, question in others]
        text_lines += [title, *[t for t, _ in lines]]
        html_parts.append(f"<p>{render.escape(title)}</p><ul>{''.join(h for _, h in lines)}</ul>")
    return Reply(text="\n".join(text_lines), html="".join(html_parts))


def guidance_reply(sections: list[tuple[Guidance, Document]], lang: Language, banner: str) -> Reply:
    text_lines = [f"TLP:{banner} — {_tr(lang, 'Handreiking', 'Guidance')}"]
    html_parts = [f"<p><b>{render.escape(f'TLP:{banner}')}</b></p>"]
    for document, section in sections:
        title = f"{document.title} (versie {document.version}) — {section.title}"
        if lang == "en":
            title = f"{document.title} (version {document.version}) — {section.title}"
        text_lines += ["", title, section.body.strip()]
        html_parts.append(f"<h4>{render.escape(title)}</h4>{to_html(section.body)}")
    return Reply(text="\n".join(text_lines), html="".join(html_parts))
