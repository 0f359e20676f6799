"""Reading and writing curated content: YAML, JSON Lines, Markdown with front matter.

A file is all or nothing: one invalid item and nothing of that file is imported,
and every problem is reported with its place.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, Protocol, TypeVar

from pydantic import ValidationError

from knowledge.model import QA, Content, Guidance
from knowledge.problems import FRONT_MATTER, FileProblem, at, invalid_item
from storage import tlp

SUFFIXES = (".yaml", ".yml", ".jsonl", ".md")
MAX_FILE_BYTES = 5_000_000


T = TypeVar("T")


class _Identified(Protocol):
    @property
    def id(self) -> str: ...


Item = TypeVar("Item", bound=_Identified)


@dataclass
class Loaded(Generic[T]):
    """What one file held: its valid items, and what was wrong (ok when nothing)."""

    path: Path
    items: list[T] = field(default_factory=list)
    problems: list[FileProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


FileResult = Loaded[Content]


def read_bounded(result: Loaded[Any], limit: int, encoding: str = "utf-8") -> str | None:
    """The file's text; None, with the reason among the problems, when it is larger
    than `limit` bytes or cannot be read."""
    try:
        if result.path.stat().st_size > limit:
            result.problems.append(
                FileProblem.of("content.too_large", megabytes=limit // 1_000_000)
            )
            return None
        return result.path.read_text(encoding=encoding)
    except (OSError, UnicodeDecodeError) as exc:
        result.problems.append(FileProblem.of("content.unreadable", error=str(exc)))
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


def validate_into(
    result: Loaded[Item],
    raw: Any,
    where: FileProblem,
    seen: set[str],
    validate: Callable[[dict[str, Any]], Item],
) -> None:
    """One item of a file: valid and new, it joins `result.items`; else its problem
    (not a mapping, invalid, or an id seen before in the file) joins `result.problems`."""
    if not isinstance(raw, dict):
        result.problems.append(FileProblem.of("content.not_mapping", where=where))
        return
    try:
        item = validate(raw)
    except ValidationError as exc:
        result.problems.append(invalid_item(where, raw, exc))
        return
    if item.id in seen:
        result.problems.append(FileProblem.of("content.id_twice", where=where, id=item.id))
        return
    seen.add(item.id)
    result.items.append(item)


def _validate(
    raw: Any, where: FileProblem, result: FileResult, seen: set[str], model: type[Content] = QA
) -> None:
    if model is QA and isinstance(raw, dict):
        marked = _marked(raw)
        if isinstance(marked, FileProblem):
            result.problems.append(FileProblem.of(marked.key, where=where, **marked.args))
            return
        raw = marked
    validate_into(result, raw, where, seen, model.model_validate)


def _marked(raw: dict[str, Any]) -> dict[str, Any] | FileProblem:
    """A TLP marking in a Q&A's words ("… TLP:AMBER"), as `!qa add` and reports read it:
    without a `tlp:` field it is the label; above the `tlp:` field the file is refused
    (which is meant is the curator's call). An unreadable `tlp:` is left to validation."""
    words = [str(raw.get("question") or ""), str(raw.get("answer") or "")]
    alternatives = raw.get("alternatives")
    if isinstance(alternatives, list):
        words += [str(a) for a in alternatives]
    marked = tlp.text_marking("\n".join(words))
    if marked is None:
        return raw
    if "tlp" not in raw or raw["tlp"] is None:
        return {**raw, "tlp": marked}
    given = tlp.parse_label(str(raw["tlp"]))
    if given is not None and tlp.RANK[marked] > tlp.RANK[given]:
        return FileProblem.of("content.marking_above_label", marked=marked, label=given)
    return raw


def read_file(path: Path) -> FileResult:
    # Imported here: the bot's start loads this module but reads no file.
    import frontmatter
    import yaml

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
                result.problems.append(
                    FileProblem.of("content.not_json", where=at("line", number), error=exc.msg)
                )
                continue
            _validate(raw, at("line", number), result, seen)
    elif path.suffix == ".md":
        try:
            post = frontmatter.loads(text)
        except yaml.YAMLError as exc:
            result.problems.append(
                FileProblem.of("content.front_matter_yaml", error=" ".join(str(exc).split()))
            )
            return result
        raw = dict(post.metadata)
        # A Markdown file with a question is a Q&A; with only a title, a guidance document.
        if "question" in raw or "title" not in raw:
            raw.setdefault("answer", post.content)
            _validate(raw, FRONT_MATTER, result, seen)
        else:
            raw.setdefault("body", post.content)
            _validate(raw, FRONT_MATTER, result, seen, Guidance)
    else:
        try:
            loaded = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            result.problems.append(
                FileProblem.of("content.not_valid", format="YAML", error=" ".join(str(exc).split()))
            )
            return result
        items = loaded.get("qas", loaded.get("items")) if isinstance(loaded, dict) else loaded
        if not isinstance(items, list):
            result.problems.append(FileProblem.of("content.expected_qas"))
            return result
        for number, raw in enumerate(items, 1):
            _validate(raw, at("item", number), result, seen)
    return result


def content_files(path: Path) -> Iterator[Path]:
    return files_under(path, SUFFIXES)


def write_yaml(items: list[QA], target: Path) -> None:
    import yaml

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
    import frontmatter

    meta = document.model_dump(mode="json", exclude={"body"})
    post = frontmatter.Post(document.body, **meta)
    target.write_text(frontmatter.dumps(post) + "\n", encoding="utf-8")
