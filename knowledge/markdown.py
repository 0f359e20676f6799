"""Markdown to safe HTML (markdown-it-py, then nh3), and guidance split by heading.

Curated answers are Markdown written by people outside the project; whatever
they contain, the HTML that reaches a Matrix client is cleaned by nh3 (an
allow-list sanitiser) after rendering, with raw HTML in the source disabled.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

import nh3

if TYPE_CHECKING:
    from markdown_it import MarkdownIt

# Roughly the subset the Matrix spec recommends clients render.
_TAGS = {
    "p", "br", "strong", "em", "b", "i", "u", "s", "code", "pre", "blockquote",
    "ul", "ol", "li", "a", "h3", "h4", "h5", "h6", "hr", "table", "thead", "tbody",
    "tr", "th", "td",
}  # fmt: skip
_ATTRIBUTES = {"a": {"href"}}


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    # Imported on first use: the bot's start need not pay for it.
    from markdown_it import MarkdownIt

    # "js-default" is CommonMark with raw HTML switched off, plus tables.
    return MarkdownIt("js-default")


def to_html(markdown: str) -> str:
    html = _parser().render(markdown)
    # Headings inside an answer would shout in a chat: demote h1/h2 to h4.
    for level in ("h1", "h2"):
        html = html.replace(f"<{level}>", "<h4>").replace(f"</{level}>", "</h4>")
    return nh3.clean(
        html,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes={"https", "http", "mailto"},
        link_rel="noopener noreferrer",
    ).strip()


def split_sections(markdown: str, title: str) -> list[tuple[str, str]]:
    """(heading, body) per heading; text before the first heading goes under `title`."""
    tokens = _parser().parse(markdown)
    lines = markdown.splitlines()
    starts: list[tuple[int, str]] = []
    for index, token in enumerate(tokens):
        if token.type == "heading_open" and token.map is not None:
            starts.append((token.map[0], tokens[index + 1].content.strip()))
    sections: list[tuple[str, str]] = []
    first = starts[0][0] if starts else len(lines)
    preface = "\n".join(lines[:first]).strip()
    if preface:
        sections.append((title, preface))
    for number, (line, heading) in enumerate(starts):
        end = starts[number + 1][0] if number + 1 < len(starts) else len(lines)
        body = "\n".join(lines[line + 1 : end]).strip()
        if body:
            sections.append((heading, body))
    return sections
