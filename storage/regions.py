"""Municipality -> safety region, from the shipped table plus configured additions."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

from storage.vocabulary import fold

DATA = Path(__file__).parent / "data" / "regions.yaml"


@lru_cache(maxsize=1)
def _shipped() -> dict[str, tuple[str, str]]:
    table: dict[str, tuple[str, str]] = {}
    raw = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    for region, municipalities in raw.items():
        for municipality in municipalities:
            table[fold(str(municipality))] = (str(municipality), str(region))
    return table


class RegionTable:
    def __init__(self, extra: dict[str, list[str]] | None = None) -> None:
        self._table = dict(_shipped())
        for region, municipalities in (extra or {}).items():
            for municipality in municipalities:
                self._table[fold(municipality)] = (municipality, region)
        self.regions = sorted({region for _, region in self._table.values()})

    def region_of(self, municipality: str) -> str | None:
        found = self._table.get(fold(municipality))
        return found[1] if found else None

    def canonical_municipality(self, municipality: str) -> str:
        found = self._table.get(fold(municipality))
        return found[0] if found else municipality.strip()

    def canonical_region(self, region: str) -> str | None:
        wanted = fold(region).removeprefix("veiligheidsregio ").strip()
        for known in self.regions:
            if fold(known) == wanted:
                return known
        return None

    @property
    def municipalities(self) -> list[str]:
        return [name for name, _ in self._table.values()]
