"""Texts of `commands/picture.py` (`!beeld` / `!summary`), in Dutch and English."""

from __future__ import annotations

from commands.texts import Entries

TEXTS: Entries = {
    "picture.no_entries": {
        "nl": "Geen meldingen (die deze kamer mag zien) in deze periode.",
        "en": "No entries (that this room may see) in this period.",
    },
    "picture.incident_start": {
        "nl": "begin incident",
        "en": "start of incident",
    },
    "picture.head": {
        "nl": "Situatiebeeld",
        "en": "Situation picture",
    },
    "picture.closed": {
        "nl": "GESLOTEN",
        "en": "CLOSED",
    },
    "picture.closed_since": {
        "nl": "GESLOTEN sinds {at}",
        "en": "CLOSED since {at}",
    },
    "picture.phase": {
        "nl": "fase",
        "en": "phase",
    },
    "picture.period": {
        "nl": "Periode",
        "en": "Period",
    },
    "picture.entries_one": {
        "nl": "{count} melding",
        "en": "{count} entry",
    },
    "picture.entries": {
        "nl": "{count} meldingen",
        "en": "{count} entries",
    },
    "picture.attention_cut": {
        "nl": (
            "⚠ Alleen de {limit} nieuwste staan hier: oudere open ernstige of extreme items"
            " zijn weggelaten. Vraag een deel op met categorie=."
        ),
        "en": (
            "⚠ Only the {limit} newest are listed: older open severe or extreme items were"
            " left out. Ask for part of them with category=."
        ),
    },
    "picture.attention": {
        "nl": "Aandacht: ernstig of extreem",
        "en": "Attention: severe or extreme",
    },
    "picture.heard_of_one": {
        "nl": "⚠ Boven de clearance van deze kamer: 1 ernstige of extreme melding waarvan deze"
        " kamer een waarschuwing kreeg maar de inhoud niet mag zien: {codes}. Vraag een"
        " coördinator met een hogere clearance.",
        "en": "⚠ Above this room's clearance: 1 severe or extreme report this room was alerted"
        " of but may not see: {codes}. Ask a coordinator with a higher clearance.",
    },
    "picture.heard_of": {
        "nl": "⚠ Boven de clearance van deze kamer: {count} ernstige of extreme meldingen"
        " waarvan deze kamer een waarschuwing kreeg maar de inhoud niet mag zien: {codes}."
        " Vraag een coördinator met een hogere clearance.",
        "en": "⚠ Above this room's clearance: {count} severe or extreme reports this room was"
        " alerted of but may not see: {codes}. Ask a coordinator with a higher clearance.",
    },
    "picture.heard_of_more": {
        "nl": "{codes} en {more} meer",
        "en": "{codes} and {more} more",
    },
    "picture.latest_state": {
        "nl": "Laatste stand per categorie",
        "en": "Latest state per category",
    },
    "picture.category_columns": {
        "nl": "Organisatie|Plaats|Ernst|Status|Tijd|Tekst",
        "en": "Organisation|Place|Severity|Status|Time|Text",
    },
    "picture.more_in_category": {
        "nl": "… en {hidden} meer: {prefix}meldingen categorie={category}",
        "en": "… and {hidden} more: {prefix}entries category={category}",
    },
    "picture.figures": {
        "nl": "Cijfers per regio (laatste waarde per bron; aantallen opgeteld, standen als "
        "laagste – hoogste)",
        "en": "Figures per region (latest value per source; counts summed, levels as "
        "lowest – highest)",
    },
    "picture.figure_spread": {
        "nl": "{spread} (laagste – hoogste)",
        "en": "{spread} (lowest – highest)",
    },
    "picture.stale": {
        "nl": "(verouderd)",
        "en": "(stale)",
    },
    "picture.sources_one": {
        "nl": "{count} bron",
        "en": "{count} source",
    },
    "picture.sources": {
        "nl": "{count} bronnen",
        "en": "{count} sources",
    },
    "picture.oldest": {
        "nl": "oudste",
        "en": "oldest",
    },
    "picture.figure_columns": {
        "nl": "Cijfer|Regio|Totaal|Bronnen|Oudste",
        "en": "Figure|Region|Total|Sources|Oldest",
    },
    "picture.changed_since": {
        "nl": "Gewijzigd sinds vorig beeld ({since})",
        "en": "Changed since the previous picture ({since})",
    },
    "picture.changed_since_category": {
        "nl": "Gewijzigd sinds vorig beeld van categorie {category} ({since})",
        "en": "Changed since the previous picture of category {category} ({since})",
    },
    "picture.changed_since_whole": {
        "nl": "Gewijzigd sinds vorig beeld van alle categorieën ({since})",
        "en": "Changed since the previous picture of every category ({since})",
    },
    "picture.changes_cut": {
        "nl": (
            "⚠ Alleen de {limit} nieuwste wijzigingen staan hier; oudere zijn weggelaten."
            " Zie {prefix}meldingen sinds= voor alle."
        ),
        "en": (
            "⚠ Only the {limit} newest changes are listed; older ones were left out."
            " See {prefix}entries since= for all of them."
        ),
    },
    "picture.nothing": {
        "nl": "niets",
        "en": "nothing",
    },
    "picture.change_new": {
        "nl": "nieuw",
        "en": "new",
    },
    "picture.change_updated": {
        "nl": "bijgewerkt",
        "en": "updated",
    },
    "picture.change_resolved": {
        "nl": "opgelost",
        "en": "resolved",
    },
    "picture.change_retracted": {
        "nl": "ingetrokken",
        "en": "retracted",
    },
    "picture.open_questions": {
        "nl": "Open vragen van gemeenten ({count}, oudste eerst)",
        "en": "Open questions from municipalities ({count}, oldest first)",
    },
    "picture.unknown_option": {
        "nl": "Onbekende optie {option}=. Opties: sinds= categorie= incident=",
        "en": "Unknown option {option}=. Options: since= category= incident=",
    },
    "picture.which_incident": {
        "nl": "Welk incident? {prefix}beeld <incident>",
        "en": "Which incident? {prefix}summary <incident>",
    },
    "picture.unknown_incident": {
        "nl": "Onbekend incident: {slug}.",
        "en": "Unknown incident: {slug}.",
    },
    "picture.since_not_understood": {
        "nl": "sinds= begrijp ik niet; voorbeelden: sinds=4h, sinds=gisteren.",
        "en": "I do not understand since=; examples: since=4h, since=yesterday.",
    },
    "picture.unknown_category": {
        "nl": "Onbekende categorie '{category}'.",
        "en": "Unknown category '{category}'.",
    },
}
