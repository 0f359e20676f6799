"""The picture's sections for assessments, decisions and actions.

Oordeel (the latest assessment per organisation), Besluiten, Open acties (overdue
first) and "afgerond sinds vorig beeld". The data comes from
`storage.picture_service.RecordView`, read under the room's TLP view.
"""

from __future__ import annotations

from datetime import datetime

from commands import render
from commands.common import local_time
from commands.i18n import Language, t
from commands.record import action_line
from storage.models import RecordItem
from storage.picture_service import RecordView


def _assessment_line(item: RecordItem, lang: Language, now: datetime) -> str:
    fields = item.fields or {}
    parts = [f"{item.code} · {item.organisation or '-'}"]
    development = fields.get("development") or item.text
    if development:
        parts.append(
            f"{t(lang, 'record.f_development').lower()}: {render.shorten(development, 160)}"
        )
    if fields.get("risks"):
        parts.append(f"{t(lang, 'record.f_risks').lower()}: {render.shorten(fields['risks'], 120)}")
    if fields.get("scenarios"):
        parts.append(
            f"{t(lang, 'record.f_scenarios').lower()}: {render.shorten(fields['scenarios'], 120)}"
        )
    if item.due_at is not None:
        valid = f"{t(lang, 'record.f_valid_until').lower()} {local_time(item.due_at)}"
        if item.due_at <= now:
            valid += f" ({t(lang, 'record.expired')})"
        parts.append(valid)
    parts.append(f"TLP:{item.tlp}")
    return " · ".join(parts)


def _decision_line(item: RecordItem, lang: Language) -> str:
    decided_by = (item.fields or {}).get("decided_by") or item.organisation or "-"
    parts = [f"{item.code} · {decided_by}: {render.shorten(item.text, 160)}"]
    if item.owner:
        parts.append(f"{t(lang, 'record.f_executor').lower()}: {item.owner}")
    if item.due_at is not None:
        parts.append(f"{t(lang, 'record.f_effective').lower()} {local_time(item.due_at)}")
    parts.append(f"TLP:{item.tlp}")
    return " · ".join(parts)


def _done_line(item: RecordItem) -> str:
    when = local_time(item.done_at) if item.done_at else "-"
    return f"{item.code} · {render.shorten(item.text, 100)} · {item.owner or '-'} · {when} · TLP:{item.tlp}"


def titled(
    record: RecordView, lang: Language, now: datetime, prefix: str = "!"
) -> list[tuple[str, list[str]]]:
    """The sections that have something to show: (title, lines), for the chat picture
    and the portal page alike."""
    open_lines = [action_line(i, lang, now).removeprefix("• ") for i in record.open_actions]
    hidden = record.open_count - len(record.open_actions)
    if hidden > 0:
        open_lines.append(t(lang, "record.more_actions", count=hidden, prefix=prefix))
    found = [
        ("record.section_assessment", [_assessment_line(i, lang, now) for i in record.assessments]),
        ("record.section_decisions", [_decision_line(i, lang) for i in record.decisions]),
        ("record.section_open_actions", open_lines),
        ("record.section_done", [_done_line(i) for i in record.done]),
    ]
    return [(t(lang, key), lines) for key, lines in found if lines]


def sections(
    record: RecordView, lang: Language, now: datetime, prefix: str = "!"
) -> tuple[list[str], list[str]]:
    """Plain-text lines and HTML fragments for the sections that have something to show."""
    text: list[str] = []
    html: list[str] = []
    for title, lines in titled(record, lang, now, prefix):
        bullets, listed = render.bullets(lines)
        text.extend(["", title, *bullets])
        html.append(f"<h4>{render.escape(title)}</h4>{listed}")
    return text, html
