"""Texts of `commands/exercise.py` (exercise mode), in Dutch and English."""

from __future__ import annotations

from commands.texts import Entries

TEXTS: Entries = {
    # Always starts with the Dutch word: the marker partners and their filters look for.
    "exercise.marker": {
        "nl": "OEFENING",
        "en": "OEFENING (exercise)",
    },
    "exercise.real_room_exercise_incident": {
        "nl": "{slug} is een oefening en deze kamer werkt aan een echt incident: oefengegevens komen hier niet. Gebruik een kamer die aan de oefening gekoppeld is.",
        "en": "{slug} is an exercise and this room works on a real incident: exercise data does not come here. Use a room bound to the exercise.",
    },
    "exercise.exercise_room_real_incident": {
        "nl": "Deze kamer is gekoppeld aan een oefening; het echte incident {slug} is hier niet te zien of te gebruiken.",
        "en": "This room is bound to an exercise; the real incident {slug} cannot be seen or used here.",
    },
    "exercise.drill_words_in_real": {
        "nl": "Je melding zegt OEFENING, maar deze kamer werkt aan een echt incident. Meld "
        "oefeningen in een kamer die aan de oefening gekoppeld is; is dit echt, laat het woord "
        "OEFENING dan weg.",
        "en": "Your report says OEFENING (EXERCISE), but this room works on a real incident. "
        "Report exercises in a room bound to the exercise; if this is real, leave the word out.",
    },
    "exercise.real_words_in_drill": {
        "nl": "Je melding zegt GEEN OEFENING, maar deze kamer is aan een oefening gekoppeld: de "
        "echte coördinatoren zouden hem niet zien. Meld een echte situatie in je echte kamer en "
        "waarschuw de coördinatoren direct.",
        "en": "Your report says it is NOT AN EXERCISE, but this room is bound to an exercise: "
        "the real coordinators would not see it. Report a real situation in your real room and "
        "warn the coordinators directly.",
    },
    "exercise.bad_value": {
        "nl": "oefening= is ja of nee (niet '{value}').",
        "en": "exercise= is yes or no (not '{value}').",
    },
    "exercise.no_publish": {
        "nl": "Niets gedaan: dit is een vraag uit een oefening, en oefenantwoorden komen niet in de echte kennisbank. Antwoord zonder --publish en --leer.",
        "en": "Nothing done: this question comes from an exercise, and exercise answers do not go into the real knowledge store. Answer without --publish and --learn.",
    },
    "exercise.real_question": {
        "nl": "Niets gedaan: {code} is een echte vraag, geen vraag uit de oefening. Deze kamer "
        "is aan een oefening gekoppeld; de echte redactie beantwoordt hem.",
        "en": "Nothing done: {code} is a real question, not one from the exercise. This room is "
        "bound to an exercise; the real curators answer it.",
    },
    "exercise.tag": {
        "nl": "oefening",
        "en": "exercise",
    },
}
