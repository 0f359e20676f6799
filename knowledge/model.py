"""The curated content: one Q&A, validated at the edge (pydantic)."""

from __future__ import annotations

import hashlib
import json
import re
from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from storage import tlp

MAX_ANSWER_CHARS = 20_000
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
_SCRIPT = re.compile(r"<\s*/?\s*(script|iframe|object|embed|style)\b", re.IGNORECASE)


class QA(BaseModel):
    """A curated question and answer (answer in Markdown)."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    id: str
    question: str = Field(min_length=3, max_length=500)
    alternatives: list[str] = Field(default_factory=list)
    answer: str = Field(min_length=1)
    topic: str = ""
    tags: list[str] = Field(default_factory=list)
    audience: str = "gemeenten"
    owner: str = ""
    source_url: str | None = None
    source_title: str | None = None
    valid_from: date | None = None
    valid_until: date | None = None
    updated: date | None = None
    tlp: str = "GREEN"
    lang: str = "nl"

    @field_validator("id")
    @classmethod
    def _id(cls, value: str) -> str:
        if not _ID.match(value):
            raise ValueError("id: letters, digits, '.', '_' or '-', at most 100")
        return value

    @field_validator("answer")
    @classmethod
    def _answer(cls, value: str) -> str:
        if len(value) > MAX_ANSWER_CHARS:
            raise ValueError(f"answer longer than {MAX_ANSWER_CHARS} characters")
        if _SCRIPT.search(value):
            raise ValueError("answer contains script or embedded content; use Markdown")
        return value

    @field_validator("tlp")
    @classmethod
    def _tlp(cls, value: str) -> str:
        label = tlp.parse_label(value)
        if label is None:
            raise ValueError("tlp must be clear, green, amber, amber+strict or red")
        return label

    @field_validator("alternatives", "tags", mode="before")
    @classmethod
    def _listify(cls, value: Any) -> Any:
        if value is None:
            return []
        if isinstance(value, str):
            return [value]
        return value

    def content_hash(self) -> str:
        """Changes when anything a user would see changes; the version bumps with it."""
        data = self.model_dump(mode="json")
        return hashlib.sha256(
            json.dumps(data, sort_keys=True, ensure_ascii=False).encode()
        ).hexdigest()
