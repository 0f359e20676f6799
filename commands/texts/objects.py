"""Texts of `commands/objects.py`, in Dutch and English."""

from __future__ import annotations

from commands.texts import Entries

TEXTS: Entries = {
    "objects.stale_expired": {
        "nl": "⚠ verouderd: geldig tot {until}",
        "en": "⚠ stale: valid until {until}",
    },
    "objects.stale_old": {
        "nl": "⚠ verouderd: bijgewerkt {updated}, verversing beloofd elke {days} dagen",
        "en": "⚠ stale: updated {updated}, refresh promised every {days} days",
    },
    "objects.place": {
        "nl": "Plaats",
        "en": "Place",
    },
    "objects.also_known_as": {
        "nl": "Ook bekend als",
        "en": "Also known as",
    },
    "objects.coordinates": {
        "nl": "Coördinaten",
        "en": "Coordinates",
    },
    "objects.facts": {
        "nl": "Feiten:",
        "en": "Facts:",
    },
    "objects.source": {
        "nl": "Bron",
        "en": "Source",
    },
    "objects.owner": {
        "nl": "Eigenaar",
        "en": "Owner",
    },
    "objects.updated": {
        "nl": "Bijgewerkt",
        "en": "Updated",
    },
    "objects.valid_until": {
        "nl": "Geldig tot",
        "en": "Valid until",
    },
    "objects.coordination_room": {
        "nl": "de coördinatiekamer ({org}, {room_id})",
        "en": "the coordination room ({org}, {room_id})",
    },
    "objects.hidden": {
        "nl": "Over “{said}” is objectinformatie aanwezig (TLP:{tlp}) die deze kamer niet "
        "mag zien. Vraag ernaar bij {where}.",
        "en": "Object information about “{said}” exists (TLP:{tlp}) that this room may "
        "not see. Ask {where}.",
    },
    "objects.not_found": {
        "nl": "Geen object gevonden voor “{said}”. Zoek per gemeente met {prefix}objecten <gemeente>.",
        "en": "No object found for “{said}”. List by municipality with {prefix}objects <municipality>.",
    },
    "objects.usage": {
        "nl": "Gebruik: {usage}",
        "en": "Usage: {usage}",
    },
    "objects.several": {
        "nl": "Meerdere objecten voor “{said}”:",
        "en": "Several objects for “{said}”:",
    },
    "objects.objects": {
        "nl": "objecten",
        "en": "objects",
    },
    "objects.with_fact": {
        "nl": "{what} met {label}",
        "en": "{what} with {label}",
    },
    "objects.without_fact": {
        "nl": "{what} zonder {label}",
        "en": "{what} without {label}",
    },
    "objects.fact_unknown": {
        "nl": "{label} onbekend (niet meegeteld): {count}",
        "en": "{label} unknown (not counted): {count}",
    },
    "objects.list_head": {
        "nl": "TLP:{banner} — {what} in {name}: {count}",
        "en": "TLP:{banner} — {what} in {name}: {count}",
    },
    "objects.more": {
        "nl": "… en nog {count}.",
        "en": "… and {count} more.",
    },
    "objects.more_hidden": {
        "nl": "Er is meer objectinformatie die deze kamer niet mag zien; vraag ernaar bij de "
        "coördinatiekamer of de eigenaar: {owners}.",
        "en": "More object information exists that this room may not see; ask the coordination "
        "room or the owner: {owners}.",
    },
    "objects.none_known": {
        "nl": "Geen objecten bekend.",
        "en": "No objects known.",
    },
    "objects.name_the_report": {
        "nl": "Geef de melding: antwoord op de bevestiging met {prefix}object los, of "
        "{prefix}object los M-<nummer> [object-id]. Dat kan in de kamer van de melding.",
        "en": "Name the report: reply to the confirmation with {prefix}object unlink, or "
        "{prefix}object unlink M-<number> [object-id]. This works in the report's room.",
    },
    "objects.no_such_link": {
        "nl": "{code} heeft zo'n objectkoppeling niet.",
        "en": "{code} has no such object link.",
    },
    "objects.link_removed": {
        "nl": "Koppeling verwijderd: {code} ({removed}).",
        "en": "Link removed: {code} ({removed}).",
    },
    "objects.known_object": {
        "nl": "Bekend object",
        "en": "Known object",
    },
    "objects.known_object_hidden": {
        "nl": "Bekend object: er is informatie (TLP:{tlp}); vraag ernaar bij {where}.",
        "en": "Known object: information exists (TLP:{tlp}); ask {where}.",
    },
    "objects.elsewhere": {
        "nl": "Niet gekoppeld: object '{name}' is bekend in {municipality}, de melding noemt "
        "{here}. Gaat het om dat object, zet dan gemeente: {municipality} in de melding.",
        "en": "Not linked: object '{name}' is known in {municipality}, the report names "
        "{here}. If it is about that object, put municipality: {municipality} in the report.",
    },
    "objects.wrong_link": {
        "nl": "Verkeerde koppeling? Antwoord met {prefix}object los.",
        "en": "Wrong link? Reply with {prefix}object unlink.",
    },
    "objects.involved": {
        "nl": "Betrokken objecten",
        "en": "Objects involved",
    },
}
