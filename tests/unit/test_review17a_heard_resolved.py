"""Hostile review 17a: a redacted coordinator alert must not stand after its item was
resolved.

A GREEN coordinator room heard of an AMBER extreme report (code and severity only).
The owner resolved the item with an AMBER follow-up: coordinator rooms that may not see
the follow-up were left out of the withdrawal (`domino._blind_to`: "their picture
still shows the item open"), but this room's picture never showed the item; its alert
stood, and the coordinators kept an extreme situation that was over. The room may hear
of the follow-up as it heard of the report: it is told, in the redacted form (no code of
the follow-up, no label).
"""

from __future__ import annotations

from tests.support.chat import CoreChat, texts
from tests.unit.test_heard_of_coordinator_alert import (
    ALICE,
    LIAISON,
    SECRET,
    _report,
    _to_coordinators,
    chat,
)

__all__ = ["chat"]  # fixture, imported for pytest


async def test_a_hidden_resolving_follow_up_withdraws_the_redacted_alert(
    chat: CoreChat,
) -> None:
    _, result = await chat.handle(LIAISON, ALICE, _report("extreem", "amber"))
    assert result is not None and _to_coordinators(result[0])
    (opener,) = await chat.entries()
    follow = (
        f"!melding evacuatie\nbetreft: {opener.code}\nstatus: opgelost\ntlp: amber\nDijk hersteld."
    )
    _, result = await chat.handle(LIAISON, ALICE, follow)
    assert result is not None
    assert "vastgelegd" in texts(result[0][:1]), texts(result[0])
    (notice,) = _to_coordinators(result[0])
    assert notice.tlp == "GREEN" and "vervalt" in notice.text, notice
    codes = {e.code for e in await chat.entries()} - {opener.code}
    for word in (*SECRET, *codes, "AMBER"):
        assert word not in notice.text, notice.text
