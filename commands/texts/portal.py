"""Texts of `commands/portal.py` and the web portal (bot/web/), in Dutch and English."""

from __future__ import annotations

from commands.texts import Entries

TEXTS: Entries = {
    "portal.links_revoked_member_left": {
        "nl": "Een lid heeft deze kamer verlaten, dus de portaallinks van deze kamer werken"
        " niet meer ({count} ingetrokken). Nog nodig? Vraag een nieuwe met {prefix}portaal.",
        "en": "A member left this room, so this room's portal links no longer work"
        " ({count} revoked). Still needed? Ask for a new one with {prefix}portal.",
    },
    "portal.link": {
        "nl": "Je persoonlijke link naar het beeld van deze kamer (alleen-lezen, geldig tot "
        "{until}): {url}\nDe pagina toont precies wat deze kamer mag zien. Deel de link niet; "
        "elk bezoek wordt op jouw naam vastgelegd. Intrekken: {prefix}portaal intrekken",
        "en": "Your personal link to this room's picture (read-only, valid until {until}): "
        "{url}\nThe page shows exactly what this room may see. Do not share the link; every "
        "visit is recorded under your name. Revoke: {prefix}portal revoke",
    },
    "portal.revoked": {
        "nl": "{count} link(s) van jou voor deze kamer ingetrokken.",
        "en": "Revoked {count} link(s) of yours for this room.",
    },
    "portal.bad_word": {
        "nl": "Onbekend: '{word}'. Gebruik {prefix}portaal of {prefix}portaal intrekken.",
        "en": "Unknown: '{word}'. Use {prefix}portal or {prefix}portal revoke.",
    },
    "portal.not_served": {
        "nl": "Het portaal is niet beschikbaar: deze bot heeft geen webserver aan "
        "(http_listen staat uit). Vraag de beheerder om het aan te zetten.",
        "en": "The portal is not available: this bot runs no web server (http_listen is "
        "off). Ask the operator to switch it on.",
    },
    "portal.needs_binding": {
        "nl": "het portaal werkt alleen in een kamer die aan een incident gekoppeld is.",
        "en": "the portal works only in a room bound to an incident.",
    },
    # The web pages.
    "portal.change.new": {"nl": "nieuw", "en": "new"},
    "portal.change.updated": {"nl": "bijgewerkt", "en": "updated"},
    "portal.change.resolved": {"nl": "opgelost", "en": "resolved"},
    "portal.change.retracted": {"nl": "ingetrokken", "en": "retracted"},
    "portal.page_title": {"nl": "Situatiebeeld", "en": "Situation picture"},
    "portal.phase": {"nl": "fase", "en": "phase"},
    "portal.period": {"nl": "Periode", "en": "Period"},
    "portal.start": {"nl": "begin incident", "en": "start of incident"},
    "portal.entry": {"nl": "melding", "en": "entry"},
    "portal.entries": {"nl": "meldingen", "en": "entries"},
    "portal.generated": {"nl": "Bijgewerkt", "en": "Updated"},
    "portal.view_of": {
        "nl": "Wat de kamer {room} mag zien (TLP-toegang {clearance}).",
        "en": "What the room {room} may see (TLP clearance {clearance}).",
    },
    "portal.attention": {
        "nl": "Aandacht: ernstig of extreem",
        "en": "Attention: severe or extreme",
    },
    "portal.latest": {"nl": "Laatste stand per categorie", "en": "Latest state per category"},
    "portal.figures": {
        "nl": "Cijfers per regio (laatste waarde per bron, opgeteld)",
        "en": "Figures per region (latest value per source, summed)",
    },
    "portal.chart_alt": {
        "nl": "Grafiek van {metric} per regio in de tijd; de tabel erboven geeft de laatste waarden.",
        "en": "Chart of {metric} per region over time; the table above gives the latest values.",
    },
    "portal.changes": {"nl": "Wat is er veranderd", "en": "What changed"},
    "portal.changes_since": {"nl": "Gewijzigd sinds {since}", "en": "Changed since {since}"},
    "portal.since_label": {"nl": "Wijzigingen sinds", "en": "Changes since"},
    "portal.show": {"nl": "Toon", "en": "Show"},
    "portal.nothing": {"nl": "niets", "en": "nothing"},
    "portal.questions": {"nl": "Open vragen", "en": "Open questions"},
    "portal.no_entries": {
        "nl": "Geen meldingen (die deze kamer mag zien).",
        "en": "No entries (that this room may see).",
    },
    "portal.print": {"nl": "Afdrukversie", "en": "Printable version"},
    "portal.back": {"nl": "Terug naar het beeld", "en": "Back to the picture"},
    "portal.revisions": {"nl": "Versies", "en": "Revisions"},
    "portal.withdrawn": {"nl": "teruggedraaid", "en": "withdrawn"},
    "portal.live": {
        "nl": "Deze pagina ververst zichzelf als het beeld verandert.",
        "en": "This page refreshes itself when the picture changes.",
    },
    "portal.col.code": {"nl": "Nr", "en": "No"},
    "portal.col.organisation": {"nl": "Organisatie", "en": "Organisation"},
    "portal.col.place": {"nl": "Plaats", "en": "Place"},
    "portal.col.severity": {"nl": "Ernst", "en": "Severity"},
    "portal.col.status": {"nl": "Status", "en": "Status"},
    "portal.col.time": {"nl": "Tijd", "en": "Time"},
    "portal.col.text": {"nl": "Tekst", "en": "Text"},
    "portal.col.category": {"nl": "Categorie", "en": "Category"},
    "portal.col.figure": {"nl": "Cijfer", "en": "Figure"},
    "portal.col.region": {"nl": "Regio", "en": "Region"},
    "portal.col.total": {"nl": "Totaal", "en": "Total"},
    "portal.col.sources": {"nl": "Bronnen", "en": "Sources"},
    "portal.col.oldest": {"nl": "Oudste", "en": "Oldest"},
    "portal.col.kind": {"nl": "Soort", "en": "Kind"},
    "portal.col.revision": {"nl": "Versie", "en": "Revision"},
    "portal.stale": {"nl": "verouderd", "en": "stale"},
    "portal.forbidden": {
        "nl": "Deze link is onbekend, verlopen of ingetrokken. Vraag een nieuwe met {prefix}portaal.",
        "en": "This link is unknown, expired or revoked. Ask for a new one with {prefix}portal.",
    },
    "portal.too_many": {
        "nl": "Te veel ongeldige pogingen; probeer het later opnieuw.",
        "en": "Too many invalid attempts; try again later.",
    },
    "portal.not_found": {"nl": "Niet gevonden.", "en": "Not found."},
    "portal.busy": {
        "nl": "De toegang van deze kamer verandert net; laad de pagina zo opnieuw.",
        "en": "This room's access is changing right now; load the page again shortly.",
    },
}
