"""Texts of `commands/held_answers.py`, in Dutch and English."""

from __future__ import annotations

from commands.texts import Entries

TEXTS: Entries = {
    "held.asker_left": {
        "nl": "Niet verstuurd naar {asker} ({code}): die heeft het privégesprek met de bot "
        "verlaten. Het antwoord is bewaard en komt bij {asker} zodra die de bot weer "
        "schrijft in een privégesprek.",
        "en": "Not sent to {asker} ({code}): they have left their direct chat with the bot. "
        "The answer is kept and reaches {asker} as soon as they write to the bot in a "
        "direct chat again.",
    },
    "held.lapsed": {
        "nl": "Er lag een antwoord van de redactie voor je klaar op je vraag {code}, maar "
        "het is ouder dan 7 dagen en wordt daarom niet meer gegeven: het kan achterhaald "
        "zijn. Speelt je vraag nog? Stel hem dan opnieuw.",
        "en": "An answer from the curators was waiting for you, to your question {code}, "
        "but it is over 7 days old and no longer given: it may be out of date. If your "
        "question still matters, please ask it again.",
    },
    "held.qa_gone": {
        "nl": "Er lag een antwoord van de redactie voor je klaar op je vraag {code}, maar "
        "het verwees naar informatie die inmiddels verlopen of ingetrokken is en wordt "
        "daarom niet meer gegeven. Speelt je vraag nog? Stel hem dan opnieuw.",
        "en": "An answer from the curators was waiting for you, to your question {code}, "
        "but it pointed to information that has expired or been withdrawn since, so it is "
        "no longer given. If your question still matters, please ask it again.",
    },
    "held.delivered_head": {
        "nl": "Er lag nog een antwoord van de redactie voor je klaar, op je vraag {code}:",
        "en": "An answer from the curators was waiting for you, to your question {code}:",
    },
}
