"""Municipality -> safety region, from the shipped table plus configured additions.

Regions are also known by their usual abbreviations (VRZHZ, ZHZ, VRR, VGGM, ...) and
other names (Friesland); those are in the `_aliases` section of the shipped table.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import yaml

from storage.vocabulary import fold

DATA = Path(__file__).parent / "data" / "regions.yaml"
ALIASES_KEY = "_aliases"
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")


def squash(name: str) -> str:
    """`Zuid-Holland Zuid`, `zuid holland-zuid` -> `zuidhollandzuid`: spelling-proof."""
    return _NOT_ALNUM.sub("", fold(name))


@lru_cache(maxsize=1)
def _raw() -> dict[str, list[object]]:
    data = yaml.safe_load(DATA.read_text(encoding="utf-8"))
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


_PREFIXES = ("veiligheidsregio", "veiligheids en gezondheidsregio", "regio", "vr ")


class RegionTable:
    def __init__(self, extra: dict[str, list[str]] | None = None) -> None:
        self._table = dict(_shipped())
        for region, municipalities in (extra or {}).items():
            for municipality in municipalities:
                self._table[fold(municipality)] = (municipality, region)
        self.regions = sorted({region for _, region in self._table.values()})
        self._names: dict[str, str] = {squash(r): r for r in self.regions}
        for alias, region in _shipped_aliases().items():
            if region in self.regions:
                self._names.setdefault(alias, region)

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
        return [name for name, _ in self._table.values()]
