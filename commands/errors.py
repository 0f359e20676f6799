"""Errors a handler raises for bad input; the dispatcher renders them.

A handler that finds a user mistake raises `UserError(key, **args)` instead of
building its own reply: the dispatcher renders the catalogue sentence in the
room's language, and (with savepoints) nothing the handler did is kept.
Raise it before writing anything: on the bot's hot path there is no savepoint.
"""

from __future__ import annotations

from commands.i18n import Language, t
from storage.errors import KnooppuntError, SaidError, StorageError

__all__ = ["KnooppuntError", "SaidError", "StorageError", "UserError"]


class UserError(SaidError):
    """Bad input from a user: the dispatcher says it in the room's language."""

    def text(self, lang: Language) -> str:
        return t(lang, self.key, **self.values)
