"""The curated content: Q&As and guidance documents, validated at the edge (pydantic)."""

from __future__ import annotations

import hashlib
import json
import re
from datetime import date
from typing import Any
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from storage import tlp
from storage.errors import ContentRule

__all__ = ["ContentRule"]  # the content rules' error, raised here; defined in one place

MAX_ANSWER_CHARS = 20_000
MAX_GUIDANCE_CHARS = 200_000
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
_SCRIPT = re.compile(r"<\s*/?\s*(script|iframe|object|embed|style)\b", re.IGNORECASE)


def _check_id(value: str) -> str:
    if not _ID.match(value):
        raise ContentRule("knowledge.rule_id")
    return value


def _check_markdown(value: str, limit: int, what: str) -> str:
    """`what`: the field as the sentence names it (answer, text)."""
    if len(value) > limit:
        raise ContentRule(f"knowledge.rule_{what}_too_long", limit=limit)
    if _SCRIPT.search(value):
        raise ContentRule(f"knowledge.rule_{what}_script")
    return value


# Read from the database: an unsafe source stored before the rule existed is dropped,
# not fatal (one old item must not take the whole store down).
STORED = {"stored": True}


def safe_url(value: str | None) -> str | None:
    """`value` when it is an http(s) address with a host, else None.

    A source is rendered as a link; `javascript:` or `data:` there would run in
    (or be opened from) the reader's client, so nothing else is ever a source.
    """
    if not value:
        return None
    text = value.strip()
    if any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 or ch in '"<>\\' for ch in text):
        return None
    try:
        parts = urlsplit(text)
        host = parts.hostname
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not host:
        return None
    return text


def _check_source_url(value: Any, info: ValidationInfo) -> Any:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if not isinstance(value, str):
        return value  # the str type check reports it
    if safe_url(value) is None:
        if isinstance(info.context, dict) and info.context.get("stored"):
            return None
        raise ContentRule("knowledge.rule_source_url")
    return value.strip()


def _check_tlp(value: str) -> str:
    label = tlp.parse_label(value)
    if label is None:
        raise ContentRule("knowledge.rule_tlp")
    return label


def mapping(value: Any, rule: str) -> dict[Any, Any]:
    """A content file's mapping field: empty when left out, the rule `rule` (a
    catalogue key) when it is anything but a mapping."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ContentRule(rule)
    return value


def _listify(value: Any) -> Any:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return value


def _hash(model: BaseModel) -> str:
    """Changes when anything a user would see changes; the version bumps with it."""
    data = model.model_dump(mode="json")
    return hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def is_current(valid_from: date | None, valid_until: date | None, today: date) -> bool:
    """Expired (or not yet valid) content is never served as current."""
    if valid_from is not None and valid_from > today:
        return False
    return valid_until is None or valid_until >= today


class _Curated(BaseModel):
    """What every curated item carries: who owns it, where it comes from, when it holds."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    id: str
    topic: str = ""
    tags: list[str] = Field(default_factory=list)
    audience: str = "gemeenten"
    owner: str = ""
    source_url: str | None = None
    valid_from: date | None = None
    valid_until: date | None = None
    updated: date | None = None
    tlp: str = "GREEN"
    lang: str = "nl"

    _id = field_validator("id")(classmethod(lambda cls, v: _check_id(v)))
    _tlp = field_validator("tlp")(classmethod(lambda cls, v: _check_tlp(v)))
    _tags = field_validator("tags", mode="before")(classmethod(lambda cls, v: _listify(v)))
    _source_url = field_validator("source_url", mode="before")(
        classmethod(lambda cls, v, info: _check_source_url(v, info))
    )

    def content_hash(self) -> str:
        return _hash(self)

    def current(self, today: date) -> bool:
        return is_current(self.valid_from, self.valid_until, today)


class QA(_Curated):
    """A curated question and answer (answer in Markdown)."""

    question: str = Field(min_length=3, max_length=500)
    alternatives: list[str] = Field(default_factory=list)
    answer: str = Field(min_length=1)
    source_title: str | None = None

    _alternatives = field_validator("alternatives", mode="before")(
        classmethod(lambda cls, v: _listify(v))
    )

    @field_validator("answer")
    @classmethod
    def _answer(cls, value: str) -> str:
        return _check_markdown(value, MAX_ANSWER_CHARS, "answer")


class Section(BaseModel):
    heading: str
    body: str


class Guidance(_Curated):
    """A guidance document (handreiking): Markdown, split into sections by heading."""

    title: str = Field(min_length=3, max_length=300)
    body: str = Field(min_length=1)
    version: str = "1"

    @field_validator("body")
    @classmethod
    def _body(cls, value: str) -> str:
        return _check_markdown(value, MAX_GUIDANCE_CHARS, "text")

    @field_validator("version", mode="before")
    @classmethod
    def _version(cls, value: Any) -> Any:
        return str(value) if isinstance(value, int | float) else value

    def sections(self) -> list[Section]:
        from knowledge.markdown import split_sections

        return [Section(heading=h, body=b) for h, b in split_sections(self.body, self.title)]


Content = QA | Guidance
