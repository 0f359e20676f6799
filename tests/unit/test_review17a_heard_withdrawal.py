"""Hostile review 17a: the withdrawal of a redacted coordinator alert must not say
that the report now holds a label the room may not even hear of.

A GREEN coordinator room heard of an AMBER extreme report (code and severity only).
Edited to RED, the alert was withdrawn with "the report was edited to a label this room
may not see ... ask the reporter how things stand": the room learnt that the report
still stands, now under RED (or another organisation's AMBER+STRICT) - hearing of a RED
report, which nobody outside its room may. A retraction and a label raised beyond
hearing now read alike in that room.
"""

from __future__ import annotations

from tests.support.chat import CoreChat
from tests.unit.test_heard_of_coordinator_alert import (
    ALICE,
    LIAISON,
    _report,
    _to_coordinators,
    chat,
)

__all__ = ["chat"]  # fixture, imported for pytest


async def _withdrawal(chat: CoreChat, how: str) -> str:
    original, result = await chat.handle(LIAISON, ALICE, _report("extreem", "amber"))
    assert result is not None and _to_coordinators(result[0])
    (entry,) = [e for e in await chat.entries() if e.source_event_id == original]
    if how == "red":
        _, out = await chat.send_event(
            LIAISON, ALICE, _report("extreem", "rood"), kind="edit", replaces=original
        )
    else:
        _, out = await chat.send_event(LIAISON, ALICE, "", kind="redaction", redacts=original)
    (notice,) = _to_coordinators(out)
    assert notice.tlp == "GREEN", notice
    return notice.text.replace(entry.code, "M-?")


async def test_raised_beyond_hearing_reads_as_a_retraction(chat: CoreChat) -> None:
    raised = await _withdrawal(chat, "red")
    retracted = await _withdrawal(chat, "retract")
    assert raised == retracted, (raised, retracted)
    assert "label" not in raised.lower(), raised
