"""Texts of the content rules (`knowledge.model.ContentRule`) that a Q&A, guidance,
partner, network or object file breaks (knowledge/model.py, network.py, objects.py),
in Dutch and English."""

from __future__ import annotations

from commands.texts import Entries

TEXTS: Entries = {
    "knowledge.rule_id": {
        "nl": "id: letters, cijfers, '.', '_' of '-', hoogstens 100",
        "en": "id: letters, digits, '.', '_' or '-', at most 100",
    },
    "knowledge.rule_answer_too_long": {
        "nl": "antwoord langer dan {limit} tekens",
        "en": "answer longer than {limit} characters",
    },
    "knowledge.rule_text_too_long": {
        "nl": "tekst langer dan {limit} tekens",
        "en": "text longer than {limit} characters",
    },
    "knowledge.rule_answer_script": {
        "nl": "antwoord bevat script of ingebedde inhoud; gebruik Markdown",
        "en": "answer contains script or embedded content; use Markdown",
    },
    "knowledge.rule_text_script": {
        "nl": "tekst bevat script of ingebedde inhoud; gebruik Markdown",
        "en": "text contains script or embedded content; use Markdown",
    },
    "knowledge.rule_source_url": {
        "nl": "moet een http://- of https://-adres zijn",
        "en": "must be an http:// or https:// address",
    },
    "knowledge.rule_unknown_sector": {
        "nl": "onbekende sector {value!r}; bekend: {known}",
        "en": "unknown sector {value!r}; known: {known}",
    },
    "knowledge.rule_empty": {"nl": "leeg", "en": "empty"},
    "knowledge.rule_too_long": {
        "nl": "langer dan {limit} tekens",
        "en": "longer than {limit} characters",
    },
    "knowledge.rule_unknown_kind": {
        "nl": "onbekende soort {value!r}; bekend: {known}",
        "en": "unknown kind {value!r}; known: {known}",
    },
    "knowledge.rule_roles_mapping": {
        "nl": "rollen: een lijst van fase (koud, lauw, warm, na) met een rol",
        "en": "roles: a mapping of phase (koud, lauw, warm, na) to a role",
    },
    "knowledge.rule_unknown_phase": {
        "nl": "onbekende fase {value!r}; gebruik koud, lauw, warm of na",
        "en": "unknown phase {value!r}; use koud, lauw, warm or na",
    },
    "knowledge.rule_object_kind": {
        "nl": "soort: een woord zoals ziekenhuis, verpleeghuis, sporthal",
        "en": "kind: a word such as ziekenhuis, verpleeghuis, sporthal",
    },
    "knowledge.rule_facts_mapping": {
        "nl": "feiten: een lijst van naam: waarde (bijv. noodstroom: 48 uur)",
        "en": "facts: a mapping of name: value (e.g. noodstroom: 48 uur)",
    },
    "knowledge.rule_fact_name": {
        "nl": "feiten: naam {name!r} heeft geen letters",
        "en": "facts: name {name!r} has no letters",
    },
    "knowledge.rule_object_source": {
        "nl": "bron: een http(s)-adres of een naam",
        "en": "source: an http(s) address or a plain name",
    },
    "knowledge.rule_tlp": {
        "nl": "tlp moet clear, green, amber, amber+strict of red zijn",
        "en": "tlp must be clear, green, amber, amber+strict or red",
    },
}
