"""Small helpers shared by the command modules."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from commands.context import CommandContext
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
