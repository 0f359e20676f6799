"""Severity lines as people type them on a phone (outside tester, session 14).

Earlier rounds taught the parser Markdown and the list markers `-`, `*`, `•`, `1.`. A
liaison who copies a WhatsApp-style template writes an emoji or an arrow in front of the
line (`⚠️ Ernst: extreem`, `🔴 ernst: extreem`, `→ ernst: extreem`), a heading
(`# Ernst: extreem`), an en dash as a bullet (`– ernst: extreem`, as a word processor
turns `-` into), or leaves the colon out (`Ernst - extreem`, `ernst extreem`). Each of
these made the line text: the report was stored with severity "unknown", without a word
of warning. No coordinator was alerted and the picture's attention list left it out,
and a `✅ status: opgelost` closed nothing. Under the text the same lines slipped past
the check that refuses a severity there.

A symbol run before a known field is now looked past as a list marker is, and a severity
or status line without its colon is read when its value is one of the words (never a
note such as "Ernst - nog onduidelijk").
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from commands.message import Reply
from commands.report_parser import ReportDraft, parse_report
from tests.support.chat import CoreChat, texts
from tests.unit.test_attack_formatting import ALICE, COORD, LIAISON, VOCAB, chat

__all__ = ["chat"]  # fixture, imported for pytest

SEVERITY_LINES = [
    "⚠️ Ernst: extreem",
    "🔴 ernst: extreem",
    "❗️ernst: extreem",
    "→ ernst: extreem",
    "▶ Ernst: extreem",
    "● ernst: extreem",
    "– ernst: extreem",
    "— ernst: extreem",
    "# Ernst: extreem",
    "### Ernst: extreem",
    "- [ ] ernst: extreem",
    "`ernst: extreem`",
    "Ernst - extreem",
    "Ernst – extreem",
    "Ernst; extreem",
    "ernst extreem",
    "Severity - extreme",
    "⚠️ ERNST EXTREEM",
]


@pytest.mark.parametrize("line", SEVERITY_LINES)
def test_a_severity_line_as_typed_on_a_phone_is_read(line: str) -> None:
    lines = [line, "🔴 gemeente: Dordrecht", "Dijk doorgebroken."]
    draft = parse_report("water", lines, datetime.now(UTC), VOCAB)
    assert isinstance(draft, ReportDraft), draft
    assert (draft.severity, draft.municipality) == ("Extreme", "Dordrecht"), draft
    assert draft.text == "Dijk doorgebroken."


@pytest.mark.parametrize("line", ["✅ status: opgelost", "Status - opgelost", "status opgelost"])
def test_a_status_line_as_typed_on_a_phone_is_read(line: str) -> None:
    draft = parse_report("water", [line, "Dijk hersteld."], datetime.now(UTC), VOCAB)
    assert isinstance(draft, ReportDraft), draft
    assert draft.status == "resolved"


@pytest.mark.parametrize("line", ["⚠️ Ernst: extreem", "Ernst - extreem", "ernst extreem"])
def test_such_a_severity_line_under_the_text_is_refused_not_lost(line: str) -> None:
    found = parse_report("water", ["Dijk doorgebroken.", line], datetime.now(UTC), VOCAB)
    assert not isinstance(found, ReportDraft), found
    assert any("onder de tekst" in problem.nl for problem in found), found


@pytest.mark.parametrize(
    "lines",
    [
        ["🔴 Sporthal: 200 mensen", "Veel drukte."],  # a list of the report's own words
        ["Ernst - nog onduidelijk", "Dijk zwak."],  # a note, not a severity
        ["Ernst van de situatie wordt onderschat.", "Dijk zwak."],  # a sentence
        ["> ernst: extreem", "Dijk zwak."],  # a quote of someone else's line
    ],
)
def test_text_that_only_looks_like_it_stays_text(lines: list[str]) -> None:
    draft = parse_report("water", lines, datetime.now(UTC), VOCAB)
    assert isinstance(draft, ReportDraft), draft
    assert (draft.severity, draft.figures) == ("Unknown", []), draft
    assert draft.text == "\n".join(lines)


async def test_an_emoji_severity_line_alerts_the_coordinators(chat: CoreChat) -> None:
    body = "!melding water\n⚠️ Ernst: extreem\n📍 gemeente: Dordrecht\nDijk doorgebroken."
    _, result = await chat.handle(LIAISON, ALICE, body)
    assert result is not None
    (entry,) = await chat.entries()
    assert (entry.severity, entry.municipality) == ("Extreme", "Dordrecht"), texts(result[0])
    alerts = [r for r in result[0] if isinstance(r, Reply) and r.room_id == COORD]
    assert alerts and "Dijk doorgebroken" in alerts[0].text, texts(result[0])


async def test_a_free_text_update_with_an_emoji_severity_line_keeps_it(chat: CoreChat) -> None:
    """Without `!melding` (the report typed as free text, offered and confirmed)."""
    body = "⚠️ Ernst: extreem\ngemeente: Dordrecht\nDijk doorgebroken."
    _, offered = await chat.handle(LIAISON, ALICE, body)
    assert offered is not None and "ja" in texts(offered[0]), texts(offered[0] if offered else [])
    _, result = await chat.handle(LIAISON, ALICE, "ja")
    assert result is not None
    (entry,) = await chat.entries()
    assert entry.severity == "Extreme", texts(result[0])


def test_a_status_heading_in_the_text_is_no_misplaced_field() -> None:
    """Under the text, a line without its colon counts only where it would change the
    picture (severe, extreme, resolved): "Status update" there is a heading."""
    lines = ["Stroom uit in Dordrecht.", "Status update", "Monteurs onderweg."]
    draft = parse_report("stroom", lines, datetime.now(UTC), VOCAB)
    assert isinstance(draft, ReportDraft), draft
    assert draft.text == "\n".join(lines)


@pytest.mark.parametrize("value", ["zeer hoog", "Zeer Hoog", "very high"])
def test_zeer_hoog_is_extreme_as_zeer_ernstig_is(value: str) -> None:
    """`hoog` is severe and `zeer ernstig` extreme; `zeer hoog` was refused ("Kies uit: …")
    and a liaison in a hurry chose `hoog`: an extreme report shown as severe."""
    draft = parse_report("water", [f"ernst: {value}", "Dijk."], datetime.now(UTC), VOCAB)
    assert isinstance(draft, ReportDraft), draft
    assert draft.severity == "Extreme"


@pytest.mark.parametrize(
    ("words", "severity"),
    [
        (("water", "extreem"), "Extreme"),
        (("water", "EXTREEM!"), "Extreme"),
        (("water", "zeer", "ernstig"), "Extreme"),
        (("evacuatie", "ernstig"), "Severe"),
        (("power", "critical"), "Extreme"),
    ],
)
def test_a_severity_word_alone_after_the_category_is_the_severity(
    words: tuple[str, ...], severity: str
) -> None:
    """`!melding water extreem` on a phone: the word was the report's text and its
    severity "unknown" (no alert)."""
    from commands.report_parser import report_lines

    lines = report_lines(words, ("gemeente: Dordrecht", "Dijk doorgebroken."))
    draft = parse_report(words[0], lines, datetime.now(UTC), VOCAB)
    assert isinstance(draft, ReportDraft), draft
    assert (draft.severity, draft.municipality, draft.text) == (
        severity,
        "Dordrecht",
        "Dijk doorgebroken.",
    )


@pytest.mark.parametrize(
    "words", [("opvang", "hoog", "water", "in", "kelder"), ("zorg", "ernstig", "gewonde")]
)
def test_a_severity_word_in_a_sentence_after_the_category_stays_text(
    words: tuple[str, ...],
) -> None:
    from commands.report_parser import report_lines

    draft = parse_report(words[0], report_lines(words, ()), datetime.now(UTC), VOCAB)
    assert isinstance(draft, ReportDraft), draft
    assert (draft.severity, draft.text) == ("Unknown", " ".join(words[1:]))


@pytest.mark.parametrize(
    ("line", "field"),
    [
        ("⚠️ TLP:RED ⚠️", ("tlp", "RED")),
        ("— TLP:AMBER —", ("tlp", "AMBER")),
        ("🔴 ernst: extreem 🔴", ("severity", "Extreme")),
        ("🔴🔴 gemeente: Dordrecht 🔴🔴", ("municipality", "Dordrecht")),
    ],
)
def test_marks_around_a_field_line_on_both_sides_are_looked_past(
    line: str, field: tuple[str, str]
) -> None:
    """Read past its opening marks only, "⚠️ TLP:RED ⚠️" was refused ("Onbekend
    TLP-label 'RED ⚠️'") where before it was read as the marking it is."""
    draft = parse_report("water", [line, "Dijk."], datetime.now(UTC), VOCAB)
    assert isinstance(draft, ReportDraft), draft
    assert getattr(draft, field[0]) == field[1]


@pytest.mark.parametrize(
    ("line", "municipality", "location"),
    [
        ("Plaats: Dordrecht", "Dordrecht", None),
        ("plaats: Sporthal De Schans", None, "Sporthal De Schans"),
        ("Place: Zwijndrecht", "Zwijndrecht", None),
    ],
)
def test_plaats_as_the_bot_itself_writes_it_is_a_field(
    line: str, municipality: str | None, location: str | None
) -> None:
    """The bot's confirmation says "Plaats: Dordrecht"; a liaison who copies that form
    wrote a first line the parser took for text, and every field under it with it
    (`opvangplekken beschikbaar: 120` lost from the figures; an `ernst:` refused as
    "under the text"). `plaats:` is the municipality when it names one, else the place."""
    lines = [line, "ernst: ernstig", "opvangplekken beschikbaar: 120", "Sporthal vol."]
    draft = parse_report("opvang", lines, datetime.now(UTC), VOCAB)
    assert isinstance(draft, ReportDraft), draft
    assert (draft.municipality, draft.location) == (municipality, location)
    assert (draft.severity, [f.value for f in draft.figures]) == ("Severe", [120.0])


@pytest.mark.parametrize(("lang", "listed"), [("nl", "opvang, zorg, stroom"), ("en", "shelter")])
def test_an_unknown_category_lists_the_categories(lang: str, listed: str) -> None:
    """`!melding brand` was refused with "Onbekende categorie 'brand'." and nothing
    else: the liaison could not tell what to write, and the report waited. (Since
    leftovers10 `brand` is a category, fire; another unknown word stands in.)"""
    found = parse_report("zwaailicht", ["ernst: extreem", "Licht."], datetime.now(UTC), VOCAB)
    assert not isinstance(found, ReportDraft)
    said = found[0].text(lang)  # type: ignore[arg-type]
    assert listed in said and ("overig" in said or "other" in said), said


@pytest.mark.parametrize(
    ("line", "attribute", "value"),
    [
        ("ernst: ernstig!", "severity", "Severe"),
        ("ernst: EXTREEM!!!", "severity", "Extreme"),
        ("ernst: extreem.", "severity", "Extreme"),
        ("status: hersteld", "status", "resolved"),
        ("status: afgehandeld", "status", "resolved"),
        ("status: opgelost!", "status", "resolved"),
    ],
)
def test_a_severity_or_status_as_emphasised_or_worded_is_read(
    line: str, attribute: str, value: str
) -> None:
    """An exclamation mark is how the most severe reports end ("ernst: ernstig!"), and
    "hersteld" (power restored) or "afgehandeld" is how a liaison closes an item: each was
    refused, and the liaison, asked to choose from the list, had to send it again."""
    draft = parse_report("stroom", [line, "Stroom."], datetime.now(UTC), VOCAB)
    assert isinstance(draft, ReportDraft), draft
    assert getattr(draft, attribute) == value
