"""Attacks with odd input (outside attacker, session 5): invisible characters that a
copy from a phone, a PDF or a web form puts in front of a line must not turn a report's
`tlp: rood` into text, leaving the report under the room's (lower) default label."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from commands.dispatcher import CommandSettings
from commands.report_parser import ReportDraft, parse_report
from storage.engine import Database
from storage.ids import RoomId, UserId
from tests.support.chat import CoreChat, texts
from tests.support.rooms import storm_database

# Zero width space, byte order mark, left-to-right mark, right-to-left mark, word
# joiner, soft hyphen, left-to-right embedding, right-to-left override.
INVISIBLE = ["\u200b", "\ufeff", "\u200e", "\u200f", "\u2060", "\u00ad", "\u202a", "\u202e"]
VOCAB = CommandSettings(bot_user_id="@b:x").vocabulary
LIAISON = RoomId("!ggd:x")
ALICE = UserId("@alice:x")


@pytest.mark.parametrize("mark", INVISIBLE)
def test_an_invisible_mark_before_a_field_does_not_drop_the_label(mark: str) -> None:
    lines = [f"{mark}gemeente: Dordrecht", f"{mark}tlp: rood", "Evacuatieroute geheim."]
    draft = parse_report("evacuatie", lines, datetime.now(UTC), VOCAB)
    assert isinstance(draft, ReportDraft), draft
    assert draft.tlp == "RED" and draft.municipality == "Dordrecht"
    assert draft.text == "Evacuatieroute geheim."


@pytest.mark.parametrize("mark", INVISIBLE)
def test_an_invisible_mark_inside_the_label_is_no_other_label(mark: str) -> None:
    lines = ["gemeente: Dordrecht", f"tlp: ro{mark}od", "Evacuatieroute geheim."]
    draft = parse_report("evacuatie", lines, datetime.now(UTC), VOCAB)
    assert isinstance(draft, ReportDraft) and draft.tlp == "RED", draft


def test_invisible_marks_in_the_text_are_kept() -> None:
    """Only the field lines are read without them: a family emoji's joiners and the
    text's own characters stay as typed."""
    family = "Gezin 👨\u200d👩\u200d👧 opgevangen."
    draft = parse_report("opvang", ["gemeente: Dordrecht", family], datetime.now(UTC), VOCAB)
    assert isinstance(draft, ReportDraft) and draft.text == family


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = await storm_database(tmp_path / "input.db", [(LIAISON, "liaison", "GGD")])
    yield database
    await database.close()


async def test_a_red_report_pasted_with_a_bom_is_stored_red(db: Database) -> None:
    chat = CoreChat(db)
    body = "!melding evacuatie\n\ufeffgemeente: Dordrecht\ntlp: rood\nEvacuatieroute geheim."
    _, result = await chat.handle(LIAISON, ALICE, body)
    assert result is not None
    (entry,) = await chat.entries()
    assert entry.tlp == "RED", texts(result[0])
    assert "tlp: rood" not in entry.text


async def test_a_decision_pasted_with_a_zero_width_space_keeps_its_label(tmp_path: Path) -> None:
    from storage.rooms import BindingView
    from tests.support.rooms import bind_room

    coord = RoomId("!coord:x")
    database = await storm_database(tmp_path / "rec.db", [])
    try:
        async with database.transaction() as session:
            await bind_room(
                session, coord, BindingView("coordinator", "storm", "VR", "GREEN", "RED")
            )
        chat = CoreChat(
            database, settings=CommandSettings(bot_user_id="@b:x", admins=frozenset({ALICE}))
        )
        body = "!besluit Ontruiming wijk Sterrenburg\n\u200btlp: rood\nbesloten door: ROT"
        _, result = await chat.handle(coord, ALICE, body)
        assert result is not None
        reply = texts(result[0])
        assert "B-1" in reply and "TLP:RED" in reply and "TLP:GREEN" not in reply, reply
    finally:
        await database.close()


@pytest.mark.parametrize("mark", INVISIBLE)
def test_a_qa_label_line_after_the_answer_is_not_folded_into_it(mark: str) -> None:
    from commands.qa import read_fields

    fields = read_fields(
        ["vraag: Waar is de noodopvang?", "antwoord: Sporthal Oost.", f"{mark}tlp: rood"]
    )
    assert fields.get("tlp") is not None and "rood" in fields["tlp"], fields
    assert "tlp" not in fields["answer"], fields
