"""Texts of `commands/closed_incident.py` (reports into a closed incident), in Dutch
and English."""

from __future__ import annotations

from commands.texts import Entries

TEXTS: Entries = {
    "closed.report_warning": {
        "nl": "Let op: incident {slug} is gesloten. De melding is wel vastgelegd bij {slug}; "
        "{told} Een coördinator kan het incident heropenen met {prefix}incident heropen "
        "{slug}; hoort deze kamer nu bij een ander incident, dan koppelt een beheerder "
        "haar opnieuw ({prefix}kamer bind incident=…).",
        "en": "Note: incident {slug} is closed. The report is recorded under {slug} all "
        "the same; {told} A coordinator can reopen the incident with {prefix}incident "
        "reopen {slug}; if this room now belongs to another incident, an admin binds it "
        "anew ({prefix}room bind incident=…).",
    },
    # An edit of a report in the closed incident: kept; a severe one alerts as a new
    # report does (with `closed.alert_note`); no notice for other edits (the
    # coordinators heard of the report when it came in).
    "closed.edit_warning": {
        "nl": "Let op: incident {slug} is gesloten. De wijziging is wel vastgelegd bij {slug}."
        " Een coördinator kan het incident heropenen met {prefix}incident heropen {slug}.",
        "en": "Note: incident {slug} is closed. The change is recorded under {slug} all the"
        " same. A coordinator can reopen the incident with {prefix}incident reopen {slug}.",
    },
    "closed.told": {
        "nl": "de coördinatoren van {slug} zijn ingelicht.",
        "en": "the coordinators of {slug} have been told.",
    },
    # A severe report no coordinator room of the closed incident saw: alerted in the
    # coordinator rooms of the open incidents that may see it.
    "closed.told_elsewhere": {
        "nl": "geen coördinatiekamer van {slug} mag hem zien, dus de coördinatiekamers van "
        "de open incidenten die hem mogen zien zijn gewaarschuwd.",
        "en": "no coordinator room of {slug} may see it, so the coordinator rooms of the "
        "open incidents that may see it have been alerted.",
    },
    # No coordinator room of the incident may see it (or there is none): never claim
    # they know, as `reports.warning_no_coordinator_sees` does for a severe report.
    "closed.not_told": {
        "nl": "de coördinatoren zijn niet ingelicht (geen coördinatiekamer van {slug} mag "
        "hem zien): waarschuw ze zo nodig op een andere manier.",
        "en": "its coordinators have not been told (no coordinator room of {slug} may see "
        "it): warn them another way if need be.",
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
