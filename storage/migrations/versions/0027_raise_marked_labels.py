"""Labels stored before the marking reader learnt every way people write a marking.

`storage/tlp.py: text_marking` now also reads `tlp=rood`, `TLP-RED`, `TLP/AMBER`,
`TLP: **AMBER**`, `AMBER + STRICT`, full-width letters and markings with an invisible
character inside. Reports, assessments, decisions, actions, Q&As, guidance and open
questions stored before kept the lower label their room or file gave them: their own
text said more. Each is raised to its marking, never lowered:

- entries and record items: the row's label and rank, and every revision's snapshot
  whose text carries a higher marking (withdrawing an edit falls back to a snapshot);
  the picture caches (series, figures, items) are emptied, so every picture is built
  again under the raised labels;
- knowledge items (Q&As and guidance): as a new version, audited
  (`knowledge.relabelled`), and the store version bumped so every process rebuilds
  its index (as migration 0025 does);
- open questions: label and rank (as migration 0024 does).

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-04
"""

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from alembic import op

from storage import tlp

revision = "0027"
down_revision = "0026"
branch_labels = None
depends_on = None

_NOW = datetime.now(UTC).replace(tzinfo=None)  # stored without zone, as UtcDateTime does
_ACTOR = "migration 0027"


def upgrade() -> None:
    raised = _raise_posts("entries", "entry_revisions")
    raised += _raise_posts("record_items", "record_revisions")
    if raised:
        # The caches keep one row per label class: built again from the entries.
        for table in ("series_latest", "figure_latest", "item_latest", "picture_watermark"):
            op.execute(sa.text(f"DELETE FROM {table}"))
    if _raise_knowledge():
        _bump_store_version()
    _raise_questions()


def _above(text: str, label: str | None) -> str | None:
    """The text's marking when it is above `label` (an unknown label is left alone)."""
    marked = tlp.text_marking(text)
    if marked is None or label not in tlp.RANK or tlp.RANK[marked] <= tlp.RANK[label]:
        return None
    return marked


def _words(text: str | None, fields: Any) -> str:
    """A post's text with its string fields (an assessment's risks, an action's what)."""
    parts = [text or ""]
    if isinstance(fields, dict):
        parts += [str(value) for value in fields.values() if isinstance(value, str)]
    return "\n".join(parts)


def _raise_posts(table_name: str, revisions_name: str) -> int:
    """Raise a posted table's rows (entries, record items) and their revisions."""
    connection = op.get_bind()
    columns: list[sa.ColumnClause[Any]] = [sa.column("id", sa.Integer())]
    columns += [sa.column("text", sa.Text()), sa.column("tlp", sa.String())]
    columns.append(sa.column("tlp_rank", sa.Integer()))
    if table_name == "record_items":
        columns.append(sa.column("fields", sa.JSON()))
    table = sa.table(table_name, *columns)
    raised = 0
    for row in connection.execute(sa.select(table)).mappings().all():
        fields = _json(row["fields"]) if "fields" in row else None
        marked = _above(_words(row["text"], fields), row["tlp"])
        if marked is None:
            continue
        connection.execute(
            table.update()
            .where(table.c.id == row["id"])
            .values(tlp=marked, tlp_rank=tlp.RANK[marked])
        )
        raised += 1
    _raise_snapshots(revisions_name)
    return raised


def _raise_snapshots(revisions_name: str) -> None:
    connection = op.get_bind()
    revisions = sa.table(
        revisions_name, sa.column("id", sa.Integer()), sa.column("snapshot", sa.JSON())
    )
    rows = connection.execute(sa.select(revisions.c.id, revisions.c.snapshot)).all()
    for revision_id, snapshot in rows:
        data = _json(snapshot)
        marked = _above(_words(data.get("text"), data.get("fields")), data.get("tlp"))
        if marked is None:
            continue
        connection.execute(
            revisions.update()
            .where(revisions.c.id == revision_id)
            .values(snapshot={**data, "tlp": marked})
        )


def _json(value: Any) -> dict[str, Any]:
    if isinstance(value, dict):
        return value
    loaded = json.loads(value or "{}")
    return loaded if isinstance(loaded, dict) else {}


def _knowledge_words(data: dict[str, Any]) -> str:
    words = [str(data.get(name) or "") for name in ("question", "answer", "title", "body")]
    words += [str(alternative) for alternative in data.get("alternatives") or []]
    return "\n".join(words)


def _items_table() -> sa.TableClause:
    return sa.table(
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


def _raise_knowledge() -> int:
    connection = op.get_bind()
    items = _items_table()
    rows = connection.execute(sa.select(items.c.id, items.c.version, items.c.data, items.c.tlp))
    raised = 0
    for item_id, version, data, label in rows.all():
        data = _json(data)
        marked = _above(_knowledge_words(data), label)
        if marked is None:
            continue
        data = {**data, "tlp": marked}
        # The hash the model gives (knowledge/model.py): an import of the same content
        # finds it unchanged.
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
                updated_by=_ACTOR,
            )
        )
        _record_version(item_id, version + 1, data, label, marked)
        raised += 1
    return raised


def _record_version(item_id: str, version: int, data: dict[str, Any], old: str, new: str) -> None:
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
                "changed_by": _ACTOR,
            }
        ],
    )
    detail = {"from": old, "to": new, "version": version, "why": "marking"}
    op.bulk_insert(
        audit,
        [
            {
                "at": _NOW,
                "actor": _ACTOR,
                "action": "knowledge.relabelled",
                "subject": item_id,
                "detail": detail,
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


def _raise_questions() -> None:
    questions = sa.table(
        "open_questions",
        sa.column("id", sa.Integer()),
        sa.column("question", sa.Text()),
        sa.column("tlp", sa.String()),
        sa.column("tlp_rank", sa.Integer()),
    )
    connection = op.get_bind()
    rows = connection.execute(sa.select(questions.c.id, questions.c.question, questions.c.tlp))
    for question_id, text, label in rows.all():
        marked = _above(text or "", label)
        if marked is not None:
            connection.execute(
                questions.update()
                .where(questions.c.id == question_id)
                .values(tlp=marked, tlp_rank=tlp.RANK[marked])
            )


def downgrade() -> None:
    """Nothing to undo: a raised label is not lowered again (it was the writer's)."""
