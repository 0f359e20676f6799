"""Texts of `commands/permissions.py`, in Dutch and English."""

from __future__ import annotations

from commands.texts import Entries

TEXTS: Entries = {
    "permissions.or": {
        "nl": " of ",
        "en": " or ",
    },
    "permissions.only_in_room": {
        "nl": "dit commando werkt alleen in een {wanted}.",
        "en": "this command only works in a {wanted}.",
    },
    "permissions.needs_moderator": {
        "nl": "hiervoor heb je moderatorrechten (machtsniveau {min_power}) in deze kamer nodig.",
        "en": "this needs moderator rights (power level {min_power}) in this room.",
    },
}
