"""Partner organisations: created on their first binding, detailed with `!org set`."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Organisation, utcnow


async def find(session: AsyncSession, name: str) -> Organisation | None:
    return await session.scalar(
        select(Organisation).where(func.lower(Organisation.name) == name.lower())
    )


async def ensure(session: AsyncSession, name: str) -> Organisation:
    found = await find(session, name)
    if found is None:
        found = Organisation(name=name, created_at=utcnow())
        session.add(found)
        await session.flush()
    return found


async def all_organisations(session: AsyncSession) -> Sequence[Organisation]:
    return (await session.scalars(select(Organisation).order_by(Organisation.name))).all()
