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


class SaidError(KnooppuntError):
    """An error whose sentence is in the text catalogue (commands/i18n.py): its key and
    the values for the placeholders. Whoever shows it says it in the reader's language
    (`commands.i18n.said`): the CLI in the configured one, the dispatcher in the room's.
    The layers below `commands/` raise it without importing the catalogue; `str()` is
    the key and its values, for logs."""

    def __init__(self, key: str, **values: object) -> None:
        shown = ", ".join(f"{name}={value!r}" for name, value in values.items())
        super().__init__(f"{key} ({shown})" if shown else key)
        self.key = key
        self.values = values


class ContentRule(SaidError, ValueError):
    """A rule a value breaks, raised in a pydantic validator: of a Q&A or guidance
    (knowledge/model.py), a partner, network or object file, or a setting
    (bot/config.py). `knowledge.problems.complaint` finds it in a ValidationError."""


class StorageError(KnooppuntError):
    """The database or the data directory cannot be used as configured."""
