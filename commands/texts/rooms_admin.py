"""Texts of `commands/rooms_admin.py`, in Dutch and English."""

from __future__ import annotations

from commands.texts import Entries

TEXTS: Entries = {
    "rooms_admin.inactive": {
        "nl": " (inactief)",
        "en": " (inactive)",
    },
    "rooms_admin.organisations": {
        "nl": "Organisaties:",
        "en": "Organisations:",
    },
    "rooms_admin.role": {
        "nl": "rol",
        "en": "role",
    },
    "rooms_admin.usage_room_bind_unbind": {
        "nl": "Gebruik: {prefix}kamer koppel|ontkoppel|toon|lijst",
        "en": "Usage: {prefix}room bind|unbind|show|list",
    },
    "rooms_admin.unknown_option": {
        "nl": "Onbekende optie: {value}=",
        "en": "Unknown option: {value}=",
    },
    "rooms_admin.give_role_role_liaison": {
        "nl": "Geef een rol: rol=liaison|coordinator|municipality|curator",
        "en": "Give a role: role=liaison|coordinator|municipality|curator",
    },
    "rooms_admin.tlp_labels_clear_green": {
        "nl": "TLP-labels: clear, green, amber, amber+strict, red.",
        "en": "TLP labels: clear, green, amber, amber+strict, red.",
    },
    "rooms_admin.org_name_too_long": {
        "nl": "Die organisatienaam is te lang (hoogstens {limit} tekens); er is niets opgeslagen.",
        "en": "That organisation name is too long (at most {limit} characters); nothing stored.",
    },
    "rooms_admin.room_bound": {
        "nl": "Kamer gekoppeld: ",
        "en": "Room bound: ",
    },
    "rooms_admin.this_room_not_bound": {
        "nl": "Deze kamer is niet gekoppeld.",
        "en": "This room is not bound.",
    },
    "rooms_admin.no_rooms_bound_yet": {
        "nl": "Nog geen gekoppelde kamers.",
        "en": "No rooms bound yet.",
    },
    "rooms_admin.unknown_incident_open_it": {
        "nl": "Onbekend incident: {incident}. Open het eerst met {prefix}incident open.",
        "en": "Unknown incident: {incident}. Open it first with {prefix}incident open.",
    },
    "rooms_admin.no_organisations_yet": {
        "nl": "Nog geen organisaties.",
        "en": "No organisations yet.",
    },
    "rooms_admin.kinds_emergency_service_infrastructure": {
        "nl": "Soorten: hulpdienst, infrabeheerder, dienstverlener, incidentele-partner, overheid.",
        "en": "Kinds: emergency-service, infrastructure-operator, service-provider, incidental-partner, government.",
    },
    "rooms_admin.unbound": {
        "nl": "Kamer ontkoppeld.",
        "en": "Room unbound.",
    },
    "rooms_admin.was_not_bound": {
        "nl": "Deze kamer was niet gekoppeld.",
        "en": "This room was not bound.",
    },
}
