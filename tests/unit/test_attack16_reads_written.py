"""The commands that answer from what messages recorded: after a restart the sync loop
handles them after every gap (bot/syncer.py `_readers`), so a `!meldingen` or `!beeld`
asked after a report that came back in a gap shows it (tests/integration/
test_attack16_backlog.py has the live case)."""

from __future__ import annotations

import pytest

from commands.builtin import build_dispatcher
from commands.dispatcher import CommandSettings

DISPATCHER = build_dispatcher(CommandSettings(bot_user_id="@bot:x"))


@pytest.mark.parametrize(
    "body",
    [
        "!meldingen",
        "!entries",
        "!beeld",
        "!summary 2u",
        "Knooppunt: !beeld",
        "!vragen",
        "!acties",
        "!objecten",
        "!export",
        "!abonnementen",
    ],
)
def test_a_listing_reads_what_was_written(body: str) -> None:
    assert DISPATCHER.reads_written(body)


@pytest.mark.parametrize(
    "body", ["!hulp", "!melding water\ngemeente: Zwolle", "!vraag Waar?", "meldingen", "hoi"]
)
def test_other_messages_do_not(body: str) -> None:
    assert not DISPATCHER.reads_written(body)
