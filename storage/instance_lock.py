"""One running bot per account and database: a lock row with a heartbeat.

A second instance sees a fresh heartbeat and refuses to start. A lock left by
a process that was killed is taken over when its heartbeat is stale, or at
once when it was held on this host by a process id that no longer exists.
"""

from __future__ import annotations

import os
import socket
import uuid
from datetime import timedelta

from sqlalchemy import delete, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from storage.errors import StorageError
from storage.models import InstanceLock, utcnow

STALE_AFTER = timedelta(seconds=30)


class LockHeld(StorageError):
    """Another live instance holds the lock."""


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def new_owner() -> str:
    return uuid.uuid4().hex


async def acquire(session: AsyncSession, name: str, owner: str) -> None:
    """Take the lock or raise LockHeld. Run inside a transaction."""
    host, pid, now = socket.gethostname(), os.getpid(), utcnow()
    row = await session.get(InstanceLock, name, with_for_update=True)
    if row is not None and row.owner != owner:
        fresh = now - row.heartbeat_at < STALE_AFTER
        dead_here = row.host == host and not _pid_alive(row.pid)
        if fresh and not dead_here:
            age = int((now - row.heartbeat_at).total_seconds())
            raise LockHeld(
                f"another instance (host {row.host}, pid {row.pid}) is running for {name}; "
                f"its last heartbeat was {age}s ago"
            )
    if row is None:
        session.add(InstanceLock(name=name, owner=owner, host=host, pid=pid, heartbeat_at=now))
        try:
            await session.flush()
        except IntegrityError as exc:
            raise LockHeld(f"another instance took the lock for {name} just now") from exc
    else:
        row.owner, row.host, row.pid, row.heartbeat_at = owner, host, pid, now


async def heartbeat(session: AsyncSession, name: str, owner: str) -> bool:
    """Refresh the heartbeat; False when the lock is no longer ours."""
    result = await session.execute(
        update(InstanceLock)
        .where(InstanceLock.name == name, InstanceLock.owner == owner)
        .values(heartbeat_at=utcnow())
    )
    return bool(getattr(result, "rowcount", 0))


async def release(session: AsyncSession, name: str, owner: str) -> None:
    await session.execute(
        delete(InstanceLock).where(InstanceLock.name == name, InstanceLock.owner == owner)
    )
