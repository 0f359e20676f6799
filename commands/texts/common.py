"""Texts of `commands/common.py`, in Dutch and English."""

from __future__ import annotations

from commands.texts import Entries

TEXTS: Entries = {
    "common.days": {
        "nl": "{value} dagen",
        "en": "{value} days",
    },
    "common.h": {
        "nl": "{hours} uur",
        "en": "{hours} h",
    },
}
