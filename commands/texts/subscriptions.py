"""Texts of `commands/subscriptions.py`, in Dutch and English."""

from __future__ import annotations

from commands.texts import Entries

TEXTS: Entries = {
    "subscriptions.closed_pause": {
        "nl": (
            "Incident {slug} is gesloten: dit is het laatste geplande beeld. Geplande beelden"
            " pauzeren tot {prefix}incident heropen {slug}."
        ),
        "en": (
            "Incident {slug} is closed: this is the last scheduled picture. Scheduled pictures"
            " pause until {prefix}incident reopen {slug}."
        ),
    },
    "subscriptions.closed_now": {
        "nl": "Let op: incident {slug} is gesloten. Je krijgt één laatste beeld; daarna "
        "pauzeren de geplande beelden tot {prefix}incident heropen {slug}.",
        "en": "Note: incident {slug} is closed. You get one last picture; then scheduled "
        "pictures pause until {prefix}incident reopen {slug}.",
    },
    "subscriptions.usage_subscribe_summary_every": {
        "nl": "Gebruik: {prefix}abonneer beeld elke 4h [om 08:00]",
        "en": "Usage: {prefix}subscribe summary every 4h [at 08:00]",
    },
    "subscriptions.subscriptions": {
        "nl": "Abonnementen:",
        "en": "Subscriptions:",
    },
    "subscriptions.subscription_situation_picture_every": {
        "nl": "Abonnement {id}: situatiebeeld {incident} elke {interval}, eerste om {next_due_at}.",
        "en": "Subscription {id}: situation picture of {incident} every {interval}, first at {next_due_at}.",
    },
    "subscriptions.stopped": {
        "nl": "Opgezegd: {ids}.",
        "en": "Stopped: {ids}.",
    },
    "subscriptions.unknown_numbers": {
        "nl": "Geen abonnement van deze kamer: {ids} (de nummers: {prefix}abonnementen).",
        "en": "No subscription of this room: {ids} (the numbers: {prefix}subscriptions).",
    },
    "subscriptions.this_room_not_bound": {
        "nl": "Deze kamer is niet aan een incident gekoppeld.",
        "en": "This room is not bound to an incident.",
    },
    "subscriptions.not_a_picture_room": {
        "nl": (
            "Geen abonnement: het situatiebeeld wordt alleen in coördinatiekamers (en"
            " curatorkamers) gepost, en deze kamer heeft rol {role}."
        ),
        "en": (
            "No subscription: the situation picture is posted in coordination rooms (and"
            " curator rooms) only, and this room's role is {role}."
        ),
    },
    "subscriptions.no_subscriptions_this_room": {
        "nl": "Geen abonnementen in deze kamer.",
        "en": "No subscriptions in this room.",
    },
    "subscriptions.no_subscription_stop": {
        "nl": "Geen abonnement om op te zeggen.",
        "en": "No subscription to stop.",
    },
    "subscriptions.bad_time": {
        "nl": " (na 'om' een tijd als 08:00, niet '{word}')",
        "en": " (after 'at' a time such as 08:00, not '{word}')",
    },
    "subscriptions.twice": {
        "nl": " (twee keer een interval of tijd, bij '{word}': noem er één)",
        "en": " (an interval or time given twice, at '{word}': give one)",
    },
    "subscriptions.resting_unbound": {
        "nl": (
            "Abonnement {id} (situatiebeeld {incident}) rust: deze kamer is niet meer aan een"
            " incident gekoppeld. Het gaat verder als de kamer weer aan {incident} gekoppeld"
            " wordt. Opzeggen: {prefix}opzeggen {id}."
        ),
        "en": (
            "Subscription {id} (situation picture of {incident}) is resting: this room is no"
            " longer bound to an incident. It resumes when the room is bound to {incident}"
            " again. To stop it: {prefix}unsubscribe {id}."
        ),
    },
    "subscriptions.resting_role": {
        "nl": (
            "Abonnement {id} (situatiebeeld {incident}) rust: deze kamer is geen"
            " coördinatiekamer meer (rol {role}), en het situatiebeeld is voor coördinatoren."
            " Het gaat verder als de kamer weer coördinatiekamer wordt. Opzeggen:"
            " {prefix}opzeggen {id}."
        ),
        "en": (
            "Subscription {id} (situation picture of {incident}) is resting: this room is no"
            " longer a coordinator room (role {role}), and the picture is for coordinators."
            " It resumes when the room is a coordinator room again. To stop it:"
            " {prefix}unsubscribe {id}."
        ),
    },
    "subscriptions.unknown_word": {
        "nl": " (onbekend woord '{word}'; een abonnement geldt het incident van deze kamer)",
        "en": " (unknown word '{word}'; a subscription is for this room's incident)",
    },
    "subscriptions.resting": {
        "nl": (
            "Abonnement {id} (situatiebeeld {incident}) rust: deze kamer is nu aan een "
            "ander incident gekoppeld. Het gaat verder als de kamer weer aan {incident} "
            "gekoppeld wordt. Opzeggen: {prefix}opzeggen {id}; een nieuw abonnement: "
            "{prefix}abonneer beeld elke 4h."
        ),
        "en": (
            "Subscription {id} (situation picture of {incident}) is resting: this room is "
            "now bound to another incident. It resumes when the room is bound to {incident} "
            "again. To stop it: {prefix}unsubscribe {id}; a new subscription: "
            "{prefix}subscribe summary every 4h."
        ),
    },
    "subscriptions.not_a_number": {
        "nl": (
            "Niets opgezegd: '{word}' is geen abonnementsnummer. Gebruik: "
            "{prefix}opzeggen [nummer] (zonder nummer: alle); de nummers: {prefix}abonnementen."
        ),
        "en": (
            "Nothing stopped: '{word}' is not a subscription number. Usage: "
            "{prefix}unsubscribe [number] (without a number: all); the numbers: "
            "{prefix}subscriptions."
        ),
    },
    "subscriptions.exists": {
        "nl": "Dit abonnement bestaat al: nummer {id} ({prefix}abonnementen).",
        "en": "This subscription exists already: number {id} ({prefix}subscriptions).",
    },
    "subscriptions.too_many": {
        "nl": (
            "Niet gemaakt: deze kamer heeft al {limit} abonnementen. Zeg er eerst een op "
            "({prefix}abonnementen, {prefix}opzeggen [nummer])."
        ),
        "en": (
            "Not made: this room has {limit} subscriptions already. Stop one first "
            "({prefix}subscriptions, {prefix}unsubscribe [number])."
        ),
    },
    "subscriptions.between_1m_7d": {
        "nl": " (tussen 1m en 7d)",
        "en": " (between 1m and 7d)",
    },
    "subscriptions.every": {
        "nl": "elke",
        "en": "every",
    },
    "subscriptions.next": {
        "nl": "volgende",
        "en": "next",
    },
}
