"""Which figures add up across sources.

The picture sums the latest value of each source per region ("Cijfers per regio"), and
the portal charts those sums. That is right for counts (people, beds, households,
places) and wrong for a level, a temperature, a share or a rate: two gauges at 2,95 and
3,10 m NAP were shown as a water level of 6,05 m NAP, two temperatures of 4 and 5 °C
as 9 °C, outages of 30% and 20% as 50% - confident figures no source gave. What does
not add up is shown as the lowest and highest of the sources' values instead.

Decided on the metric's words and the unit as typed; a count is the default, since
the vocabulary's figures are counts.
"""

from __future__ import annotations

from storage.vocabulary import fold

# Words of a metric's name that make it a level, a measurement or a change of one.
_NOT_ADDING_WORDS = frozenset(
    {
        # levels and heights
        "waterstand", "waterpeil", "peil", "niveau", "hoogte", "diepte", "level",
        "height", "depth", "stand",
        # measurements of a place
        "temperatuur", "temperature", "graden", "snelheid", "windsnelheid", "windkracht",
        "speed", "druk", "pressure", "concentratie", "concentration", "debiet", "afvoer",
        "neerslag", "rainfall", "precipitation", "luchtvochtigheid", "humidity",
        # shares
        "percentage", "procent", "percent", "aandeel", "share", "ratio", "rate",
        # changes and durations
        "verandering", "verschil", "delta", "trend", "stijging", "daling", "change",
        "difference", "duur", "hersteltijd", "wachttijd", "duration",
    }
)  # fmt: skip

# Dutch writes a level as one word ("waterhoogte", "grondwaterstand", "watertemperatuur",
# "bezettingsgraad"): a metric word ending in one of these is a level too. "stand" and
# "duur" alone are not endings here: "achterstand" (a backlog) is a count.
_NOT_ADDING_ENDINGS = (
    "waterstand", "peil", "niveau", "hoogte", "diepte", "level", "temperatuur",
    "snelheid", "druk", "percentage", "graad", "debiet", "neerslag", "concentratie",
)  # fmt: skip

# Units of a level, a temperature, a share or a rate.
_NOT_ADDING_UNITS = frozenset({"%", "°c", "°", "graden", "nap", "bft", "ppm", "promille"})


def adds_up(metric: str, unit: str | None) -> bool:
    """Whether the latest values of several sources of `metric` (in `unit`) may be
    summed. `metric` is the stored key (`verandering_waterstand`)."""
    words = metric.split("_")
    if not _NOT_ADDING_WORDS.isdisjoint(words) or any(
        word.endswith(_NOT_ADDING_ENDINGS) for word in words
    ):
        return False
    if unit is None:
        return True
    folded = fold(unit)
    if "/" in folded or " per " in f" {folded} ":
        return False  # a rate: km/u, m3/s, liter per uur
    return _NOT_ADDING_UNITS.isdisjoint(folded.split())
