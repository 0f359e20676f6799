"""Municipality -> safety region, from the shipped table plus configured additions.

Regions are also known by their usual abbreviations (VRZHZ, ZHZ, VRR, VGGM, ...) and
other names (Friesland); those are in the `_aliases` section of the shipped table.
"""

from __future__ import annotations

import re
from functools import cached_property, lru_cache
from pathlib import Path

from storage.vocabulary import fold

DATA = Path(__file__).parent / "data" / "regions.yaml"
ALIASES_KEY = "_aliases"
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")


# `gemeente: Dordrecht, Zwijndrecht` (or `en`, `/`, `&`, `+`) names several municipalities.
# The blanks before a separator are tried only from the first of their run: a leading
# `\s*` retried the whole run from every blank in it, quadratic (13 s for 20,000 blanks).
# A later start in the run cannot match where its first failed, and a search never
# starts inside a run but after a match, whose trailing `\s*` took all of its run.
_SEVERAL = re.compile(r"(?:(?<!\s)\s+)?(?:,|/|&|\+|\ben\b|\band\b)\s*", re.IGNORECASE)


def named_municipalities(value: str) -> list[str]:
    """The municipalities a `gemeente:` value names, in order: one, or each of several."""
    return [part for part in _SEVERAL.split(value) if part.strip()]


def squash(name: str) -> str:
    """`Zuid-Holland Zuid`, `zuid holland-zuid` -> `zuidhollandzuid`: spelling-proof."""
    return _NOT_ALNUM.sub("", fold(name))


@lru_cache(maxsize=1)
def _raw() -> dict[str, list[object]]:
    # Read at the first lookup (RegionTable), soon after a start: libyaml's loader
    # takes 1 ms where PyYAML's own takes 20; PyYAML is imported here, not at start-up.
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    data = yaml.load(DATA.read_text(encoding="utf-8"), Loader=loader)
    return {str(k): list(v) for k, v in data.items() if k != ALIASES_KEY} | {
        ALIASES_KEY: [data.get(ALIASES_KEY, {})]
    }


@lru_cache(maxsize=1)
def _shipped() -> dict[str, tuple[str, str]]:
    table: dict[str, tuple[str, str]] = {}
    for region, municipalities in _raw().items():
        if region == ALIASES_KEY:
            continue
        for municipality in municipalities:
            table[fold(str(municipality))] = (str(municipality), str(region))
    return table


@lru_cache(maxsize=1)
def _shipped_aliases() -> dict[str, str]:
    found = _raw()[ALIASES_KEY][0]
    aliases: dict[str, str] = {}
    if isinstance(found, dict):
        for region, names in found.items():
            for name in names:
                aliases[squash(str(name))] = str(region)
    return aliases


# Names everyone writes for a municipality the table spells otherwise (folded), read as
# the table's: "gemeente: Den Bosch" was a municipality of its own, apart from
# 's-Hertogenbosch, and text naming it no place. ("Den Haag" is in the table itself.)
SPOKEN_NAMES = {"den bosch": "'s-Hertogenbosch"}

_PREFIXES = ("veiligheidsregio", "veiligheids en gezondheidsregio", "regio", "vr ")


class RegionTable:
    """The shipped table and `extra`, read when first asked: every start builds one
    (the report parser's vocabulary), few look anything up soon after."""

    def __init__(self, extra: dict[str, list[str]] | None = None) -> None:
        self._extra = extra or {}

    @cached_property
    def _table(self) -> dict[str, tuple[str, str]]:
        table = dict(_shipped())
        for region, municipalities in self._extra.items():
            for municipality in municipalities:
                table[fold(municipality)] = (municipality, region)
        for spoken, official in SPOKEN_NAMES.items():
            if fold(official) in table:
                table.setdefault(spoken, table[fold(official)])
        return table

    @cached_property
    def regions(self) -> list[str]:
        return sorted({region for _, region in self._table.values()})

    @cached_property
    def _names(self) -> dict[str, str]:
        names = {squash(r): r for r in self.regions}
        for alias, region in _shipped_aliases().items():
            if region in self.regions:
                names.setdefault(alias, region)
        return names

    def region_of(self, municipality: str) -> str | None:
        found = self._table.get(fold(municipality))
        return found[1] if found else None

    def canonical_municipality(self, municipality: str) -> str:
        found = self._table.get(fold(municipality))
        return found[0] if found else municipality.strip()

    def find_municipality(self, municipality: str) -> str | None:
        """The table's spelling of a known municipality, or None."""
        found = self._table.get(fold(municipality))
        return found[0] if found else None

    def canonical_region(self, region: str) -> str | None:
        wanted = " ".join(fold(region).split())
        for prefix in _PREFIXES:
            if wanted.startswith(prefix + " ") or (
                prefix.endswith(" ") and wanted.startswith(prefix)
            ):
                wanted = wanted[len(prefix) :].strip()
                break
        return self._names.get(squash(wanted)) or self._names.get(squash(region))

    @property
    def abbreviations(self) -> dict[str, str]:
        """Every other name a region is known by (squashed) -> the region."""
        return {k: v for k, v in self._names.items() if k != squash(v)}

    @property
    def municipalities(self) -> list[str]:
        # Once each: a spoken name (`SPOKEN_NAMES`) is a second key of the same one.
        return list(dict.fromkeys(name for name, _ in self._table.values()))
