"""Small helpers shared by the command modules."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from commands import render
from commands.context import CommandContext
from commands.errors import UserError
from commands.grammar import ParsedCommand
from commands.i18n import Language, t
from storage.timezone import AMSTERDAM

# Dutch and English spellings of option keys; the first is canonical.
OPTION_KEYS: dict[str, tuple[str, ...]] = {
    "incident": ("incident",),
    "org": ("org", "organisatie", "organisation", "organization"),
    "role": ("rol", "role"),
    "tlp": ("tlp",),
    "clearance": ("clearance", "machtiging", "max"),
    "since": ("sinds", "since"),
    "category": ("categorie", "category"),
    "municipality": ("gemeente", "municipality"),
    "kind": ("soort", "kind"),
    "sector": ("sector",),
    "page": ("pagina", "page"),
}


def option(parsed: ParsedCommand, name: str) -> str | None:
    return parsed.option(*OPTION_KEYS[name])


def unknown_options(parsed: ParsedCommand, allowed: tuple[str, ...]) -> list[str]:
    known = {key for name in allowed for key in OPTION_KEYS[name]}
    return [key for key in parsed.options if key not in known]


def session_of(ctx: CommandContext) -> AsyncSession:
    if ctx.session is None:
        raise RuntimeError("this command needs the database")
    return ctx.session


def local_time(moment: datetime, with_date: bool = True) -> str:
    local = moment.astimezone(AMSTERDAM)
    return local.strftime("%d-%m %H:%M") if with_date else local.strftime("%H:%M")


def age(now: datetime, moment: datetime, lang: Language) -> str:
    minutes = max(0, int((now - moment).total_seconds() // 60))
    if minutes < 60:
        return f"{minutes} min"
    hours = minutes // 60
    if hours < 48:
        return t(lang, "common.h", hours=hours)
    return t(lang, "common.days", value=hours // 24)


def page_number(parsed: ParsedCommand, max_digits: int) -> tuple[int, str]:
    """The `page=` option (1 unless given): its number and the text typed. A UserError
    when it is not a number from 1; 0 for a number of more than `max_digits` digits,
    past what SQL can hold (the caller says it is beyond the last page)."""
    text = (option(parsed, "page") or "1").strip()
    # Digits only: a page number that is not one is an error for the user, not an
    # apology from the database driver.
    if not text.isascii() or not text.isdigit() or int(text) < 1:
        raise UserError("page_not_a_number", value=render.shorten(text, 30))
    return (int(text) if len(text.lstrip("0")) <= max_digits else 0), text
