"""Texts of `commands/closed_incident.py` (reports into a closed incident), in Dutch
and English."""

from __future__ import annotations

from commands.texts import Entries

TEXTS: Entries = {
    "closed.report_warning": {
        "nl": "Let op: incident {slug} is gesloten. De melding is wel vastgelegd bij {slug} "
        "en de coördinatoren van {slug} zijn ingelicht. Een coördinator kan het incident "
        "heropenen met {prefix}incident heropen {slug}; hoort deze kamer nu bij een ander "
        "incident, dan koppelt een beheerder haar opnieuw ({prefix}kamer bind incident=…).",
        "en": "Note: incident {slug} is closed. The report is recorded under {slug} all "
        "the same and its coordinators have been told. A coordinator can reopen the "
        "incident with {prefix}incident reopen {slug}; if this room now belongs to "
        "another incident, an admin binds it anew ({prefix}room bind incident=…).",
    },
    "closed.alert_note": {
        "nl": "Incident {slug} is gesloten; heropenen: {prefix}incident heropen {slug}.",
        "en": "Incident {slug} is closed; to reopen it: {prefix}incident reopen {slug}.",
    },
    "closed.coordinator_notice": {
        "nl": "TLP:{label} — Melding {code} ({category}, {org}) kwam binnen in het gesloten "
        "incident {slug}. Bekijken: {prefix}meldingen incident={slug}; heropenen: "
        "{prefix}incident heropen {slug}.",
        "en": "TLP:{label} — Report {code} ({category}, {org}) came in for the closed "
        "incident {slug}. To see it: {prefix}entries incident={slug}; to reopen: "
        "{prefix}incident reopen {slug}.",
    },
}
