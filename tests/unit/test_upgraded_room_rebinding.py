"""Is `RoomAccess.earlier` a leak once an admin rebinds or unbinds an upgraded room?
(session 12, leftovers3: checked, not a defect; this test passed before any change.)

An upgraded room counts the posts of the room it replaced as its own (the same people
wrote them there). The mark is kept when an admin later unbinds the room or binds it to
another organisation. That is the rule for every room: a room always sees its own posts
while it is not public, whatever its binding says now (DESIGN.md, storage/tlp.py:
`may_see` decides "own" before "bound"), so a room that was never upgraded keeps seeing
its own RED reports after the same rebinding. Clearing the mark would make an upgrade
change what the room sees. What the mark must never do is reach beyond the room: another
organisation's room, or a room the new one does not replace, sees none of it. And an
unbound room's access carries no earlier rooms at all, so unbinding does stop it.
"""

from __future__ import annotations

from pathlib import Path

from storage import rooms, tlp
from storage.engine import Database
from storage.ids import RoomId
from storage.rooms import BindingView
from tests.support.rooms import bind_room

OLD, NEW, PLAIN, POLICE = (RoomId(f"!{n}:x") for n in ("oud", "nieuw", "gewoon", "politie"))
GGD = BindingView("liaison", "storm", "GGD", "AMBER", "AMBER")
OTHER_ORG = BindingView("liaison", "storm", "Politie", "AMBER", "AMBER+STRICT")


async def test_a_rebound_upgraded_room_sees_what_a_rebound_plain_room_sees(tmp_path: Path) -> None:
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'r.db'}")
    await db.migrate()
    try:
        async with db.transaction() as session:
            for room in (OLD, PLAIN, POLICE):
                await bind_room(session, room, GGD if room != POLICE else OTHER_ORG)
            await rooms.carry_binding(session, OLD, NEW)
            # An admin binds the upgraded room and the plain room to another organisation.
            await bind_room(session, NEW, OTHER_ORG)
            await bind_room(session, PLAIN, OTHER_ORG)
        async with db.session() as session:
            new = await rooms.access_of(session, NEW)
            plain = await rooms.access_of(session, PLAIN)
            police = await rooms.access_of(session, POLICE)
        for label in ("RED", "AMBER+STRICT"):
            # Each sees its own room's posts (the upgraded one its predecessor's too) ...
            assert tlp.may_see(new, label, OLD, "GGD") == tlp.may_see(plain, label, PLAIN, "GGD")
            assert tlp.may_see(new, label, OLD, "GGD")
            # ... and neither sees the other's, nor does another organisation's room.
            assert not tlp.may_see(new, label, PLAIN, "GGD")
            assert not tlp.may_see(plain, label, OLD, "GGD")
            assert not tlp.may_see(police, label, OLD, "GGD")
        async with db.transaction() as session:
            await rooms.unbind(session, NEW)
            await rooms.unbind(session, PLAIN)
        async with db.session() as session:
            new = await rooms.access_of(session, NEW)
            plain = await rooms.access_of(session, PLAIN)
        # Unbound, the mark is not read at all (a room's earlier rooms come with its
        # binding: `RoomAccess.for_binding`): the upgraded room sees less than a plain
        # one, never more (the safe side).
        assert tlp.may_see(plain, "RED", PLAIN, "GGD")
        assert not tlp.may_see(new, "RED", OLD, "GGD") and new.earlier == ()
        assert not tlp.may_see(new, "GREEN", POLICE, "Politie")  # unbound: CLEAR of others
    finally:
        await db.close()
