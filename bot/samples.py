"""The sample crisis, for `knooppunt demo` and `knooppunt console --demo`: the sample
knowledge shipped with the package, one incident and how its rooms are bound.

Found through importlib.resources (package data of `knowledge`), so it works
from an installed wheel as well as from a source checkout.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path


@contextlib.contextmanager
def sample_knowledge() -> Iterator[Path]:
    """A real directory holding knowledge/sample, for as long as the block runs."""
    with resources.as_file(resources.files("knowledge") / "sample") as path:
        yield path


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
