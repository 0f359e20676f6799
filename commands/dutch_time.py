"""Reading the times liaisons type: "14:30", "14.30 uur", "23-11 14:30", "gisteren 09:00",
and the spoken forms: "half 3", "kwart over 4", "kwart voor 6", "14u30", "16u",
"2 uur 's middags", "rond 12 uur", "om 13.00u", "vanochtend 7 uur", "3pm".

python-dateutil does the parsing; this module first rewrites the Dutch forms
it would misread ("14.30" is a date to dateutil) and then applies the crisis
room's rules: day first, Europe/Amsterdam, and a bare time that would lie in
the future means yesterday.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import ClassVar

from dateutil import parser as dateparser

from commands.i18n import Language, t
from storage.errors import KnooppuntError
from storage.timezone import AMSTERDAM

FUTURE_SLACK = timedelta(minutes=10)


class TimeError(KnooppuntError, ValueError):
    """The text is not a time we can read; `reason` says why, in both languages."""

    # The reasons, each a catalogue key "time.<reason>".
    REASONS: ClassVar[tuple[str, ...]] = (
        "unreadable",
        "no_time",
        "both",
        "future",
        "too_old",
        "bad_offset",
        "part_of_day",
    )

    def __init__(self, text: str, reason: str) -> None:
        super().__init__(f"{text!r} {t('en', 'time.' + reason, word=text.strip())}")
        self.text = text
        self.reason = reason

    def says(self, lang: Language) -> str:
        reason = t(lang, "time." + self.reason, word=self.text.strip())
        return t(lang, "time.said", text=self.text, reason=reason)

    def localized(self, lang: Language) -> str:
        return self.says(lang)


_DAY_WORDS = {
    "eergisteren": -2,
    "gisteren": -1,
    "yesterday": -1,
    "vandaag": 0,
    "today": 0,
    "vannacht": 0,
    "tonight": 0,
    "vanochtend": 0,
    "vanmorgen": 0,
    "vanmiddag": 0,
    "vanavond": 0,
    "gisterochtend": -1,
    "gistermorgen": -1,
    "gistermiddag": -1,
    "gisteravond": -1,
    "gisternacht": -1,
}
# A day word that also says which half of the day: "vanavond 9 uur" is 21:00.
_DAY_PART = {
    "vannacht": "night",
    "tonight": "pm",
    "vanochtend": "am",
    "vanmorgen": "am",
    "vanmiddag": "pm",
    "vanavond": "pm",
    "gisterochtend": "am",
    "gistermorgen": "am",
    "gistermiddag": "pm",
    "gisteravond": "pm",
    "gisternacht": "night",
}
# Part-of-day words after the time ("2 uur 's middags", "3 pm"), apostrophes normalised.
_PART_WORDS = re.compile(
    r"\s*(?:'s ochtends|'s morgens|'s middags|'s avonds|'s nachts|"
    r"in de ochtend|in de middag|in de avond|in de nacht|"
    r"a\.m\.|p\.m\.|am|pm)$"
)
_PART_OF = {
    "'s ochtends": "am",
    "'s morgens": "am",
    "in de ochtend": "am",
    "a.m.": "am",
    "am": "am",
    "'s middags": "pm",
    "in de middag": "pm",
    "'s avonds": "pm",
    "in de avond": "pm",
    "p.m.": "pm",
    "pm": "pm",
    "'s nachts": "night",
    "in de nacht": "night",
}
# Words around a time that do not change it: "om 14:00", "rond 12 uur", "ca. 9 uur".
_LEADING = re.compile(
    r"^(?:om|rond|omstreeks|ongeveer|ca\.?|circa|around|about|at|approx\.?|~|±)\s*"
)
_MINUTE_WORDS = {"vijf": 5, "tien": 10, "twintig": 20, "kwart": 15}
# "half drie", "kwart over vier": hours written as words become digits first.
_HOUR_WORDS = {
    "een": "1",
    "één": "1",
    "twee": "2",
    "drie": "3",
    "vier": "4",
    "vijf": "5",
    "zes": "6",
    "zeven": "7",
    "acht": "8",
    "negen": "9",
    "tien": "10",
    "elf": "11",
    "twaalf": "12",
}
_HOUR_WORD = re.compile(
    r"(?<=\s)(" + "|".join(_HOUR_WORDS) + r")(?=\s+(?:uur|u)\b|\s*$|\s+'s|\s+in de)"
)
# "10 min geleden", "een uur geleden", "5 minutes ago": relative to now.
_AGO = re.compile(
    r"^(?P<n>\d{1,3}|een|één|an|a|half|anderhalf)\s*"
    r"(?P<unit>min|mins|minuut|minuten|minute|minutes|kwartier|u|uur|hour|hours)\s+"
    r"(?:geleden|ago)$"
)
_NOW_WORDS = ("nu", "now", "zojuist", "net", "just now", "nu net", "zonet", "zo net", "direct")
# "half 3", "kwart over 4", "kwart voor 6", "tien over half 3", "5 voor 9".
_SPOKEN = re.compile(
    r"^(?:(?P<min>\d{1,2}|vijf|tien|twintig|kwart)\s+(?P<dir>over|voor)\s+)?"
    r"(?P<half>half\s+)?(?P<hour>\d{1,2})(?:\s*(?:uur|u))?$"
)
# "14u30", "16u", "9 uur", "13.00u", "14:30", "3pm" (after the part word is taken off).
_CLOCK = re.compile(
    r"^(?P<hour>\d{1,2})(?:\s*(?:u|h|uur)\s*(?P<m1>\d{2})?|[:.](?P<m2>\d{2}))?\s*(?:uur|u|h)?\.?$"
)
_TIME_DOT = re.compile(r"(?<![\d.])(\d{1,2})\.(\d{2})(?![\d.])")
# The blanks before the word are tried only from the first of their run: a leading `\s*`
# retried the whole run from every blank in it, quadratic in a long run of blanks (a later
# start in the run cannot match where the run's first failed).
_SUFFIX = re.compile(r"(?:(?<!\s)\s+)?(uur|u|h|hrs|hours)\.?$")
_HOUR_ONLY = re.compile(r"^(\d{1,2})$")
# `0745`, `1945`: the time as emergency services write it (dateutil read it as a year).
_FOUR_DIGITS = re.compile(r"^(?:(.*) )?([01]\d|2[0-3])([0-5]\d)$")
_DATE_ONLY_DM = re.compile(r"^\d{1,2}[-/]\d{1,2}$")


def normalised(text: str) -> str:
    """`text` lower case with single spaces; a TimeError when nothing is left."""
    value = " ".join(text.strip().lower().split())
    if not value:
        raise TimeError(text, "unreadable")
    return value


_EVENING = 18


def _night_day(
    part: str | None, day_offset: int | None, hour: int, local_now: datetime
) -> int | None:
    """The day of an hour of a night ("vannacht 23:00"): an evening hour is the day before
    the night's day once the night has passed midnight (read the next morning or
    afternoon); before midnight, in the evening itself, it is today's (not a day early)."""
    if part == "night" and day_offset is not None and hour >= _EVENING > local_now.hour:
        return day_offset - 1
    return day_offset


