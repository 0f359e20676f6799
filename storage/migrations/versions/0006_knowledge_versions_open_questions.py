"""Knowledge store: every version of a curated item, and open questions.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "knowledge_item_versions",
        sa.Column("item_id", sa.String(100), primary_key=True),
        sa.Column("version", sa.Integer(), primary_key=True),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("changed_at", sa.DateTime(), nullable=False),
        sa.Column("changed_by", sa.String(255), nullable=False),
    )
    op.create_table(
        "open_questions",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("asker", sa.String(255), nullable=False),
        sa.Column("room_id", sa.String(255), nullable=False),
        sa.Column("event_id", sa.String(255), nullable=False, unique=True),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("tlp", sa.String(16), nullable=False),
        sa.Column("tlp_rank", sa.Integer(), nullable=False),
        sa.Column("organisation", sa.String(255), nullable=True),
        sa.Column("incident", sa.String(64), nullable=True),
        sa.Column("nearest", sa.JSON(), nullable=False),
        sa.Column("asked_at", sa.DateTime(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("answer", sa.Text(), nullable=True),
        sa.Column("answered_by", sa.String(255), nullable=True),
        sa.Column("answered_at", sa.DateTime(), nullable=True),
        sa.Column("published_as", sa.String(100), nullable=True),
    )
    op.create_index("ix_open_questions_status", "open_questions", ["status", "id"])
    op.create_index("ix_knowledge_items_kind", "knowledge_items", ["kind", "retired_at"])


def downgrade() -> None:
    op.drop_index("ix_knowledge_items_kind", "knowledge_items")
    op.drop_index("ix_open_questions_status", "open_questions")
    op.drop_table("open_questions")
    op.drop_table("knowledge_item_versions")
