"""The one error model: every error the bot reports to a person derives from here.

It lives in `storage` because that is the lowest layer: storage, knowledge,
commands and bot may all import it without breaking the layering rule.
"""

from __future__ import annotations


class KnooppuntError(Exception):
    """An expected failure with a message meant for a person (operator or user).

    The CLI catches this one class, prints one line and exits with code 2;
    anything else is a bug and keeps its traceback.
    """


class StorageError(KnooppuntError):
    """The database or the data directory cannot be used as configured."""
