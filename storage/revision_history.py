"""The revision history that situation entries and record items share (`RevisionColumns`).

Every version is kept with the event that made it (report, command or edit); an edit
adds one, and a redacted edit is withdrawn, after which the item goes back to the
latest version that still stands. The two tables differ only in the column that names
what a row is a revision of (`entry_id`, `item_id`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from storage.models import RevisionColumns

Revision = TypeVar("Revision", bound=RevisionColumns)


def revision_columns(
    number: int, event_id: str, snapshot: dict[str, Any], at: datetime, by: str
) -> dict[str, Any]:
    """The columns of a revision row but the one naming what it is a revision of."""
    return {
        "revision": number,
        "source_event_id": event_id,
        "snapshot": snapshot,
        "created_at": at,
        "created_by": by,
    }


async def last_number(
    session: AsyncSession, table: type[Revision], of: InstrumentedAttribute[int], owner: int
) -> int | None:
    """The highest revision number `owner` has (through the column `of`), withdrawn or
    not; None before its history has a row."""
    return await session.scalar(select(func.max(table.revision)).where(of == owner))


async def standing_revision(
    session: AsyncSession, table: type[Revision], of: InstrumentedAttribute[int], owner: int
) -> Revision | None:
    """The latest revision of `owner` (through the column `of`) that was not withdrawn."""
    return await session.scalar(
        select(table)
        .where(of == owner, table.withdrawn_at.is_(None))
        .order_by(table.revision.desc())
        .limit(1)
    )
