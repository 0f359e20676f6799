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


def field_error(error: ValidationError, whole: str) -> FileProblem:
    """pydantic's first complaint as "<field>: <rule>"; `whole` names the place when the
    complaint is about the item (or file) itself. A content rule of ours is said in the
    reader's language; pydantic's own checks stay in its English."""
    first = error.errors()[0]
    where = ".".join(str(p) for p in first["loc"]) or whole
    rule: Any = first.get("ctx", {}).get("error")
    # pydantic prefixes our own rules with "Value error, "; the rule reads better alone.
    said: object = (
        rule if isinstance(rule, ContentRule) else first["msg"].removeprefix("Value error, ")
    )
    return FileProblem.of("content.field_error", field=where, error=said)


def invalid_item(where: object, raw: dict[str, Any], error: ValidationError) -> FileProblem:
    """An item that fails validation: its place, its id when it has one, the complaint."""
    return FileProblem.of(
        "content.invalid_item", where=where, id=raw.get("id", "?"), error=field_error(error, "item")
    )
