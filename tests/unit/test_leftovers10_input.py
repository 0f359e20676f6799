"""Input people type that was refused or misread (leftovers10, the last session's known
gaps): a part of day alone as the time, a report without its category, a courtesy word
after an addressed command, a fire, and an addressed `!kamer` in a batch with a gap."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from commands.builtin import build_dispatcher
from commands.dispatcher import CommandSettings
from commands.report_parser import parse_report
from tests.support.chat import CoreChat, texts
from tests.unit.test_attack_addressed_command import _addressed
from tests.unit.test_attack_formatting import ALICE, COORD, LIAISON, chat
from tests.unit.test_report_parser import VOCAB, ok

__all__ = ["chat"]  # fixture, imported for pytest

# 10:00 in Amsterdam (winter time).
NOW = datetime(2026, 12, 5, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize("word", ["vannacht", "vanochtend", "vanavond", "gisteravond"])
def test_a_part_of_day_alone_is_refused_with_an_example_using_it(word: str) -> None:
    problems = parse_report("opvang", [f"tijd: {word}", "Dijk."], NOW, VOCAB)
    assert isinstance(problems, list) and problems
    said = " ".join(p.nl for p in problems)  # type: ignore[union-attr]
    assert "dagdeel" in said and f"{word} " in said, said


def test_last_night_at_eleven_is_yesterday_evening() -> None:
    """`vannacht 23:00` typed at 10:00 was refused as lying in the future."""
    result = parse_report("opvang", ["tijd: vannacht 23:00", "Dijk."], NOW, VOCAB)
    assert not isinstance(result, list), [p.nl for p in result]
    assert result.observed_at == datetime(2026, 12, 4, 22, 0, tzinfo=UTC)


@pytest.mark.parametrize("word", ["brand", "fire", "brandweer"])
def test_a_fire_has_a_category(word: str) -> None:
    draft = ok(word, "gemeente: Dordrecht\nernst: ernstig\nLoods in brand.")
    assert draft.category == "fire"


async def test_a_report_without_its_category_is_kept_and_the_categories_are_listed(
    chat: CoreChat,
) -> None:
    _, result = await chat.handle(
        LIAISON, ALICE, "!melding ernst: extreem\ngemeente: Dordrecht\nDijk doorgebroken."
    )
    assert result is not None
    said = texts(result[0])
    (entry,) = await chat.entries()
    assert entry.severity == "Extreme" and entry.text == "Dijk doorgebroken.", entry
    assert "categorie" in said.lower() and "opvang" in said and "evacuatie" in said, said


@pytest.mark.parametrize(
    "body", ["Hoi allemaal, !beeld graag", "Knooppunt: !beeld graag", "Knooppunt: !beeld aub"]
)
async def test_a_courtesy_word_after_an_addressed_command_is_no_argument(
    chat: CoreChat, body: str
) -> None:
    told = await _addressed(chat, COORD, body)
    assert "Situatiebeeld storm" in told and "graag" not in told, told


def test_an_addressed_room_command_rereads_the_room() -> None:
    dispatcher = build_dispatcher(CommandSettings(bot_user_id="@bot:x"))
    assert dispatcher.rereads_room("!kamer bind incident=storm rol=liaison")
    assert dispatcher.rereads_room("Knooppunt: !kamer bind incident=storm rol=liaison")
    assert not dispatcher.rereads_room("Knooppunt: !beeld")
