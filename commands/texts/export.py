"""Texts of `commands/export.py`, in Dutch and English."""

from __future__ import annotations

from commands.texts import Entries

TEXTS: Entries = {
    "export.usage_export_incident_csv": {
        "nl": "Gebruik: {prefix}export [incident] csv|csv-en|json|edxl",
        "en": "Usage: {prefix}export [incident] csv|csv-en|json|edxl",
    },
    "export.unknown_option": {
        "nl": "Onbekende optie {option}=: een export bevat alle meldingen van het incident "
        "die deze kamer mag zien. Gebruik: {prefix}export [incident] csv|csv-en|json|edxl",
        "en": "Unknown option {option}=: an export holds every entry of the incident this "
        "room may see. Usage: {prefix}export [incident] csv|csv-en|json|edxl",
    },
    "export.done_one": {
        "nl": "TLP:{label} — export van {rows} melding(en) van {incident} ({fmt}).",
        "en": "TLP:{label} — export of {rows} entry of {incident} ({fmt}).",
    },
    "export.done": {
        "nl": "TLP:{label} — export van {rows} melding(en) van {incident} ({fmt}).",
        "en": "TLP:{label} — export of {rows} entries of {incident} ({fmt}).",
    },
}
