"""A curated item's owner is its organisation whatever its file spells it in, as an
object's owner is since 8b13814. A Q&A or guidance file with `owner: ghor fryslân` (or a
decomposed 'â') and `tlp: AMBER+STRICT` was hidden from every room bound to 'GHOR
Fryslân', its own organisation (`item_visible` compared the names exactly), and the
organisation's curator room could not lower or hand it over (`owns`)."""

from __future__ import annotations

import unicodedata

import pytest

from commands.knowledge_view import item_visible
from storage import tlp

ROOM = tlp.RoomAccess("!ghor:x", True, "AMBER+STRICT", "GHOR Fryslân")
OTHER = tlp.RoomAccess("!vr:x", True, "AMBER+STRICT", "Veiligheidsregio Fryslân")


@pytest.mark.parametrize(
    "owner", ["ghor fryslân", "GHOR FRYSLÂN", unicodedata.normalize("NFD", "GHOR Fryslân")]
)
def test_a_strict_item_is_seen_by_its_owner_in_any_spelling(owner: str) -> None:
    assert item_visible(ROOM, "AMBER+STRICT", owner)
    assert not item_visible(OTHER, "AMBER+STRICT", owner)
