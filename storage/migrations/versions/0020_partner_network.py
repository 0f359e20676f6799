"""The partner network and domino effects.

organisations: sectors, regions, municipalities, roles per phase, contact lines (JSON).
entries.cause_id: `oorzaak: M-7`, the entry a report names as its cause.
sector_dependencies: the dependency map (curated content, replaced per map file).
domino_items: open possible domino effects per cause and dependent sector.
domino_alerts: one row per (cause, room) alerted, so an alert goes out once.

Revision ID: 0020
Revises: 0015
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

from storage.vocabulary import Sector

revision = "0020"
down_revision = "0022"
branch_labels = None
depends_on = None

_ORG_JSON = ("sectors", "regions", "municipalities", "roles", "contacts")


def upgrade() -> None:
    with op.batch_alter_table("organisations") as batch:
        for name in _ORG_JSON:
            default = "{}" if name == "roles" else "[]"
            batch.add_column(
                sa.Column(name, sa.JSON(), nullable=False, server_default=sa.text(f"'{default}'"))
            )
    with op.batch_alter_table("entries") as batch:
        batch.add_column(sa.Column("cause_id", sa.Integer(), nullable=True))
    op.create_index("ix_entries_cause_id", "entries", ["cause_id"])
    # Organisations that had a sector keep it as their one sector (the vocabulary's
    # stored value where it knows the word: `zorg` -> `health`).
    conn = op.get_bind()
    orgs = sa.table(
        "organisations",
        sa.column("name", sa.String),
        sa.column("sector", sa.String),
        sa.column("sectors", sa.JSON),
    )
    rows = conn.execute(sa.select(orgs.c.name, orgs.c.sector).where(orgs.c.sector.isnot(None)))
    for name, sector in rows.all():
        if not sector.strip():
            continue
        found = Sector.parse(sector)
        value = found.value if found is not None else sector
        conn.execute(orgs.update().where(orgs.c.name == name).values(sectors=[value], sector=value))
    op.create_table(
        "sector_dependencies",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("map_id", sa.String(100), nullable=False),
        sa.Column("sector", sa.String(40), nullable=False),
        sa.Column("dependent", sa.String(40), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("onset", sa.String(200), nullable=True),
        sa.Column("region", sa.String(100), nullable=True),
        sa.Column("imported_at", sa.DateTime(), nullable=False),
        sa.Column("imported_by", sa.String(255), nullable=False),
    )
    op.create_index("ix_sector_dependencies_map_id", "sector_dependencies", ["map_id"])
    op.create_index("ix_sector_dependencies_sector", "sector_dependencies", ["sector", "dependent"])
    op.create_table(
        "domino_items",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("incident", sa.String(100), nullable=False),
        sa.Column("cause_entry_id", sa.Integer(), nullable=False),
        sa.Column("cause_sector", sa.String(40), nullable=False),
        sa.Column("sector", sa.String(40), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("onset", sa.String(200), nullable=True),
        sa.Column("opened_at", sa.DateTime(), nullable=False),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.Column("closed_by_entry_id", sa.Integer(), nullable=True),
        sa.UniqueConstraint("cause_entry_id", "sector", name="uq_domino_item"),
    )
    op.create_index("ix_domino_items_open", "domino_items", ["incident", "closed_at"])
    op.create_index("ix_domino_items_cause_entry_id", "domino_items", ["cause_entry_id"])
    op.create_table(
        "domino_alerts",
        sa.Column("cause_entry_id", sa.Integer(), primary_key=True),
        sa.Column("room_id", sa.String(255), primary_key=True),
        sa.Column("full", sa.Boolean(), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("domino_alerts")
    op.drop_index("ix_domino_items_cause_entry_id", table_name="domino_items")
    op.drop_index("ix_domino_items_open", table_name="domino_items")
    op.drop_table("domino_items")
    op.drop_index("ix_sector_dependencies_sector", table_name="sector_dependencies")
    op.drop_index("ix_sector_dependencies_map_id", table_name="sector_dependencies")
    op.drop_table("sector_dependencies")
    op.drop_index("ix_entries_cause_id", table_name="entries")
    # Not in batch mode: on SQLite that copies the table and drops the old one, and
    # dropping it (foreign keys on) cascaded to the rows that point at it (entry_figures, entry_revisions).
    # SQLite drops a column in place since 3.35 (PostgreSQL always has).
    op.execute(sa.text("ALTER TABLE entries DROP COLUMN cause_id"))
    with op.batch_alter_table("organisations") as batch:
        for name in reversed(_ORG_JSON):
            batch.drop_column(name)
