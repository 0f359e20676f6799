"""Quotes as a phone types them (outside tester, session 14).

iOS turns `"` into “ and ” as you type (Smart Punctuation is on by default), and Dutch
typography writes „Rode Kruis”. The bot's commands quote a value with spaces
(`org="Rode Kruis"`) and read only the straight quote. So `!kamer koppel …
org=“Rode Kruis”` bound the room to an organisation called “Rode (and dropped Kruis”
without a word: AMBER+STRICT keeps within an organisation, so its own organisation's
strict reports were hidden from it). `!melding evacuatie gemeente=“Hoeksche Waard”
ernst=extreem` stored the municipality “Hoeksche and put `Waard” ernst=extreem` in the
text: severity unknown, no coordinator alert. Typographic double quotes now quote.
"""

from __future__ import annotations

import pytest

from commands.grammar import parse
from commands.report_parser import report_lines

QUOTED = ["“Rode Kruis”", "„Rode Kruis”", "”Rode Kruis”", "«Rode Kruis»"]


@pytest.mark.parametrize("value", QUOTED)
def test_a_typographic_quote_quotes_an_option(value: str) -> None:
    parsed = parse(f"!kamer koppel incident=storm org={value} rol=liaison", "!")
    assert parsed.options["org"] == "Rode Kruis"
    assert parsed.words == ("koppel",)


@pytest.mark.parametrize("value", QUOTED)
def test_a_typographic_quote_quotes_a_report_field_on_the_command_line(value: str) -> None:
    words = ("evacuatie", *f"gemeente={value} ernst=extreem Dijk zwak".split())
    assert report_lines(words, ()) == [
        "gemeente: Rode Kruis",
        "ernst: extreem",
        "",
        "Dijk zwak",
    ]


def test_apostrophes_in_words_stay_as_they_are() -> None:
    parsed = parse("!meldingen org=Oxfam’s sinds=4h", "!")
    assert parsed.options == {"org": "Oxfam’s", "sinds": "4h"}
