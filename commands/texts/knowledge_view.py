"""Texts of `commands/knowledge_view.py`, in Dutch and English."""

from __future__ import annotations

from commands.texts import Entries

TEXTS: Entries = {
    "knowledge_view.version": {
        "nl": "versie",
        "en": "version",
    },
    "knowledge_view.note_expired_since": {
        "nl": "Let op: verlopen sinds {until}.",
        "en": "Note: expired since {until}.",
    },
    "knowledge_view.note_valid_only_from": {
        "nl": "Let op: pas geldig vanaf {start}.",
        "en": "Note: valid only from {start}.",
    },
    "knowledge_view.see_also": {
        "nl": "Zie ook:",
        "en": "See also:",
    },
    "knowledge_view.owner": {
        "nl": "Eigenaar",
        "en": "Owner",
    },
    "knowledge_view.updated": {
        "nl": "Bijgewerkt",
        "en": "Updated",
    },
    "knowledge_view.source": {
        "nl": "Bron",
        "en": "Source",
    },
    "knowledge_view.guidance": {
        "nl": "handreiking",
        "en": "guidance",
    },
    "knowledge_view.guidance_2": {
        "nl": "Handreiking",
        "en": "Guidance",
    },
}
