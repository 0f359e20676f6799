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
    "time_bad_offset": {
        "nl": "heeft een onmogelijke tijdzone (een afwijking moet kleiner zijn dan 24 uur)",
        "en": "has an impossible time zone (an offset must be less than 24 hours)",
    },
    "figure_negative": {
        "nl": "'{field}' kan niet negatief zijn ('{value}'). Alleen een verandering of verschil "
        "mag negatief zijn, zoals 'verandering waterstand: -0,2 m'.",
        "en": "'{field}' cannot be negative ('{value}'). Only a change or difference may be "
        "negative, such as 'change in water level: -0.2 m'.",
    },
    "page_not_a_number": {
        "nl": "pagina= moet een getal vanaf 1 zijn, niet '{value}'. Voorbeeld: pagina=2",
        "en": "page= must be a number from 1, not '{value}'. Example: page=2",
    },
    "page_out_of_range": {
        "nl": "Pagina {page} bestaat niet; er zijn {pages} pagina('s).",
        "en": "Page {page} does not exist; there are {pages} page(s).",
    },
    "edit_unknown_original": {
        "nl": "Deze bewerking verwerk ik niet: het oorspronkelijke bericht ken ik niet in deze "
        "kamer. Stuur het als nieuw bericht.",
        "en": "I do not process this edit: I do not know the original message in this room. "
        "Send it as a new message.",
    },
    "edit_other_sender": {
        "nl": "Alleen wie een bericht stuurde kan het bewerken; stuur je eigen versie als nieuw "
        "bericht.",
        "en": "Only the sender of a message can edit it; send your own version as a new message.",
    },
    "redaction_not_allowed": {
        "nl": "{code} blijft staan: alleen de melder of een moderator van deze kamer kan het "
        "intrekken.",
        "en": "{code} stays: only the reporter or a moderator of this room can retract it.",
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
