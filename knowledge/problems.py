"""What is wrong with a content file, as a catalogue key and its values.

`knowledge/` does not import the text catalogue (it sits below `commands/`), so a file
check does not write sentences: it records the key of the sentence
(`commands/texts/content.py`) and the values for its placeholders. Whoever shows the
problem renders it in the reader's language with `commands.i18n.t`, which also renders
a nested problem (the place in a file) and a `ContentRule` the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from knowledge.model import ContentRule


@dataclass(frozen=True)
class FileProblem:
    """One thing wrong with a file (or an import): `content.<name>` and its values."""

    key: str
    values: tuple[tuple[str, object], ...] = ()

    @classmethod
    def of(cls, key: str, **values: object) -> FileProblem:
        return cls(key, tuple(values.items()))

    @property
    def args(self) -> dict[str, object]:
        return dict(self.values)


def at(kind: str, number: int) -> FileProblem:
    """A numbered place in a file: `kind` is line, item, object or feature."""
    return FileProblem.of(f"content.where_{kind}", number=number)


FRONT_MATTER = FileProblem.of("content.where_front_matter")


# pydantic's own checks that files and chat edits meet, each a catalogue key
# `content.check_<type>` (its English is pydantic's); a rarer one keeps pydantic's English.
PYDANTIC_CHECKS = frozenset(
    {
        "missing",
        "extra_forbidden",
        "string_type",
        "string_too_short",
        "string_too_long",
        "too_short",
        "too_long",
        "int_type",
        "int_parsing",
        "float_type",
        "float_parsing",
        "bool_type",
        "bool_parsing",
        "date_type",
        "date_parsing",
        "date_from_datetime_parsing",
        "date_from_datetime_inexact",
        "list_type",
        "dict_type",
        "literal_error",
        "greater_than",
        "greater_than_equal",
        "less_than",
        "less_than_equal",
    }
)


def complaint(first: ErrorDetails) -> object:
    """What one pydantic error says, in the reader's language when `commands.i18n.t`
    renders it: a content rule of ours, or one of pydantic's common checks, as a key and
    values; any other check in pydantic's English."""
    context: dict[str, Any] = dict(first.get("ctx", {}))
    rule = context.get("error")
    if isinstance(rule, ContentRule):
        return rule
    if first["type"] in PYDANTIC_CHECKS:
        values = {name: value for name, value in context.items() if name != "error"}
        if first["type"] == "literal_error" and isinstance(values.get("expected"), str):
            # pydantic joins the choices with an English "or": a list reads in both.
            values["expected"] = values["expected"].replace("' or '", "', '")
        return FileProblem.of(f"content.check_{first['type']}", **values)
    # pydantic prefixes a ValueError with "Value error, "; the rule reads better alone.
    return first["msg"].removeprefix("Value error, ")


def field_error(error: ValidationError, whole: str) -> FileProblem:
    """pydantic's first complaint as "<field>: <rule>"; `whole` names the place when the
    complaint is about the item (or file) itself."""
    first = error.errors()[0]
    where = ".".join(str(p) for p in first["loc"]) or whole
    return FileProblem.of("content.field_error", field=where, error=complaint(first))


def invalid_item(where: object, raw: dict[str, Any], error: ValidationError) -> FileProblem:
    """An item that fails validation: its place, its id when it has one, the complaint."""
    return FileProblem.of(
        "content.invalid_item", where=where, id=raw.get("id", "?"), error=field_error(error, "item")
    )
