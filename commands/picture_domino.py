"""The picture's section "Mogelijke domino-effecten": sectors that depend on a sector
with a severe report and have not reported since, with the onset the map expects.

The items come with the picture (`RoomPicture.domino`, filled by the picture service
from `storage.network.open_visible`: only causes this room may see).
"""

from __future__ import annotations

from typing import Protocol

from commands.common import local_time
from commands.i18n import Language, t
from storage.network import OpenDomino
from storage.vocabulary import Sector


class Page(Protocol):
    """What the section needs of the picture being written (commands/picture._Page)."""

    @property
    def lang(self) -> Language: ...

    def section(self, title: str) -> None: ...

    def paragraph(self, line: str, bullet: bool = False) -> None: ...


def labels(items: list[OpenDomino]) -> list[str]:
    """The causes' labels: the picture's banner counts them too."""
    return [item.cause_tlp for item in items]


def lines(items: list[OpenDomino], lang: Language) -> tuple[str, list[str]]:
    """The section's summary line and one line per dependent sector (chat and portal)."""
    sectors: list[str] = []
    for item in items:
        word = Sector.display(item.sector, lang)
        if word not in sectors:
            sectors.append(word)
    found = [_line(item, lang) for item in items]
    return t(lang, "domino.summary", sectors=", ".join(sectors)), found


def _line(item: OpenDomino, lang: Language) -> str:
    """One item: with its cause's id and time, or, for a cause the room may only hear
    of, its sector and region alone (the redacted domino alert's words)."""
    values = {
        "sector": Sector.display(item.sector, lang),
        "cause_sector": Sector.display(item.cause_sector, lang),
        "reason": item.reason,
    }
    if item.full:
        values |= {"code": item.cause_code, "at": local_time(item.cause_observed_at)}
        key = "domino.picture_line"
    else:
        values["region"] = item.cause_region or t(lang, "domino.region_unknown")
        key = "domino.picture_line_heard"
    if item.onset:
        return t(lang, key, onset=item.onset, **values)
    return t(lang, f"{key}_no_onset", **values)


def section(page: Page, items: list[OpenDomino]) -> None:
    if not items:
        return
    page.section(t(page.lang, "domino.section"))
    summary, found = lines(items, page.lang)
    page.paragraph(summary)
    for line in found:
        page.paragraph(line, bullet=True)
