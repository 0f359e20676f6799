"""The bot's texts in Dutch and English.

A flat catalogue keeps every user-facing sentence in one place, so a
translation gap shows up as a KeyError in the unit tests, not in a crisis room.
"""

from __future__ import annotations

from typing import Literal

Language = Literal["nl", "en"]

TEXTS: dict[str, dict[Language, str]] = {
    "greeting": {
        "nl": "Hallo, ik ben Knooppunt, de informatiebot voor deze crisis. "
        "Typ {prefix}hulp voor wat ik kan.",
        "en": "Hello, I am Knooppunt, the information bot for this crisis. "
        "Type {prefix}help to see what I can do.",
    },
    "unknown_command": {
        "nl": "Onbekend commando: {command}.",
        "en": "Unknown command: {command}.",
    },
    "did_you_mean": {"nl": "Bedoelde je {suggestion}?", "en": "Did you mean {suggestion}?"},
    "see_help": {
        "nl": "Typ {prefix}hulp voor de lijst met commando's.",
        "en": "Type {prefix}help for the list of commands.",
    },
    "not_allowed": {
        "nl": "Dat mag hier niet: {reason}",
        "en": "Not allowed here: {reason}",
    },
    "grammar_error": {
        "nl": "Ik kan dit commando niet lezen: {error}",
        "en": "I cannot read this command: {error}",
    },
    "usage": {"nl": "Gebruik: {usage}", "en": "Usage: {usage}"},
    "example": {"nl": "Voorbeeld: {example}", "en": "Example: {example}"},
    "help_header": {
        "nl": "Commando's die je hier kunt gebruiken:",
        "en": "Commands you can use here:",
    },
    "help_footer": {
        "nl": "Meer over één commando: {prefix}hulp <commando>",
        "en": "More about one command: {prefix}help <command>",
    },
    "help_aliases": {"nl": "Ook: {aliases}", "en": "Also: {aliases}"},
    "internal_error": {
        "nl": "Er ging bij mij iets mis met dit bericht; er is niets opgeslagen. "
        "Probeer het opnieuw of meld het aan de beheerder (referentie {ref}).",
        "en": "Something went wrong on my side with this message; nothing was stored. "
        "Try again or tell the administrator (reference {ref}).",
    },
    "late": {
        "nl": "(Late reactie op je bericht van {when}.)",
        "en": "(Late reply to your message of {when}.)",
    },
    "plain_message_hint": {
        "nl": "Ik reageer op commando's. Typ {prefix}hulp voor wat ik kan.",
        "en": "I respond to commands. Type {prefix}help to see what I can do.",
    },
    "undecryptable": {
        "nl": "Ik kon {count} versleuteld(e) bericht(en) van je niet ontsleutelen en heb "
        "ze dus niet verwerkt. Stuur ze opnieuw, of controleer of je apparaat sleutels "
        "deelt met niet-geverifieerde apparaten.",
        "en": "I could not decrypt {count} encrypted message(s) from you, so I did not "
        "process them. Send them again, or check that your device shares keys with "
        "unverified devices.",
    },
    "encryption_unsupported": {
        "nl": "Ik kan geen versleutelde berichten lezen: deze bot draait zonder "
        "versleuteling, dus je bericht is niet verwerkt. Stuur het in een kamer "
        "zonder versleuteling.",
        "en": "I cannot read encrypted messages: this bot runs without encryption, "
        "so your message was not processed. Please send it in a room without encryption.",
    },
    "reason_admin_only": {
        "nl": "alleen beheerders (admins in de configuratie) mogen dit.",
        "en": "only administrators (admins in the configuration) may do this.",
    },
}


def t(lang: Language, key: str, **values: object) -> str:
    template = TEXTS[key][lang]
    return template.format(**values) if values else template
