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
from storage.rooms import BindingView
from tests.support.chat import CoreChat, texts
from tests.support.rooms import bind_room, storm_database

# Zero width space, byte order mark, left-to-right mark, right-to-left mark, word
# joiner, soft hyphen, left-to-right embedding, right-to-left override.
INVISIBLE = ["\u200b", "\ufeff", "\u200e", "\u200f", "\u2060", "\u00ad", "\u202a", "\u202e"]
VOCAB = CommandSettings(bot_user_id="@b:x").vocabulary
LIAISON = RoomId("!ggd:x")
COORD = RoomId("!coord:x")  # default GREEN, clearance RED: see `coord_chat`
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


async def labels_after(chat: CoreChat, body: str) -> tuple[list[str], str]:
    """Alice reports `body` in the liaison room: the labels of every stored entry, and the reply."""
    _, result = await chat.handle(LIAISON, ALICE, body)
    assert result is not None
    return [e.tlp for e in await chat.entries()], texts(result[0])


async def test_a_red_report_pasted_with_a_bom_is_stored_red(db: Database) -> None:
    chat = CoreChat(db)
    body = "!melding evacuatie\n\ufeffgemeente: Dordrecht\ntlp: rood\nEvacuatieroute geheim."
    labels, reply = await labels_after(chat, body)
    assert labels == ["RED"], reply
    (entry,) = await chat.entries()
    assert "tlp: rood" not in entry.text


@pytest.fixture
async def coord_chat(tmp_path: Path) -> AsyncIterator[CoreChat]:
    """The coordination room, bound with default GREEN and clearance RED; Alice is an
    admin (she may record decisions there)."""
    database = await storm_database(tmp_path / "rec.db", [])
    async with database.transaction() as session:
        binding = BindingView("coordinator", "storm", "VR", "GREEN", "RED")
        await bind_room(session, COORD, binding)
    settings = CommandSettings(bot_user_id="@b:x", admins=frozenset({ALICE}))
    yield CoreChat(database, settings=settings)
    await database.close()


async def test_a_decision_pasted_with_a_zero_width_space_keeps_its_label(
    coord_chat: CoreChat,
) -> None:
    body = "!besluit Ontruiming wijk Sterrenburg\n\u200btlp: rood\nbesloten door: ROT"
    _, result = await coord_chat.handle(COORD, ALICE, body)
    assert result is not None
    reply = texts(result[0])
    assert "B-1" in reply and "TLP:RED" in reply and "TLP:GREEN" not in reply, reply


@pytest.mark.parametrize("mark", INVISIBLE)
def test_a_qa_label_line_after_the_answer_is_not_folded_into_it(mark: str) -> None:
    from commands.qa import read_fields

    fields = read_fields(
        ["vraag: Waar is de noodopvang?", "antwoord: Sporthal Oost.", f"{mark}tlp: rood"]
    )
    assert fields.get("tlp") is not None and "rood" in fields["tlp"], fields
    assert "tlp" not in fields["answer"], fields


# TLP 2.0 writes a label as "TLP:RED", often as a document's first or last line; a
# liaison pasting a partner's message keeps it there, outside the field block.
MARKED = [
    ("gemeente: Dordrecht\nRoute via Schapendijk geheim.\nTLP:RED", "RED"),
    ("gemeente: Dordrecht\nRoute via Schapendijk geheim. TLP: AMBER+STRICT", "AMBER+STRICT"),
    ("gemeente: Dordrecht\ntlp rood\nRoute via Schapendijk geheim.", "RED"),
    ("gemeente: Dordrecht\nRoute via Schapendijk geheim. (TLP:RED)", "RED"),
]


@pytest.mark.parametrize(("body", "label"), MARKED)
def test_a_tlp_marking_in_the_text_is_read(body: str, label: str) -> None:
    """Read as the text's marking (the report then takes it unless the room's default is
    higher: see the chat tests below)."""
    draft = parse_report("evacuatie", body.split("\n"), datetime.now(UTC), VOCAB)
    assert isinstance(draft, ReportDraft) and draft.text_tlp == label, draft


def test_a_text_marking_above_the_field_is_refused_not_guessed() -> None:
    """`tlp: green` and "TLP:RED" in the text: which one is meant is the liaison's call;
    nothing is stored until the field says it (a short reply names both)."""
    lines = ["gemeente: Dordrecht", "tlp: green", "Route via Schapendijk geheim. TLP:RED"]
    result = parse_report("evacuatie", lines, datetime.now(UTC), VOCAB)
    assert isinstance(result, list), result
    assert "RED" in result[0].nl and "GREEN" in result[0].nl.upper(), result[0].nl


def test_a_lower_or_equal_marking_and_plain_words_change_nothing() -> None:
    lines = ["gemeente: Dordrecht", "tlp: red", "Eerder als TLP:GREEN gedeeld; nu rood."]
    draft = parse_report("evacuatie", lines, datetime.now(UTC), VOCAB)
    assert isinstance(draft, ReportDraft) and draft.tlp == "RED"
    plain = ["gemeente: Dordrecht", "Het stoplicht staat op rood bij de sluis; atlp: rood."]
    draft = parse_report("mobiliteit", plain, datetime.now(UTC), VOCAB)
    assert isinstance(draft, ReportDraft) and draft.tlp is None and draft.text_tlp is None


