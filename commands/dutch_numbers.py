"""Dutch numbers in figures: `1.200` is twelve hundred, `1,5` is one and a half."""

from __future__ import annotations

import re

# Thousands grouped with dots (`1.200`) or with spaces (`1 200`, also the no-break and
# narrow no-break spaces of a copied figure): `1 200` read as 1 with unit "200" would
# count one place where there are twelve hundred.
_SPACE = "[ \u00a0\u202f]"
_NUMBER = re.compile(
    r"^([+-]?)(\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d{1,3}(?:" + _SPACE + r"\d{3})+(?:,\d+)?"
    r"|\d+\.\d{1,2}|\d+(?:,\d+)?|,\d+)(?=\s|%|$)(.*)$"
)


# `1,200`: twelve hundred as English writes it, or one point two as Dutch does. With one
# to three digits before the comma (the first not 0) and exactly three after it, both
# readings are numbers a report may hold; read the Dutch way, 1,200 evacuees were 1,2.
_THOUSANDS_COMMA = re.compile(r"^[+-]?[1-9]\d{0,2},\d{3}(?=\s|%|$)")


def ambiguous_comma(text: str) -> bool:
    """Whether `text` starts with a number that reads as thousands in English and as a
    decimal in Dutch (`1,200`, `12,500`); `0,250`, `1,25` and `1.200` are not."""
    return _THOUSANDS_COMMA.match(text.strip()) is not None


def parse_figure(text: str) -> tuple[float, str | None] | None:
    """`120`, `1.200 bedden`, `1,5 km`, `35 %` -> (value, unit); None when it is no number."""
    value = text.strip()
    match = _NUMBER.match(value)
    if not match:
        return None
    sign, number, rest = match.groups()
    number = re.sub(_SPACE, "", number)
    unit = rest.strip() or None
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
    return result, unit


def format_number(value: float) -> str:
    """Back to Dutch: 1200.0 -> `1.200`, 1.5 -> `1,5`."""
    if value == int(value) and abs(value) < 1e15:
        return f"{int(value):,}".replace(",", ".")
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    return text.replace(",", "_").replace(".", ",").replace("_", ".")
