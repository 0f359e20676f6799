"""`tlp.lowest`, the counterpart of `tlp.highest`: an upgraded room's ceiling is the
lowest clearance along its chain of rooms (storage/succession.py)."""

from __future__ import annotations

from storage import tlp


def test_lowest_is_the_least_label_and_clear_for_none() -> None:
    assert tlp.lowest(["RED", "AMBER+STRICT", "AMBER"]) == "AMBER"
    assert tlp.lowest(["GREEN", "RED"]) == "GREEN"
    assert tlp.lowest(["AMBER+STRICT", "RED"]) == "AMBER+STRICT"
    assert tlp.lowest([]) == "CLEAR"
    assert tlp.highest(["GREEN", "RED"]) == "RED"
