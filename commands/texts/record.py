"""Texts of `commands/record.py` and `commands/picture_record.py`, in Dutch and English."""

from __future__ import annotations

from commands.texts import Entries

TEXTS: Entries = {
    "record.kind_assessment": {"nl": "Oordeel", "en": "Assessment"},
    "record.kind_decision": {"nl": "Besluit", "en": "Decision"},
    "record.kind_action": {"nl": "Actie", "en": "Action"},
    "record.f_organisation": {"nl": "Organisatie", "en": "Organisation"},
    "record.f_development": {"nl": "Verwachting", "en": "Expected development"},
    "record.f_risks": {"nl": "Risico's", "en": "Risks"},
    "record.f_scenarios": {"nl": "Scenario's", "en": "Scenarios"},
    "record.f_valid_until": {"nl": "Geldig tot", "en": "Valid until"},
    "record.f_decided_by": {"nl": "Besloten door", "en": "Decided by"},
    "record.f_decision": {"nl": "Besluit", "en": "Decision"},
    "record.f_executor": {"nl": "Uitvoerder", "en": "Carried out by"},
    "record.f_effective": {"nl": "Ingang", "en": "Takes effect"},
    "record.f_action": {"nl": "Actie", "en": "Action"},
    "record.f_owner": {"nl": "Eigenaar", "en": "Owner"},
    "record.f_deadline": {"nl": "Deadline", "en": "Deadline"},
    "record.recorded": {
        "nl": "{kind} {code} vastgelegd · TLP:{label} · incident {incident}",
        "en": "{kind} {code} recorded · TLP:{label} · incident {incident}",
    },
    "record.updated": {
        "nl": "{code} bijgewerkt (revisie {revision}) · TLP:{label}",
        "en": "{code} updated (revision {revision}) · TLP:{label}",
    },
    "record.refused": {
        "nl": "Niet vastgelegd:\n{problems}\nEr is niets opgeslagen. Zie {prefix}hulp oordeel, "
        "{prefix}hulp besluit of {prefix}hulp actie.",
        "en": "Not recorded:\n{problems}\nNothing was stored. See {prefix}help assessment, "
        "{prefix}help decision or {prefix}help action.",
    },
    "record.field_twice": {
        "nl": "het veld '{field}' staat er twee keer in.",
        "en": "the field '{field}' appears twice.",
    },
    "record.field_too_long": {
        "nl": "het veld '{field}' is langer dan {limit} tekens.",
        "en": "the field '{field}' is longer than {limit} characters.",
    },
    "record.text_too_long": {
        "nl": "de tekst is langer dan {limit} tekens.",
        "en": "the text is longer than {limit} characters.",
    },
    "record.no_html": {
        "nl": "HTML-opmaak is niet toegestaan; schrijf gewone tekst.",
        "en": "HTML markup is not allowed; write plain text.",
    },
    "record.no_incident": {
        "nl": "deze kamer is aan geen incident gekoppeld; geef 'incident: <naam>'.",
        "en": "this room is bound to no incident; give 'incident: <slug>'.",
    },
    "record.unknown_incident": {
        "nl": "het incident '{incident}' bestaat niet of is gesloten.",
        "en": "the incident '{incident}' does not exist or is closed.",
    },
    "record.bad_label": {
        "nl": "'{value}' is geen TLP-label (clear, green, amber, amber+strict, red).",
        "en": "'{value}' is not a TLP label (clear, green, amber, amber+strict, red).",
    },
    "record.time_past": {
        "nl": "'{value}' ligt in het verleden; geef een tijd die nog moet komen "
        "(bijvoorbeeld 16u, om half 3, morgen 9:00, over 2 uur).",
        "en": "'{value}' lies in the past; give a time still to come "
        "(for example 16:00, 3pm, tomorrow 9:00, in 2 hours).",
    },
    "record.assessment_needs_development": {
        "nl": "een oordeel heeft een verwachting nodig ('verwachting: …' of tekst).",
        "en": "an assessment needs an expected development ('expected: …' or text).",
    },
    "record.decision_needs_text": {
        "nl": "wat is er besloten? Zet het na {prefix}besluit of in 'besluit: …'.",
        "en": "what was decided? Put it after {prefix}decision or in 'decision: …'.",
    },
    "record.action_needs_text": {
        "nl": "wat moet er gebeuren? Zet het na {prefix}actie of in 'wat: …'.",
        "en": "what must be done? Put it after {prefix}action or in 'what: …'.",
    },
    "record.action_needs_owner": {
        "nl": "een actie heeft een eigenaar nodig: 'eigenaar: @gebruiker:server' of de naam "
        "van een organisatie.",
        "en": "an action needs an owner: 'owner: @user:server' or an organisation's name.",
    },
    "record.action_needs_deadline": {
        "nl": "een actie heeft een deadline nodig: 'deadline: 16u'.",
        "en": "an action needs a deadline: 'deadline: 16:00'.",
    },
    "record.owner_room_unknown": {
        "nl": "ik ken geen kamer van {owner} bij dit incident (een gebruiker moet eerst in "
        "de eigen gekoppelde kamer iets hebben gezegd; of geef 'kamer: <kamer-id>').",
        "en": "I know no room of {owner} for this incident (a user must first have said "
        "something in their own bound room; or give 'room: <room id>').",
    },
    "record.owner_may_not_see": {
        "nl": "de kamer van {owner} mag TLP:{label} niet zien (die kamer ziet tot TLP:"
        "{clearance}); kies een lager label of een andere eigenaar.",
        "en": "the room of {owner} may not see TLP:{label} (that room sees up to TLP:"
        "{clearance}); choose a lower label or another owner.",
    },
    "record.owner_told": {
        "nl": "De eigenaar krijgt bericht in de eigen kamer.",
        "en": "The owner is told in their own room.",
    },
    "record.notify_new": {
        "nl": "{owner}: nieuwe actie {code} voor jou (TLP:{label}, incident {incident}, van {by}).",
        "en": "{owner}: new action {code} for you (TLP:{label}, incident {incident}, from {by}).",
    },
    "record.notify_updated": {
        "nl": "{owner}: actie {code} is gewijzigd (TLP:{label}, incident {incident}, van {by}).",
        "en": "{owner}: action {code} was changed (TLP:{label}, incident {incident}, from {by}).",
    },
    "record.notify_done_hint": {
        "nl": "Klaar? {prefix}actie klaar {code}",
        "en": "Done? {prefix}action done {code}",
    },
    "record.reminder": {
        "nl": "{owner}: herinnering — actie {code} (TLP:{label}) moet af om {deadline}.",
        "en": "{owner}: reminder — action {code} (TLP:{label}) is due at {deadline}.",
    },
    "record.reminder_late": {
        "nl": "Te laat verstuurd: deze herinnering stond gepland om {planned}.",
        "en": "Sent late: this reminder was planned for {planned}.",
    },
    "record.reminder_late_overdue": {
        "nl": "Te laat verstuurd (gepland om {planned}): de deadline is al verstreken.",
        "en": "Sent late (planned for {planned}): the deadline has already passed.",
    },
    "record.usage_done": {
        "nl": "Welke actie? {prefix}actie klaar A-4",
        "en": "Which action? {prefix}action done A-4",
    },
    "record.unknown_action": {
        "nl": "Onbekende actie: {code}.",
        "en": "Unknown action: {code}.",
    },
    "record.done_who": {
        "nl": "alleen de eigenaar (of hun kamer) of een moderator van een coördinatiekamer "
        "van het incident van de actie kan een actie afronden.",
        "en": "only the owner (or their room) or a moderator of a coordination room of the "
        "action's incident can close an action.",
    },
    "record.already_done": {
        "nl": "Actie {code} was al afgerond.",
        "en": "Action {code} was already done.",
    },
    "record.done": {"nl": "Actie {code} afgerond.", "en": "Action {code} done."},
    "record.reopened": {"nl": "Actie {code} weer open.", "en": "Action {code} open again."},
    "record.already_open": {
        "nl": "Actie {code} is nog open.",
        "en": "Action {code} is still open.",
    },
    "record.usage_reopen": {
        "nl": "Gebruik: {prefix}actie heropen A-1",
        "en": "Usage: {prefix}action reopen A-1",
    },
    # The owner was told to do the action; its `!actie` was deleted (withdrawn).
    "record.notify_withdrawn": {
        "nl": "{owner}: actie {code} is ingetrokken (incident {incident}); je hoeft er niets meer mee te doen.",
        "en": "{owner}: action {code} was withdrawn (incident {incident}); nothing more to do for it.",
    },
    # An edit gave the action to another owner: the one told before is told it is not theirs.
    "record.notify_owner_changed": {
        "nl": "{owner}: actie {code} (incident {incident}) heeft een nieuwe eigenaar: {new_owner}; je hoeft er niets meer mee te doen.",
        "en": "{owner}: action {code} (incident {incident}) has a new owner: {new_owner}; nothing more to do for it.",
    },
    "record.notify_reopened": {
        "nl": "{owner}: actie {code} is weer open (was afgerond).",
        "en": "{owner}: action {code} is open again (it was done).",
    },
    "record.reopened_redacted": {
        "nl": "Weer open: {codes} (het bericht dat afrondde is verwijderd).",
        "en": "Open again: {codes} (the message that closed it was deleted).",
    },
    "record.reopened_edited": {
        "nl": "Weer open: {codes} (je bewerkte bericht rondt niet meer af).",
        "en": "Open again: {codes} (your edited message no longer closes it).",
    },
    "record.reopen_not_allowed": {
        "nl": "{code} blijft afgerond: alleen wie afrondde of een moderator van deze kamer "
        "kan dat terugdraaien.",
        "en": "{code} stays done: only whoever closed it or a moderator of this room can "
        "take that back.",
    },
    "record.no_open_actions": {
        "nl": "Geen open acties (die deze kamer mag zien).",
        "en": "No open actions (that this room may see).",
    },
    "record.open_actions_head": {
        "nl": "{banner} — Open acties ({count}, te laat eerst):",
        "en": "{banner} — Open actions ({count}, overdue first):",
    },
    "record.overdue": {"nl": "TE LAAT", "en": "OVERDUE"},
    "record.only_author": {
        "nl": "Alleen wie {code} vastlegde kan het bewerken.",
        "en": "Only the author of {code} can edit it.",
    },
    "record.withdrawn_not_changed": {
        "nl": "{code} is ingetrokken en wordt niet meer gewijzigd.",
        "en": "{code} was withdrawn and is not changed any more.",
    },
    "record.edit_kept": {
        "nl": "Bewerking niet opgeslagen; {code} blijft revisie {revision}.",
        "en": "Edit not stored; {code} stays at revision {revision}.",
    },
    "record.withdrawn": {
        "nl": "{code} ingetrokken (blijft bewaard in de geschiedenis).",
        "en": "{code} withdrawn (kept in the history).",
    },
    "record.edit_withdrawn": {
        "nl": "Bewerking verwijderd: {code} is terug op revisie {revision}.",
        "en": "Edit removed: {code} is back at revision {revision}.",
    },
    "record.section_assessment": {
        "nl": "Oordeel (laatste per organisatie)",
        "en": "Assessment (latest per organisation)",
    },
    "record.section_decisions": {"nl": "Besluiten", "en": "Decisions"},
    "record.section_open_actions": {
        "nl": "Open acties (te laat eerst)",
        "en": "Open actions (overdue first)",
    },
    "record.section_done": {
        "nl": "Afgerond sinds vorig beeld",
        "en": "Done since the previous picture",
    },
    "record.expired": {"nl": "verlopen", "en": "expired"},
    "record.more_actions_page": {
        "nl": "… en nog {count} open acties: {prefix}acties pagina={page}",
        "en": "… and {count} more open actions: {prefix}actions page={page}",
    },
    "record.more_actions": {
        "nl": "… en nog {count} open acties: {prefix}acties",
        "en": "… and {count} more open actions: {prefix}actions",
    },
}
