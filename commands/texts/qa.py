"""Texts of `commands/qa.py`, in Dutch and English."""

from __future__ import annotations

from commands.texts import Entries

TEXTS: Entries = {
    "qa.usage_qa_show_id": {
        "nl": "Gebruik: {prefix}qa show <id> · {prefix}qa list [onderwerp] · {prefix}qa add (met regels vraag:/antwoord:/onderwerp:/bron:/geldig tot:) · {prefix}qa edit <id> (alleen de velden die veranderen) · {prefix}qa retire <id>",
        "en": "Usage: {prefix}qa show <id> · {prefix}qa list [topic] · {prefix}qa add (with lines question:/answer:/topic:/source:/valid until:) · {prefix}qa edit <id> (only the fields that change) · {prefix}qa retire <id>",
    },
    "qa.q_does_not_exist": {
        "nl": "Q&A {item_id} bestaat niet.",
        "en": "Q&A {item_id} does not exist.",
    },
    "qa.more_pick_topic": {
        "nl": "… en {value} meer; kies een onderwerp.",
        "en": "… and {value} more; pick a topic.",
    },
    "qa.topics": {
        "nl": "Onderwerpen: ",
        "en": "Topics: ",
    },
    "qa.q_version_tlp": {
        "nl": "Q&A {id} {verb} (versie {version}, TLP:{tlp}){echo}",
        "en": "Q&A {id} {verb} (version {version}, TLP:{tlp}){echo}",
    },
    "qa.q_retired_version": {
        "nl": "Q&A {id} ingetrokken (versie {version}).",
        "en": "Q&A {id} retired (version {version}).",
    },
    "qa.q_unchanged_version": {
        "nl": "Q&A {id} is ongewijzigd (versie {version}).",
        "en": "Q&A {id} is unchanged (version {version}).",
    },
    "qa.q_does_not_exist_2": {
        "nl": "Q&A {value} bestaat niet of is al ingetrokken.",
        "en": "Q&A {value} does not exist or is already retired.",
    },
    "qa.not_allowed_here": {
        "nl": "Dat mag hier niet: {refusal}",
        "en": "Not allowed here: {refusal}",
    },
    "qa.no_q_as_found": {
        "nl": "Geen Q&As gevonden. ",
        "en": "No Q&As found. ",
    },
    "qa.line_not_understood_fields": {
        "nl": "Regel niet begrepen: “{shorten}”. Velden: {known}, geldig tot. Niets opgeslagen.",
        "en": "Line not understood: “{shorten}”. Fields: {known}, valid until. Nothing saved.",
    },
    "qa.q_already_exists_use": {
        "nl": "Q&A {id} bestaat al; gebruik {prefix}qa edit.",
        "en": "Q&A {id} already exists; use {prefix}qa edit.",
    },
    "qa.id_not_available_choose": {
        "nl": "Het id {id} is niet beschikbaar; kies een ander id of laat id weg. Niets opgeslagen.",
        "en": "The id {id} is not available; choose another id or leave id out. Nothing saved.",
    },
    "qa.no_fields_change_nothing": {
        "nl": "Geen velden om te wijzigen. Niets opgeslagen.",
        "en": "No fields to change. Nothing saved.",
    },
    "qa.not_saved": {
        "nl": "Niet opgeslagen: {where}: {value}",
        "en": "Not saved: {where}: {value}",
    },
    "qa.only_owner_adds": {
        "nl": "Een Q&A op naam van {value} voegt alleen de redactiekamer van {value} of een beheerder toe (laat 'eigenaar:' weg voor je eigen organisatie). Niets opgeslagen.",
        "en": "Only the curator room of {value} or an administrator adds a Q&A in the name of {value} (leave out 'owner:' for your own organisation). Nothing saved.",
    },
    "qa.only_curator_room_owner": {
        "nl": "Alleen de redactiekamer van de eigenaar ({value}) of een beheerder mag het label van Q&A {id} verlagen of de eigenaar wijzigen. Niets opgeslagen.",
        "en": "Only the curator room of the owner ({value}) or an administrator may lower the label of Q&A {id} or change its owner. Nothing saved.",
    },
    "qa.source_not_allowed_only": {
        "nl": "Bron niet toegestaan: alleen een http://- of https://-adres. Niets opgeslagen.",
        "en": "Source not allowed: only an http:// or https:// address. Nothing saved.",
    },
    "qa.verb_added": {
        "nl": "toegevoegd",
        "en": "added",
    },
    "qa.verb_updated": {
        "nl": "gewijzigd",
        "en": "updated",
    },
}
