"""Hostile review (session 17, review17b): a date of birth after a name that starts with
a capital outside A-Z ("Ali Öztürk 12-03-1948", "mevrouw Özdemir 12-03-1961", "Émile
Dupont") was published in the cleaned phrasing of a question, while "Jan de Vries
12-03-1948" was cleaned."""

from __future__ import annotations

from datetime import date

import pytest

from commands.questions import public_phrasing

TODAY = date(2026, 12, 5)


@pytest.mark.parametrize(
    "question",
    [
        "Mag Ali Öztürk 12-03-1948 mee naar de opvang?",
        "Waar is Émile Dupont 12-03-1948?",
        "Is mevrouw Özdemir 12-03-1961 opgevangen?",
        "Mag Şükrü Yılmaz 12-03-1950 mee?",
        "Is Ömer Çelik, 3 okt 1944 hier?",
        "Mag Ilse Ünal 12-03-1948 mee?",
        "Is dhr. İlhan 1-2-1940 opgehaald?",
    ],
)
def test_a_date_of_birth_after_any_capitalised_name_is_cleaned(question: str) -> None:
    cleaned = public_phrasing(question, TODAY)
    assert "19" not in cleaned, cleaned
    assert "…" in cleaned


@pytest.mark.parametrize(
    "question",
    [
        "Hoe gaat het sinds 1 februari 1953?",
        "Geldt Überprüfung 12-03-2026 nog?",
        "Is de Évacuatie 12-03-2026 klaar?",
    ],
)
def test_dates_of_events_stay(question: str) -> None:
    assert public_phrasing(question, TODAY) == question