def parse_time(text: str, now: datetime, *, last_year: bool = True) -> datetime:
    """An aware UTC datetime for `text`, relative to `now` (aware). `last_year`: a day
    and month ahead of `now` may be last year's (see `_last_year`); False for readers
    that look ahead from a `now` of their own (commands/record_time.py)."""
    original = text
    value = normalised(text)
    said = relative_moment(value, now, _NOW_WORDS, _AGO, -1)
    if said is not None:
        return said
    value = _four_digit_clock(_day_word_first(value))
    local_now = now.astimezone(AMSTERDAM)
    day_offset: int | None = None
    first, _, rest = value.partition(" ")
    part: str | None = None
    if first in _DAY_WORDS:
        day_offset = _DAY_WORDS[first]
        part = _DAY_PART.get(first)
        value = rest.strip()
        if not value:
            # "vannacht" alone is a period of hours, not a moment: no time is made up
            # for it (it orders the item's states); the reply shows it with a time.
            raise TimeError(original, "part_of_day" if part else "no_time")
    spoken = _spoken(value, part)
    if spoken is _NONSENSE:
        raise TimeError(original, "unreadable")
    if spoken is not None:
        day_offset = _night_day(part, day_offset, spoken[0], local_now)
        return _resolve(original, spoken, day_offset, now)
    value = _clock_notation(value)
    if _DATE_ONLY_DM.match(value):
        raise TimeError(original, "no_time")
    local = _read_date_and_clock(original, value, local_now)
    has_date = bool(re.search(r"\d{1,4}[-/]\d{1,2}|\d{4}-\d{2}-\d{2}|[a-z]{3,}", value))
    if last_year and has_date and local > local_now + FUTURE_SLACK:
        local = _last_year(original, value, local, local_now)
    day_offset = _night_day(part, day_offset, local.hour, local_now)
    return _placed(original, local, local_now, day_offset, has_date).astimezone(now.tzinfo)


