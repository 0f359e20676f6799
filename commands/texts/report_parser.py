"""Texts of `commands/report_parser.py`, in Dutch and English."""

from __future__ import annotations

from commands.texts import Entries

TEXTS: Entries = {
    "report_parser.report_too_long_characters": {
        "nl": "De melding is te lang ({body} tekens; maximaal {MAX_REPORT_CHARS}). Vat samen of splits hem op.",
        "en": "The report is too long ({body} characters; at most {MAX_REPORT_CHARS}). Summarise or split it.",
    },
    "report_parser.html_markup_report_not": {
        "nl": "HTML-opmaak in een melding wordt niet opgeslagen; stuur platte tekst.",
        "en": "HTML markup in a report is not stored; send plain text.",
    },
    "report_parser.report_empty_put_fields": {
        "nl": "De melding is leeg. Zet velden als 'gemeente: Dordrecht' onder het commando, en daarna je tekst.",
        "en": "The report is empty. Put fields such as 'municipality: Dordrecht' below the command, then your text.",
    },
    "report_parser.field_appears_twice_keep": {
        "nl": "Het veld '{key_}' staat er twee keer in; laat er één staan.",
        "en": "The field '{key_}' appears twice; keep one.",
    },
    "report_parser.field_has_no_value": {
        "nl": "Het veld '{key_}' heeft geen waarde.",
        "en": "The field '{key_}' has no value.",
    },
    "report_parser.value_too_long_at": {
        "nl": "De waarde van '{key_}' is te lang (maximaal {MAX_FIELD_CHARS} tekens).",
        "en": "The value of '{key_}' is too long (at most {MAX_FIELD_CHARS} characters).",
    },
    "report_parser.unknown_field_unknown_field": {
        "nl": "Onbekend veld '{key_}'.{hint} Een onbekend veld mag alleen een getal hebben (een cijfer, zoals 'opvangplekken beschikbaar: 120'). Hoort het bij de tekst, zet er dan een lege regel voor.",
        "en": "Unknown field '{key_}'.{hint} An unknown field may only hold a number (a figure, such as 'free shelter places: 120'). If it belongs to the text, put an empty line before it.",
    },
    "report_parser.invalid_name": {
        "nl": "Ongeldige naam '{key_}'.",
        "en": "Invalid name '{key_}'.",
    },
    "report_parser.unknown_category": {
        "nl": "Onbekende categorie '{category_word}'.{hint} Kies uit: opvang, zorg, stroom, "
        "water, telecom, mobiliteit, openbare-orde, evacuatie, communicatie, overig.",
        "en": "Unknown category '{category_word}'.{hint} Choose from: shelter, health, power, "
        "water, telecom, mobility, public-order, evacuation, communication, other.",
    },
    "report_parser.figure_but_not_number": {
        "nl": "'{key_}' is een cijfer, maar '{value}' is geen getal (schrijf bijvoorbeeld 120 of 1.200).",
        "en": "'{key_}' is a figure, but '{value}' is not a number (write e.g. 120 or 1.200).",
    },
    "report_parser.figure_range_unreadable": {
        "nl": "'{key_}: {value}' lees ik niet als bereik. Schrijf het laagste getal eerst, met "
        "de schaal bij allebei of alleen achteraan: 3-4 duizend, 3 duizend-4 duizend of 3.000-4.000.",
        "en": "'{key_}: {value}' does not read as a range. Write the lower number first, with "
        "the scale on both or after the last only: 3-4 thousand, 3 thousand-4 thousand or 3000-4000.",
    },
    "report_parser.figure_in_parts": {
        "nl": "'{key_}: {value}' zijn delen van een aantal; welk getal telt, lees ik er niet "
        "uit. Schrijf het totaal achter '{key_}:' en de verdeling in de tekst.",
        "en": "'{key_}: {value}' gives a count in parts; I cannot tell which number counts. "
        "Write the total after '{key_}:' and the breakdown in the text.",
    },
    "report_parser.count_without_word": {
        "nl": "'{key_}: {value}': {value} wat? Schrijf wat er geteld wordt ('{key_}: {value} "
        "mensen', '… bedden') of geef het cijfer een naam ('opvangplekken bezet: {value}').",
        "en": "'{key_}: {value}': {value} what? Write what is counted ('{key_}: {value} "
        "people', '… beds') or give the figure a name ('occupied shelter places: {value}').",
    },
    "report_parser.stamp_differs": {
        "nl": "'{key_}' noemt een andere tijd dan de melding; zet de tijd eenmaal in 'tijd:' "
        "of stuur aparte meldingen.",
        "en": "'{key_}' names another time than the report; put the time once in 'time:' or "
        "send separate reports.",
    },
    "report_parser.figure_ambiguous_comma": {
        "nl": "'{key_}: {value}': bedoel je {thousands} of {decimal}? Schrijf duizendtallen "
        "met een punt ({thousands}) en decimalen met een komma ({decimal}).",
        "en": "'{key_}: {value}': do you mean {thousands} or {decimal}? Write thousands with a "
        "point or without a separator ({thousands}) and decimals with a comma ({decimal}).",
    },
    "report_parser.unknown_safety_region": {
        "nl": "Onbekende veiligheidsregio '{value}'.{hint}",
        "en": "Unknown safety region '{value}'.{hint}",
    },
    "report_parser.time_examples_14_30": {
        "nl": "Tijd: {says}. Voorbeelden: 14:30, 14.30 uur, half 3, kwart over 4, 9 uur 's avonds, gisteren 09:00.",
        "en": "Time: {says}. Examples: 14:30, 3pm, 23-11 14:30, yesterday 09:00.",
    },
    "report_parser.unknown_severity_choose_from": {
        "nl": "Onbekende ernst '{value}'.{hint} Kies uit: gering, matig, ernstig, extreem, onbekend.",
        "en": "Unknown severity '{value}'.{hint} Choose from: minor, moderate, severe, extreme, unknown.",
    },
    "report_parser.unknown_status_choose_from": {
        "nl": "Onbekende status '{value}'.{hint} Kies uit: nieuw, update, opgelost.",
        "en": "Unknown status '{value}'.{hint} Choose from: new, update, resolved.",
    },
    "report_parser.field_inside_value": {
        "nl": "'{inner}' staat in de waarde van '{key_}' en telt daar niet als veld. Zet elk "
        "veld op een eigen regel.",
        "en": "'{inner}' is inside the value of '{key_}', where it does not count as a field. "
        "Put each field on a line of its own.",
    },
    "report_parser.field_under_text": {
        "nl": "'{line}' staat onder de tekst en telt daar niet als veld. Zet het bij de "
        "velden bovenaan.",
        "en": "'{line}' is below the text, where it does not count as a field. Put it with "
        "the fields at the top.",
    },
    "report_parser.text_label_above_field": {
        # The marking may be a state classification ("Stg. Geheim" reads as RED): the
        # parenthesis says where the label came from in either case.
        "nl": "Het bericht is gemarkeerd als TLP:{marked} (een TLP-markering of rubricering "
        "in de tekst), maar het veld zegt tlp: {label}. Zet het label dat geldt in het "
        "veld 'tlp:'.",
        "en": "The message is marked TLP:{marked} (a TLP marking or classification in the "
        "text), but the field says tlp: {label}. Put the label that applies in the 'tlp:' "
        "field.",
    },
    "report_parser.unknown_tlp_label_choose": {
        "nl": "Onbekend TLP-label '{value}'. Kies uit: clear, green, amber, amber+strict, red.",
        "en": "Unknown TLP label '{value}'. Choose from: clear, green, amber, amber+strict, red.",
    },
    "report_parser.no_hint": {
        "nl": "",
        "en": "",
    },
    "report_parser.did_you_mean": {
        "nl": " Bedoelde je '{suggestion}'?",
        "en": " Did you mean '{suggestion}'?",
    },
    "report_parser.follows_not_a_code": {
        "nl": "betreft: '{value}' is geen meldingsnummer; schrijf bijvoorbeeld 'betreft: M-7'.",
        "en": "regarding: '{value}' is not a report number; write for example 'regarding: M-7'.",
    },
    "report_parser.cause_not_a_code": {
        "nl": "oorzaak: '{value}' is geen meldingsnummer; schrijf bijvoorbeeld 'oorzaak: M-7'.",
        "en": "cause: '{value}' is not a report number; write for example 'cause: M-7'.",
    },
}
