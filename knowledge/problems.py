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


def complaint(first: ErrorDetails) -> object:
    """What one pydantic error says: a content rule of ours, which the reader's language
    renders (`commands.i18n.t` takes its key and values), or pydantic's own English."""
    rule: Any = first.get("ctx", {}).get("error")
    # pydantic prefixes a ValueError with "Value error, "; the rule reads better alone.
    return rule if isinstance(rule, ContentRule) else first["msg"].removeprefix("Value error, ")


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
