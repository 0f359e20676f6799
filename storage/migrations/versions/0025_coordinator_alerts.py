"""Coordinator alerts are stored as the domino alerts are, and marked Q&As are raised.

coordinator_alerts: one row per (report, coordinator room) alerted, with the highest
severity it was about, the event that queued it and its label, and when the room was
told the report no longer holds (retracted, below severe, another incident). Filled
from the audit's `alert.sent` records, so an alert sent before this version is followed
up too; one whose report no longer holds counts as told already.

knowledge_items: a Q&A published (`!antwoord --publish`, `!qa add`) before answers read
TLP markings may say "TLP:RED" in its question or answer above its stored label. Its
label is raised to the marking (never lowered), as a new version, audited, and the
store version bumped so every process rebuilds its index.

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-03
"""

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from alembic import op

from storage import tlp
from storage.vocabulary import Severity

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None

_SEVERE = ("Severe", "Extreme")
_NOW = datetime.now(UTC).replace(tzinfo=None)  # stored without zone, as UtcDateTime does


def upgrade() -> None:
    op.create_table(
        "coordinator_alerts",
        sa.Column("cause_entry_id", sa.Integer(), primary_key=True),
        sa.Column("room_id", sa.String(255), primary_key=True),
        sa.Column("full", sa.Boolean(), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=False),
        sa.Column("source_event_id", sa.String(255), nullable=True),
        sa.Column("label", sa.String(16), nullable=True),
        sa.Column("withdrawn_at", sa.DateTime(), nullable=True),
        sa.Column("severity_rank", sa.Integer(), nullable=False),
    )
    _alerts_from_audit()
    _raise_marked_qas()


def _alerts_from_audit() -> None:
    connection = op.get_bind()
    audit = sa.table(
        "audit_log",
        sa.column("room_id", sa.String()),
        sa.column("action", sa.String()),
        sa.column("subject", sa.String()),
        sa.column("detail", sa.JSON()),
        sa.column("at", sa.DateTime()),
    )
    entries = sa.table(
        "entries",
        sa.column("id", sa.Integer()),
        sa.column("severity", sa.String()),
        sa.column("retracted_at", sa.DateTime()),
    )
    found: dict[tuple[int, str], dict[str, Any]] = {}
    records = connection.execute(
        sa.select(audit.c.room_id, audit.c.subject, audit.c.detail, audit.c.at)
        .where(audit.c.action == "alert.sent")
        .order_by(audit.c.at)
    )
    for room_id, subject, detail, at in records.all():
        if not room_id or not str(subject or "").startswith("M-"):
            continue
        if not str(subject)[2:].isdigit():
            continue
        detail = detail if isinstance(detail, dict) else json.loads(detail or "{}")
        severity = Severity.parse(str(detail.get("severity", "Severe"))) or Severity.SEVERE
        key = (int(str(subject)[2:]), room_id)
        previous = found.get(key, {"severity_rank": 0})
        found[key] = {
            "cause_entry_id": key[0],
            "room_id": room_id,
            "full": True,
            "sent_at": at,
            "label": detail.get("tlp"),
            "severity_rank": max(severity.rank, previous["severity_rank"]),
        }
    if not found:
        return
    standing = {
        entry_id
        for entry_id, severity, retracted in connection.execute(
            sa.select(entries.c.id, entries.c.severity, entries.c.retracted_at).where(
                entries.c.id.in_(sorted({key[0] for key in found}))
            )
        ).all()
        if retracted is None and severity in _SEVERE
    }
    rows = [
        {**row, "withdrawn_at": None if row["cause_entry_id"] in standing else _NOW}
        for row in found.values()
    ]
    op.bulk_insert(_alerts_table(), rows)


def _alerts_table() -> sa.TableClause:
    return sa.table(
        "coordinator_alerts",
        sa.column("cause_entry_id", sa.Integer()),
        sa.column("room_id", sa.String()),
        sa.column("full", sa.Boolean()),
        sa.column("sent_at", sa.DateTime()),
        sa.column("label", sa.String()),
        sa.column("withdrawn_at", sa.DateTime()),
        sa.column("severity_rank", sa.Integer()),
    )


