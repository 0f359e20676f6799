"""The part of the wiring that needs no homeserver: settings to a command dispatcher.

Shared by the Matrix bot (bot/app.py) and `knooppunt console`; it must not import
matrix-nio, so the console runs where nio is not importable
(tests/unit/test_layering.py checks this).
"""

from __future__ import annotations

from datetime import timedelta

from bot.config import Settings
from commands.builtin import build_dispatcher as make_dispatcher
from commands.dispatcher import CommandSettings, Dispatcher


def build_dispatcher(settings: Settings, savepoints: bool = True) -> Dispatcher:
    return make_dispatcher(
        CommandSettings(
            prefix=settings.command_prefix,
            language=settings.language,
            admins=frozenset(settings.admins),
            late_after=timedelta(seconds=settings.late_after_seconds),
            bot_user_id=settings.user_id or "",
            curator_room=settings.curator_room,
            public_url=settings.effective_public_url,
            portal_link_hours=settings.portal_link_hours,
        ),
        savepoints=savepoints,
    )
