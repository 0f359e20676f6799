"""Dates of birth without a keyword, for the cleaned phrasing of a question.

Staff asking about one resident write the date of birth beside the name without
saying what it is: "Mevrouw Jansen (12-03-1961) wil …", "dhr. Bakker, 3 okt. 1944".
"geboren …" is cleaned elsewhere (commands/questions.py `_BIRTH_DATE`); here the
place and the year decide, so that the dates of the crisis itself stay:

- right after a title and a name ("mevrouw Jansen", "dhr. de Vries"), bare, after a
  comma or in brackets: a date of birth, whatever its year (a child's too);
- alone in brackets, or after a name of two words or more, bare or after a comma
  ("Jan Jansen, 12-03-1961", "Jan de Vries 12-03-48"): a date of birth when its year
  lies at least `ADULT_YEARS` back (a date in brackets of the
  last years is the crisis's: "de storm (18 januari 2018)"), unless the word before
  it names an event ("de watersnood (1 februari 1953)");
- anywhere else (running text: "sinds 1 februari 1953", "tot 31-12-2026"): kept.
"""

from __future__ import annotations

import re
from datetime import date

# A date of this many years back or more, in brackets, is a person's, not the crisis's.
ADULT_YEARS = 16
_OLDEST = 120  # a year further back is no date of birth either

# A month written out or abbreviated, Dutch and English (also read by commands/questions.py).
MONTH = (
    r"(?:januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|"
    r"november|december|january|february|march|may|june|july|october|jan|feb|mrt|"
    r"mar|apr|jun|jul|aug|sept|sep|okt|oct|nov|dec)"
)
_DATE = (
    r"(?:\d{1,2}[-/.]\d{1,2}[-/.](?P<short>\d{4}|\d{2})|"
    rf"\d{{1,2}}\s+{MONTH}\.?\s+(?P<long>\d{{4}}))"
)
_TITLE = (
    r"(?:mevrouw|mevr\.?|mw\.?|meneer|mijnheer|mnr\.?|dhr\.?|de\s+heer|mr\.?|mrs\.?|"
    r"ms\.?|miss)"
)
_PARTICLE = r"(?:van|de|der|den|het|ter|ten|te|el|al|'t)"
# A capital letter, also outside A-Z: "Ali Öztürk 12-03-1948", "mevrouw Özdemir
# 12-03-1961" and "Émile Dupont" kept their dates of birth in the published phrasing.
_CAPITAL = "[A-Z" + "".join(c for c in map(chr, range(0xC0, 0x250)) if c.isupper()) + "]"
# One to three name parts, a space between parts: `(?:…[\w'-]*\s*){1,3}` split one word
# into parts at every letter, each split tried against the date (cubic: minutes at the
# 1,000 characters of a question). Parts without a space between read as one part.
_PART = rf"(?:{_PARTICLE}\s+)*{_CAPITAL}[\w'-]*"
_NAME = rf"(?:{_PART}(?:\s+{_PART}){{0,2}}\s*)"
# After a title and a name: bare, after a comma or in brackets.
_AFTER_TITLE = re.compile(
    rf"(?P<lead>\b{_TITLE}\s+{_NAME}(?:,\s*|\(\s*)?){_DATE}(?P<close>\s*\))?", re.IGNORECASE
)
# Alone in brackets, or after a capitalised name and a comma.
# The word before starts where its run starts: `\b[\w'-]+` was tried at every word of
# "a-a-a-…", each reading the rest of the run (quadratic); the lead is given back as it
# was and the event word is the run's end either way. Without a word, the spaces before
# the bracket start where their run starts, for the same reason (a later start in the
# run reaches the same bracket; a match ends at ")", so a scan never starts in a run).
_BRACKETED = re.compile(
    rf"(?P<lead>(?:(?P<before>(?<![\w'-])[\w'-]+)|(?<!\s))\s*\(\s*){_DATE}(?P<close>\s*\))"
)
# A name without a title: two words or more, the last capitalised, with particles and
# initials between ("Jan de Vries", "J. de Vries", "Fatima El Amrani"), then the date
# bare or after a comma. "Mag Jan de Vries 12-03-1948 mee?" was published as asked.
_WORD = _CAPITAL + r"[\w'-]*"
_INITIAL = _CAPITAL + r"\."
_BARE_NAME = rf"(?:{_INITIAL}\s*|{_WORD}\s+)(?:(?:{_PARTICLE}|{_INITIAL}|{_WORD})\s+){{0,3}}{_WORD}"
_AFTER_NAME = re.compile(
    rf"(?P<lead>(?P<before>(?<![\w'-]){_BARE_NAME})(?:,\s*|\s+)){_DATE}(?![\w-])"
)
# Words naming an event, whose date in brackets is no one's birth.
_EVENT = re.compile(
    r"(?:ramp|nood|storm|vloed|overstroming|brand|beving|explosie|orkaan|hoogwater|"
    r"doorbraak|crisis|pandemie|epidemie|lockdown|aanslag|ongeval|ongeluk|incident|"
    r"flood|disaster|fire|hurricane|attack|evacuatie)$",
    re.IGNORECASE,
)


def _year(match: re.Match[str], today: date) -> int:
    text = match.group("long") or match.group("short")
    year = int(text)
    if len(text) == 2:  # "12-03-61": the last century unless that is still to come
        year += 2000 if year <= today.year % 100 else 1900
    return year


def _born(match: re.Match[str], today: date) -> bool:
    year = _year(match, today)
    return today.year - _OLDEST <= year <= today.year - ADULT_YEARS


def _cleaned(match: re.Match[str]) -> str:
    return f"{match.group('lead')}…{match.group('close') or ''}"


def without_birth_dates(text: str, today: date | None = None) -> str:
    """`text` with the dates of birth the rules above find replaced by "…"."""
    today = today or date.today()

    def after_title(match: re.Match[str]) -> str:
        return _cleaned(match) if _year(match, today) <= today.year else match.group(0)

    def elsewhere(match: re.Match[str]) -> str:
        before = match.group("before") or ""
        # Any word of the name may name the event ("Watersnood Zeeland 01-02-1953").
        if not _born(match, today) or any(_EVENT.search(w) for w in before.split()):
            return match.group(0)
        return _cleaned(match) if "close" in match.groupdict() else f"{match.group('lead')}…"

    text = _AFTER_TITLE.sub(after_title, text)
    text = _BRACKETED.sub(elsewhere, text)
    return _AFTER_NAME.sub(elsewhere, text)
