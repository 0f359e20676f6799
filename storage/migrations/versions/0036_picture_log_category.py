"""The category a logged picture was narrowed to: `picture_log.category`.

"Gewijzigd sinds vorig beeld" compared with the room's previous picture whatever it
showed: after `!beeld categorie=zorg`, the next whole picture listed only what changed
since the zorg picture, and a water report made in between was never listed as new.
The log now keeps each picture's category (NULL: every category), so a picture compares
with one that showed what it shows (storage/picture_service.py `baseline`). Pictures
logged before this revision count as whole pictures, as they were counted before.

Revision ID: 0036
Revises: 0035
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0036"
down_revision = "0035"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # ADD COLUMN in place on both backends (no batch copy of the table).
    op.add_column("picture_log", sa.Column("category", sa.String(40), nullable=True))


def downgrade() -> None:
    # Not in batch mode (see 0034's downgrade): SQLite drops a column in place since 3.35.
    # Without the column every logged picture is a baseline again, as before 0036.
    op.execute(sa.text("ALTER TABLE picture_log DROP COLUMN category"))
