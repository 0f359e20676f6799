"""Key-value singletons: the stored sync token and the bot's login session."""

from __future__ import annotations

import json
from typing import cast

from pydantic import BaseModel
from sqlalchemy import Table, bindparam, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import KeyValue, utcnow

NEXT_BATCH = "sync.next_batch"

_KV = cast(Table, KeyValue.__table__)
# Built once on the table (Core): the sync loop runs it after every batch.
_SET_VALUE = (
    update(_KV)
    .where(_KV.c.key == bindparam("the_key"))
    .values(value=bindparam("value"), updated_at=bindparam("updated_at"))
)


class LoginSession(BaseModel):
    user_id: str
    device_id: str
    access_token: str
    homeserver: str


async def get_value(session: AsyncSession, key: str) -> str | None:
    row = await session.get(KeyValue, key)
    return row.value if row else None


async def set_value(session: AsyncSession, key: str, value: str) -> None:
    row = await session.get(KeyValue, key)
    if row is None:
        session.add(KeyValue(key=key, value=value, updated_at=utcnow()))
    else:
        row.value = value
        row.updated_at = utcnow()


async def delete_value(session: AsyncSession, key: str) -> None:
    row = await session.get(KeyValue, key)
    if row is not None:
        await session.delete(row)


async def get_next_batch(session: AsyncSession, user_id: str) -> str | None:
    return await get_value(session, f"{NEXT_BATCH}:{user_id}")


async def set_next_batch(session: AsyncSession, user_id: str, token: str) -> None:
    """Written after every batch: one UPDATE, not a load and a flush (an insert the first time)."""
    key = f"{NEXT_BATCH}:{user_id}"
    result = await session.execute(
        _SET_VALUE, {"the_key": key, "value": token, "updated_at": utcnow()}
    )
    if not getattr(result, "rowcount", 0):
        await set_value(session, key, token)


async def get_login(session: AsyncSession, user_id: str) -> LoginSession | None:
    raw = await get_value(session, f"login:{user_id}")
    return LoginSession.model_validate(json.loads(raw)) if raw else None


async def save_login(session: AsyncSession, login: LoginSession) -> None:
    await set_value(session, f"login:{login.user_id}", login.model_dump_json())


async def forget_login(session: AsyncSession, user_id: str) -> None:
    await delete_value(session, f"login:{user_id}")
