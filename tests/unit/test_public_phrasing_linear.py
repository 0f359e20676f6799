"""The e-mail pattern of `public_phrasing` was quadratic (session 17): on a run of
characters an address may hold with no "@" after it, every start in the run read the
whole run again (~35 ms at 1,000 characters, seconds at 20,000). It starts only where
such a run starts now: linear, and the same matches (a later start in the run reaches
the same "@", so it fails where the run's start failed)."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from commands import questions
from commands.questions import public_phrasing
from tests.support.timing import cpu_seconds

# The pattern as it was, for the comparison.
_OLD_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")

ADVERSARIAL = [
    "a" * 20_000,
    "x@" + "a" * 20_000,
    "a." * 10_000,
    "1." * 10_000,
    "a" * 10_000 + " " + "b" * 10_000 + "@",
]


@pytest.mark.parametrize("text", ADVERSARIAL, ids=lambda s: repr(s[:6]))
def test_the_email_pattern_is_linear_on_adversarial_input(text: str) -> None:
    # CPU time, not wall time: see tests/support/timing.py.
    took = cpu_seconds(lambda: list(questions._EMAIL.finditer(text)))
    assert took < 0.2, f"{took * 1000:.0f} ms"


@pytest.mark.parametrize("text", ADVERSARIAL[:2], ids=lambda s: repr(s[:6]))
def test_public_phrasing_is_fast_on_adversarial_input(text: str) -> None:
    took = cpu_seconds(lambda: public_phrasing(text))  # CPU time: tests/support/timing.py
    assert took < 0.2, f"{took * 1000:.0f} ms"


TABLE = [
    ("Mail jan.de-vries+opvang@gemeente.dordrecht.nl of bel.", "Mail … of bel."),
    ("Stuur naar info@ggd-zhz.nl, graag vandaag.", "Stuur naar …, graag vandaag."),
    ("Is a@b een adres?", "Is a@b een adres?"),
    ("Mail @opvang of x@y.z", "Mail … of …"),
    ("zie -jan@x.nl en .piet@y.org", "zie … en …"),
]


@pytest.mark.parametrize(("asked", "cleaned"), TABLE)
def test_addresses_are_cleaned_as_before(asked: str, cleaned: str) -> None:
    assert public_phrasing(asked) == cleaned


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ab.+-_@ 1é\n", max_size=60))
def test_the_email_pattern_finds_what_it_found(text: str) -> None:
    old = [m.span() for m in _OLD_EMAIL.finditer(text)]
    assert [m.span() for m in questions._EMAIL.finditer(text)] == old


# The street and bracketed-date patterns had the same fault, worse: a run of words joined
# by dashes ("a-a-a-…") took 450 ms at the 1,000 characters a question may have, and
# minutes at 20,000 (`\b[\w-]*` tried at every word of the run, each reading the run).
JOINED = ["a-" * 10_000, "1-" * 10_000, "A-" * 10_000, "@a" + "-a" * 10_000, "A'" * 10_000]


@pytest.mark.parametrize("text", JOINED, ids=lambda s: repr(s[:6]))
def test_public_phrasing_is_fast_on_joined_words(text: str) -> None:
    took = cpu_seconds(lambda: public_phrasing(text))  # CPU time: tests/support/timing.py
    assert took < 0.2, f"{took * 1000:.0f} ms"


_OLD_STREET = re.compile(
    r"\b[\w-]*(?:straat|weg|laan|plein|kade|singel|gracht|dijk|steeg|dreef|hof|pad|"
    r"park|erf|baan|wal|markt)\s+\d+(?:\s?[a-z]\b|-\d+)?",
    re.IGNORECASE,
)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from(["-", "Kerk", "straat", "weg", " ", "12", "a", "b", "'"]), max_size=14)
)
def test_the_street_pattern_cleans_what_it_cleaned(parts: list[str]) -> None:
    text = "".join(parts)
    new = questions._STREET_NUMBER.sub(questions._scrub_street, text)
    assert new == _OLD_STREET.sub("…", text)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            ["-", "Jan", "storm", " ", "(", ")", "12-03-1961", "'", "de", "Vries", ","]
        ),
        max_size=12,
    )
)
def test_bracketed_and_named_dates_are_cleaned_as_before(parts: list[str]) -> None:
    from datetime import date

    from commands import birth_dates

    text = "".join(parts)
    today = date(2026, 12, 5)
    old_bracketed = re.compile(
        rf"(?P<lead>(?P<before>\b[\w'-]+)?\s*\(\s*){birth_dates._DATE}(?P<close>\s*\))"
    )
    new_bracketed = birth_dates._BRACKETED
    try:
        birth_dates._BRACKETED = old_bracketed
        before = birth_dates.without_birth_dates(text, today)
    finally:
        birth_dates._BRACKETED = new_bracketed
    assert birth_dates.without_birth_dates(text, today) == before
