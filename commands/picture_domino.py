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
    found: list[str] = []
    for item in items:
        values = {
            "sector": Sector.display(item.sector, lang),
            "code": item.cause_code,
            "cause_sector": Sector.display(item.cause_sector, lang),
            "at": local_time(item.cause_observed_at),
            "reason": item.reason,
        }
        if item.onset:
            found.append(t(lang, "domino.picture_line", onset=item.onset, **values))
        else:
            found.append(t(lang, "domino.picture_line_no_onset", **values))
    return t(lang, "domino.summary", sectors=", ".join(sectors)), found


def section(page: Page, items: list[OpenDomino]) -> None:
    if not items:
        return
    page.section(t(page.lang, "domino.section"))
    summary, found = lines(items, page.lang)
    page.paragraph(summary)
    for line in found:
        page.paragraph(line, bullet=True)
