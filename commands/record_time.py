"""Reading a time that lies ahead: a deadline, a validity time, when a decision takes effect.

`commands.dutch_time.parse_time` reads the times liaisons type about what happened,
so it chooses the most recent moment the words can mean. A deadline means the next
such moment: this module reuses that parser (every form it reads works here too:
`16u`, `om half 3`, `23-12 14:30`) and moves forward from there, plus the relative
forms `over 2 uur`, `in 30 min`, `+45m` and the day words `morgen`, `overmorgen`.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from commands.dutch_time import FUTURE_SLACK, TimeError, normalised, parse_time, relative_moment
from storage.timezone import AMSTERDAM

# A deadline typed a minute ago still counts as "now".
PAST_GRACE = timedelta(minutes=1)
_RELATIVE = re.compile(
    r"^(?:over|in|binnen|within|\+)\s*(?P<n>\d{1,4}|een|één|an|a|half|anderhalf)\s*"
    r"(?P<unit>m|min|mins|minuut|minuten|minute|minutes|kwartier|u|h|uur|hour|hours|"
    r"d|dag|dagen|day|days)$"
)
_AHEAD_DAYS = {"morgen": 1, "tomorrow": 1, "overmorgen": 2, "vandaag": 0, "today": 0}
# "morgenochtend 8 uur", "morgenavond 8 uur": tomorrow, and which half of the day (a
# deadline written so was refused as unreadable).
_AHEAD_PARTS = {
    "morgenochtend": "'s ochtends",
    "morgenvroeg": "'s ochtends",
    "morgenmiddag": "'s middags",
    "morgenavond": "'s avonds",
}
_NOW = ("nu", "now", "direct", "meteen", "onmiddellijk", "immediately")


def _earlier(value: str, moment: datetime) -> datetime | None:
    """The moment before `moment` that the words name, or None (a dated time has none)."""
    try:
        found = parse_time(value, moment - FUTURE_SLACK - timedelta(minutes=1), last_year=False)
    except TimeError:
        return None
    return found if found < moment else None


def _first_reading(original: str, value: str, now: datetime) -> datetime:
    """A reading of `value` from tomorrow, or for a date further ahead ("31-12 18:00")
    from the end of this year or the next (the parser takes the year from its `now`)."""
    year = now.astimezone(AMSTERDAM).year
    # The year's last minute: read from 23:00, "31-12 23:59" typed on 31 December had
    # no reading at all and was refused as lying in the future.
    references = [now + timedelta(days=1)] + [
        datetime(y, 12, 31, 23, 59, tzinfo=AMSTERDAM).astimezone(now.tzinfo)
        for y in (year, year + 1)
    ]
    for reference in references:
        try:
            return parse_time(value, reference, last_year=False)
        except TimeError as exc:
            if exc.reason != "future":
                raise
    raise TimeError(original, "future")


def parse_ahead(text: str, now: datetime) -> datetime:
    """The first moment at or after `now` (less a minute's grace) that `text` names.

    Raises TimeError (reason "unreadable", "no_time", …) like `parse_time`; a time
    that can only lie in the past is the caller's to refuse (`is_past`).
    """
    original = text
    value = normalised(text)
    said = relative_moment(value, now, _NOW, _RELATIVE, +1)
    if said is not None:
        return said
    first, _, rest = value.partition(" ")
    if first in _AHEAD_PARTS:
        if not rest.strip():
            raise TimeError(original, "no_time")
        first, rest = "morgen", f"{rest} {_AHEAD_PARTS[first]}"
    if first in _AHEAD_DAYS:
        if not rest.strip():
            raise TimeError(original, "no_time")
        day = (now.astimezone(AMSTERDAM) + timedelta(days=_AHEAD_DAYS[first])).date()
        end = datetime(day.year, day.month, day.day, 23, 59, tzinfo=AMSTERDAM)
        found = parse_time(rest, end.astimezone(now.tzinfo) - FUTURE_SLACK, last_year=False)
        # The earliest moment on that day the words can mean ("morgen 9 uur" is 09:00).
        while (earlier := _earlier(rest, found)) is not None and earlier.astimezone(
            AMSTERDAM
        ).date() == day:
            found = earlier
        return found
    found = _first_reading(original, value, now)
    for _ in range(4):  # step back while an earlier reading is still ahead of now
        earlier = _earlier(value, found)
        if earlier is None or earlier < now - PAST_GRACE:
            break
        found = earlier
    return found


def is_past(moment: datetime, now: datetime) -> bool:
    return moment < now - PAST_GRACE
