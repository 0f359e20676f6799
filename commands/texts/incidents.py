"""Texts of `commands/incidents.py`, in Dutch and English."""

from __future__ import annotations

from commands.texts import Entries

TEXTS: Entries = {
    "incidents.incidents": {
        "nl": "Incidenten:",
        "en": "Incidents:",
    },
    "incidents.incident_closed": {
        "nl": "Incident {slug} gesloten.",
        "en": "Incident {slug} closed.",
    },
    "incidents.subscriptions_pause": {
        "nl": (
            "{count} abonnement(en) op het beeld van {slug} krijgen nog één laatste beeld,"
            " gemarkeerd als gesloten, en pauzeren dan tot {prefix}incident heropen {slug}."
        ),
        "en": (
            "{count} subscription(s) to the picture of {slug} get one last picture, marked"
            " closed, and then pause until {prefix}incident reopen {slug}."
        ),
    },
    "incidents.subscriptions_resume": {
        "nl": "{count} abonnement(en) op het beeld van {slug} lopen weer vanaf het volgende tijdstip.",
        "en": "{count} subscription(s) to the picture of {slug} resume at their next time.",
    },
    "incidents.incident_reopened": {
        "nl": "Incident {slug} heropend.",
        "en": "Incident {slug} reopened.",
    },
    "incidents.incident_already_open": {
        "nl": "Incident {slug} is al open.",
        "en": "Incident {slug} is already open.",
    },
    "incidents.there_are_no_incidents": {
        "nl": "Er zijn nog geen incidenten.",
        "en": "There are no incidents yet.",
    },
    "incidents.usage_incident_open_slug": {
        "nl": "Gebruik: {prefix}incident open <naam> <titel> [oefening=ja] | fase <naam> koud|lauw|warm|na | sluit <naam> | heropen <naam> | lijst",
        "en": "Usage: {prefix}incident open <slug> <title> [exercise=yes] | phase <slug> cold|lukewarm|warm|after | close <slug> | reopen <slug> | list",
    },
    "incidents.incident_opened_phase_cold": {
        "nl": "Incident {slug} geopend: {title} (fase koud).",
        "en": "Incident {slug} opened: {title} (phase cold).",
    },
    "incidents.exercise_opened": {
        "nl": "Oefenincident {slug} geopend: {title} (fase koud). Alles wat erbij hoort begint met OEFENING en blijft gescheiden van echte incidenten.",
        "en": "Exercise incident {slug} opened: {title} (phase cold). Everything that belongs to it starts with OEFENING and stays apart from real incidents.",
    },
    "incidents.unknown_option_open": {
        "nl": "Onbekende optie {option}=. Bij openen kan alleen oefening=ja.",
        "en": "Unknown option {option}=. Opening takes only exercise=yes.",
    },
    "incidents.unknown_incident": {
        "nl": "Onbekend incident: {slug}.",
        "en": "Unknown incident: {slug}.",
    },
    "incidents.incident_phase": {
        "nl": "Incident {slug}: fase {phase}.",
        "en": "Incident {slug}: phase {phase}.",
    },
    "incidents.give_short_slug_lower": {
        "nl": "Geef een korte naam (kleine letters, cijfers, streepjes) en een titel: {prefix}incident open hoogwater-ijssel Hoogwater IJssel",
        "en": "Give a short slug (lower case, digits, dashes) and a title: {prefix}incident open flood-ijssel Flooding IJssel",
    },
    "incidents.incident_already_exists": {
        "nl": "Incident {slug} bestaat al.",
        "en": "Incident {slug} already exists.",
    },
    "incidents.choose_phase_cold_lukewarm": {
        "nl": "Kies een fase: koud, lauw, warm of na.",
        "en": "Choose a phase: cold, lukewarm, warm or after.",
    },
    "incidents.phase": {
        "nl": "fase",
        "en": "phase",
    },
    "incidents.not_allowed_here": {
        "nl": "Dat mag hier niet: {reason}",
        "en": "Not allowed here: {reason}",
    },
    "incidents.state_open": {
        "nl": "open",
        "en": "open",
    },
    "incidents.state_closed": {
        "nl": "gesloten",
        "en": "closed",
    },
}
