"""Texts of `commands/grammar.py`: why a command line cannot be read."""

from __future__ import annotations

from commands.texts import Entries

TEXTS: Entries = {
    "grammar.not_a_command": {"nl": "geen commando", "en": "not a command"},
    "grammar.quote_not_closed": {
        "nl": "aanhalingsteken niet gesloten",
        "en": "quote not closed",
    },
    "grammar.no_escaped_character": {
        "nl": "geen teken na de backslash",
        "en": "No escaped character",
    },
}
