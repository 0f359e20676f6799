"""Attack on a coordinator alert whose report an edit takes out of the room's view
(outside tester, session 11).

An extreme AMBER report alerts the coordinators; its reporter then edits the label to
RED (which never leaves its room). The coordinators' picture drops the item at once,
but their alert stood unchanged: "⚠ Extreme melding M-1" (it read "Extreeme" then), with nothing to say why the
picture no longer shows it (was it resolved? retracted?). The withdrawal notice that a
retraction or a lower severity gets now also comes for this, without the report's code
or text (the room may not see it any more), as a reply to the alert; a later edit that
brings it back into view alerts anew.
"""

from __future__ import annotations

from commands.message import Reply
from tests.support.chat import CoreChat
from tests.unit.test_unalerted_severe import ALICE, COORD, LIAISON, _report, chat

__all__ = ["chat"]


def _to_coordinators(replies: list[object] | None) -> list[Reply]:
    return [r for r in replies or [] if isinstance(r, Reply) and r.room_id == COORD]


async def test_raising_an_alerted_report_out_of_view_tells_the_coordinators(
    chat: CoreChat,
) -> None:
    original, first = await chat.send_event(LIAISON, ALICE, _report("extreem", "amber"))
    (alert,) = _to_coordinators(first)
    assert "Dijk." in alert.text
    _, edited = await chat.send_event(
        LIAISON, ALICE, _report("extreem", "rood"), kind="edit", replaces=original
    )
    notices = _to_coordinators(edited)
    assert len(notices) == 1, [r.text for r in edited or []]
    (notice,) = notices
    assert "M-1" not in notice.text and "Dijk." not in notice.text, notice.text
    assert "TLP:RED" not in notice.text, notice.text
    # Brought back into view: alerted anew.
    _, lowered = await chat.send_event(
        LIAISON, ALICE, _report("extreem", "amber"), kind="edit", replaces=original
    )
    assert any("Dijk." in r.text for r in _to_coordinators(lowered)), [
        r.text for r in lowered or []
    ]
