"""Incidents and their phase (stored in English: cold, lukewarm, warm, after)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage import sync_state
from storage.models import Incident, utcnow
from storage.vocabulary import Phase


async def get(session: AsyncSession, slug: str) -> Incident | None:
    return await session.get(Incident, slug.lower())


async def open_incident(
    session: AsyncSession, slug: str, title: str, by: str, *, exercise: bool = False
) -> Incident | None:
    """Open a new incident (an exercise with `exercise`); None when the slug is taken."""
    if await session.get(Incident, slug) is not None:
        return None
    incident = Incident(
        slug=slug,
        title=title,
        phase=Phase.COLD.value,
        open=True,
        opened_at=utcnow(),
        opened_by=by,
        exercise=exercise,
    )
    session.add(incident)
    return incident


async def all_incidents(session: AsyncSession) -> Sequence[Incident]:
    return (
        await session.scalars(
            select(Incident).order_by(Incident.open.desc(), Incident.opened_at.desc())
        )
    ).all()


# Per incident, how many times a report or record item left it (an edit naming another
# incident, or a withdrawn edit going back to one). The incident's own rows cannot show
# that, so the portal's change stamp reads this to drop such an item from its pages at
# once (storage/portal_view.py).
_LEFT = "incident.left:"


async def departures(session: AsyncSession, slug: str) -> int:
    return int(await sync_state.get_value(session, _LEFT + slug) or 0)


async def note_departure(session: AsyncSession, slug: str) -> None:
    await sync_state.set_value(session, _LEFT + slug, str(await departures(session, slug) + 1))
