"""Texts of the outbox sender's own notices (bot/sender.py), in Dutch and English."""

from __future__ import annotations

from commands.texts import Entries

TEXTS: Entries = {
    # A reply or alert that waited in the outbox while its room lost access (clearance
    # lowered, unbound, turned public): not sent, and nothing of its content said.
    "outbox.voided": {
        "nl": "Een bericht voor deze kamer is niet verstuurd: de kamer mag het niet meer zien.",
        "en": "A message for this room was not sent: the room may no longer see it.",
    },
}
