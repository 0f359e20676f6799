"""Portal links: create, check and revoke the personal links of `!portaal`.

The token is 256 random bits from `secrets`; the database keeps only its SHA-256
(a hash, not a password hash: the token has full entropy, so a fast hash is enough
and keeps every page view cheap). A lookup answers the same `None` for an unknown,
expired or revoked token, so a caller cannot tell them apart.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage import audit
from storage.models import PortalLink

TOKEN_BYTES = 32


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# A link as `!portaal` writes it into its reply: /p/ and a token (url-safe base64).
_LINK = re.compile(r"/p/[A-Za-z0-9_-]{20,100}")
# What a sent reply's stored copy holds in its place.
FORGOTTEN = "/p/…"


def without_tokens(content: dict[str, Any]) -> dict[str, Any] | None:
    """A reply's content with every link's token taken out, or None when it holds
    none. Only the hash is kept of a token: the outbox's copy of the sent reply must
    not keep the link itself (a database copy would open every live page)."""
    changed = {
        key: _LINK.sub(FORGOTTEN, value)
        for key, value in content.items()
        if isinstance(value, str) and "/p/" in value
    }
    changed = {key: value for key, value in changed.items() if value != content[key]}
    return {**content, **changed} if changed else None


@dataclass(frozen=True)
class ValidLink:
    """A link that opens a page now: whose it is and which room's view it shows."""

    id: int
    room_id: str
    created_by: str
    expires_at: datetime


async def create(
    session: AsyncSession, room_id: str, user_id: str, now: datetime, hours: float
) -> tuple[str, datetime]:
    """A new link for `user_id` in `room_id`: (token, expiry). The token is not stored."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    expires = now + timedelta(hours=hours)
    link = PortalLink(
        token_hash=hash_token(token),
        room_id=room_id,
        created_by=user_id,
        created_at=now,
        expires_at=expires,
    )
    session.add(link)
    await session.flush()
    await audit.add(
        session,
        user_id,
        "portal.link_created",
        room_id,
        subject=f"portal-link-{link.id}",
        detail={"link": link.id, "expires_at": expires.isoformat()},
    )
    return token, expires


async def check(session: AsyncSession, token: str, now: datetime) -> ValidLink | None:
    """The link this token opens now, or None (unknown, expired or revoked alike)."""
    if not token or len(token) > 100:
        return None
    row = await session.scalar(select(PortalLink).where(PortalLink.token_hash == hash_token(token)))
    if row is None or row.revoked or row.expires_at <= now:
        return None
    return ValidLink(row.id, row.room_id, row.created_by, row.expires_at)


async def revoke(
    session: AsyncSession, room_id: str, user_id: str, now: datetime, *, everyone: bool = False
) -> int:
    """Revoke every live link `user_id` made in `room_id` (`everyone`: every live link of
    the room, whoever made it); how many were revoked. Audited when there was one."""
    mine = [] if everyone else [PortalLink.created_by == user_id]
    ids = list(
        await session.scalars(
            select(PortalLink.id).where(
                PortalLink.room_id == room_id,
                *mine,
                PortalLink.revoked.is_(False),
                PortalLink.expires_at > now,
            )
        )
    )
    if not ids:
        # Nothing changed, nothing to audit: every member who leaves a room is asked
        # (bot/membership.py), and most never made a link.
        return 0
    await session.execute(
        update(PortalLink).where(PortalLink.id.in_(ids)).values(revoked=True, revoked_at=now)
    )
    await audit.add(
        session,
        user_id,
        "portal.link_revoked",
        room_id,
        subject="portal-links",
        detail={"links": ids},
    )
    return len(ids)
