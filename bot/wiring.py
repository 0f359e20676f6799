"""The part of the wiring that needs no homeserver: settings to a command dispatcher.

Shared by the Matrix bot (bot/app.py) and `knooppunt console`; it must not import
matrix-nio, so the console runs where nio is not importable
(tests/unit/test_layering.py checks this).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from bot.config import Settings
from commands.builtin import build_dispatcher as make_dispatcher
from commands.dispatcher import CommandSettings, Dispatcher
from commands.phone import METRICS
from commands.report_parser import METRIC_ALIASES, Vocabulary
from storage.regions import RegionTable


def build_dispatcher(settings: Settings, savepoints: bool = True) -> Dispatcher:
    # The configured figures: labels and units in pictures and lists (one vocabulary per
    # process), and their labels recognised in reports.
    METRICS.configure({key: spec.model_dump() for key, spec in settings.metrics.items()})
    command_settings = CommandSettings(
        prefix=settings.command_prefix,
        language=settings.language,
        admins=frozenset(settings.admins),
        late_after=timedelta(seconds=settings.late_after_seconds),
        bot_user_id=settings.user_id or "",
        curator_room=settings.curator_room,
        public_url=settings.effective_public_url,
        portal_link_hours=settings.portal_link_hours,
    )
    if settings.metrics:
        vocabulary = Vocabulary(
            RegionTable(), metric_aliases={**METRIC_ALIASES, **METRICS.aliases()}
        )
        command_settings = replace(command_settings, vocabulary=vocabulary)
    return make_dispatcher(command_settings, savepoints=savepoints)
