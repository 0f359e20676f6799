"""Exercise mode: which incidents are exercises, and the one rule that keeps them apart.

An exercise (oefening) is an incident with `exercise` set. Every read path that can
cross incidents asks this module, so exercise data never reaches a real incident's
picture, list, export, alert or schedule, and real data never reaches an exercise's.

The *mode* of a room is the mode of the incident it is bound to: a room bound to an
exercise works in the exercise, every other room (unbound, bound without an incident,
bound to a real incident) works in reality. A room only reads and writes incidents of
its own mode; the refusal text lives in the command layer.

The marker is always the Dutch word OEFENING, also in English rooms (which add
"(exercise)" after it): Dutch crisis partners mark every exercise message, document
and file with it, so one word, the same in every language, is what people and their
mail and chat filters look for.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import ColumnElement, Select, and_, not_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from storage.models import Incident, RoomBinding

MARKER = "OEFENING"


def _exercise_slugs() -> Select[str]:
    # A one-column select of slugs, used as `IN (subquery)`.
    return select(Incident.slug).where(Incident.exercise.is_(True))


def incident_clause(
    column: InstrumentedAttribute[str | None], exercise: bool
) -> ColumnElement[bool]:
    """SQL: the row's incident (`column`, nullable) belongs to this mode.

    A row without an incident (a question from a direct chat) is real: an exercise
    never shows it, and it is never an exercise's.
    """
    if exercise:
        return and_(column.is_not(None), column.in_(_exercise_slugs()))
    return or_(column.is_(None), not_(column.in_(_exercise_slugs())))


async def is_exercise(session: AsyncSession, incident: str | None) -> bool:
    """Is `incident` (a slug, or None) an exercise? Unknown and None are real."""
    if not incident:
        return False
    return bool(
        await session.scalar(select(Incident.exercise).where(Incident.slug == incident.lower()))
    )


async def exercise_rooms(session: AsyncSession, room_ids: Iterable[str]) -> set[str]:
    """Those of `room_ids` that are bound (actively) to an exercise incident."""
    wanted = sorted(set(room_ids))
    if not wanted:
        return set()
    rows = await session.scalars(
        select(RoomBinding.room_id)
        .join(Incident, Incident.slug == RoomBinding.incident)
        .where(
            RoomBinding.room_id.in_(wanted),
            RoomBinding.active.is_(True),
            Incident.exercise.is_(True),
        )
    )
    return set(rows.all())


async def room_moved_mode(session: AsyncSession, room_id: str, incident: str | None) -> bool | None:
    """None when the room is (still) in the mode of `incident`, real or exercise; else
    whether it is in an exercise now. Something about `incident` (an answer, a
    withdrawal notice) must not follow a room rebound across the two: everything into
    the room is marked as its mode says now, so it would arrive in the wrong one."""
    now_exercise = bool(await exercise_rooms(session, [room_id]))
    if now_exercise == await is_exercise(session, incident):
        return None
    return now_exercise
