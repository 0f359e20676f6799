from __future__ import annotations

import contextlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from commands.grammar import GrammarError, is_command, parse, strip_reply_fallback


def test_words_options_flags_and_body() -> None:
    parsed = parse(
        '!kamer bind incident=ijssel org="Rode Kruis" --publish\nline one\nline two', "!"
    )
    assert parsed.name == "kamer"
    assert parsed.words == ("bind",)
    assert parsed.options == {"incident": "ijssel", "org": "Rode Kruis"}
    assert parsed.flags == frozenset({"publish"})
    assert parsed.body_lines == ("line one", "line two")
    assert parsed.option("organisation", "org") == "Rode Kruis"


def test_name_is_case_insensitive_and_prefix_configurable() -> None:
    assert parse("!HULP", "!").name == "hulp"
    assert parse("kp:help melding", "kp:").words == ("melding",)


def test_unclosed_quote_is_a_grammar_error() -> None:
    with pytest.raises(GrammarError, match="quote"):
        parse('!org set "Rode Kruis', "!")


@pytest.mark.parametrize("body", ["hello", "! help", "!", "", "  ", "?!help"])
def test_not_commands(body: str) -> None:
    assert not is_command(body, "!")


def test_reply_fallback_is_stripped() -> None:
    body = "> <@bob:x> !help\n> second line\n\n!hulp"
    assert strip_reply_fallback(body) == "!hulp"
    assert strip_reply_fallback("> quote without fallback") == "> quote without fallback"


@given(st.text())
def test_parse_never_raises_anything_but_grammar_error(text: str) -> None:
    with contextlib.suppress(GrammarError):
        parse(text, "!")
    strip_reply_fallback(text)