# How far back a day and month without a year may reach into last year: "31-12 23:45"
# typed after midnight on New Year's night is last year's; a day further ahead this
# year ("2-1" typed on 1 January) is a mistake to refuse, not a day a year ago.
LAST_YEAR_REACH = timedelta(days=31)


def _last_year(original: str, value: str, local: datetime, local_now: datetime) -> datetime:
    """A date in the future read again with last year as the year left out: last year's
    when the year was indeed left out (the reading changes) and that day is recent."""
    if local_now.month != 1:
        return local  # last year lies more than LAST_YEAR_REACH back (and no 29 February)
    earlier = _read_date_and_clock(original, value, local_now.replace(year=local_now.year - 1))
    if earlier != local and local_now - LAST_YEAR_REACH <= earlier <= local_now:
        return earlier
    return local


def _day_word_first(value: str) -> str:
    """ "14.30 gisteren" becomes "gisteren 14.30": the day word after the time."""
    for word in ("vandaag", "gisteren", "today", "yesterday"):
        if value.endswith(" " + word) and value.split()[0] not in _DAY_WORDS:
            return word + " " + value[: -len(word)].strip()
    return value


def _clock_notation(value: str) -> str:
    """Dutch clock notations ("16u", "om 9", "14.30") in the form dateutil reads."""
    value = _SUFFIX.sub("", value).strip()
    value = value.replace(" om ", " ").replace(" at ", " ")
    if _HOUR_ONLY.match(value):
        value = f"{value}:00"
    return _TIME_DOT.sub(r"\1:\2", value)


def _four_digit_clock(value: str) -> str:
    """ "0745", "gisteren 2330 uur", "om 0915": the four digits as "07:45" (dateutil read
    them as a year: "more than a year ago")."""
    four = _FOUR_DIGITS.match(_SUFFIX.sub("", value).strip())
    if four is None:
        return value
    before, hour, minute = four.groups()
    return f"{before} {hour}:{minute}" if before else f"{hour}:{minute}"


# A date that starts with its year ("2026-12-04", ISO 8601 as systems and e-mails write
# it) is year, month, day. dateutil told `dayfirst` reads it as year, day, month: 4
# December became 12 April, a report eight months old (and a time of tomorrow, 6
# December, passed as 12 June).
_YEAR_FIRST = re.compile(r"^\d{4}(?:[-/.]\d{1,2}[-/.]\d{1,2}|\d{4})(?!\d)")


def read_date(text: str, default: datetime | None = None) -> datetime:
    """dateutil's reading of `text`: day first as the Dutch write dates ("04-12-2026" is
    4 December), unless it starts with its year ("2026-12-04" is 4 December too)."""
    day_first = _YEAR_FIRST.match(text.strip()) is None
    return dateparser.parse(text, dayfirst=day_first, default=default)


def _read_date_and_clock(original: str, value: str, local_now: datetime) -> datetime:
    """`value` read by dateutil, as Amsterdam time (a date left out is today's)."""
    default = local_now.replace(hour=0, minute=0, second=0, microsecond=0, tzinfo=None)
    try:
        parsed = read_date(value, default)
    except (ValueError, OverflowError) as exc:
        raise TimeError(original, "unreadable") from exc
    if parsed is None:
        raise TimeError(original, "unreadable")
    try:
        # dateutil reads "+2400" as an offset of a whole day, which datetime refuses.
        parsed.utcoffset()
    except ValueError as exc:
        raise TimeError(original, "bad_offset") from exc
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=AMSTERDAM)
    return parsed.astimezone(AMSTERDAM)


def _placed(
    original: str,
    local: datetime,
    local_now: datetime,
    day_offset: int | None,
    has_date: bool,
) -> datetime:
    """The moment on the day a day word names, or the last one before now; refused
    when it lies in the future or more than a year ago."""
    if day_offset is not None:
        if has_date:
            raise TimeError(original, "both")
        local = (local_now + timedelta(days=day_offset)).replace(
            hour=local.hour, minute=local.minute, second=0, microsecond=0
        )
    elif not has_date and local > local_now + FUTURE_SLACK:
        local -= timedelta(days=1)  # "23:50" typed just after midnight means yesterday
    if local > local_now + FUTURE_SLACK:
        raise TimeError(original, "future")
    if local < local_now - timedelta(days=366):
        raise TimeError(original, "too_old")
    return local


_Spoken = tuple[int, int, str | None, bool]
_NONSENSE: _Spoken = (-1, -1, None, False)


_AMOUNT_WORDS = {"een": 1.0, "één": 1.0, "an": 1.0, "a": 1.0, "half": 0.5, "anderhalf": 1.5}


