"""Texts of `commands/reports.py`, in Dutch and English."""

from __future__ import annotations

from commands.texts import Entries

TEXTS: Entries = {
    "reports.report_updated_revision": {
        "nl": "Melding {code} bijgewerkt (revisie {revision})",
        "en": "Report {code} updated (revision {revision})",
    },
    "reports.nothing_was_stored_example": {
        "nl": "Er is niets opgeslagen. Voorbeeld: {prefix}hulp melding",
        "en": "Nothing was stored. Example: {prefix}help report",
    },
    "reports.unknown": {
        "nl": "onbekend",
        "en": "unknown",
    },
    "reports.warning_this_room_public": {
        "nl": "⚠ Let op: deze kamer is openbaar, maar de melding is TLP:{label}.",
        "en": "⚠ Warning: this room is public, but the report is TLP:{label}.",
    },
    "reports.warning_this_room_not": {
        "nl": "⚠ Let op: deze kamer is niet versleuteld, maar de melding is TLP:{label}.",
        "en": "⚠ Warning: this room is not encrypted, but the report is TLP:{label}.",
    },
    "reports.warning_no_coordinator_sees": {
        "nl": (
            "⚠ Let op: geen coördinatiekamer van dit incident mag een TLP:{label}-melding"
            " zien, dus de coördinatoren zijn niet gewaarschuwd voor deze ernstige melding."
            " Waarschuw ze zelf, of verlaag het label als dat mag."
        ),
        "en": (
            "⚠ Warning: no coordinator room of this incident may see a TLP:{label} report,"
            " so the coordinators have not been alerted to this severe report. Tell them"
            " yourself, or lower the label if you may."
        ),
    },
    "reports.warning_coordinators_only_heard": {
        "nl": (
            "⚠ Let op: geen coördinatiekamer van dit incident mag een TLP:{label}-melding"
            " zien. Zij hebben alleen gehoord dat er een ernstige melding is (met het"
            " nummer), niet wat erin staat. Deel zelf wat zij mogen weten, of verlaag het"
            " label als dat mag."
        ),
        "en": (
            "⚠ Warning: no coordinator room of this incident may see a TLP:{label} report."
            " They have only been told that a severe report exists (with its number), not"
            " what it says. Share what they may know yourself, or lower the label if you may."
        ),
    },
    "reports.warning_no_coordinator_room": {
        "nl": (
            "⚠ Let op: dit incident heeft geen coördinatiekamer, dus niemand is"
            " gewaarschuwd voor deze ernstige melding. Waarschuw de coördinatoren zelf."
        ),
        "en": (
            "⚠ Warning: this incident has no coordinator room, so no one has been alerted"
            " to this severe report. Tell the coordinators yourself."
        ),
    },
    "reports.report_recorded": {
        "nl": "Melding {code} vastgelegd",
        "en": "Report {code} recorded",
    },
    "reports.unknown_option_filters_incident": {
        "nl": "Onbekende optie {value}=. Filters: incident= categorie= org= gemeente= sinds=",
        "en": "Unknown option {value}=. Filters: incident= category= org= municipality= since=",
    },
    "reports.unknown_category": {
        "nl": "Onbekende categorie '{shorten}'.",
        "en": "Unknown category '{shorten}'.",
    },
    "reports.i_do_not_understand": {
        "nl": "sinds= begrijp ik niet; voorbeelden: sinds=4h, sinds=30m, sinds=gisteren, sinds=08:00.",
        "en": "I do not understand since=; examples: since=4h, since=30m, since=yesterday, since=08:00.",
    },
    "reports.this_room_not_bound": {
        "nl": "Deze kamer is niet aan een incident gekoppeld; noem het met 'incident: <naam>'.",
        "en": "This room is not bound to an incident; name it with 'incident: <slug>'.",
    },
    "reports.region_unknown": {
        "nl": " (regio onbekend)",
        "en": " (region unknown)",
    },
    "reports.edit_removed_back_revision": {
        "nl": "Bewerking van {code} verwijderd; terug naar revisie {revision}.",
        "en": "Edit of {code} removed; back to revision {revision}.",
    },
    "reports.more_entries_page": {
        "nl": "Meer: {prefix}meldingen pagina={value}",
        "en": "More: {prefix}entries page={value}",
    },
    "reports.room_replaced": {
        "nl": "Deze kamer is vervangen door {new}: de melding telt, maar ga daar verder.",
        "en": "This room was replaced by {new}: the report counts, but carry on there.",
    },
    "reports.no_category": {
        "nl": "Geen categorie genoemd: vastgelegd als overig. Bewerk je bericht met de categorie"
        " erin ({categories}), bijv. {prefix}melding evacuatie.",
        "en": "No category given: recorded as other. Edit your message with the category in it"
        " ({categories}), e.g. {prefix}report evacuation.",
    },
    "reports.unknown_closed_incident": {
        "nl": "Onbekend of gesloten incident '{incident}'.",
        "en": "Unknown or closed incident '{incident}'.",
    },
    "reports.organisation": {
        "nl": "Organisatie",
        "en": "Organisation",
    },
    "reports.place": {
        "nl": "Plaats",
        "en": "Place",
    },
    "reports.time": {
        "nl": "Tijd",
        "en": "Time",
    },
    "reports.severity": {
        "nl": "Ernst",
        "en": "Severity",
    },
    "reports.only_reporter_can_change": {
        "nl": "Alleen de melder kan {code} wijzigen.",
        "en": "Only the reporter can change {code}.",
    },
    "reports.was_retracted_not_changed": {
        "nl": "{code} is ingetrokken en wordt niet meer gewijzigd.",
        "en": "{code} was retracted and is not changed any more.",
    },
    "reports.report_retracted": {
        "nl": "Melding {code} ingetrokken.",
        "en": "Report {code} retracted.",
    },
    "reports.no_entries_found_that": {
        "nl": "Geen meldingen gevonden (die deze kamer mag zien).",
        "en": "No entries found (that this room may see).",
    },
    "reports.entries": {
        "nl": "Meldingen",
        "en": "Entries",
    },
    "reports.page": {
        "nl": "pagina",
        "en": "page",
    },
    "reports.figures": {
        "nl": "Cijfers",
        "en": "Figures",
    },
    "reports.text": {
        "nl": "Tekst",
        "en": "Text",
    },
    "reports.source": {
        "nl": "Bron",
        "en": "Source",
    },
    "reports.category": {
        "nl": "Categorie",
        "en": "Category",
    },
    "reports.sector": {
        "nl": "Sector",
        "en": "Sector",
    },
    "reports.changed": {
        "nl": "Gewijzigd:",
        "en": "Changed:",
    },
    "reports.unchanged": {
        "nl": "Niets gewijzigd.",
        "en": "Nothing changed.",
    },
    "reports.nothing": {
        "nl": "(leeg)",
        "en": "(empty)",
    },
    "reports.message_no_longer_report": {
        "nl": "Het bericht is geen melding meer.",
        "en": "The message is no longer a report.",
    },
    "reports.not_followed_retracted": {
        "nl": (
            "⚠ Let op: dit is geen vervolg op {code}: die melding is ingetrokken. Deze"
            " melding is een nieuw item."
        ),
        "en": (
            "⚠ Warning: this is no follow-up of {code}: that report was retracted. This"
            " report is a new item."
        ),
    },
    "reports.not_followed_incident": {
        "nl": (
            "⚠ Let op: dit is geen vervolg op {code}: die hoort bij incident {incident}, en"
            " deze kamer meldt nu voor {current}. Deze melding is een nieuw item."
        ),
        "en": (
            "⚠ Warning: this is no follow-up of {code}: it belongs to incident {incident},"
            " and this room now reports for {current}. This report is a new item."
        ),
    },
    "reports.follow_up_label_below_item": {
        "nl": (
            "Dit item staat op TLP:{item}. Een vervolg zonder 'ernst:' neemt de ernst"
            " daarvan over en kan dan niet TLP:{label} zijn. Geef 'ernst:' zelf, of laat"
            " 'tlp:' weg."
        ),
        "en": (
            "This item is TLP:{item}. A follow-up without 'severity:' takes its severity"
            " from it and cannot then be TLP:{label}. Give 'severity:' yourself, or leave"
            " out 'tlp:'."
        ),
    },
    "reports.follow_up_figures_without_place": {
        "nl": (
            "Dit item staat op TLP:{item}. Een vervolg op TLP:{label} krijgt de plaats"
            " daarvan niet mee, en zijn cijfers zouden zonder plaats los naast die van het"
            " item tellen. Noem de plaats zelf ('gemeente:'), of geef 'tlp: {item}'."
        ),
        "en": (
            "This item is TLP:{item}. A TLP:{label} follow-up does not take its place, and"
            " its figures would count without a place beside the item's. Name the place"
            " yourself ('municipality:'), or give 'tlp: {item}'."
        ),
    },
    "reports.warning_observed_before_item": {
        "nl": (
            "⚠ Let op: {code} is later waargenomen ({time}) en blijft de actuele stand van"
            " dit item; deze melding telt als een eerdere waarneming. Klopt de tijd niet,"
            " pas dan 'tijd:' aan."
        ),
        "en": (
            "⚠ Warning: {code} was observed later ({time}) and remains this item's current"
            " state; this report counts as an earlier observation. If the time is wrong,"
            " edit 'time:'."
        ),
    },
    "reports.alert_item_open_again": {
        "nl": (
            "Opnieuw: dit item is weer open. De melding die het als opgelost of minder"
            " ernstig meldde, telt niet meer (verwijderd of naar een ander item verplaatst)."
        ),
        "en": (
            "Again: this item is open again. The report that marked it resolved or less"
            " severe no longer counts (deleted or moved to another item)."
        ),
    },
    # The redacted alert of a coordinator room that may only hear of the report
    # (`reports._heard_alert`): no words, figures, place or label of it.
    "reports.alert_heard_head": {
        "nl": "⚠ {severity} melding {code} in incident {incident}",
        "en": "⚠ {severity} report {code} in incident {incident}",
    },
    "reports.alert_heard_own": {
        "nl": "Van {organisation}, de organisatie van deze kamer.",
        "en": "From {organisation}, this room's organisation.",
    },
    "reports.alert_heard_body": {
        "nl": (
            "Wat erin staat valt boven de rubricering van deze kamer en staat daarom niet in"
            " jullie beeld. Vraag een coördinator met een hogere rubricering wat jullie"
            " ervan mogen weten, of laat de beheerder de rubricering van deze kamer"
            " verhogen als dat past."
        ),
        "en": (
            "What it says is above this room's clearance, so it is not in your picture. Ask"
            " a coordinator with a higher clearance what you may know of it, or have the"
            " administrator raise this room's clearance if that fits."
        ),
    },
    "reports.alert_head": {
        "nl": "⚠ {severity} melding {code}",
        "en": "⚠ {severity} report {code}",
    },
    "reports.changes_not_shown": {
        "nl": "Wat er eerder stond toon ik hier niet: deze kamer is openbaar en dat valt "
        "onder TLP:{label}.",
        "en": "I do not show here what it said before: this room is public and that falls "
        "under TLP:{label}.",
    },
    "reports.follows_what": {
        "nl": "{code}: {category} · {organisation} · {place}",
        "en": "{code}: {category} · {organisation} · {place}",
    },
    "reports.follows_other_organisation": {
        "nl": "(⚠ een andere organisatie dan deze melding: klopt het nummer?)",
        "en": "(⚠ another organisation than this report's: is the number right?)",
    },
    "reports.follow_up_may_not_close": {
        "nl": "{code} is een item van een andere organisatie: een vervolgmelding van jullie "
        "mag het aanvullen, maar niet afsluiten (status: opgelost). Stuur de melding zonder "
        "die status, of vraag die organisatie het item af te sluiten.",
        "en": "{code} is another organisation's item: your follow-up may add to it, but not "
        "close it (status: resolved). Send the report without that status, or ask that "
        "organisation to close the item.",
    },
    "reports.follow_up_may_not_lower": {
        "nl": "{code} is een item van een andere organisatie: een vervolgmelding van jullie "
        "mag de ernst niet lager zetten (wel hoger). Stuur de melding zonder 'ernst:', of "
        "vraag die organisatie de ernst bij te stellen.",
        "en": "{code} is another organisation's item: your follow-up may not lower its "
        "severity (raising it is fine). Send the report without 'severity:', or ask that "
        "organisation to adjust it.",
    },
    "reports.alert_undelivered": {
        "nl": "⚠ De waarschuwing over {code} heeft de coördinatoren niet bereikt: hun kamer "
        "weigerde het bericht. Licht ze op een andere manier in.",
        "en": "⚠ The alert about {code} did not reach the coordinators: their room refused "
        "the message. Inform them another way.",
    },
    "reports.alert_undelivered_voided": {
        "nl": "⚠ De waarschuwing over {code} heeft de coördinatoren niet bereikt: hun kamer "
        "mag de melding niet meer zien. Licht ze op een andere manier in.",
        "en": "⚠ The alert about {code} did not reach the coordinators: their room may no "
        "longer see the report. Inform them another way.",
    },
    "reports.withdrawn_head": {
        "nl": "TLP:{label} — Waarschuwing vervalt{code}",
        "en": "TLP:{label} — Alert withdrawn{code}",
    },
    "reports.withdrawn_retracted": {
        "nl": "De melding achter deze waarschuwing (incident {incident}) is ingetrokken.",
        "en": "The report behind this alert (incident {incident}) was retracted.",
    },
    "reports.withdrawn_below": {
        "nl": "De melding achter deze waarschuwing (incident {incident}) is aangepast: "
        "zij is niet meer ernstig.",
        "en": "The report behind this alert (incident {incident}) was edited: it is no "
        "longer severe.",
    },
    "reports.withdrawn_moved": {
        "nl": "De melding achter deze waarschuwing is aangepast: zij hoort nu bij een ander "
        "incident dan dat van deze kamer.",
        "en": "The report behind this alert was edited: it now belongs to another incident "
        "than this room's.",
    },
    "reports.withdrawn_hidden": {
        "nl": "De melding achter deze waarschuwing valt na een aanpassing onder een label "
        "dat deze kamer niet mag zien; zij staat daarom niet meer in jullie beeld. Vraag "
        "de melder zo nodig hoe het ervoor staat.",
        "en": "The report behind this alert was edited to a label this room may not see, "
        "so it is no longer in your picture. Ask the reporter how things stand if needed.",
    },
    # A redacted alert (the room only heard of the report): retracted or now under a
    # label the room may not even hear of, said alike (commands/domino.py).
    "reports.withdrawn_gone": {
        "nl": "De melding achter deze waarschuwing (incident {incident}) is ingetrokken of "
        "valt niet meer onder wat deze kamer mag horen.",
        "en": "The report behind this alert (incident {incident}) was retracted or is no "
        "longer among what this room may hear of.",
    },
    # A redacted alert's item resolved or lowered by a follow-up: the follow-up unnamed.
    "reports.withdrawn_heard_resolved": {
        "nl": "Het item van deze waarschuwing (incident {incident}) is als opgelost gemeld.",
        "en": "The item of this alert (incident {incident}) was reported resolved.",
    },
    "reports.withdrawn_heard_lowered": {
        "nl": "Het item van deze waarschuwing (incident {incident}) is niet meer ernstig.",
        "en": "The item of this alert (incident {incident}) is no longer severe.",
    },
    "reports.withdrawn_resolved": {
        "nl": "Melding {code} meldt het item van deze waarschuwing (incident {incident}) "
        "als opgelost.",
        "en": "Report {code} reports the item of this alert (incident {incident}) as resolved.",
    },
    "reports.withdrawn_lowered": {
        "nl": "Melding {code} zet de ernst van het item van deze waarschuwing (incident "
        "{incident}) lager: het is niet meer ernstig.",
        "en": "Report {code} lowers the severity of the item of this alert (incident "
        "{incident}): it is no longer severe.",
    },
    "reports.withdrawn_tail": {
        "nl": "Wat de waarschuwing meldde, geldt niet meer als ernstige melding voor dit incident.",
        "en": "What the alert said no longer stands as a severe report for this incident.",
    },
    "reports.edit_not_stored": {
        "nl": "De bewerking is niet opgeslagen; revisie {revision} van {code} blijft staan:",
        "en": "The edit was not stored; revision {revision} of {code} stays:",
    },
}
