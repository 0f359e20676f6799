"""Texts of `commands/guidance.py`, in Dutch and English."""

from __future__ import annotations

from commands.texts import Entries

TEXTS: Entries = {
    "guidance.version": {
        "nl": "versie",
        "en": "version",
    },
    "guidance.usage_guidance_topic_guidance": {
        "nl": "TLP:{label} — Gebruik: {prefix}handreiking <onderwerp>. Handreikingen: {listing}",
        "en": "TLP:{label} — Usage: {prefix}guidance <topic>. Guidance documents: {listing}",
    },
    "guidance.no_guidance_found_about": {
        "nl": "Geen handreiking gevonden over “{shorten}”. Probeer andere woorden, of stel een vraag met {prefix}vraag.",
        "en": "No guidance found about “{shorten}”. Try other words, or ask with {prefix}ask.",
    },
}
