"""Stored vocabulary in one language, English: categories and phases were Dutch.

Severities (CAP), statuses, roles and organisation kinds were stored in English
already; categories (`opvang`) and incident phases (`koud`) were Dutch, so code
and exports translated both ways. Now every stored value is the English value of
its `storage.vocabulary` enum; rooms still read Dutch through the enums' labels.

Rewritten: entries.category, the `category` of every entry_revisions snapshot,
incidents.phase, and any Dutch role name left in room_bindings.role. The
series_latest / figure_latest caches and their picture_watermark rows are emptied:
`storage.series.refresh` rebuilds them from entries on the next picture (their keys
hold the category). Audit details keep the words they were written with.

The mappings are written out here, not imported: a migration must keep meaning
what it meant when it was written.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03
"""

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

CATEGORIES = {
    "opvang": "shelter",
    "zorg": "health",
    "stroom": "power",
    "water": "water",
    "telecom": "telecom",
    "mobiliteit": "mobility",
    "openbare-orde": "public-order",
    "evacuatie": "evacuation",
    "communicatie": "communication",
    "overig": "other",
}
PHASES = {"koud": "cold", "lauw": "lukewarm", "warm": "warm", "na": "after"}
# Dutch role names an older binding may hold; roles were English before, so the
# downgrade leaves them.
ROLES = {
    "verbindingsofficier": "liaison",
    "partner": "liaison",
    "coördinator": "coordinator",
    "coordinatie": "coordinator",
    "gemeente": "municipality",
    "redactie": "curator",
    "redacteur": "curator",
}

_entries = sa.table("entries", sa.column("category", sa.String))
_incidents = sa.table("incidents", sa.column("phase", sa.String))
_bindings = sa.table("room_bindings", sa.column("role", sa.String))
_revisions = sa.table(
    "entry_revisions", sa.column("id", sa.Integer), sa.column("snapshot", sa.JSON)
)


def _rename(table: Any, column: str, mapping: dict[str, str]) -> None:
    for old, new in mapping.items():
        if old != new:
            op.execute(table.update().where(table.c[column] == old).values({column: new}))


def _snapshots(mapping: dict[str, str]) -> None:
    connection = op.get_bind()
    rows = connection.execute(sa.select(_revisions.c.id, _revisions.c.snapshot)).all()
    for row_id, snapshot in rows:
        if not isinstance(snapshot, dict):
            continue
        category = snapshot.get("category")
        if isinstance(category, str) and mapping.get(category, category) != category:
            connection.execute(
                _revisions.update()
                .where(_revisions.c.id == row_id)
                .values(snapshot={**snapshot, "category": mapping[category]})
            )


def _empty_caches() -> None:
    for table in ("series_latest", "figure_latest", "picture_watermark"):
        op.execute(sa.text(f"DELETE FROM {table}"))


def upgrade() -> None:
    _rename(_entries, "category", CATEGORIES)
    _rename(_incidents, "phase", PHASES)
    _rename(_bindings, "role", ROLES)
    _snapshots(CATEGORIES)
    _empty_caches()


def downgrade() -> None:
    back = {new: old for old, new in CATEGORIES.items()}
    _rename(_entries, "category", back)
    _rename(_incidents, "phase", {new: old for old, new in PHASES.items()})
    _snapshots(back)
    _empty_caches()
