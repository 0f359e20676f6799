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
    "free_text_offer": {
        "nl": "Vastleggen als melding? ({summary}) Antwoord 'ja' of reageer met 👍.",
        "en": "Record this as a report? ({summary}) Reply 'yes' or react with 👍.",
    },
    "free_text_recorded": {
        "nl": "Melding {code} vastgelegd uit je bericht.",
        "en": "Report {code} recorded from your message.",
    },
    "free_text_recorded_direct": {
        "nl": "Melding {code} vastgelegd uit je bericht (deze kamer legt updates direct vast). "
        "Niet bedoeld? Verwijder je bericht.",
        "en": "Report {code} recorded from your message (this room records updates directly). "
        "Not meant? Delete your message.",
    },
    "free_text_already": {
        "nl": "Dit bericht is al vastgelegd als melding {code}.",
        "en": "This message was already recorded as report {code}.",
    },
    "free_text_mode_set": {
        "nl": "Vrije tekst in deze kamer: {mode}.",
        "en": "Free text in this room: {mode}.",
    },
    "free_text_mode_usage": {
        "nl": "Gebruik: {prefix}vrijetekst aanbieden|direct|uit (nu: {mode}). aanbieden: ik vraag "
        "of een update vastgelegd moet worden; direct: ik leg hem meteen vast en bevestig; uit: "
        "ik reageer niet op vrije tekst.",
        "en": "Usage: {prefix}freetext offer|direct|off (now: {mode}). offer: I ask whether to "
        "record an update; direct: I record it at once and confirm; off: I ignore free text.",
    },
    "report_refused_head": {"nl": "Melding niet opgeslagen:", "en": "Report not stored:"},
}


def t(lang: Language, key: str, **values: object) -> str:
    template = TEXTS[key][lang]
    return template.format(**values) if values else template
