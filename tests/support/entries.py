"""Reports as the storage layer takes them, with plain defaults for what a test does not
care about: one place instead of a copy of every field in each test module."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from storage.entries import EntryInput

OBSERVED = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def entry_input(**fields: Any) -> EntryInput:
    """A moderate, new GREEN report of GGD in Dordrecht for incident storm; `fields`
    (any of EntryInput's) say what the test does care about."""
    values: dict[str, Any] = {
        "incident": "storm",
        "category": "shelter",
        "organisation": "GGD",
        "observed_at": OBSERVED,
        "municipality": "Dordrecht",
        "region": None,
        "location": None,
        "severity": "Moderate",
        "status": "new",
        "source": None,
        "sector": None,
        "text": "tekst",
        "tlp": "GREEN",
    }
    return EntryInput(**(values | fields))