async def test_a_report_ending_in_tlp_red_is_stored_red(db: Database) -> None:
    chat = CoreChat(db)
    body = "!melding evacuatie\ngemeente: Dordrecht\nRoute via Schapendijk geheim.\nTLP:RED"
    labels, reply = await labels_after(chat, body)
    assert labels == ["RED"], reply
    labels, reply = await labels_after(chat, "!melding evacuatie TLP:RED\nRoute twee.")
    assert labels == ["RED", "RED"], reply


async def test_a_lower_marking_in_the_text_never_lowers_the_room_default(db: Database) -> None:
    chat = CoreChat(db)  # the liaison room's default label is AMBER
    body = (
        "!melding evacuatie\ngemeente: Dordrecht\nEerder gedeeld als TLP:GREEN; nu vertrouwelijk."
    )
    labels, reply = await labels_after(chat, body)
    assert labels == ["AMBER"], reply


async def test_a_decision_whose_text_says_tlp_red_is_stored_red(coord_chat: CoreChat) -> None:
    body = "!besluit Ontruiming wijk Sterrenburg TLP:RED\nbesloten door: ROT"
    _, result = await coord_chat.handle(COORD, ALICE, body)
    assert result is not None
    reply = texts(result[0])
    assert "B-1" in reply and "TLP:RED" in reply and "TLP:GREEN" not in reply, reply
    body = "!besluit Sluis dicht\ntlp: green\nbesloten door: ROT\nVertrouwelijk: TLP:RED"
    _, result = await coord_chat.handle(COORD, ALICE, body)
    assert result is not None and "B-2" not in texts(result[0]), texts(result[0])


@pytest.mark.parametrize(
    ("written", "value", "unit"),
    [
        ("1 200", 1200, None),
        ("1\u00a0200 bedden", 1200, "bedden"),
        ("12\u202f500", 12500, None),
        ("1 200,5", 1200.5, None),
        ("1.200", 1200, None),  # unchanged: Dutch thousands
        ("1,5 m", 1.5, "m"),  # unchanged: Dutch decimals
        ("3 20", 3, "20"),  # no group of three: not a thousands separator
    ],
)
def test_a_figure_with_spaced_thousands_is_not_read_as_one(
    written: str, value: float, unit: str | None
) -> None:
    """`opvangplekken beschikbaar: 1 200` is twelve hundred places, not one place with the
    unit "200" (which the picture then sums per region as 1)."""
    lines = ["gemeente: Dordrecht", f"opvangplekken beschikbaar: {written}", "Sporthal."]
    draft = parse_report("opvang", lines, datetime.now(UTC), VOCAB)
    assert isinstance(draft, ReportDraft), draft
    (figure,) = draft.figures
    assert (figure.value, figure.unit) == (value, unit)


async def test_a_qa_whose_answer_says_tlp_red_is_not_stored_green(tmp_path: Path) -> None:
    """A curator pastes a partner's answer ending in "TLP:RED" without a `tlp:` line: the
    Q&A is RED (served nowhere beyond its label), not the default GREEN served to every
    municipality; with `tlp: green` it is refused and nothing is stored."""
    from storage import knowledge_items

    curators = RoomId("!redactie:x")
    database = await storm_database(tmp_path / "qa.db", [(curators, "curator", "VR")])
    try:
        chat = CoreChat(database)
        body = "!qa add mdw-1\nvraag: Welke route?\nantwoord: Via de Schapendijk. (TLP:RED)"
        _, result = await chat.handle(curators, ALICE, body)
        assert result is not None
        async with database.session() as session:
            stored = await knowledge_items.get(session, "mdw-1")
        assert stored is not None and stored.tlp == "RED", texts(result[0])
        body = "!qa add mdw-2\nvraag: Welke route?\nantwoord: Via de dijk. TLP:RED\ntlp: green"
        _, result = await chat.handle(curators, ALICE, body)
        async with database.session() as session:
            assert await knowledge_items.get(session, "mdw-2") is None
    finally:
        await database.close()


async def test_a_decision_with_formatted_field_lines_keeps_them(coord_chat: CoreChat) -> None:
    """Session 10: Markdown and list field lines in a record are fields, as in reports
    (before, `**besloten door:**` made the whole block text: no decider, and a `- ernst`
    style label only by luck of the text marking)."""
    body = (
        "!besluit Ontruiming wijk Sterrenburg\n**Besloten door:** ROT\n- ingang: 16u\n**tlp:** rood"
    )
    _, result = await coord_chat.handle(COORD, ALICE, body)
    assert result is not None
    reply = texts(result[0])
    assert "B-1" in reply and "TLP:RED" in reply and "ROT" in reply, reply
    assert "**" not in reply, reply


async def test_a_decision_marked_as_drill_is_not_recorded_in_a_real_room(
    coord_chat: CoreChat,
) -> None:
    """Session 10: as for reports, a drill's decision pasted into a real coordination
    room is refused with the reason (it would be the real incident's decision record)."""
    body = "!besluit OEFENING OEFENING OEFENING: ontruiming wijk Sterrenburg\nbesloten door: ROT"
    _, result = await coord_chat.handle(COORD, ALICE, body)
    assert result is not None
    reply = texts(result[0])
    assert "B-1" not in reply and "OEFENING" in reply, reply
