"""Safe rendering: every user-supplied string is escaped before it is put in HTML."""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import replace

from commands.message import Reply


def escape(text: str) -> str:
    return html.escape(text, quote=True)


def shorten(text: str, limit: int = 80) -> str:
    """Echo user text back without letting a 60 KB message make a 60 KB reply."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def text_to_html(text: str) -> str:
    return escape(text).replace("\n", "<br>")


def plain(text: str) -> Reply:
    """A reply whose HTML is the escaped text: nothing in it renders as markup."""
    return Reply(text=text, html=text_to_html(text))


def with_lines(reply: Reply, lines: Sequence[str], bold: bool = False) -> Reply:
    """`reply` with `lines` below it (escaped in the HTML, in bold for a warning); the
    same `reply` when there are none."""
    if not lines:
        return reply
    shown = [f"<b>{escape(line)}</b>" if bold else escape(line) for line in lines]
    return replace(
        reply, text="\n".join([reply.text, *lines]), html="<br>".join([reply.html, *shown])
    )


def code(text: str) -> str:
    return f"<code>{escape(text)}</code>"


def bullets(lines: list[str]) -> tuple[list[str], str]:
    """Lines as a bulleted list: the plain-text lines and the HTML `<ul>`."""
    items = "".join(f"<li>{escape(line)}</li>" for line in lines)
    return [f"• {line}" for line in lines], f"<ul>{items}</ul>"
