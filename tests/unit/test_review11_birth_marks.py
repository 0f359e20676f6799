"""Review 11: the genealogical birth marks "*" and "°" before a date ("mevrouw Jansen *
12-03-1961", "Piet de Boer (° 3-10-1944)") are a date of birth as plainly as "geb.":
the cleaned phrasing kept them. A bullet "*" at the start of a line is no such mark."""

from __future__ import annotations

from datetime import date

import pytest

from commands.questions import public_phrasing

TODAY = date(2026, 12, 5)


@pytest.mark.parametrize(
    "asked",
    [
        "Waar is mevrouw Jansen * 12-03-1961 opgevangen?",
        "Waar is Piet de Boer (° 3-10-1944) opgevangen?",
        "Waar is Kees Bakker *3 okt. 1944 opgevangen?",
    ],
)
def test_a_birth_mark_before_a_date_is_cleaned(asked: str) -> None:
    cleaned = public_phrasing(asked, TODAY)
    assert "1961" not in cleaned and "1944" not in cleaned, cleaned


def test_a_bullet_before_a_date_stays() -> None:
    cleaned = public_phrasing("Wat gebeurde er?\n* 12-03-2026 dijk Merwede doorgebroken", TODAY)
    assert "12-03-2026" in cleaned, cleaned
