"""Attacks with reports as people format them (outside tester, session 10).

A liaison in Element types Markdown: `**Ernst:** extreem`, a list `- tlp: rood`, or the
`key=value` words the bot's own commands taught them (`!kamer koppel … tlp=amber`). Each
of these used to turn the field block into text: the report was stored with severity
"unknown" (so no alert reached the coordinators: a hidden severe report) and under the
room's default label (a RED report readable as GREEN or AMBER by every partner).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from commands.dispatcher import CommandSettings
from commands.message import Reply
from commands.report_parser import ReportDraft, parse_report
from storage import tlp
from storage.engine import Database
from storage.ids import RoomId, UserId
from storage.rooms import BindingView
from tests.support.chat import CoreChat, texts
from tests.support.rooms import storm_database

VOCAB = CommandSettings(bot_user_id="@b:x").vocabulary
LIAISON = RoomId("!ggd:x")
COORD = RoomId("!coord:x")
ALICE = UserId("@alice:x")

# The same three fields (municipality, severity, label) as people format them.
FORMATTED = {
    "bold key and colon": ["**gemeente:** Dordrecht", "**ernst:** extreem", "**tlp:** rood"],
    "bold key": ["**Gemeente**: Dordrecht", "**Ernst**: extreem", "**TLP**: rood"],
    "italic key": ["*gemeente*: Dordrecht", "_ernst_: extreem", "*tlp:* rood"],
    "dash list": ["- gemeente: Dordrecht", "- ernst: extreem", "- tlp: rood"],
    "star list": ["* gemeente: Dordrecht", "* ernst: extreem", "* tlp: rood"],
    "bullet list": ["• gemeente: Dordrecht", "• ernst: extreem", "• tlp: rood"],
    "numbered list": ["1. gemeente: Dordrecht", "2. ernst: extreem", "3. tlp: rood"],
    "bold list": ["- **gemeente:** Dordrecht", "- **ernst:** extreem", "- **tlp:** rood"],
    "equals": ["gemeente=Dordrecht", "ernst = extreem", "tlp=rood"],
}


@pytest.mark.parametrize("lines", FORMATTED.values(), ids=FORMATTED.keys())
def test_formatted_field_lines_are_read_as_fields(lines: list[str]) -> None:
    draft = parse_report("evacuatie", [*lines, "Dijk doorgebroken."], datetime.now(UTC), VOCAB)
    assert isinstance(draft, ReportDraft), draft
    assert (draft.municipality, draft.severity, draft.tlp) == ("Dordrecht", "Extreme", "RED")
    assert draft.text == "Dijk doorgebroken.", draft.text


def test_a_list_in_the_text_stays_text() -> None:
    """Only the leading field block is read so: a list after the text stays as typed."""
    lines = ["gemeente: Dordrecht", "Stand van zaken.", "- ernst: onduidelijk", "- sporthal vol"]
    draft = parse_report("opvang", lines, datetime.now(UTC), VOCAB)
    assert isinstance(draft, ReportDraft), draft
    assert draft.severity == "Unknown" and "- ernst: onduidelijk" in draft.text


def test_a_quoted_report_is_not_read_as_this_reports_fields() -> None:
    """`> tlp: clear` quotes someone else's message: its fields are not this report's."""
    lines = ["> tlp: clear", "> ernst: gering", "Klopt niet, dijk is wel doorgebroken."]
    draft = parse_report("evacuatie", lines, datetime.now(UTC), VOCAB)
    assert isinstance(draft, ReportDraft), draft
    assert draft.tlp is None and draft.severity == "Unknown"


MARKINGS = [
    ("Route geheim. tlp=rood", "RED"),
    ("Route geheim. TLP-RED", "RED"),
    ("Route geheim. TLP: **AMBER**", "AMBER"),
    ("Route geheim. **TLP**: RED", "RED"),
    ("Route geheim. *TLP:RED*", "RED"),
    ("Route geheim. `TLP:RED`", "RED"),
    ("Route geheim. TLP\u200b:RED", "RED"),
    ("Route geheim. T\u200bLP:RED", "RED"),
    ("Route geheim. ＴＬＰ：ＲＥＤ", "RED"),
    ("Route geheim. TLP – AMBER", "AMBER"),
    ("Route geheim. TLP/AMBER+STRICT", "AMBER+STRICT"),
    # Spaces around the plus, the Dutch colour and spelling: read as the label they name,
    # not as no marking (the room's default) or as plain AMBER (every AMBER room).
    ("Route geheim. TLP: AMBER + STRICT", "AMBER+STRICT"),
    ("Route geheim. TLP:AMBER +STRICT", "AMBER+STRICT"),
    ("Route geheim. TLP: AMBER+ STRICT", "AMBER+STRICT"),
    ("Route geheim. TLP:ORANJE+STRICT", "AMBER+STRICT"),
    ("Route geheim. TLP:AMBER+STRIKT", "AMBER+STRICT"),
    ("Route geheim. TLP: oranje strikt", "AMBER+STRICT"),
]


@pytest.mark.parametrize(
    "value", ["amber + strict", "AMBER +STRICT", "oranje+strict", "amber+strikt", "Oranje Strikt"]
)
def test_a_strict_label_field_written_loosely_is_amber_strict(value: str) -> None:
    lines = ["gemeente: Dordrecht", f"tlp: {value}", "Route geheim."]
    draft = parse_report("evacuatie", lines, datetime.now(UTC), VOCAB)
    assert isinstance(draft, ReportDraft) and draft.tlp == "AMBER+STRICT", draft


@pytest.mark.parametrize(("text", "label"), MARKINGS)
def test_a_formatted_tlp_marking_is_read(text: str, label: str) -> None:
    assert tlp.text_marking(text) == label


@pytest.mark.parametrize(
    "text",
    ["atlp=rood", "Het stoplicht staat op rood.", "TLP - zie bijlage", "tlp_rood_dossier"],
)
def test_words_that_are_no_marking_stay_none(text: str) -> None:
    assert tlp.text_marking(text) is None


@pytest.fixture
async def chat(tmp_path: Path) -> AsyncIterator[CoreChat]:
    """A liaison room (default and clearance AMBER) and a coordinator room of `storm`."""
    coord = BindingView("coordinator", "storm", "VR", "AMBER", "AMBER")
    database: Database = await storm_database(
        tmp_path / "fmt.db", [(LIAISON, "liaison", "GGD")], more={COORD: coord}
    )
    yield CoreChat(database)
    await database.close()


async def test_a_bold_formatted_red_extreme_report_is_red_and_alerts(chat: CoreChat) -> None:
    body = "!melding evacuatie\n**Gemeente:** Dordrecht\n**Ernst:** extreem\n**TLP:** rood\nDijk."
    _, result = await chat.handle(LIAISON, ALICE, body)
    assert result is not None
    (entry,) = await chat.entries()
    assert (entry.tlp, entry.severity) == ("RED", "Extreme"), texts(result[0])
    # RED stays in its own room: the coordinators get no alert with its text.
    assert not [r for r in result[0] if isinstance(r, Reply) and r.room_id == COORD]


async def test_a_key_value_word_on_the_command_line_is_a_field(chat: CoreChat) -> None:
    """`!melding evacuatie ernst=extreem tlp=amber` as the bot's commands are written:
    the severity counts (the coordinators are alerted) and so does the label."""
    body = "!melding evacuatie gemeente=Dordrecht ernst=extreem tlp=amber\nDijk doorgebroken."
    _, result = await chat.handle(LIAISON, ALICE, body)
    assert result is not None
    (entry,) = await chat.entries()
    assert (entry.tlp, entry.severity, entry.municipality) == ("AMBER", "Extreme", "Dordrecht")
    alerts = [r for r in result[0] if isinstance(r, Reply) and r.room_id == COORD]
    assert alerts and "Dijk doorgebroken" in alerts[0].text, texts(result[0])


def test_a_quoted_value_on_the_command_line_spans_words() -> None:
    from commands.report_parser import report_lines

    words = ("evacuatie", 'gemeente="Hoeksche', 'Waard"', "ernst=ernstig", "Dijk", "zwak")
    assert report_lines(words, ()) == [
        "gemeente: Hoeksche Waard",
        "ernst: ernstig",
        "",
        "Dijk zwak",
    ]
    # Words that are no field stay text, and so does everything after them.
    assert report_lines(("evacuatie", "peil=3m", "tlp=rood"), ()) == ["", "peil=3m tlp=rood"]


# A report typed without its command (forgotten, or a phone's "! melding"): the free-text
# path offered it and recorded the whole message as text on `ja`, severity unknown (no
# alert) and the room's default label, although its fields say extreme and RED.
STRUCTURED_WITHOUT_COMMAND = [
    "evacuatie\ngemeente: Dordrecht\nernst: extreem\ntlp: amber\nDijk doorgebroken.",
    "! melding evacuatie\ngemeente: Dordrecht\nernst: extreem\ntlp: amber\nDijk doorgebroken.",
    "melding evacuatie\ngemeente: Dordrecht\nernst: extreem\ntlp: amber\nDijk doorgebroken.",
    "Dijk doorgebroken.\ngemeente: Dordrecht\nernst: extreem\ntlp: amber",
    "- gemeente: Dordrecht\n- ernst: extreem\n- tlp: amber\n\nDijk doorgebroken.",
]


@pytest.mark.parametrize("body", STRUCTURED_WITHOUT_COMMAND)
async def test_a_report_without_its_command_is_recorded_with_its_fields(
    chat: CoreChat, body: str
) -> None:
    _, offered = await chat.handle(LIAISON, ALICE, body)
    assert offered is not None and "ja" in texts(offered[0]), texts(offered[0] if offered else [])
    _, result = await chat.handle(LIAISON, ALICE, "ja")
    assert result is not None
    (entry,) = await chat.entries()
    assert (entry.severity, entry.tlp, entry.municipality) == ("Extreme", "AMBER", "Dordrecht")
    assert entry.text == "Dijk doorgebroken."
    # No category named: as the words suggest ("dijk": water).
    assert entry.category == ("evacuation" if "evacuatie" in body else "water")
    alerts = [r for r in result[0] if isinstance(r, Reply) and r.room_id == COORD]
    assert alerts and "Dijk doorgebroken" in alerts[0].text, texts(result[0])


async def test_a_report_without_its_command_and_a_bad_field_is_refused_not_offered(
    chat: CoreChat,
) -> None:
    """A field the bot cannot read: the liaison is told (as for a `!melding`), not
    offered a record that would drop it."""
    body = "evacuatie\ngemeente: Dordrecht\nernst: heel erg\nDijk doorgebroken."
    _, result = await chat.handle(LIAISON, ALICE, body)
    assert result is not None
    reply = texts(result[0])
    assert "heel erg" in reply and "Vastleggen als melding?" not in reply, reply
    await chat.handle(LIAISON, ALICE, "ja")
    assert await chat.entries() == []


async def test_chatter_with_a_time_line_is_no_report(chat: CoreChat) -> None:
    """Words that read as no update stay chatter, even with a field-like line."""
    _, result = await chat.handle(LIAISON, ALICE, "Overleg verzet\ntijd: straks ergens")
    assert result is not None and texts(result[0]) == "", texts(result[0])


@pytest.mark.parametrize(
    "label_line", ["**tlp:** rood", "**TLP**: RED", "tlp = rood", "TLP: AMBER + STRICT"]
)
async def test_a_qa_whose_label_line_is_formatted_is_not_stored_green(
    tmp_path: Path, label_line: str
) -> None:
    """`!qa add` reads `tlp:` only as a plain field line; a formatted one after the
    answer continues the answer's Markdown. Its marking must still be the Q&A's label,
    not the default GREEN that every municipality and direct chat is served."""
    from storage import knowledge_items

    curators = RoomId("!redactie:x")
    binding = BindingView("curator", "storm", "VR", "AMBER", "RED")
    database = await storm_database(tmp_path / "qa.db", [], more={curators: binding})
    try:
        body = f"!qa add mdw-1\nvraag: Welke route?\nantwoord: Via de Schapendijk.\n{label_line}"
        _, result = await CoreChat(database).handle(curators, ALICE, body)
        assert result is not None
        async with database.session() as session:
            stored = await knowledge_items.get(session, "mdw-1")
        assert stored is None or stored.tlp in ("RED", "AMBER+STRICT"), texts(result[0])
    finally:
        await database.close()


# A command as it arrives from a paste or a phone: a byte order mark or zero width space
# before the "!" (the command was not seen at all: a coordinator's `!beeld` got nothing,
# a liaison's report became a free-text offer), a no-break space after the name ("Unknown
# command !melding evacuatie. Did you mean !meldingen?"), the first field on the command
# line (`!melding evacuatie gemeente: Dordrecht`: the place went into the text).
PASTED = [
    "\ufeff!melding evacuatie\ngemeente: Dordrecht\nernst: extreem\nDijk.",
    "\u200b!melding evacuatie\ngemeente: Dordrecht\nernst: extreem\nDijk.",
    "!melding\u00a0evacuatie\ngemeente: Dordrecht\nernst: extreem\nDijk.",
    "!melding evacuatie gemeente: Dordrecht\nernst: extreem\nDijk.",
    "!melding evacuatie ernst: extreem\ngemeente: Dordrecht\nDijk.",
]


@pytest.mark.parametrize("body", PASTED)
async def test_a_pasted_command_is_a_report_with_its_fields(chat: CoreChat, body: str) -> None:
    _, result = await chat.handle(LIAISON, ALICE, body)
    assert result is not None
    entries = await chat.entries()
    assert len(entries) == 1, texts(result[0])
    (entry,) = entries
    assert (entry.category, entry.municipality, entry.severity, entry.text) == (
        "evacuation",
        "Dordrecht",
        "Extreme",
        "Dijk.",
    ), texts(result[0])


async def test_a_command_after_a_zero_width_space_is_answered(chat: CoreChat) -> None:
    _, result = await chat.handle(COORD, ALICE, "\u200b!beeld")
    assert result is not None and "storm" in texts(result[0]), texts(result[0] if result else [])


# The severity or status written under the text, as an e-mail puts its classification
# at the end: text by the contract ("from the first line that is not a field, all is
# text"), so an extreme report was stored as severity unknown (no alert) and a closing
# `status: opgelost` left the item open. Refused with the reason; nothing is stored.
TRAILING = [
    "!melding evacuatie\ngemeente: Dordrecht\nDijk doorgebroken bij Sliedrecht.\nernst: extreem",
    "!melding evacuatie\nDijk doorgebroken.\n\nErnst: ERNSTIG\ntlp: amber",
    "!melding stroom\ngemeente: Zwijndrecht\nStroom is terug.\nstatus: opgelost",
]


@pytest.mark.parametrize("body", TRAILING)
async def test_a_severity_or_status_under_the_text_is_not_lost(chat: CoreChat, body: str) -> None:
    _, result = await chat.handle(LIAISON, ALICE, body)
    assert result is not None
    assert await chat.entries() == [], texts(result[0])
    reply = texts(result[0]).lower()
    assert "ernst" in reply or "status" in reply, reply


@pytest.mark.parametrize(
    "text",
    [
        "Ernst: nog onduidelijk, we weten het om 16:00.",  # no severity word: a note
        "Let op: status van de dijk onbekend.",
        "Volgens de brandweer is de ernst: extreem hoog water.",  # a sentence, not a line
    ],
)
async def test_notes_under_the_text_stay_text(chat: CoreChat, text: str) -> None:
    body = f"!melding evacuatie\ngemeente: Dordrecht\nernst: matig\nDijk zwak.\n{text}"
    _, result = await chat.handle(LIAISON, ALICE, body)
    assert result is not None
    (entry,) = await chat.entries()
    assert text in entry.text, texts(result[0])


# Chatter in a liaison room with a line that looks like a field ("tijd: morgen 10:00",
# "Status: we rijden") and a place name: before the structured reading it was offered
# (or ignored); it was answered "Melding niet opgeslagen" with a field error, as if the
# member had typed a broken report. Without a command or a category line there is no
# sign that a report was meant: such a message stays plain free text.
CHATTER_WITH_FIELD_LIKE_LINES = [
    "Overleg in Dordrecht verzet\ntijd: morgen om 10 uur",
    "Hoi allemaal\nStatus: we rijden nu naar Dordrecht",
    "Afstemming Dordrecht\nLocatie: stadhuis\nTijd: morgen 10:00",
]


@pytest.mark.parametrize("body", CHATTER_WITH_FIELD_LIKE_LINES)
async def test_chatter_with_a_field_like_line_is_not_refused_as_a_report(
    chat: CoreChat, body: str
) -> None:
    _, result = await chat.handle(LIAISON, ALICE, body)
    assert result is not None
    assert "niet opgeslagen" not in texts(result[0]), texts(result[0])


# A Markdown list of the report's own words, right under the command line or the fields:
# read without its markers, each item with a number became a figure named after its
# words ("let_op" = 3 "wegen dicht", "sporthal" = 200) and left the text, although a
# list line was text before list markers were read. Only a known field (or figure
# alias) is read from a formatted line; other list items stay text as typed.
LISTS_OF_TEXT = [
    ["- Sporthal De Schans: 200 mensen", "- Let op: 3 wegen dicht"],
    ["gemeente: Dordrecht", "- Sporthal: 200 mensen", "- School: 50 mensen"],
    ["1. Eerste ronde: 20 huizen", "2. Tweede ronde: 30 huizen"],
    ["**Let op**: 3 wegen dicht", "Dijk zwak."],
]


@pytest.mark.parametrize("lines", LISTS_OF_TEXT)
def test_a_formatted_line_of_an_unknown_key_stays_text(lines: list[str]) -> None:
    draft = parse_report("evacuatie", lines, datetime.now(UTC), VOCAB)
    assert isinstance(draft, ReportDraft), draft
    assert draft.figures == [], draft.figures
    for line in lines:
        if "gemeente" not in line:
            assert line in draft.text, draft.text


async def test_a_headless_report_with_a_severity_and_a_bad_field_is_refused(
    chat: CoreChat,
) -> None:
    """The other side of the rule above: a message that writes a severity (or a label)
    means a report, and offered as plain text it would lose that severity (no alert)."""
    body = "Dijk doorgebroken bij Dordrecht\nernst: extreem\ntijd: morgen vroeg"
    _, result = await chat.handle(LIAISON, ALICE, body)
    assert result is not None
    reply = texts(result[0])
    assert "morgen vroeg" in reply and "Vastleggen als melding?" not in reply, reply
