"""The mark a redaction leaves: which events their sender (or a moderator) withdrew.

The bot keeps no words of a message it merely read, so without this mark a later edit
(`m.replace`) of a redacted message would be read as the new message it now is: a new
free-text offer, a new report or a new question from words the sender withdrew. The
mark is written in the redaction's own transaction (exactly once with it).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import RedactedEvent


async def mark(
    session: AsyncSession,
    event_id: str,
    room_id: str,
    redacted_by: str,
    redaction_event_id: str,
    at: datetime,
) -> None:
    """Mark `event_id` redacted (the first redaction of it counts; later ones add nothing)."""
    if await session.get(RedactedEvent, event_id) is not None:
        return
    session.add(
        RedactedEvent(
            event_id=event_id,
            room_id=room_id,
            redacted_by=redacted_by,
            redaction_event_id=redaction_event_id,
            redacted_at=at,
        )
    )


async def redacted(session: AsyncSession, event_id: str) -> RedactedEvent | None:
    """The mark of `event_id`, if it was redacted."""
    return await session.get(RedactedEvent, event_id)
