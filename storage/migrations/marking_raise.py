"""Raising stored labels to the TLP markings their own words carry, for migrations
(0027, 0029) run after the marking reader learnt to read more (storage/tlp.py:
`text_marking`). A label is raised to its marking, never lowered:

- posts (entries, record items): the row's label and rank, and every revision's snapshot
  whose words carry a higher marking (withdrawing an edit falls back to a snapshot);
  the caller empties the picture caches when a post was raised (`empty_picture_caches`);
- knowledge items (Q&As and guidance): as a new version, audited
  (`knowledge.relabelled`); the caller bumps the store version so every process
  rebuilds its index (`bump_store_version`);
- open questions: label and rank.

Only from inside a migration (alembic's `op`).
"""

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from alembic import op

from storage import tlp


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)  # stored without zone, as UtcDateTime does


def raise_all(actor: str, entry_words: tuple[str, ...] = ()) -> None:
    """Every kind of stored item, as the module docstring says; `entry_words`: the
    entries' columns of free words read besides their text."""
    raised = raise_posts("entries", "entry_revisions", entry_words)
    raised += raise_posts("record_items", "record_revisions")
    if raised:
        empty_picture_caches()
    if raise_knowledge(actor):
        bump_store_version()
    raise_questions()


def empty_picture_caches() -> None:
    """The caches keep one row per label class: built again from the entries."""
    for table in ("series_latest", "figure_latest", "item_latest", "picture_watermark"):
        op.execute(sa.text(f"DELETE FROM {table}"))


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


def raise_posts(table_name: str, revisions_name: str, read: tuple[str, ...] = ()) -> int:
    """Raise a posted table's rows (entries, record items) and their revisions; `read`:
    the columns (and snapshot keys) of free words besides the text (a report's place,
    source and sector)."""
    connection = op.get_bind()
    columns: list[sa.ColumnClause[Any]] = [sa.column("id", sa.Integer())]
    columns += [sa.column("text", sa.Text()), sa.column("tlp", sa.String())]
    columns.append(sa.column("tlp_rank", sa.Integer()))
    columns += [sa.column(name, sa.String()) for name in read]
    if table_name == "record_items":
        columns.append(sa.column("fields", sa.JSON()))
    table = sa.table(table_name, *columns)
    raised = 0
    for row in connection.execute(sa.select(table)).mappings().all():
        fields = _json(row["fields"]) if "fields" in row else {}
        fields = {**fields, **{name: row[name] for name in read}}
        marked = _above(_words(row["text"], fields), row["tlp"])
        if marked is None:
            continue
        connection.execute(
            table.update()
            .where(table.c.id == row["id"])
            .values(tlp=marked, tlp_rank=tlp.RANK[marked])
        )
        raised += 1
    _raise_snapshots(revisions_name, read)
    return raised


def _raise_snapshots(revisions_name: str, read: tuple[str, ...]) -> None:
    connection = op.get_bind()
    revisions = sa.table(
        revisions_name, sa.column("id", sa.Integer()), sa.column("snapshot", sa.JSON())
    )
    rows = connection.execute(sa.select(revisions.c.id, revisions.c.snapshot)).all()
    for revision_id, snapshot in rows:
        data = _json(snapshot)
        fields = {**_json(data.get("fields")), **{name: data.get(name) for name in read}}
        marked = _above(_words(data.get("text"), fields), data.get("tlp"))
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


def raise_knowledge(actor: str) -> int:
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
                updated_at=_now(),
                updated_by=actor,
            )
        )
        _record_version(item_id, version + 1, data, (label, marked), actor)
        raised += 1
    return raised


def _record_version(
    item_id: str, version: int, data: dict[str, Any], labels: tuple[str, str], actor: str
) -> None:
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
                "changed_at": _now(),
                "changed_by": actor,
            }
        ],
    )
    old, new = labels
    detail = {"from": old, "to": new, "version": version, "why": "marking"}
    op.bulk_insert(
        audit,
        [
            {
                "at": _now(),
                "actor": actor,
                "action": "knowledge.relabelled",
                "subject": item_id,
                "detail": detail,
            }
        ],
    )


def bump_store_version() -> None:
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
        op.bulk_insert(kv, [{"key": key, "value": "1", "updated_at": _now()}])
    else:
        connection.execute(
            kv.update()
            .where(kv.c.key == key)
            .values(value=str(int(current) + 1), updated_at=_now())
        )


def raise_questions() -> None:
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
