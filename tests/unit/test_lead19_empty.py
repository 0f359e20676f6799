"""A report whose only line was refused is not also "empty": the reply names the line.

User check (session 19, `knooppunt demo`): "!melding opvang\\nSporthal De Schans: 200"
was answered with "200 wat? …" and with "De melding is leeg. Zet velden als …",
though the liaison wrote a line; the second point sends them looking for a fault
they did not make."""

from __future__ import annotations

import pytest

from tests.support.chat import CoreChat
from tests.unit.test_reading18 import chat
from tests.unit.test_reading19 import _refused

__all__ = ["chat"]


@pytest.mark.parametrize(
    "body",
    ["!melding opvang\nSporthal De Schans: 200", "!melding opvang\nDordrecht: 40"],
)
async def test_a_refused_only_line_is_not_called_empty(chat: CoreChat, body: str) -> None:
    reply = await _refused(chat, body)
    assert "wat?" in reply, reply
    assert "leeg" not in reply, reply


async def test_an_empty_report_is_still_called_empty(chat: CoreChat) -> None:
    reply = await _refused(chat, "!melding opvang")
    assert "leeg" in reply, reply
