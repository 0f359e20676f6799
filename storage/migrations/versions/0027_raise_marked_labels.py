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

from storage.migrations import marking_raise

revision = "0027"
down_revision = "0026"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # The helpers are shared with migration 0029, which reads reports' fields as well.
    marking_raise.raise_all("migration 0027")


def downgrade() -> None:
    """Nothing to undo: a raised label is not lowered again (it was the writer's)."""
