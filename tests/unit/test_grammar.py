from __future__ import annotations

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


@given(st.text() | st.text().map(lambda rest: "!" + rest))  # half of them look like commands
def test_parse_never_raises_anything_but_grammar_error(text: str) -> None:
    try:
        parsed = parse(text, "!")
    except GrammarError:
        # Refused: not a command, or arguments that cannot be split (an open quote, also a
        # typographic double quote, or a trailing backslash).
        assert not is_command(text.strip(), "!") or any(c in text for c in "\"'\\“”„‟«»")
    else:
        # Only a command parses; its name is one lowered word of the message.
        assert is_command(text.strip(), "!")
        assert parsed.name and " " not in parsed.name and parsed.name in text.lower()
    stripped = strip_reply_fallback(text)
    # Stripping only ever removes a leading quoted block: what is left ends the message.
    assert text.endswith(stripped)
    assert stripped == text or text.startswith(("> <", "> * <"))
