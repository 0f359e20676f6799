"""Dutch numbers in figures: `1.200` is twelve hundred, `1,5` is one and a half."""

from __future__ import annotations

import re

# Thousands grouped with dots (`1.200`) or with spaces (`1 200`, also the no-break and
# narrow no-break spaces of a copied figure): `1 200` read as 1 with unit "200" would
# count one place where there are twelve hundred.
_SPACE = "[ \u00a0\u202f]"
_DIGITS = (
    r"\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d{1,3}(?:" + _SPACE + r"\d{3})+(?:,\d+)?"
    r"|\d+\.\d{1,2}|\d+(?:,\d+)?|,\d+"
)
# A unit symbol typed against the number (`3,05m`, `305cm`, `4°C`): the same figure as
# with a space; `waterstand: 3,05m` was no figure, and the picture kept the level before.
# Only symbols: `16u` is a time, `3x` and `2e` are no units.
_ATTACHED_UNIT = r"(?:mm|cm|km|m3|m³|m|°C|°|kg|kW|MW|l)(?!\w)"
# A rate typed against the number (`200/uur`, `300/dag`) is read as with a space: a slash
# and a word (`24/7`, `3/4` stay no figure).
_NUMBER = re.compile(r"^([+-]?)(" + _DIGITS + r")(?=\s|%|$|/[^\W\d_]|" + _ATTACHED_UNIT + r")(.*)$")
# A range with the unit on both ends (`3m-4m`, `4°C-6°C`, `2,5m tot 3m`): read as a
# number and a unit it was its low end, stored as an exact figure (unit "m-4m").
_UNIT_RANGE = re.compile(
    r"^" + _ATTACHED_UNIT + r"\s*(?:[-–—]|(?:à|á|a|tot|to|of|or)\s)\s*[+-]?[\d,]", re.IGNORECASE
)
# A scale word after a range's low end (`3 duizend-4 duizend`): each end then has its own;
# without it the one after the high end counts for both (`2 à 3 duizend`).
_SCALE_WORD = r"(?:honderd|hundred|duizend|thousand|miljoen|million|mln)\.?"
# A range as people type it: `3 à 4`, `3 á 4`, `3 a 4`, `3 tot 4`, `3 of 4`, `tussen 3 en 4`,
# `3 to 4`, `between 3 and 4`; with a dash (`3-4`, `100–150 personen`) only where the
# caller says so (a count: elsewhere `14-16 uur` is a time span, not a figure).
_RANGE_WORDS = re.compile(
    r"^(?:(?:tussen(?:\s+de)?|between)\s+)?("
    + _DIGITS
    + r")(?:\s+("
    + _SCALE_WORD
    + r"))?\s+(?:à|á|a|tot|to|of|or|en|and)\s+("
    + _DIGITS
    + r")(?=\s|%|$)(.*)$",
    re.IGNORECASE,
)
_RANGE_DASH = re.compile(
    r"^("
    + _DIGITS
    + r")(?:\s+("
    + _SCALE_WORD
    + r"))?\s*[-–—]\s*("
    + _DIGITS
    + r")(?=\s|%|$)(.*)$",
    re.IGNORECASE,
)
# What is left of a figure after its number when that number was a range's low end: a
# range connector and a number (`- 4`, `tot 3 duizend`), maybe after a scale word glued
# to a dash (`duizend-4`). Read as a number with a unit it was one end, stored exact.
# "en"/"and" too: `3 en 4 duizend` (a range without its "tussen", or two figures in one)
# was stored as exactly 3.
_RANGE_LEFT = re.compile(
    r"^(?:" + _SCALE_WORD + r")?\s*(?:[-–—]|(?:à|á|a|tot|to|of|or|en|and)\s)\s*[+-]?[\d,]",
    re.IGNORECASE,
)


def range_left(unit: str | None) -> bool:
    """Whether a figure's unit (`- 3 duizend`, `duizend-4`) is the rest of a range that
    `parse_range` did not read (its ends out of order, a scale on one end only)."""
    return unit is not None and _RANGE_LEFT.match(unit) is not None


# `1,200`: twelve hundred as English writes it, or one point two as Dutch does. With one
# to three digits before the comma (the first not 0) and exactly three after it, both
# readings are numbers a report may hold; read the Dutch way, 1,200 evacuees were 1,2.
_THOUSANDS_COMMA = re.compile(r"^[+-]?[1-9]\d{0,2},\d{3}(?=\s|%|$|" + _ATTACHED_UNIT + ")")


def ambiguous_comma(text: str) -> bool:
    """Whether `text` starts with a number that reads as thousands in English and as a
    decimal in Dutch (`1,200`, `12,500`); `0,250`, `1,25` and `1.200` are not."""
    return _THOUSANDS_COMMA.match(text.strip()) is not None


# A rate's short forms at the end of a unit: `300 liter p.d.`, `200 p/u`, `3 l p.p.p.d.`
# (per person per day). Kept as typed they were a stock's unit, summed across sources
# (storage/metric_kinds.adds_up reads "per" and "/", which "p.d." has neither of).
_PER_SHORT = re.compile(
    r"(?:^|(?<=\s))(?=p)(p\.\s*p\.\s*)?(?:p\s*[./]\s*(uur|dag|week|u|d|w)\.?)?$", re.IGNORECASE
)
PER_WORDS = {"u": "uur", "d": "dag", "w": "week", "uur": "uur", "dag": "dag", "week": "week"}
# Per person written without the full stops `_PER_SHORT` needs: `200 pp`, `2 p.p`,
# `2 liter pppd`, `3 liter pp/dag`, `p/p`. Kept as typed, "pp" was a stock's unit:
# 200 meals per person summed across shelters as 200 meals.
_PER_PERSON = re.compile(
    r"(?:^|(?<=\s))(?:p\.?\s*p\.?|p\s*/\s*p)"
    r"(?:\s*(?:p\.?\s*|/\s*)(uur|dag|week|u|d|w)\.?)?$",
    re.IGNORECASE,
)


