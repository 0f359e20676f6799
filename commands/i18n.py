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
    "reason_admin_only": {
        "nl": "alleen beheerders (admins in de configuratie) mogen dit.",
        "en": "only administrators (admins in the configuration) may do this.",
    },
    "upgrade_refused": {
        "nl": "De koppeling van deze kamer is niet overgezet naar {new}: {reason} De koppeling blijft hier staan.",
        "en": "This room's binding was not carried over to {new}: {reason} The binding stays here.",
    },
    "upgrade_pending": {
        "nl": "De koppeling van deze kamer is (nog) niet overgezet naar {new}: {reason} Nodig me daar uit; dan controleer ik de upgrade en zet ik de koppeling over.",
        "en": "This room's binding was not carried over to {new} (yet): {reason} Invite me there; I will then check the upgrade and carry the binding over.",
    },
    "upgrade_carried": {
        "nl": "Deze kamer vervangt {old}: ik heb de koppeling (incident, organisatie, rol, TLP) overgezet.",
        "en": "This room replaces {old}: I carried its binding (incident, organisation, role, TLP) over.",
    },
    "upgrade_reason_bound": {
        "nl": "die kamer heeft al een eigen koppeling.",
        "en": "that room already has a binding of its own.",
    },
    "upgrade_reason_predecessor": {
        "nl": "die kamer noemt deze kamer niet als voorganger (geen echte kamerupgrade).",
        "en": "that room does not name this room as its predecessor (not a real room upgrade).",
    },
    "upgrade_reason_tombstone": {
        "nl": "de grafsteen van deze kamer wijst niet (meer) naar die kamer.",
        "en": "this room's tombstone does not (or no longer) point to that room.",
    },
    "upgrade_reason_join": {
        "nl": "ik kan die kamer niet in.",
        "en": "I cannot join that room.",
    },
    "reason_other_incident": {
        "nl": "alleen beheerders of moderators van een coördinatiekamer van incident {incident} mogen dat incident beheren.",
        "en": "only administrators or moderators of a coordination room of incident {incident} may manage that incident.",
    },
}


def t(lang: Language, key: str, **values: object) -> str:
    template = TEXTS[key][lang]
    return template.format(**values) if values else template
