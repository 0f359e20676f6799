"""The catalogue's families: one module per command module, one lookup (`commands.i18n.t`).

Every user-facing sentence has one key with a Dutch and an English version. The
general sentences stay in `commands/i18n.py`; the families here hold the
sentences of one command module each, keyed `<family>.<name>`.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Literal, Protocol

Language = Literal["nl", "en"]
Entries = dict[str, dict[Language, str]]


class Localized(Protocol):
    """A value that renders itself in the reader's language (a problem, a time error)."""

    def localized(self, lang: Language) -> str: ...


@dataclass(frozen=True)
class Word:
    """A vocabulary word from a bilingual table (a phase, a severity), not a sentence."""

    nl: str
    en: str

    def localized(self, lang: Language) -> str:
        return self.nl if lang == "nl" else self.en


# One module per family of keys (`<family>.<name>`), in the order they are merged.
FAMILIES = (
    "cli",
    "closed",
    "common",
    "console",
    "content",
    "demo",
    "domino",
    "exercise",
    "export",
    "grammar",
    "held",
    "guidance",
    "incidents",
    "knowledge",
    "knowledge_view",
    "objects",
    "outbox",
    "permissions",
    "picture",
    "portal",
    "qa",
    "questions",
    "record",
    "report_parser",
    "reports",
    "rooms_admin",
    "subscriptions",
    "time",
)


def families() -> Entries:
    """Every family's entries, merged; a key defined twice is a bug caught at import."""
    # Imported here: the family modules import `Entries` from this package.
    merged: Entries = {}
    for name in FAMILIES:
        module = importlib.import_module(f"commands.texts.{name}")
        for key, entry in module.TEXTS.items():
            if key in merged:
                raise ValueError(f"text key {key!r} defined twice")
            merged[key] = entry
    return merged
