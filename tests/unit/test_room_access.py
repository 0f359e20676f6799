"""`RoomAccess.for_binding`: the one way a room's view is made from its binding."""

from __future__ import annotations

from dataclasses import dataclass

from storage import tlp
from storage.rooms import BindingView


@dataclass
class _Stored:
    clearance: str
    organisation: str | None
    active: bool


def test_bound_room_sees_its_clearance_and_organisation() -> None:
    view = BindingView("liaison", "x", "GGD", "AMBER", "AMBER+STRICT")
    access = tlp.RoomAccess.for_binding("!a:x", view, public=False)
    assert access == tlp.RoomAccess("!a:x", True, "AMBER+STRICT", "GGD", False)
    assert tlp.may_see(access, "AMBER", "!other:x", "VR")
    assert tlp.may_see(access, "AMBER+STRICT", "!other:x", "GGD")


def test_unbound_inactive_or_public_room_sees_clear_only() -> None:
    assert tlp.RoomAccess.for_binding("!a:x", None) == tlp.RoomAccess("!a:x")
    gone = tlp.RoomAccess.for_binding("!a:x", _Stored("RED", "VR", active=False))
    assert not gone.bound and not tlp.may_see(gone, "GREEN", "!b:x", "VR")
    public = tlp.RoomAccess.for_binding("!a:x", _Stored("RED", "VR", active=True), public=True)
    assert public.public and not tlp.may_see(public, "GREEN", "!b:x", "VR")
    assert tlp.may_see(public, "CLEAR", "!b:x", "VR")
