"""Texts of the local console (`bot/console.py`) and the command line (`bot/cli/`)."""

from __future__ import annotations

from commands.texts import Entries

TEXTS: Entries = {
    "console.banner": {
        "nl": "Knooppunt-console. Sluit een bericht af met een lege regel; Ctrl-D stopt.",
        "en": "Knooppunt console. End a message with an empty line; Ctrl-D quits.",
    },
    "console.demo_loaded": {
        "nl": "Voorbeeldcrisis geladen: incident {incident}, {added} nieuw(e) "
        "kennisitem(s), {bound} consolekamer(s) nieuw gekoppeld.",
        "en": "Sample crisis loaded: incident {incident}, {added} new knowledge "
        "item(s), {bound} console room(s) newly bound.",
    },
    "console.retracting": {
        "nl": "(de bevestiging van {event} wordt ingetrokken)",
        "en": "(the confirmation of {event} is being retracted)",
    },
    "console.attachment": {
        "nl": "[bestand: {filename}, {size} bytes]",
        "en": "[file: {filename}, {size} bytes]",
    },
    "cli.migrated": {"nl": "de database is bijgewerkt", "en": "database is up to date"},
}
