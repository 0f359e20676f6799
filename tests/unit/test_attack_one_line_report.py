"""A report typed on one line: `!melding water gemeente: Zwolle ernst: extreem Dijk
doorgebroken.` (a phone whose Enter key sends, a line copied from another chat). The
command line may carry one field after the category, so everything after `gemeente:`
was its value: the municipality became "Zwolle ernst: extreem Dijk doorgebroken." (an
unknown place, region unknown) and the severity was never read. Stored as severity
unknown: no coordinator alert, not in the attention list, and a confirmation that
looked like a success. A known field inside another field's value is now refused with
the reason (each field on a line of its own); a TLP marking there still counts as the
writer's label (`bron: …, TLP:RED`)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from commands.dispatcher import CommandSettings
from commands.report_parser import ReportDraft, parse_report, report_lines
from storage.engine import Database
from tests.support.chat import CoreChat, texts
from tests.unit.test_attack_input import ALICE, LIAISON, db

__all__ = ["db"]
VOCAB = CommandSettings(bot_user_id="@b:x").vocabulary


@pytest.mark.parametrize(
    "line",
    [
        "gemeente: Zwolle ernst: extreem Dijk doorgebroken.",
        "gemeente: Zwolle, ernst: extreem, dijk doorgebroken",
        "locatie: Sporthal De Schans status: opgelost",
        "gemeente: Zwolle; tijd: 14:30; ernst: ernstig",
        "bron: NOS severity: extreme",
    ],
)
def test_a_field_inside_another_field_s_value_is_refused(line: str) -> None:
    lines = report_lines(["water", *line.split()], [])
    found = parse_report("water", lines, datetime.now(UTC), VOCAB)
    assert not isinstance(found, ReportDraft), found


@pytest.mark.parametrize(
    "line",
    [
        "bron: Situatierapport Waterschap, TLP:RED",
        "locatie: A15 km 12, let op: afgesloten",
        "tijd: 14:30",
        "locatie: Hoek Kerkstraat/Markt",
    ],
)
def test_ordinary_values_still_read(line: str) -> None:
    found = parse_report("water", ["gemeente: Zwolle", line, "Tekst."], datetime.now(UTC), VOCAB)
    assert isinstance(found, ReportDraft), found


async def test_an_extreme_report_on_one_line_is_not_stored_as_unknown(db: Database) -> None:
    chat = CoreChat(db)
    body = "!melding water gemeente: Zwolle ernst: extreem Dijk doorgebroken."
    _, result = await chat.handle(LIAISON, ALICE, body)
    assert result is not None
    assert [e.severity for e in await chat.entries()] == [], texts(result[0])
    assert "eigen regel" in texts(result[0]), texts(result[0])
