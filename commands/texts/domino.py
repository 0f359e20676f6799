"""Texts of the partner network and domino effects (`commands/domino.py`,
`commands/partners.py`, `commands/picture_domino.py`), in Dutch and English."""

from __future__ import annotations

from commands.texts import Entries

TEXTS: Entries = {
    # ---- reports: sector and cause
    "domino.unknown_sector": {
        "nl": "sector: '{value}' ken ik niet; kies uit {known}.",
        "en": "sector: I do not know '{value}'; choose from {known}.",
    },
    "domino.cause_unknown": {
        "nl": "oorzaak: {code} is geen melding die deze kamer kent in dit incident.",
        "en": "cause: {code} is not a report this room knows in this incident.",
    },
    "domino.cause_line": {
        "nl": "Oorzaak: {code}",
        "en": "Cause: {code}",
    },
    "domino.cause_short": {
        "nl": "oorzaak {code}",
        "en": "cause {code}",
    },
    "domino.consequences": {
        "nl": "gevolgen: {codes}",
        "en": "consequences: {codes}",
    },
    "domino.items_opened": {
        "nl": "Mogelijke domino-effecten: {sectors} (partners gewaarschuwd: {rooms}).",
        "en": "Possible domino effects: {sectors} (partners alerted: {rooms}).",
    },
    "domino.held_back": {
        "nl": "⚠ {count} afhankelijke partnerkamers zijn niet gewaarschuwd: een TLP:{label}-"
        "melding mag hun organisatie niet bereiken, ook niet als kale waarschuwing. "
        "Waarschuw ze zo nodig zelf, of verlaag het label als dat mag.",
        "en": "⚠ {count} dependent partner rooms were not alerted: a TLP:{label} report may "
        "not reach their organisation, not even as a bare alert. Alert them yourself if "
        "needed, or lower the label if you may.",
    },
    # ---- the alert
    "domino.alert_head": {
        "nl": "⚡ Mogelijk domino-effect voor {sectors} · TLP:{label}",
        "en": "⚡ Possible domino effect for {sectors} · TLP:{label}",
    },
    "domino.alert_cause": {
        "nl": "{severity} melding {code} in sector {sector}, {place}, incident {incident}:",
        "en": "{severity} report {code} in sector {sector}, {place}, incident {incident}:",
    },
    "domino.alert_redacted": {
        "nl": "Een ernstige storing in sector {sector} in regio {region} (incident {incident}). "
        "Meer mag deze kamer er niet van zien.",
        "en": "A severe outage in sector {sector} in region {region} (incident {incident}). "
        "This room may not see more of it.",
    },
    "domino.alert_follows": {
        "nl": "Wat kan volgen voor {sector}: {onset} — {reason}",
        "en": "What may follow for {sector}: {onset} — {reason}",
    },
    "domino.alert_follows_no_onset": {
        "nl": "Wat kan volgen voor {sector}: {reason}",
        "en": "What may follow for {sector}: {reason}",
    },
    "domino.alert_answer": {
        "nl": "Merken jullie gevolgen? Meld ze met:",
        "en": "Are you seeing effects? Report them with:",
    },
    "domino.answer_text": {
        "nl": "wat er bij jullie speelt",
        "en": "what is happening on your side",
    },
    "domino.region_unknown": {
        "nl": "onbekend",
        "en": "unknown",
    },
    "domino.place_unknown": {
        "nl": "plaats onbekend",
        "en": "place unknown",
    },
    # ---- the picture
    "domino.section": {
        "nl": "Mogelijke domino-effecten",
        "en": "Possible domino effects",
    },
    "domino.summary": {
        "nl": "{sectors} — nog geen melding",
        "en": "{sectors} — no report yet",
    },
    "domino.picture_line": {
        "nl": "{sector}: verwacht {onset} (oorzaak {code}, {cause_sector}, {at}) — {reason}",
        "en": "{sector}: expected {onset} (cause {code}, {cause_sector}, {at}) — {reason}",
    },
    "domino.picture_line_no_onset": {
        "nl": "{sector} (oorzaak {code}, {cause_sector}, {at}) — {reason}",
        "en": "{sector} (cause {code}, {cause_sector}, {at}) — {reason}",
    },
    # A cause the room may only hear of (`tlp.may_hear_of`): as the redacted alert.
    "domino.picture_line_heard": {
        "nl": "{sector}: verwacht {onset} (ernstige storing {cause_sector} in regio {region}; "
        "meer mag deze kamer er niet van zien) — {reason}",
        "en": "{sector}: expected {onset} (severe outage {cause_sector} in region {region}; "
        "this room may not see more of it) — {reason}",
    },
    "domino.picture_line_heard_no_onset": {
        "nl": "{sector} (ernstige storing {cause_sector} in regio {region}; "
        "meer mag deze kamer er niet van zien) — {reason}",
        "en": "{sector} (severe outage {cause_sector} in region {region}; "
        "this room may not see more of it) — {reason}",
    },
    # ---- !partners
    "domino.partners_head": {
        "nl": "TLP:{label} — Partners {incident} (fase {phase})",
        "en": "TLP:{label} — Partners {incident} (phase {phase})",
    },
    "domino.partner_line": {
        "nl": "{org} — kamers: {rooms} · laatste melding: {last}",
        "en": "{org} — rooms: {rooms} · last report: {last}",
    },
    "domino.partner_role": {
        "nl": "rol ({phase}): {role}",
        "en": "role ({phase}): {role}",
    },
    "domino.last_never": {
        "nl": "nog geen",
        "en": "none yet",
    },
    "domino.last_ago": {
        "nl": "{age} geleden",
        "en": "{age} ago",
    },
    "domino.missing": {
        "nl": "Ontbreekt: {sector} — afhankelijk van {causes}",
        "en": "Missing: {sector} — depends on {causes}",
    },
    "domino.partners_public": {
        "nl": "Deze kamer is openbaar en ziet alleen wat voor iedereen is (CLEAR); de "
        "partnerlijst staat hier dus niet. Vraag hem in een besloten kamer.",
        "en": "This room is public and sees only what is for everyone (CLEAR), so the "
        "partner list is not shown here. Ask for it in a private room.",
    },
    "domino.no_partners": {
        "nl": "Nog geen partners met een sector gekoppeld aan {incident}. Leg sectoren vast met "
        "{prefix}org set of een partnerbestand.",
        "en": "No partners with a sector bound to {incident} yet. Record sectors with "
        "{prefix}org set or a partners file.",
    },
    "domino.no_incident": {
        "nl": "Deze kamer is niet aan een incident gekoppeld.",
        "en": "This room is not bound to an incident.",
    },
    "domino.sector_usage": {
        "nl": "Onbekende sector '{value}'; kies uit {known}.",
        "en": "Unknown sector '{value}'; choose from {known}.",
    },
    # ---- !wie
    "domino.who_head": {
        "nl": "TLP:{label} — Contactlijnen {sector}{where}",
        "en": "TLP:{label} — Contact lines {sector}{where}",
    },
    "domino.who_where": {
        "nl": " in {municipality}",
        "en": " in {municipality}",
    },
    "domino.who_line": {
        "nl": "{label}: {line} (TLP:{tlp})",
        "en": "{label}: {line} (TLP:{tlp})",
    },
    "domino.who_none": {
        "nl": "Geen contactlijnen voor {sector}{where} die deze kamer mag zien.",
        "en": "No contact lines for {sector}{where} that this room may see.",
    },
    "domino.who_usage": {
        "nl": "Gebruik: {prefix}wie <sector> [gemeente], bijvoorbeeld {prefix}wie drinkwater Alkmaar",
        "en": "Usage: {prefix}who <sector> [municipality], for example {prefix}who drinking-water Alkmaar",
    },
    # ---- !org
    "domino.org_line": {
        "nl": "{org}: {kind}, sectoren {sectors}",
        "en": "{org}: {kind}, sectors {sectors}",
    },
    "domino.org_contact_added": {
        "nl": "Contactlijn {number} van {org} vastgelegd: {label} (TLP:{tlp}).",
        "en": "Contact line {number} of {org} recorded: {label} (TLP:{tlp}).",
    },
    "domino.org_contact_removed": {
        "nl": "Contactlijn {number} van {org} verwijderd.",
        "en": "Contact line {number} of {org} removed.",
    },
    "domino.org_contact_usage": {
        "nl": 'Gebruik: {prefix}org contact <naam> wat="Storingsdienst" lijn="+31 …" [tlp=amber] '
        "[gemeente=] of {prefix}org contact <naam> wis=<nr>",
        "en": 'Usage: {prefix}org contact <name> label="Outage desk" line="+31 …" [tlp=amber] '
        "[municipality=] or {prefix}org contact <name> remove=<nr>",
    },
    "domino.org_contact_no_such": {
        "nl": "{org} heeft geen contactlijn {number}.",
        "en": "{org} has no contact line {number}.",
    },
    "domino.org_unknown": {
        "nl": "Organisatie '{org}' ken ik niet.",
        "en": "I do not know the organisation '{org}'.",
    },
    "domino.org_bad_tlp": {
        "nl": "tlp: kies clear, green, amber, amber+strict of red.",
        "en": "tlp: choose clear, green, amber, amber+strict or red.",
    },
    "domino.org_hidden_contacts": {
        "nl": "(+{count} contactlijn(en) die deze kamer niet mag zien)",
        "en": "(+{count} contact line(s) this room may not see)",
    },
    "domino.withdrawn_head": {
        "nl": "TLP:{label} — Domino-waarschuwing vervalt{code}",
        "en": "TLP:{label} — Domino alert withdrawn{code}",
    },
    "domino.withdrawn_retracted": {
        "nl": "De melding achter deze waarschuwing (incident {incident}) is ingetrokken.",
        "en": "The report behind this alert (incident {incident}) was retracted.",
    },
    "domino.withdrawn_below": {
        "nl": "De melding achter deze waarschuwing (incident {incident}) is aangepast: "
        "zij is niet meer ernstig.",
        "en": "The report behind this alert (incident {incident}) was edited: it is no "
        "longer severe.",
    },
    "domino.withdrawn_moved": {
        # No incident named: after an edit into another incident that would be the new
        # one, which the alerted room has no business knowing.
        "nl": "De melding achter deze waarschuwing is aangepast: zij gaat nu over een "
        "andere sector, regio of incident, waar jullie sector niet van afhangt.",
        "en": "The report behind this alert was edited: it now concerns another sector, "
        "region or incident, which your sector does not depend on.",
    },
    # A follow-up of the cause's item: no code named (the room may not see it).
    "domino.withdrawn_resolved": {
        "nl": "De storing achter deze waarschuwing (incident {incident}) is als opgelost gemeld.",
        "en": "The outage behind this alert (incident {incident}) was reported resolved.",
    },
    "domino.withdrawn_lowered": {
        "nl": "De storing achter deze waarschuwing (incident {incident}) is niet meer "
        "ernstig, volgens een vervolgmelding.",
        "en": "The outage behind this alert (incident {incident}) is no longer severe, "
        "according to a follow-up.",
    },
    # The cause was raised to a label this room may not hear of (RED, another
    # organisation's AMBER+STRICT): nothing of it named, not even its code.
    "domino.withdrawn_hidden": {
        "nl": "De melding achter deze waarschuwing valt na een aanpassing onder een label "
        "dat deze kamer niet mag zien; de waarschuwing vervalt daarom voor jullie. Vraag "
        "de coördinator zo nodig hoe het ervoor staat.",
        "en": "The report behind this alert was edited to a label this room may not see, "
        "so the alert is withdrawn for you. Ask the coordinator how things stand if needed.",
    },
    "domino.withdrawn_tail": {
        "nl": "De mogelijke gevolgen uit de waarschuwing gelden niet meer; om deze oorzaak "
        "hoeven jullie niets te melden.",
        "en": "The possible effects in the alert no longer apply; there is nothing to report "
        "for this cause.",
    },
    "domino.alert_undelivered": {
        "nl": "⚠ De domino-waarschuwing over {code} heeft een afhankelijke partner niet "
        "bereikt: hun kamer weigerde het bericht. Licht de afhankelijke partners op een "
        "andere manier in.",
        "en": "⚠ The domino alert about {code} did not reach a dependent partner: their "
        "room refused the message. Inform the dependent partners another way.",
    },
    "domino.alert_undelivered_voided": {
        "nl": "⚠ De domino-waarschuwing over {code} heeft een afhankelijke partner niet "
        "bereikt: hun kamer mag de melding niet meer zien. Licht de afhankelijke partners "
        "op een andere manier in.",
        "en": "⚠ The domino alert about {code} did not reach a dependent partner: their "
        "room may no longer see the report. Inform the dependent partners another way.",
    },
}