def _marking(data: dict[str, Any]) -> str | None:
    words = [str(data.get("question") or ""), str(data.get("answer") or "")]
    words += [str(alternative) for alternative in data.get("alternatives") or []]
    return tlp.text_marking("\n".join(words))


def _raise_marked_qas() -> None:
    connection = op.get_bind()
    items = sa.table(
        "knowledge_items",
        sa.column("id", sa.String()),
        sa.column("kind", sa.String()),
        sa.column("version", sa.Integer()),
        sa.column("content_hash", sa.String()),
        sa.column("data", sa.JSON()),
        sa.column("tlp", sa.String()),
        sa.column("updated_at", sa.DateTime()),
        sa.column("updated_by", sa.String()),
    )
    rows = connection.execute(
        sa.select(items.c.id, items.c.version, items.c.data, items.c.tlp).where(
            items.c.kind == "qa"
        )
    )
    raised = 0
    for item_id, version, data, label in rows.all():
        data = data if isinstance(data, dict) else json.loads(data)
        marked = _marking(data)
        if marked is None or label not in tlp.RANK or tlp.RANK[marked] <= tlp.RANK[label]:
            continue
        data = {**data, "tlp": marked}
        # The hash the model gives (knowledge/model.py `_hash`): an import of the same
        # content finds it unchanged.
        digest = hashlib.sha256(
            json.dumps(data, sort_keys=True, ensure_ascii=False).encode()
        ).hexdigest()
        connection.execute(
            items.update()
            .where(items.c.id == item_id)
            .values(
                tlp=marked,
                data=data,
                content_hash=digest,
                version=version + 1,
                updated_at=_NOW,
                updated_by="migration 0025",
            )
        )
        _record(item_id, version + 1, data, label, marked)
        raised += 1
    if raised:
        _bump_store_version()


def _record(item_id: str, version: int, data: dict[str, Any], old: str, new: str) -> None:
    """The new version and who relabelled it, as `knowledge_items.upsert` records them."""
    versions = sa.table(
        "knowledge_item_versions",
        sa.column("item_id", sa.String()),
        sa.column("version", sa.Integer()),
        sa.column("action", sa.String()),
        sa.column("data", sa.JSON()),
        sa.column("changed_at", sa.DateTime()),
        sa.column("changed_by", sa.String()),
    )
    audit = sa.table(
        "audit_log",
        sa.column("at", sa.DateTime()),
        sa.column("actor", sa.String()),
        sa.column("action", sa.String()),
        sa.column("subject", sa.String()),
        sa.column("detail", sa.JSON()),
    )
    op.bulk_insert(
        versions,
        [
            {
                "item_id": item_id,
                "version": version,
                "action": "updated",
                "data": data,
                "changed_at": _NOW,
                "changed_by": "migration 0025",
            }
        ],
    )
    op.bulk_insert(
        audit,
        [
            {
                "at": _NOW,
                "actor": "migration 0025",
                "action": "knowledge.relabelled",
                "subject": item_id,
                "detail": {"from": old, "to": new, "version": version, "why": "marking"},
            }
        ],
    )


def _bump_store_version() -> None:
    connection = op.get_bind()
    kv = sa.table(
        "kv",
        sa.column("key", sa.String()),
        sa.column("value", sa.Text()),
        sa.column("updated_at", sa.DateTime()),
    )
    key = "knowledge.store_version"
    current = connection.execute(sa.select(kv.c.value).where(kv.c.key == key)).scalar()
    if current is None:
        op.bulk_insert(kv, [{"key": key, "value": "1", "updated_at": _NOW}])
    else:
        connection.execute(
            kv.update().where(kv.c.key == key).values(value=str(int(current) + 1), updated_at=_NOW)
        )


def downgrade() -> None:
    op.drop_table("coordinator_alerts")
