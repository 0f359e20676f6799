"""Reading the times liaisons type: "14:30", "14.30 uur", "23-11 14:30", "gisteren 09:00".

python-dateutil does the parsing; this module first rewrites the Dutch forms
it would misread ("14.30" is a date to dateutil) and then applies the crisis
room's rules: day first, Europe/Amsterdam, and a bare time that would lie in
the future means yesterday.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import ClassVar
from zoneinfo import ZoneInfo

from dateutil import parser as dateparser

from commands.i18n import t

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
FUTURE_SLACK = timedelta(minutes=10)


class TimeError(ValueError):
    """The text is not a time we can read; `reason` says why, in both languages."""

    MESSAGES: ClassVar[dict[str, tuple[str, str]]] = {
        "unreadable": ("is geen tijd die ik kan lezen", "is not a time I can read"),
        "no_time": ("mist een tijdstip (bijv. 'gisteren 09:00')", "lacks a time of day"),
        "both": (
            "noem een dagwoord of een datum, niet beide",
            "give a day word or a date, not both",
        ),
        "future": ("ligt in de toekomst", "lies in the future"),
        "too_old": ("is meer dan een jaar geleden", "is more than a year ago"),
        "bad_offset": (t("nl", "time_bad_offset"), t("en", "time_bad_offset")),
    }

    def __init__(self, text: str, reason: str) -> None:
        super().__init__(f"{text!r} {self.MESSAGES[reason][1]}")
        self.text = text
        self.reason = reason

    def says(self, lang: str) -> str:
        nl, en = self.MESSAGES[self.reason]
        return f"'{self.text}' {nl if lang == 'nl' else en}"


_DAY_WORDS = {
    "eergisteren": -2,
    "gisteren": -1,
    "yesterday": -1,
    "vandaag": 0,
    "today": 0,
    "vannacht": 0,
    "tonight": 0,
}
_TIME_DOT = re.compile(r"(?<![\d.])(\d{1,2})\.(\d{2})(?![\d.])")
_SUFFIX = re.compile(r"\s*(uur|u|h|hrs|hours)\.?$")
_HOUR_ONLY = re.compile(r"^(\d{1,2})$")
_DATE_ONLY_DM = re.compile(r"^\d{1,2}[-/]\d{1,2}$")


def parse_time(text: str, now: datetime) -> datetime:
    """An aware UTC datetime for `text`, relative to `now` (aware)."""
    original = text
    value = " ".join(text.strip().lower().split())
    if not value:
        raise TimeError(original, "unreadable")
    if value in ("nu", "now"):
        return now
    local_now = now.astimezone(AMSTERDAM)
    day_offset: int | None = None
    first, _, rest = value.partition(" ")
    if first in _DAY_WORDS:
        day_offset = _DAY_WORDS[first]
        value = rest.strip()
        if not value:
            raise TimeError(original, "no_time")
    value = _SUFFIX.sub("", value).strip()
    value = value.replace(" om ", " ").replace(" at ", " ")
    if _HOUR_ONLY.match(value):
        value = f"{value}:00"
    value = _TIME_DOT.sub(r"\1:\2", value)
    if _DATE_ONLY_DM.match(value):
        raise TimeError(original, "no_time")
    default = local_now.replace(hour=0, minute=0, second=0, microsecond=0, tzinfo=None)
    try:
        parsed = dateparser.parse(value, dayfirst=True, default=default)
    except (ValueError, OverflowError) as exc:
        raise TimeError(original, "unreadable") from exc
    if parsed is None:
        raise TimeError(original, "unreadable")
    try:
        # dateutil reads "+2400" as an offset of a whole day, which datetime refuses.
        parsed.utcoffset()
    except ValueError as exc:
        raise TimeError(original, "bad_offset") from exc
    has_date = bool(re.search(r"\d{1,4}[-/]\d{1,2}|\d{4}-\d{2}-\d{2}|[a-z]{3,}", value))
    if parsed.tzinfo is None:
        local = parsed.replace(tzinfo=AMSTERDAM)
    else:
        local = parsed.astimezone(AMSTERDAM)
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
    return local.astimezone(now.tzinfo)
