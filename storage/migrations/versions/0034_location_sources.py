"""The location is part of a series' source: `location_key` on entries and the series tables.

A figure's source was (organisation, municipality, metric): two shelters of one
organisation in one municipality were one source, and the later report replaced the
earlier in the picture's sums and latest state (160 opgevangen shown, 205 sheltered).
Entries get `location_key`, their `locatie:` folded (case, spacing, diacritics; "" without
one; a follow-up without one takes its item's), filled here from the stored locations;
the series index gets it after `place`, so a
series look-up stays one index range. `series_latest` and `figure_latest` get the column
too, and every series table is emptied with its watermark: the next picture of each
incident rebuilds them from the entries (storage/series.py), now keyed by location.

Revision ID: 0034
Revises: 0033
Create Date: 2026-12-05
"""

import unicodedata

import sqlalchemy as sa
from alembic import op

revision = "0034"
down_revision = "0033"
branch_labels = None
depends_on = None

# Rebuilt from the entries by `storage.series.refresh` when their watermark is gone.
_DERIVED = ("series_latest", "figure_latest", "item_latest", "picture_watermark")
_OLD_INDEX = ["incident", "organisation", "place", "tlp_rank", "room_id", "category", "observed_at"]
_NEW_INDEX = [*_OLD_INDEX[:3], "location_key", *_OLD_INDEX[3:]]


def _location_key(location: str | None) -> str:
    """`storage.entries.location_key` as of this migration (a later change of that
    function must not change what this migration wrote)."""
    if not location:
        return ""
    decomposed = unicodedata.normalize("NFKD", location)
    folded = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower().strip()
    return " ".join(folded.split())[:300]


def _clear_derived() -> None:
    for table in _DERIVED:
        op.execute(sa.text(f"DELETE FROM {table}"))


def upgrade() -> None:
    _clear_derived()
    for table in ("entries", "series_latest", "figure_latest"):
        with op.batch_alter_table(table) as batch:
            batch.add_column(
                sa.Column("location_key", sa.String(300), nullable=False, server_default="")
            )
    connection = op.get_bind()
    entries = sa.table(
        "entries",
        sa.column("id", sa.Integer()),
        sa.column("location", sa.String()),
        sa.column("location_key", sa.String()),
    )
    rows = connection.execute(
        sa.select(entries.c.id, entries.c.location).where(entries.c.location.is_not(None))
    ).all()
    updates = [
        {"entry_id": entry_id, "key": _location_key(location)}
        for entry_id, location in rows
        if _location_key(location)
    ]
    if updates:
        connection.execute(
            entries.update()
            .where(entries.c.id == sa.bindparam("entry_id"))
            .values(location_key=sa.bindparam("key")),
            updates,
        )
    # A follow-up without a location of its own, about its item's place, counts for the
    # item's location (`storage.entries.location_key`); its opener's key is set above.
    op.execute(
        sa.text(
            "UPDATE entries SET location_key = COALESCE((SELECT o.location_key FROM entries o "
            "WHERE o.id = entries.item_id AND o.place = entries.place), '') "
            "WHERE (location IS NULL OR location = '') AND item_id IS NOT NULL "
            "AND item_id <> id"
        )
    )
    op.drop_index("ix_entries_series", table_name="entries")
    op.create_index("ix_entries_series", "entries", _NEW_INDEX)


def downgrade() -> None:
    _clear_derived()
    op.drop_index("ix_entries_series", table_name="entries")
    for table in ("figure_latest", "series_latest", "entries"):
        # Not in batch mode: on SQLite that copies the table and drops the old one, and
        # dropping `entries` (foreign keys on) cascaded to every entry's figures and
        # revisions. SQLite drops a column in place since 3.35 (PostgreSQL always has).
        op.execute(sa.text(f"ALTER TABLE {table} DROP COLUMN location_key"))
    op.create_index("ix_entries_series", "entries", _OLD_INDEX)
