"""Texts of `commands/dutch_time.py`: why a time cannot be read."""

from __future__ import annotations

from commands.texts import Entries

TEXTS: Entries = {
    "time.said": {"nl": "'{text}' {reason}", "en": "'{text}' {reason}"},
    "time.unreadable": {"nl": "is geen tijd die ik kan lezen", "en": "is not a time I can read"},
    "time.no_time": {
        "nl": "mist een tijdstip (bijv. 'gisteren 09:00')",
        "en": "lacks a time of day",
    },
    "time.part_of_day": {
        "nl": "is een dagdeel, geen tijdstip: zet er een tijd bij, bijv. '{word} 3 uur'",
        "en": "is a part of the day, not a time: add the time, e.g. '{word} 3:00'",
    },
    "time.both": {
        "nl": "noem een dagwoord of een datum, niet beide",
        "en": "give a day word or a date, not both",
    },
    "time.future": {"nl": "ligt in de toekomst", "en": "lies in the future"},
    "time.too_old": {"nl": "is meer dan een jaar geleden", "en": "is more than a year ago"},
    "time.bad_offset": {
        "nl": "heeft een onmogelijke tijdzone (een afwijking moet kleiner zijn dan 24 uur)",
        "en": "has an impossible time zone (an offset must be less than 24 hours)",
    },
}
