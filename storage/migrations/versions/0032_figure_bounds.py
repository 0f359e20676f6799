"""Figures keep how they were given: `bound` on `entry_figures` and `figure_latest`.

"gewonden: meer dan 3" was stored as an estimate and shown "ca. 3": a coordinator read
about three where the liaison said more than three ("bijna 50": fewer than fifty). The
kind is now stored (storage/bounds.py: exact, estimate, over, at_least, under, at_most)
and shown as "> 3", "≥ 3", "< 50", "≤ 50", "ca. 3". Figures stored before keep what
they were: an estimate (their `estimate` flag) or exact; the words of an older bound
are not kept, so it stays an estimate.

Revision ID: 0032
Revises: 0031
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "0032"
down_revision = "0031"
branch_labels = None
depends_on = None


def upgrade() -> None:
    for table in ("entry_figures", "figure_latest"):
        with op.batch_alter_table(table) as batch:
            batch.add_column(
                sa.Column("bound", sa.String(16), nullable=False, server_default="exact")
            )
    estimate = sa.bindparam("estimate", True, type_=sa.Boolean())
    op.execute(
        sa.text(
            "UPDATE entry_figures SET bound = 'estimate' WHERE estimate = :estimate"
        ).bindparams(estimate)
    )
    op.execute(
        sa.text(
            "UPDATE figure_latest SET bound = 'estimate' WHERE EXISTS (SELECT 1 FROM "
            "entry_figures f WHERE f.entry_id = figure_latest.entry_id AND f.metric = "
            "figure_latest.metric AND f.estimate = :estimate)"
        ).bindparams(estimate)
    )


def downgrade() -> None:
    for table in ("figure_latest", "entry_figures"):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("bound")
