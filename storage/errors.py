"""The one error model: every error the bot reports to a person derives from here.

It lives in `storage` because that is the lowest layer: storage, knowledge,
commands and bot may all import it without breaking the layering rule.
"""

from __future__ import annotations

from typing import Literal


class KnooppuntError(Exception):
    """An expected failure with a message meant for a person (operator or user).

    The CLI catches this one class, prints one line and exits with code 2;
    anything else is a bug and keeps its traceback.
    """

    def localized(self, lang: Literal["nl", "en"]) -> str:
        """The message in `lang`. An error whose sentence is in the text catalogue
        (`ConfigError`, `UserError`, `GrammarError`, `TimeError`) says it in that
        language; the others keep their one (log) sentence."""
        del lang
        return str(self)


class StorageError(KnooppuntError):
    """The database or the data directory cannot be used as configured."""