def per_abbreviation(unit: str) -> str:
    """`unit` with a rate's short form at its end written out: `liter p.d.` -> `liter
    per dag`, `p/u` -> `per uur`, `l p.p.p.d.` -> `l per persoon per dag`."""
    short = _PER_SHORT.search(unit)
    if short is None or not (short.group(1) or short.group(2)):
        person = _PER_PERSON.search(unit)
        if person is None:
            return unit
        words = [unit[: person.start()].rstrip(), "per persoon"]
        if person.group(1):
            words.append("per " + PER_WORDS[person.group(1).lower()])
        return " ".join(w for w in words if w)
    words = [unit[: short.start()].rstrip()]
    if short.group(1):
        words.append("per persoon")
    if short.group(2):
        words.append("per " + PER_WORDS[short.group(2).lower()])
    return " ".join(w for w in words if w)


def parse_figure(text: str) -> tuple[float, str | None] | None:
    """`120`, `1.200 bedden`, `1,5 km`, `35 %` -> (value, unit); None when it is no number."""
    value = text.strip()
    match = _NUMBER.match(value)
    if not match:
        return None
    sign, number, rest = match.groups()
    number = re.sub(_SPACE, "", number)
    unit = rest.strip() or None
    if unit is not None and unit.startswith("/"):
        unit = "per " + unit[1:].strip()  # `200/uur`, `200 /uur`: a rate, as "per uur" writes it
    if unit is not None:
        unit = per_abbreviation(unit)
    if unit is not None and _UNIT_RANGE.match(unit):
        return None  # no figure: the line stays the liaison's text, as `3-4m` does
    if "," in number:
        whole, _, fraction = number.partition(",")
        canonical = whole.replace(".", "") + "." + fraction
    elif re.fullmatch(r"\d{1,3}(?:\.\d{3})+", number):
        canonical = number.replace(".", "")
    else:
        canonical = number  # "1.5": English habit, a decimal point
    result = float(canonical)
    if sign == "-":
        result = -result
    if unit is not None and len(unit) > 40:
        return None
    return scaled(result, unit)


# A scale word after the number: `3 duizend` was 3 with the unit "duizend", summed as 3.
_SCALES = {
    "honderd": 100.0,
    "hundred": 100.0,
    "duizend": 1_000.0,
    "thousand": 1_000.0,
    "miljoen": 1_000_000.0,
    "million": 1_000_000.0,
    "mln": 1_000_000.0,
}


def scaled(value: float, unit: str | None) -> tuple[float, str | None]:
    """(3, "duizend huishoudens") -> (3000, "huishoudens"); anything else unchanged."""
    if unit is None:
        return value, unit
    first, _, rest = unit.partition(" ")
    factor = _SCALES.get(first.lower().rstrip("."))
    if factor is None:
        return value, unit
    return value * factor, rest.strip() or None


# An end written with a leading zero (`06`, `078`) is no count: a phone number's area
# code. `0` itself and `0,5` are.
_LEADING_ZERO = re.compile(r"^0\d")


def parse_range(text: str, *, dash: bool, whole: bool = True) -> tuple[float, str | None] | None:
    """`3 à 4` -> (4.0, None), `100-150 personen` (with `dash`) -> (125.0, "personen"):
    the middle of a range, a whole number when both ends are (rounded up: for people
    in need the higher reading; not with `whole` False, for a level: `3 à 4 m` is
    3,5 m), and the unit after it. None when `text` is no range or its ends are not in
    order (`4-3` is a typo to ask about, not a figure)."""
    value = text.strip()
    worded = _RANGE_WORDS.match(value)
    if worded is not None and not _joined_as_written(value):
        return None
    match = worded or (_RANGE_DASH.match(value) if dash else None)
    if match is None:
        return None
    low_text, low_scale, high_text, rest = match.groups()
    if _LEADING_ZERO.match(low_text) or _LEADING_ZERO.match(high_text):
        return None  # `06-12345678`, `078-6123456`: a phone number or a code, no count
    unit = rest.strip() or None
    if unit is not None and (len(unit) > 40 or parse_figure(unit) is not None):
        return None  # `3-4-5`, `3 à 4 à 5`: no range this reads
    high, unit = scaled(_plain(high_text), unit)
    if low_scale is not None:
        low, _ = scaled(_plain(low_text), low_scale)  # `3 duizend-4 duizend`: its own
    else:
        # `2 à 3 duizend`: the scale word after the range counts for both ends.
        low, _ = scaled(_plain(low_text), rest.strip() or None)
    if not low < high:
        return None
    if whole and low.is_integer() and high.is_integer():
        return float((int(low) + int(high) + 1) // 2), unit
    return (low + high) / 2, unit


def _plain(number_text: str) -> float:
    """The value of one end of a range (the patterns matched it as a number)."""
    figure = parse_figure(number_text)
    assert figure is not None  # the range patterns only take numbers
    return figure[0]


def _joined_as_written(value: str) -> bool:
    """`en`/`and` join a range only after `tussen`/`between` (`3 en 4` is two things)."""
    words = value.lower().split()
    joins = {"en", "and"} & set(words)
    return not joins or words[0] in ("tussen", "between")


def format_number(value: float) -> str:
    """Back to Dutch: 1200.0 -> `1.200`, 1.5 -> `1,5`."""
    if value == int(value) and abs(value) < 1e15:
        return f"{int(value):,}".replace(",", ".")
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    return text.replace(",", "_").replace(".", ",").replace("_", ".")
