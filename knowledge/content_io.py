"""Reading and writing curated content: YAML, JSON Lines, Markdown with front matter.

A file is all or nothing: one invalid item and nothing of that file is imported,
and every problem is reported with its place.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, TypeVar

import frontmatter
import yaml
from pydantic import ValidationError

from knowledge.model import QA, Content, Guidance

SUFFIXES = (".yaml", ".yml", ".jsonl", ".md")
MAX_FILE_BYTES = 5_000_000


T = TypeVar("T")


@dataclass
class Loaded(Generic[T]):
    """What one file held: its valid items, and what was wrong (ok when nothing)."""

    path: Path
    items: list[T] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


FileResult = Loaded[Content]


def read_bounded(result: Loaded[Any], limit: int, encoding: str = "utf-8") -> str | None:
    """The file's text; None, with the reason among the problems, when it is larger
    than `limit` bytes or cannot be read."""
    try:
        if result.path.stat().st_size > limit:
            result.problems.append(f"file larger than {limit // 1_000_000} MB")
            return None
        return result.path.read_text(encoding=encoding)
    except (OSError, UnicodeDecodeError) as exc:
        result.problems.append(f"cannot read: {exc}")
        return None


def files_under(path: Path, suffixes: tuple[str, ...], any_case: bool = False) -> Iterator[Path]:
    """`path` itself when it is a file, else the files below it with one of `suffixes`."""
    if path.is_file():
        yield path
        return
    for candidate in sorted(path.rglob("*")):
        suffix = candidate.suffix.lower() if any_case else candidate.suffix
        if candidate.is_file() and suffix in suffixes:
            yield candidate


def _describe(error: ValidationError) -> str:
    first = error.errors()[0]
    where = ".".join(str(p) for p in first["loc"]) or "item"
    # pydantic prefixes our own rules with "Value error, "; the rule reads better alone.
    return f"{where}: {first['msg'].removeprefix('Value error, ')}"


def _validate(
    raw: Any, where: str, result: FileResult, seen: set[str], model: type[Content] = QA
) -> None:
    if not isinstance(raw, dict):
        result.problems.append(f"{where}: not a mapping of fields")
        return
    try:
        item: Content = model.model_validate(raw)
    except ValidationError as exc:
        result.problems.append(f"{where} ({raw.get('id', '?')}): {_describe(exc)}")
        return
    if item.id in seen:
        result.problems.append(f"{where}: id {item.id} appears twice")
        return
    seen.add(item.id)
    result.items.append(item)


def read_file(path: Path) -> FileResult:
    result = FileResult(path)
    text = read_bounded(result, MAX_FILE_BYTES)
    if text is None:
        return result
    seen: set[str] = set()
    if path.suffix == ".jsonl":
        for number, line in enumerate(text.splitlines(), 1):
            if not line.strip():
                continue
            try:
                raw = json.loads(line)
            except json.JSONDecodeError as exc:
                result.problems.append(f"line {number}: not JSON ({exc.msg})")
                continue
            _validate(raw, f"line {number}", result, seen)
    elif path.suffix == ".md":
        try:
            post = frontmatter.loads(text)
        except yaml.YAMLError as exc:
            result.problems.append(f"front matter is not valid YAML: {' '.join(str(exc).split())}")
            return result
        raw = dict(post.metadata)
        # A Markdown file with a question is a Q&A; with only a title, a guidance document.
        if "question" in raw or "title" not in raw:
            raw.setdefault("answer", post.content)
            _validate(raw, "front matter", result, seen)
        else:
            raw.setdefault("body", post.content)
            _validate(raw, "front matter", result, seen, Guidance)
    else:
        try:
            loaded = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            result.problems.append(f"not valid YAML: {' '.join(str(exc).split())}")
            return result
        items = loaded.get("qas", loaded.get("items")) if isinstance(loaded, dict) else loaded
        if not isinstance(items, list):
            result.problems.append("expected a list of Q&As (or a mapping with 'qas:')")
            return result
        for number, raw in enumerate(items, 1):
            _validate(raw, f"item {number}", result, seen)
    return result


def content_files(path: Path) -> Iterator[Path]:
    return files_under(path, SUFFIXES)


def write_yaml(items: list[QA], target: Path) -> None:
    first = ("id", "question", "alternatives", "answer")
    rows = []
    for item in items:
        fields = item.model_dump(mode="json")
        # A curator reads the question and answer first.
        rows.append({**{k: fields[k] for k in first}, **fields})
    data = {"qas": rows}
    target.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def write_guidance(document: Guidance, target: Path) -> None:
    """A guidance document back as Markdown with front matter, as a curator wrote it."""
    meta = document.model_dump(mode="json", exclude={"body"})
    post = frontmatter.Post(document.body, **meta)
    target.write_text(frontmatter.dumps(post) + "\n", encoding="utf-8")