def duration(amount: str, unit: str) -> timedelta:
    """ "anderhalf uur", "10 min", "2 dagen": a number or amount word and a unit (past
    times, `_AGO`, and times ahead, commands/record_time.py, read the same words)."""
    number = _AMOUNT_WORDS[amount] if amount in _AMOUNT_WORDS else float(amount)
    if unit == "kwartier":
        return timedelta(minutes=15 * number)
    if unit in ("u", "h", "uur", "hour", "hours"):
        return timedelta(hours=number)
    if unit in ("d", "dag", "dagen", "day", "days"):
        return timedelta(days=number)
    return timedelta(minutes=number)


def relative_moment(
    value: str, now: datetime, now_words: tuple[str, ...], offset: re.Pattern[str], sign: int
) -> datetime | None:
    """`now` for a word meaning now; `now` plus `sign` times the duration that
    `offset` (groups `n` and `unit`) reads; None when `value` is neither."""
    if value in now_words:
        return now
    found = offset.match(value)
    if found is None:
        return None
    return now + sign * duration(found.group("n"), found.group("unit"))


def _spoken(value: str, part: str | None) -> _Spoken | None:
    """(hour, minute, part of day, twelve-hour) for a clock time without a date, else None.

    A time said on a twelve-hour clock ("half 3", "9 uur") without a part of the day
    means the most recent moment it names; "14:30", "09:00" and "16u" are as typed.
    """
    value = value.replace("\u2019", "'").replace("`", "'")
    value = _LEADING.sub("", value).strip()
    value = _HOUR_WORD.sub(lambda m: _HOUR_WORDS[m.group(1)], " " + value).strip()
    found = _PART_WORDS.search(value)
    if found is not None:
        said = found.group(0).strip()
        part = _PART_OF[said]
        value = value[: found.start()].strip()
    value = _LEADING.sub("", value).strip()
    spoken = _SPOKEN.match(value)
    if spoken is not None and (spoken.group("half") or spoken.group("min")):
        hour = int(spoken.group("hour"))
        if not 1 <= hour <= 12:
            return _NONSENSE  # "half 25", "kwart over 16": spoken hours are 1 to 12
        minute = 0
        if spoken.group("half"):
            hour, minute = hour - 1, 30
        word = spoken.group("min")
        if word is not None:
            amount = _MINUTE_WORDS[word] if word in _MINUTE_WORDS else int(word)
            minute += amount if spoken.group("dir") == "over" else -amount
        hour, minute = (hour + minute // 60) % 24, minute % 60
        return hour, minute, part, True
    clock = _CLOCK.match(value)
    if clock is None:
        return None
    text_hour = clock.group("hour")
    hour = int(text_hour)
    minutes = clock.group("m1") or clock.group("m2")
    minute = int(minutes) if minutes else 0
    if hour > 23 or minute > 59:
        return None
    # "9 uur", "9u", "9": a twelve-hour clock; "09:00", "9:30", "16u" are as typed.
    twelve = minutes is None and not text_hour.startswith("0") and 1 <= hour <= 12
    if part is None and not twelve:
        return hour, minute, None, False
    if part is not None and hour > 12:
        return hour, minute, None, False  # "14 uur 's middags": already a 24-hour time
    return hour, minute, part, part is None


def _hours(hour: int, part: str | None) -> list[int]:
    """The 24-hour readings of a twelve-hour `hour` (12 is noon or midnight)."""
    base = hour % 12
    if part == "am":
        return [base]
    if part == "pm":
        return [base + 12]
    if part == "night":
        return [base + 12 if base >= 7 else base]
    return [base, base + 12]


def _resolve(original: str, spoken: _Spoken, day_offset: int | None, now: datetime) -> datetime:
    hour, minute, part, twelve = spoken
    local_now = now.astimezone(AMSTERDAM)
    hours = _hours(hour, part) if (twelve or part) else [hour]
    night_day = _night_day(part, day_offset, hours[0], local_now)
    days = [night_day] if night_day is not None else [0, -1]
    latest = local_now + FUTURE_SLACK
    candidates = []
    for days_back in days:
        day = (local_now + timedelta(days=days_back)).date()
        for h in hours:
            moment = datetime(day.year, day.month, day.day, h, minute, tzinfo=AMSTERDAM)
            candidates.append(moment)
    # The most recent moment the words can mean that is not in the future.
    past = [c for c in candidates if c <= latest]
    if not past:
        raise TimeError(original, "future")
    return max(past).astimezone(now.tzinfo)
