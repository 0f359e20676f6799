"""Reading a chat message as a command.

The first line holds the command and its `key=value` words (quoted values may
hold spaces: `org="Rode Kruis"`); later lines belong to the command (a report's
fields and text). `shlex` does the quoting so that we do not invent our own.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field

from commands.i18n import Language, t
from storage.errors import KnooppuntError
from storage.vocabulary import INVISIBLE


class GrammarError(KnooppuntError, ValueError):
    """The command line cannot be read (for example an unclosed quote).

    `reason` is a catalogue key under "grammar."; the dispatcher shows it in the
    room's language, the exception's own text stays English for the logs.
    """

    def __init__(self, reason: str) -> None:
        super().__init__(t("en", "grammar." + reason))
        self.reason = reason

    def localized(self, lang: Language) -> str:
        return t(lang, "grammar." + self.reason)


@dataclass(frozen=True)
class ParsedCommand:
    name: str
    words: tuple[str, ...] = ()
    options: dict[str, str] = field(default_factory=dict)
    flags: frozenset[str] = frozenset()
    body_lines: tuple[str, ...] = ()
    raw_args: str = ""

    def option(self, *names: str) -> str | None:
        for name in names:
            if name in self.options:
                return self.options[name]
        return None


# Double quotes as phones and word processors type them (iOS turns `"` into “ and ”;
# Dutch typography writes „…”): read as the straight quote that quotes a value with
# spaces. Read as letters, `org=“Rode Kruis”` bound the room to “Rode. Single curly
# quotes stay letters: they are apostrophes (`risico’s`).
_DOUBLE_QUOTES = str.maketrans(dict.fromkeys("“”„‟«»", '"'))


def straight_quotes(text: str) -> str:
    """`text` with typographic double quotes as the straight quote."""
    return text.translate(_DOUBLE_QUOTES)


_FALLBACK_LINE = re.compile(r"^> ?")
_KEY = re.compile(r"^[A-Za-z][\w-]*$")


def strip_reply_fallback(body: str) -> str:
    """Drop the `> <@user> quoted text` block that older clients put before a reply (an
    emote's: `> * <@user> …`)."""
    lines = body.split("\n")
    if not lines or not lines[0].startswith(("> <", "> * <")):
        return body
    index = 0
    while index < len(lines) and _FALLBACK_LINE.match(lines[index]):
        index += 1
    while index < len(lines) and not lines[index].strip():
        index += 1
    return "\n".join(lines[index:])


# Who a message is addressed to, before its command: a Matrix id ("@knooppunt:x !beeld"),
# or one to three words of a name with a colon or comma ("Knooppunt: !beeld", as
# Element's pill of the bot's display name puts it in the body).
_ADDRESS = re.compile(r"\s*(?:@[^\s:]+:[^\s:]+:?|[^\W\d][^\s:,!]*(?: [^\s:,!]+){0,2}[:,])\s*")


def without_address(body: str, prefix: str) -> str:
    """`body` from its command when it starts with an address to the bot and a command
    follows it ("Knooppunt: !beeld" -> "!beeld"); else `body` as it is. Only for a
    message that mentions the bot: read as it was, it was no command and got nothing."""
    rest = body
    # At most two addresses: a greeting to the room, then the bot ("Hoi allemaal,
    # Knooppunt: !beeld": Element's pill often comes after a greeting).
    for _ in range(2):
        found = _ADDRESS.match(rest)
        if found is None:
            return body
        rest = rest[found.end() :]
        if is_command(rest, prefix):
            return _without_courtesy(rest)
    return body


# Words said around a request to the bot, not its arguments ("Hoi allemaal, !beeld
# graag" ran `!beeld graag` and was refused as an unknown incident "graag").
_COURTESY = frozenset(
    {"graag", "aub", "a.u.b", "ajb", "a.j.b", "alsjeblieft", "alstublieft", "svp"}
    | {"please", "pls", "plz", "thanks", "bedankt", "dankjewel", "thx"}
)


def _without_courtesy(command: str) -> str:
    """`command` without its arguments when it is one line and they are courtesy words
    only (`!beeld graag` -> `!beeld`); as it is otherwise (a report's text keeps them)."""
    if "\n" in command.strip():
        return command
    name, *rest = command.split()
    words = [word.strip("!.,?") for word in rest]
    if rest and all(word.lower() in _COURTESY for word in words if word):
        return name
    return command


def starts_with_address(body: str) -> bool:
    """Whether `body` opens with an address ("Knooppunt, …", "@bot:x …"): how a person
    speaks to the bot, not how they name a motorway junction in passing."""
    return _ADDRESS.match(body) is not None


# Thanks and acknowledgements said to the bot: no request, so no hint either.
_THANKS = _COURTESY | frozenset(
    {"dank", "je", "u", "jullie", "wel", "top", "super", "mooi", "fijn", "ok", "oké", "oke"}
    | {"thank", "you", "great", "cheers", "👍", "🙏"}
)


def only_thanks(body: str) -> bool:
    """Whether `body`, after any address ("Knooppunt: dank je"), is only thanks or an
    acknowledgement: said to the bot, it asks for nothing."""
    found = _ADDRESS.match(body)
    words = [w.strip("!.,?") for w in (body[found.end() :] if found else body).split()]
    return bool(words) and all(w.lower() in _THANKS for w in words if w)


def _from_first_character(body: str) -> str:
    """`body` from its first visible character: a byte order mark or zero width space
    pasted before the "!" hid the command (a `!beeld` got no answer; a report became a
    free-text offer without its fields)."""
    index = 0
    while index < len(body) and (body[index].isspace() or INVISIBLE.match(body[index])):
        index += 1
    return body[index:]


def is_command(body: str, prefix: str) -> bool:
    stripped = _from_first_character(body)
    return (
        stripped.startswith(prefix)
        and len(stripped) > len(prefix)
        and not stripped[len(prefix)].isspace()
    )


def split(body: str, prefix: str) -> tuple[str, str, tuple[str, ...]]:
    """`!name rest of line` + following lines -> (name, rest of line, following lines)."""
    stripped = _from_first_character(body).strip()
    if not is_command(stripped, prefix):
        raise GrammarError("not_a_command")
    first, _, rest = stripped[len(prefix) :].partition("\n")
    # Any space ends the name: a no-break space from a phone or a paste too.
    head, *args = first.strip().split(None, 1)
    raw_args = args[0] if args else ""
    return head.strip().lower(), raw_args.strip(), tuple(rest.split("\n")) if rest else ()


def parse_raw(body: str, prefix: str) -> ParsedCommand:
    """For commands whose first line is free text: words split on spaces, no quoting."""
    name, raw_args, body_lines = split(body, prefix)
    return ParsedCommand(
        name=name, words=tuple(raw_args.split()), body_lines=body_lines, raw_args=raw_args
    )


def parse(body: str, prefix: str) -> ParsedCommand:
    """Split `!name words key=value --flag` plus the following lines."""
    name, raw_args, body_lines = split(body, prefix)
    raw_args = straight_quotes(raw_args)
    try:
        tokens = shlex.split(raw_args, posix=True) if raw_args.strip() else []
    except ValueError as exc:
        # shlex has two complaints: an unclosed quote and a trailing backslash.
        reason = "quote_not_closed" if "quotation" in str(exc) else "no_escaped_character"
        raise GrammarError(reason) from exc
    words: list[str] = []
    options: dict[str, str] = {}
    flags: set[str] = set()
    for token in tokens:
        key, sep, value = token.partition("=")
        if token.startswith("--") and len(token) > 2:
            flags.add(token[2:].lower())
        elif sep and _KEY.match(key):
            options[key.lower()] = value
        else:
            words.append(token)
    return ParsedCommand(
        name=name,
        words=tuple(words),
        options=options,
        flags=frozenset(flags),
        body_lines=body_lines,
        raw_args=raw_args,
    )
