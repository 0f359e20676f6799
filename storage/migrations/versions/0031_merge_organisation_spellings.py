"""One organisation stored under several spellings becomes one (the oldest).

Before organisation names were folded in Python (`storage.organisations.name_key`:
NFC, trimmed, case-folded), `find` compared SQL `lower()`, which folds only ASCII on
SQLite: "FRYSLÂN" and "Fryslân" became two organisations there, and "STRASSE" and
"Straße", a decomposed "â" or a trailing space two on both backends. Each of their
rooms then kept AMBER+STRICT reports from the other rooms of its own organisation. The
oldest row of each key stays (as `find` picks it), takes the others' partner details it
lacks, and every stored reference to the others' names is renamed to it (columns, and
in JSON: revisions' snapshots, the owner of Q&As, guidance and objects). The picture's
derived tables are emptied so they are rebuilt under the one name on the next refresh.
Downgrade keeps the merged rows: which spelling each reference had is not kept.

Revision ID: 0031
Revises: 0030
Create Date: 2026-12-05
"""

import json
import unicodedata
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0031"
down_revision = "0030"
branch_labels = None
depends_on = None

# Columns that hold an organisation's name (objects' owner included: an object's
# AMBER+STRICT label keeps it within its owner organisation).
_REFERENCES = [
    ("room_bindings", "organisation"),
    ("entries", "organisation"),
    ("open_questions", "organisation"),
    ("record_items", "organisation"),
    ("outbox", "tlp_org"),
    ("site_objects", "owner"),
]
# Keyed by organisation, rebuilt from the entries by `storage.series.refresh`.
_DERIVED = ["series_latest", "figure_latest", "item_latest", "picture_watermark"]
# JSON documents naming an organisation under a key, with their primary key columns:
# report and record revisions, and the owner of curated content and of objects (a Q&A
# added in a room is owned by the room's organisation, AMBER+STRICT within it by name:
# left under a merged-away spelling, no room of the organisation could read it).
_DOCUMENTS = [
    ("entry_revisions", "snapshot", "organisation", ("id",)),
    ("record_revisions", "snapshot", "organisation", ("id",)),
    ("knowledge_items", "data", "owner", ("id",)),
    ("knowledge_item_versions", "data", "owner", ("item_id", "version")),
    ("site_objects", "data", "owner", ("id",)),
]


def _key(name: str) -> str:
    # `storage.organisations.name_key` as of this revision (a migration keeps its own).
    return unicodedata.normalize("NFC", name).strip().casefold()


def _as_json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


def _details(row: dict[str, Any]) -> bool:
    """Whether the row says anything of the partner (a binding's row says nothing)."""
    fields = ("sectors", "roles", "contacts", "regions", "municipalities")
    return bool(row["kind"] or row["sector"] or any(_as_json(row[f]) for f in fields))


def _everywhere(row: dict[str, Any]) -> bool:
    """A partner that names no municipality or region works everywhere (`!wie`)."""
    return _details(row) and not (_as_json(row["regions"]) or _as_json(row["municipalities"]))


def _merged(kept: dict[str, Any], other: dict[str, Any]) -> None:
    # Where it works never narrows: one of the two working everywhere, so does the one.
    everywhere = _everywhere(kept) or _everywhere(other)
    for field in ("kind", "sector"):
        kept[field] = kept[field] or other[field]
    for field in ("sectors", "regions", "municipalities", "contacts"):
        values = list(_as_json(kept[field]) or [])
        values += [v for v in _as_json(other[field]) or [] if v not in values]
        kept[field] = values
    if everywhere:
        kept["regions"], kept["municipalities"] = [], []
    kept["roles"] = {**(_as_json(other["roles"]) or {}), **(_as_json(kept["roles"]) or {})}


def _groups(conn: sa.Connection) -> list[list[dict[str, Any]]]:
    rows = conn.execute(
        sa.text(
            "SELECT name, kind, sector, sectors, regions, municipalities, roles, contacts "
            "FROM organisations ORDER BY created_at, name"
        )
    ).mappings()
    by_key: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        by_key.setdefault(_key(row["name"]), []).append(dict(row))
    return [group for group in by_key.values() if len(group) > 1]


def _merge(conn: sa.Connection, group: list[dict[str, Any]]) -> dict[str, str]:
    kept, others = group[0], group[1:]
    for other in others:
        _merged(kept, other)
    conn.execute(
        sa.text(
            "UPDATE organisations SET kind = :kind, sector = :sector, sectors = :sectors, "
            "regions = :regions, municipalities = :municipalities, roles = :roles, "
            "contacts = :contacts WHERE name = :name"
        ),
        {
            **kept,
            **{f: json.dumps(kept[f]) for f in ("sectors", "regions", "municipalities")},
            "roles": json.dumps(kept["roles"]),
            "contacts": json.dumps(kept["contacts"]),
        },
    )
    for other in others:
        conn.execute(sa.text("DELETE FROM organisations WHERE name = :n"), {"n": other["name"]})
    return {other["name"]: kept["name"] for other in others}


def _rename_documents(
    conn: sa.Connection, document: tuple[str, str, str, tuple[str, ...]], renamed: dict[str, str]
) -> None:
    table, column, field, keys = document
    where = " AND ".join(f"{k} = :k{n}" for n, k in enumerate(keys))
    rows = conn.execute(sa.text(f"SELECT {', '.join(keys)}, {column} FROM {table}")).all()
    for *ids, stored in rows:
        value = _as_json(stored)
        if isinstance(value, dict) and value.get(field) in renamed:
            value[field] = renamed[value[field]]
            conn.execute(
                sa.text(f"UPDATE {table} SET {column} = :v WHERE {where}"),
                {"v": json.dumps(value), **{f"k{n}": i for n, i in enumerate(ids)}},
            )


def upgrade() -> None:
    conn = op.get_bind()
    renamed: dict[str, str] = {}
    for group in _groups(conn):
        renamed.update(_merge(conn, group))
    if not renamed:
        return
    for old, new in renamed.items():
        for table, column in _REFERENCES:
            conn.execute(
                sa.text(f"UPDATE {table} SET {column} = :new WHERE {column} = :old"),
                {"new": new, "old": old},
            )
    for document in _DOCUMENTS:
        _rename_documents(conn, document, renamed)
    for table in _DERIVED:
        conn.execute(sa.text(f"DELETE FROM {table}"))


def downgrade() -> None:
    pass
