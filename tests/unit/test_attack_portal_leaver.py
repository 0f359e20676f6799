"""Attack on portal links after a member leaves (outside tester, session 10).

`!portaal` answers in the room, so every member reads every link asked for there. When
a member left (or was kicked or banned), only the links *they* had asked for were
revoked: a kicked member kept a colleague's link, copied from the room, and with it the
room's live AMBER picture until it expired (12 h by default, up to 744 h). A leave by a
member who had joined now revokes every live link of that room; one who never joined
(an invite turned down) read none of them.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest

from bot.membership import Membership
from storage import portal_links
from storage.engine import Database
from storage.ids import RoomId
from tests.support.migrated import migrated_sqlite

ROOM = RoomId("!coord:x")
OTHER = RoomId("!other:x")
ALICE, BOB = "@alice:x", "@bob:x"


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = await migrated_sqlite(tmp_path / "leaver.db")
    yield database
    await database.close()


def _leave(member: str, by: str, prev: str, n: int) -> SimpleNamespace:
    """A membership event: `member` leaves (`by` themselves, or kicked by someone else)."""
    return SimpleNamespace(
        event_id=f"$leave{n}",
        sender=by,
        state_key=member,
        membership="leave",
        prev_membership=prev,
        server_timestamp=int(datetime.now(UTC).timestamp() * 1000),
    )


async def _links(db: Database) -> dict[str, str]:
    now = datetime.now(UTC) - timedelta(seconds=1)
    async with db.transaction() as session:
        alice, _ = await portal_links.create(session, ROOM, ALICE, now, 12)
        bob, _ = await portal_links.create(session, ROOM, BOB, now, 12)
        elsewhere, _ = await portal_links.create(session, OTHER, ALICE, now, 12)
    return {"alice": alice, "bob": bob, "elsewhere": elsewhere}


async def _works(db: Database, token: str) -> bool:
    async with db.session() as session:
        return await portal_links.check(session, token, datetime.now(UTC)) is not None


def _membership(db: Database) -> Membership:
    membership = object.__new__(Membership)
    membership.db = db
    membership.settings = SimpleNamespace(language="nl", command_prefix="!")  # type: ignore[assignment]
    membership.sender = SimpleNamespace(wake=lambda: None)  # type: ignore[assignment]
    return membership


@pytest.mark.parametrize("kicked", [True, False])
async def test_a_member_who_leaves_takes_no_colleagues_link_along(
    db: Database, kicked: bool
) -> None:
    links = await _links(db)
    event = _leave(BOB, "@mod:x" if kicked else BOB, "join", 1)
    await _membership(db).on_member_left(ROOM, event)  # type: ignore[arg-type]
    assert not await _works(db, links["bob"])
    assert not await _works(db, links["alice"]), "Bob read Alice's link in the room"
    assert await _works(db, links["elsewhere"])  # another room's links are untouched


async def test_an_invite_turned_down_revokes_nothing_of_others(db: Database) -> None:
    links = await _links(db)
    await _membership(db).on_member_left(ROOM, _leave("@carol:x", "@carol:x", "invite", 2))  # type: ignore[arg-type]
    assert await _works(db, links["alice"]) and await _works(db, links["bob"])


async def _notices(db: Database) -> list[str]:
    from sqlalchemy import select

    from storage.models import OutboxMessage

    async with db.session() as session:
        rows = (await session.scalars(select(OutboxMessage))).all()
    return [str(row.content.get("body", "")) for row in rows if row.room_id == ROOM]


async def test_the_room_is_told_its_links_were_revoked(db: Database) -> None:
    """Found in the review of this session's change: colleagues' links died unannounced
    mid-crisis; the room now hears once why, and how to get a new one."""
    await _links(db)
    event = _leave(BOB, BOB, "join", 3)
    membership = _membership(db)
    await membership.on_member_left(ROOM, event)  # type: ignore[arg-type]
    await membership.on_member_left(ROOM, event)  # type: ignore[arg-type]  # replayed
    (notice,) = await _notices(db)
    assert "!portaal" in notice and "2" in notice, notice


async def test_a_leave_without_links_says_nothing(db: Database) -> None:
    await _membership(db).on_member_left(ROOM, _leave(BOB, BOB, "join", 4))  # type: ignore[arg-type]
    assert await _notices(db) == []
