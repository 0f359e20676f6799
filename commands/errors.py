"""Errors a handler raises for bad input; the dispatcher renders them.

A handler that finds a user mistake raises `UserError(key, **args)` instead of
building its own reply: the dispatcher renders the catalogue sentence in the
room's language, and (with savepoints) nothing the handler did is kept.
Raise it before writing anything: on the bot's hot path there is no savepoint.
"""

from __future__ import annotations

from commands.i18n import Language, t
from storage.errors import KnooppuntError, StorageError

__all__ = ["KnooppuntError", "StorageError", "UserError"]


class UserError(KnooppuntError):
    """Bad input from a user: a catalogue key and the values for its placeholders."""

    def __init__(self, key: str, **args: object) -> None:
        super().__init__(key)
        self.key = key
        self.args_ = args

    def text(self, lang: Language) -> str:
        return t(lang, self.key, **self.args_)

    def localized(self, lang: Language) -> str:
        return self.text(lang)
