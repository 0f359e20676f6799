"""Texts of the content rules in `knowledge/model.py` (a Q&A or guidance that breaks
one), in Dutch and English; the English is also the rule's own message."""

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
    "knowledge.rule_tlp": {
        "nl": "tlp moet clear, green, amber, amber+strict of red zijn",
        "en": "tlp must be clear, green, amber, amber+strict or red",
    },
}
