"""Partner organisations: created on their first binding, detailed with `!org set`."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Organisation, utcnow

# The longest name the `organisations.name` column (and a binding's) holds: PostgreSQL
# refuses a longer one, SQLite would keep it; commands refuse it first on both.
NAME_LIMIT = 200


def too_long(name: str) -> bool:
    return len(unicodedata.normalize("NFC", name).strip()) > NAME_LIMIT


def name_key(name: str) -> str:
    """The form two names of one organisation share. Folded in Python, not by SQL
    `lower()`: that folds only ASCII on SQLite ("FRYSLÂN" would stay apart from
    "Fryslân") but all of Unicode on PostgreSQL, and both backends must agree."""
    return unicodedata.normalize("NFC", name).strip().casefold()


def same(one: str | None, other: str | None) -> bool:
    """Whether two names are one organisation: the one comparison of organisation names
    (`find`, follow-up rights, a report's sectors). Visibility (AMBER+STRICT) compares
    the stored names exactly, in SQL too: every binding names the stored organisation
    (`storage.rooms.bind`), and migration 0031 merged one organisation stored twice."""
    return name_key(one or "") == name_key(other or "")


async def find(session: AsyncSession, name: str) -> Organisation | None:
    """The organisation of that name, whatever its case. The table holds one row per
    partner organisation (tens), so it is read whole rather than given a folded column."""
    wanted = name_key(name)
    for organisation in await session.scalars(
        select(Organisation).order_by(Organisation.created_at, Organisation.name)
    ):
        if name_key(organisation.name) == wanted:
            return organisation
    return None


async def ensure(session: AsyncSession, name: str) -> Organisation:
    found = await find(session, name)
    if found is None:
        # Stored composed and trimmed: the name every binding and report then copies.
        found = Organisation(name=unicodedata.normalize("NFC", name).strip(), created_at=utcnow())
        session.add(found)
        await session.flush()
    return found


async def all_organisations(session: AsyncSession) -> Sequence[Organisation]:
    return (await session.scalars(select(Organisation).order_by(Organisation.name))).all()
