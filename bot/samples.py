"""The sample crisis, for `knooppunt demo` and `knooppunt console --demo`: the sample
knowledge shipped with the package, one incident and how its rooms are bound.

Found through importlib.resources (package data of `knowledge`), so it works
from an installed wheel as well as from a source checkout.
"""

from __future__ import annotations

import contextlib
import re
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from importlib import resources
from pathlib import Path


@contextlib.contextmanager
def sample_knowledge() -> Iterator[Path]:
    """A real directory holding knowledge/sample, for as long as the block runs."""
    with resources.as_file(resources.files("knowledge") / "sample") as path:
        yield path


# The day the sample's dates were written for. The demo moves every date in the sample
# by the days since (`dated_sample_knowledge`): fixed dates went stale (a care home's
# facts "old" from 2026-12-30, the sports halls' plans expired after 2027-06-01), so
# the demo told another story on every later day, and a test reading them was a time
# bomb. Moved, the sample looks on any day as it did then: what was current is, what
# was meant to be old or expired (a Q&A valid until 2025) still is.
SAMPLE_DATED = date(2026, 12, 3)
_ISO_DATE = re.compile(r"(?<![\d-])(\d{4})-(\d{2})-(\d{2})(?![\d-])")
_DATED_SUFFIXES = frozenset({".yaml", ".yml", ".md", ".csv", ".geojson", ".json"})


@contextlib.contextmanager
def dated_sample_knowledge(today: date) -> Iterator[Path]:
    """`sample_knowledge` in a temporary folder, every date in its files moved by the
    days from `SAMPLE_DATED` to `today`, for as long as the block runs."""
    shift = today - SAMPLE_DATED

    def moved(found: re.Match[str]) -> str:
        try:
            written = date(int(found[1]), int(found[2]), int(found[3]))
            return (written + shift).isoformat()
        except (ValueError, OverflowError):  # not a date after all: as written
            return found[0]

    with sample_knowledge() as sample, tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "sample"
        shutil.copytree(sample, target)
        for path in sorted(target.rglob("*")):
            if path.is_file() and path.suffix in _DATED_SUFFIXES:
                text = path.read_text(encoding="utf-8")
                path.write_text(_ISO_DATE.sub(moved, text), encoding="utf-8")
        yield target


@contextlib.contextmanager
def sample_network() -> Iterator[Path]:
    """A real directory holding knowledge/sample_network (partners and a dependency
    map), for as long as the block runs."""
    with resources.as_file(resources.files("knowledge") / "sample_network") as path:
        yield path


@dataclass(frozen=True)
class SampleBinding:
    role: str
    organisation: str
    tlp_default: str
    clearance: str
    incident: str | None


# The sample incident and how its rooms are bound: the same as `knooppunt demo`
# binds its Matrix rooms, so the console and the demo tell the same story.
SAMPLE_INCIDENT = "hoogwater"
SAMPLE_INCIDENT_TITLE = "Hoogwater Maas"
SAMPLE_BINDINGS = (
    SampleBinding("coordinator", "Veiligheidsregio ZHZ", "AMBER", "AMBER", SAMPLE_INCIDENT),
    SampleBinding("liaison", "GGD ZHZ", "GREEN", "AMBER", SAMPLE_INCIDENT),
    SampleBinding("municipality", "Gemeente Dordrecht", "GREEN", "GREEN", SAMPLE_INCIDENT),
    SampleBinding("curator", "KCIO", "GREEN", "AMBER", None),
)
