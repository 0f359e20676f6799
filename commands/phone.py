"""Texts fit for a phone: shortened at word boundaries, figures with human labels.

The metric vocabulary gives each figure key (`huishoudens_zonder_stroom`) a Dutch
and an English label and, where it has one, a unit. Deployments extend it with
the `metrics:` section of the configuration (bot/config.py MetricConfig), applied once
at start (`METRICS.configure`, bot/wiring.py); a key nobody described is shown with
spaces instead of underscores, never as a key.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from commands.i18n import Language
from storage.vocabulary import fold

# Long enough to read a liaison's sentence; short enough for a phone's line or two.
READABLE_CHARS = 140


def shorten_words(text: str, limit: int = READABLE_CHARS) -> str:
    """At most `limit` characters, cut at a word boundary and marked with "…".

    A single word longer than the limit (a URL) is the only thing cut inside a word.
    """
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    boundary = cut.rfind(" ")
    if boundary > limit // 3:
        cut = cut[:boundary]
    return cut.rstrip(" ,;:-–—") + "…"


@dataclass(frozen=True)
class MetricLabel:
    nl: str
    en: str
    unit: str | None = None

    def label(self, lang: Language) -> str:
        return self.nl if lang == "nl" else self.en


DEFAULT_METRICS: dict[str, MetricLabel] = {
    "opvangplekken_beschikbaar": MetricLabel(
        "opvangplekken beschikbaar", "shelter places available"
    ),
    "opvangplekken_bezet": MetricLabel("opvangplekken bezet", "shelter places occupied"),
    "bedden_beschikbaar": MetricLabel("bedden beschikbaar", "beds available", "bedden"),
    "geevacueerden": MetricLabel("geëvacueerden", "evacuees", "personen"),
    "gewonden": MetricLabel("gewonden", "injured", "personen"),
    "doden": MetricLabel("doden", "deaths", "personen"),
    "huishoudens_zonder_stroom": MetricLabel(
        "huishoudens zonder stroom", "households without power", "huishoudens"
    ),
    "aansluitingen_zonder_stroom": MetricLabel(
        "aansluitingen zonder stroom", "connections without power", "aansluitingen"
    ),
    "inzetten": MetricLabel("inzetten", "deployments"),
    "pompen_actief": MetricLabel("pompen actief", "pumps running", "pompen"),
    "waterstand": MetricLabel("waterstand", "water level"),
}
UNIT_EN = {
    "plekken": "places",
    "bedden": "beds",
    "personen": "people",
    "huishoudens": "households",
    "aansluitingen": "connections",
    "pompen": "pumps",
}


@dataclass
class MetricVocabulary:
    metrics: Mapping[str, MetricLabel] = field(default_factory=lambda: dict(DEFAULT_METRICS))

    def configure(self, extra: Mapping[str, Mapping[str, str | None]]) -> None:
        """The deployment's vocabulary: the built-in one plus `extra` (from configuration).

        One vocabulary per process, like the language: set at start, before any
        picture is rendered; `configure({})` goes back to the built-in one.
        """
        self.metrics = MetricVocabulary().extended(extra).metrics

    def aliases(self) -> dict[str, str]:
        """Label -> key, for the report parser: a configured figure is recognised by its
        Dutch and English label."""
        found: dict[str, str] = {}
        for key, known in self.metrics.items():
            for label in (known.nl, known.en, key.replace("_", " ")):
                found[" ".join(fold(label).split())] = key
        return found

    def extended(self, extra: Mapping[str, Mapping[str, str | None]]) -> MetricVocabulary:
        """This vocabulary plus `{key: {"nl": ..., "en": ..., "unit": ...}}` entries."""
        merged = dict(self.metrics)
        for key, spec in extra.items():
            nl = spec.get("nl") or key.replace("_", " ")
            merged[key] = MetricLabel(nl, spec.get("en") or nl, spec.get("unit"))
        return MetricVocabulary(merged)

    def label(self, metric: str, lang: Language) -> str:
        known = self.metrics.get(metric)
        return known.label(lang) if known else metric.replace("_", " ")

    def unit(self, metric: str, lang: Language) -> str | None:
        """The vocabulary's unit, unless the label already says it ("bedden beschikbaar")."""
        known = self.metrics.get(metric)
        if known is None or known.unit is None or known.unit in known.nl.split():
            return None
        return known.unit if lang == "nl" else UNIT_EN.get(known.unit, known.unit)

    def known(self, metric: str) -> bool:
        return metric in self.metrics


METRICS = MetricVocabulary()
