"""Raising stored labels to the TLP markings their own words carry, for migrations
(0027, 0029) run after the marking reader learnt to read more (storage/tlp.py:
`text_marking`). A label is raised to its marking, never lowered:

- posts (entries, record items): the row's label and rank, and every revision's snapshot
  whose words carry a higher marking (withdrawing an edit falls back to a snapshot);
  the caller empties the picture caches when a post was raised (`empty_picture_caches`);
- knowledge items (Q&As and guidance): as a new version, audited
  (`knowledge.relabelled`); the caller bumps the store version so every process
  rebuilds its index (`bump_store_version`);
- open questions: label and rank;
- rows still waiting in the outbox (from migration 0029 on, once rows carry labels):
  every raise is returned (`raise_all`), and `raise_waiting` raises the rows that may
  show a raised item as the bot raises them (storage/relabel.py): the sender judges a
  row by its stored label, so a row queued before the upgrade would otherwise go out
  under the item's old label.

Only from inside a migration (alembic's `op`).
"""

import base64
import hashlib
import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from alembic import op

from storage import tlp


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)  # stored without zone, as UtcDateTime does


@dataclass(frozen=True)
class Raised:
    """An item's label went up from `old` to `new` (as storage/relabel.py's `Raise`):
    its room ("" for a Q&A or guidance), organisation, and how replies name it."""

    room_id: str
    organisation: str | None
    old: str
    new: str
    code: str


def raise_all(actor: str, entry_words: tuple[str, ...] = ()) -> list[Raised]:
    """Every kind of stored item, as the module docstring says; `entry_words`: the
    entries' columns of free words read besides their text. The raises made."""
    raised = raise_posts("entries", "entry_revisions", entry_words)
    raised += raise_posts("record_items", "record_revisions")
    if raised:
        empty_picture_caches()
    knowledge = raise_knowledge(actor)
    if knowledge:
        bump_store_version()
    return raised + knowledge + raise_questions()


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


def raise_posts(table_name: str, revisions_name: str, read: tuple[str, ...] = ()) -> list[Raised]:
    """Raise a posted table's rows (entries, record items) and their revisions; `read`:
    the columns (and snapshot keys) of free words besides the text (a report's place,
    source and sector)."""
    connection = op.get_bind()
    columns: list[sa.ColumnClause[Any]] = [sa.column("id", sa.Integer())]
    columns += [sa.column("text", sa.Text()), sa.column("tlp", sa.String())]
    columns.append(sa.column("tlp_rank", sa.Integer()))
    columns += [sa.column("room_id", sa.String()), sa.column("organisation", sa.String())]
    columns += [sa.column(name, sa.String()) for name in read if name != "organisation"]
    if table_name == "record_items":
        columns.append(sa.column("fields", sa.JSON()))
        columns += [sa.column("kind", sa.String()), sa.column("number", sa.Integer())]
    table = sa.table(table_name, *columns)
    raised: list[Raised] = []
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
        raised.append(Raised(row["room_id"], row["organisation"], row["tlp"], marked, _code(row)))
    _raise_snapshots(revisions_name, read)
    return raised


_RECORD_PREFIX = {"assessment": "O", "decision": "B", "action": "A"}  # storage/models.py


def _code(row: Any) -> str:
    """How replies name a post: M-7 for a report, B-2 for a decision ("" unknown)."""
    if "kind" not in row:
        return f"M-{row['id']}"
    prefix = _RECORD_PREFIX.get(str(row["kind"]))
    return f"{prefix}-{row['number']}" if prefix else ""


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


def raise_knowledge(actor: str) -> list[Raised]:
    connection = op.get_bind()
    items = _items_table()
    rows = connection.execute(sa.select(items.c.id, items.c.version, items.c.data, items.c.tlp))
    raised: list[Raised] = []
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
        owner = data.get("owner")  # a Q&A is no room's post: its owner's (relabel.py)
        owner = owner if isinstance(owner, str) else None
        raised.append(Raised("", owner, label, marked, str(item_id)))
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


