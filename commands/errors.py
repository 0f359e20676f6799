"""Errors a handler raises for bad input; the dispatcher renders them.

A handler that finds a user mistake raises `UserError(key, **args)` instead of
building its own reply: the dispatcher renders the catalogue sentence in the
room's language, and (with savepoints) nothing the handler did is kept.
Raise it before writing anything: on the bot's hot path there is no savepoint.
"""

from __future__ import annotations

from commands.i18n import Language, t
from storage.errors import KnooppuntError, StorageError

__all__ = ["KnooppuntError", "SaidError", "StorageError", "UserError"]


class SaidError(KnooppuntError):
    """An error whose sentence is in the catalogue: its key and the values for its
    placeholders. Whoever shows it says it in the reader's language (`localized`);
    `str()` is the English sentence, for logs."""

    def __init__(self, key: str, **values: object) -> None:
        super().__init__(t("en", key, **values))
        self.key = key
        self.values = values

    def text(self, lang: Language) -> str:
        return t(lang, self.key, **self.values)

    def localized(self, lang: Language) -> str:
        return self.text(lang)


class UserError(SaidError):
    """Bad input from a user: the dispatcher says it in the room's language."""