def raise_questions() -> list[Raised]:
    questions = sa.table(
        "open_questions",
        sa.column("id", sa.Integer()),
        sa.column("question", sa.Text()),
        sa.column("tlp", sa.String()),
        sa.column("tlp_rank", sa.Integer()),
        sa.column("room_id", sa.String()),
        sa.column("organisation", sa.String()),
    )
    connection = op.get_bind()
    raised: list[Raised] = []
    for row in connection.execute(sa.select(questions)).mappings().all():
        marked = _above(row["question"] or "", row["tlp"])
        if marked is not None:
            connection.execute(
                questions.update()
                .where(questions.c.id == row["id"])
                .values(tlp=marked, tlp_rank=tlp.RANK[marked])
            )
            code = f"V{row['id']}"
            raised.append(Raised(row["room_id"], row["organisation"], row["tlp"], marked, code))
    return raised


def _names(code: str, kind: str, content: dict[str, Any]) -> bool:
    """Whether a row's text (or its file) names the item (relabel.py: `named_in`)."""
    if not code:
        return True  # nothing to go by: the safe side
    text = str((content.get("caption") or content).get("body", ""))
    if kind == "file":
        data = base64.b64decode(content.get("data_b64", "") or "")
        text += "\n" + data.decode("utf-8", errors="replace")
    return re.search(rf"(?<![\w-]){re.escape(code)}(?!\w)", text) is not None


def _earlier(room_id: str) -> tuple[str, ...]:
    """The rooms `room_id` replaced by upgrades (storage/rooms.py: `earlier_rooms`)."""
    kv = sa.table("kv", sa.column("key", sa.String()), sa.column("value", sa.Text()))
    found = op.get_bind().execute(sa.select(kv.c.value).where(kv.c.key == "earlier:" + room_id))
    value = found.scalar()
    return tuple(str(room) for room in json.loads(value)) if value else ()


def _for_row(raises: list[Raised], kind: str, content: dict[str, Any]) -> list[Raised]:
    """The raises that may reach a row that showed nothing labelled (CLEAR): those of
    the items it names (a substring test first: there may be many thousands)."""
    text = str((content.get("caption") or content).get("body", ""))
    if kind == "file":
        return [item for item in raises if _names(item.code, kind, content)]
    return [item for item in raises if item.code in text and _names(item.code, kind, content)]


def raise_waiting(raises: list[Raised]) -> None:
    """Raise every waiting outbox row that may show a raised item, as the bot's own
    raise does (storage/relabel.py: `apply_raises`, `raised_label`; storage/tlp.py:
    `raised_row`). Rows queued before migration 0028 carry no label: left as they are.
    A raise's code matters only for a CLEAR row; for the others one raise per room,
    organisation and labels counts (`raised_row` gives the same for a repeat)."""
    if not raises:
        return
    alike = list({(r.room_id, r.organisation, r.old, r.new): r for r in raises}.values())
    outbox = sa.table(
        "outbox", sa.column("id", sa.Integer()), sa.column("room_id", sa.String()),
        sa.column("kind", sa.String()), sa.column("content", sa.JSON()),
        sa.column("tlp", sa.String()), sa.column("tlp_shared", sa.String()),
        sa.column("tlp_org", sa.String()), sa.column("sent_at", sa.DateTime()),
        sa.column("failed_at", sa.DateTime()),
    )  # fmt: skip
    connection = op.get_bind()
    waiting = sa.select(outbox).where(
        outbox.c.sent_at.is_(None), outbox.c.failed_at.is_(None),
        outbox.c.kind.in_(("message", "file")), outbox.c.tlp.is_not(None),
    )  # fmt: skip
    for row in connection.execute(waiting).mappings().all():
        if row["tlp"] not in tlp.RANK:
            continue
        label = (row["tlp"], row["tlp_shared"] or row["tlp"], row["tlp_org"])
        # A row that showed nothing labelled shows a CLEAR item only by naming it.
        reach = (
            _for_row(raises, row["kind"], _json(row["content"])) if label[0] == "CLEAR" else alike
        )
        now, rooms = label, (row["room_id"], *_earlier(row["room_id"]))
        for item in reach:
            own = item.room_id in rooms
            now = tlp.raised_row(now, own, (item.old, item.new, item.organisation)) or now
        if now != label:
            connection.execute(
                outbox.update()
                .where(outbox.c.id == row["id"])
                .values(tlp=now[0], tlp_shared=now[1], tlp_org=now[2])
            )
