"""Exercise mode in the command layer: the OEFENING marker and the mode check.

`storage/exercise.py` decides which incidents are exercises and filters the read paths;
this module does the two things every command shares:

- `mark` puts the marker in front of a reply (text, HTML and an attachment's file
  name), once. The dispatcher calls `mark_outgoing` on every reply of every command,
  so no handler can forget it: everything the bot says in a room bound to an exercise
  starts with OEFENING, and so does everything it sends into such a room from
  elsewhere (an answer from a real curator room reaching an exercise asker).
  That includes replies that are not about the exercise (`!hulp`): in an exercise
  room nobody should have to judge whether a message is part of the exercise.
- `check_incident` refuses a command that names an incident of the other mode: a
  room in an exercise never reads or writes a real incident, and the reverse.
- `words_cross_mode` refuses a report whose own words say the other mode (a drill
  inject pasted into a real room, a real emergency reported in a drill room).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import replace

from sqlalchemy.ext.asyncio import AsyncSession

from commands import render
from commands.common import session_of
from commands.context import CommandContext
from commands.errors import UserError
from commands.i18n import Language, t
from commands.message import Outgoing, Reply
from storage import exercise as store
from storage.exercise import MARKER

YES = frozenset({"ja", "yes", "j", "y", "true", "1", "aan", "on"})
NO = frozenset({"nee", "no", "n", "false", "0", "uit", "off"})


def room_in_exercise(ctx: CommandContext) -> bool:
    binding = ctx.room.binding
    return binding is not None and binding.exercise


# How partners mark a drill message ("OEFENING OEFENING OEFENING", in capitals; English
# "EXERCISE"), and a real message sent during a drill ("GEEN OEFENING", "dit is geen
# oefening", NATO's "NO PLAY" / "NO DUFF"), or the one that stops the drill for a real
# emergency ("OEFENING GESTAAKT", "EXERCISE STOPPED"): that one is real, although it
# says OEFENING. "EXERCISE CAUTION" (English warnings are often in capitals) is no marker.
# The marker repeated is one in any case ("Oefening oefening oefening"): a drill inject
# typed so was filed as a real report; one "oefening" in a sentence is ordinary text,
# and so are two in two sentences ("... een oefening. Oefening van morgen ..."): the
# repeated marker is one phrase, on one line, joined by blanks, commas or dashes.
_DRILL_WORDS = re.compile(
    r"(?i:\boefening[ \t,;:!\-\u2013\u2014]+oefening\b"
    r"|\bexercise[ \t,;:!\-\u2013\u2014]+exercise\b)"
)
# One OEFENING in capitals is a marker, except Dutch's "physical exercise" ("VERMIJD
# LICHAMELIJKE OEFENING" in a smog bulletin was refused as a drill inject).
_CAPITAL_OEFENING = re.compile(r"(?<!\w)(?<!(?i:lichamelijke) )(?<!(?i:fysieke) )OEFENING\b")
# One EXERCISE in capitals is a marker too, unless the words around it make it the
# everyday English word: "EXERCISE (EXTREME) CAUTION" and its family, and physical
# activity in health advice ("AVOID OUTDOOR EXERCISE", "NO STRENUOUS EXERCISE",
# "DO NOT EXERCISE", "AVOID ALL EXERCISE", "EXERCISE INDOORS", "EXERCISE NOT
# RECOMMENDED"), said so by the words right before or after it. A closed list, so
# that a drill inject stays one wherever it puts the marker (first, last, after a colon,
# in brackets, repeated): a drill taken for real alerts real coordinators, while advice
# refused costs its writer one edit.
_CAPITAL_EXERCISE = re.compile(
    r"\bEXERCISE\b(?!\s+(?i:(?:extreme|great|extra|due|all)\s+)?"
    r"(?i:caution|care|restraint|vigilance|patience|discretion|judge?ment)\b)"
)
# The word before: an adjective or a verb of advice with the noun ("AVOID (ALL)
# EXERCISE", "REFRAIN FROM EXERCISE"), or a negation with the verb ("DO NOT EXERCISE",
# "SHOULDN'T EXERCISE"); a quantifier or "sports or" may stand between them.
_ACTIVITY_BEFORE = re.compile(
    r"\b(?i:outdoor|outdoors|outside|indoor|physical|strenuous|vigorous|intense|intensive|"
    r"heavy|hard|prolonged|moderate|light|avoid|limit|reduce|restrict|postpone|no|"
    r"minimi[sz]e|cancel|skip|stop|less|refrain\s+from|not|never|cannot|"
    r"(?:do|does|did|should|must|could|would|need|ca|wo)n['\u2019]?t)"
    r"(?i:\s+(?:all|any|unnecessary|further|sports?\s+(?:or|and|&)))?\s+$"
)
_ACTIVITY_AFTER = re.compile(r"^\s+(?i:outdoors|indoors|outside|inside|only\s+indoors)\b")
# Advised against in the words right after it: a sentence, also first on its line
# ("EXERCISE NOT RECOMMENDED"); a marker heading a line has a colon or a dash after it.
_ADVISED_AGAINST = re.compile(
    r"^\s+(?i:(?:is\s+)?(?:not\s+(?:advised|recommended|allowed|permitted)|discouraged|"
    r"prohibited|forbidden))\b"
)


def _drill_marked(text: str) -> bool:
    """Whether `text` carries a drill marker (`_DRILL_WORDS`, a capital OEFENING, or a
    capital EXERCISE that is no everyday English word)."""
    if _DRILL_WORDS.search(text) is not None or _CAPITAL_OEFENING.search(text) is not None:
        return True
    for found in _CAPITAL_EXERCISE.finditer(text):
        line_start = text.rfind("\n", 0, found.start()) + 1
        before = text[line_start : found.start()]
        after = text[found.end() : found.end() + 40]
        # First on its line it heads the line as a marker does ("EXERCISE OUTSIDE
        # ZWOLLE: ..."), whatever follows; advice has its verb first.
        first = not any(c.isalnum() for c in before)
        if _ACTIVITY_BEFORE.search(before) or _ADVISED_AGAINST.search(after):
            continue
        if not first and _ACTIVITY_AFTER.search(after):
            continue
        return True
    return False


# Matched on the words without their accents (`_folded`): "GÉÉN OEFENING" and
# "BEËINDIGD" are how Dutch writes emphasis and the diaeresis, and a real emergency
# said that way was refused in the real room and filed as drill data in a drill room.
_REAL_WORDS = re.compile(
    r"\b(?:geen|niet\s+een)\s+oefening\b|\bno\s+(?:play|duff)\b"
    r"|\bnot\s+an?\s+(?:exercise|drill)\b"
    # "THIS IS NO EXERCISE" (said as often as "not an exercise"): only after "is", as
    # "no exercise" alone is also health advice ("NO EXERCISE OUTDOORS").
    r"|\bis\s+no\s+(?:exercise|drill)\b"
    r"|\b(?:oefening|exercise)\s+(?:is\s+)?(?:gestaakt|gestopt|stopgezet|afgebroken|"
    r"stopped|halted|suspended|terminated)\b",
    re.IGNORECASE,
)
# "The drill has ended" ("OEFENING BEËINDIGD", "oefening afgelast"): real where nothing
# else in the report marks a drill ("OEFENING BEËINDIGD: echte dijkdoorbraak"), but a
# drill's own last inject says it too, beside the drill marker (ENDEX): then it is the
# drill's message (read as real, such an inject pasted into the real room alerted the
# real coordinators, and the drill room refused it).
_ENDED_WORDS = re.compile(r"\b(?:oefening|exercise)\s+(?:is\s+)?(?:beeindigd|afgelast)\b", re.I)


def _folded(text: str) -> str:
    """`text` without accents (É -> E, Ë -> E), case kept."""
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def words_cross_mode(ctx: CommandContext, text: str) -> str | None:
    """The catalogue key of the refusal when a report's words say the other mode, else
    None. The room's binding alone decided: a drill inject pasted into a real room was a
    real report (an extreme one alerted the real coordinators), and a real emergency
    reported in a drill room was drill data that only the players saw."""
    folded = _folded(text)
    real = _REAL_WORDS.search(folded) is not None
    if not real and _ENDED_WORDS.search(folded) is not None:
        real = not _drill_marked(_ENDED_WORDS.sub(" ", folded))
    if room_in_exercise(ctx):
        return "exercise.real_words_in_drill" if real else None
    if not real and _drill_marked(text):
        return "exercise.drill_words_in_real"
    return None


def parse_flag(value: str | None) -> bool:
    """`oefening=ja|nee` (`exercise=yes|no`); absent is no. Bad input is a UserError."""
    if value is None:
        return False
    word = value.strip().lower()
    if word in YES:
        return True
    if word in NO:
        return False
    raise UserError("exercise.bad_value", value=render.shorten(value, 20))


def marked(text: str) -> bool:
    return text.startswith(MARKER)


def file_name(name: str) -> str:
    return name if marked(name) else f"{MARKER}-{name}"


def mark(reply: Reply, lang: Language) -> Reply:
    """The reply with the marker in front (idempotent); a file's name is marked too."""
    text, html, attachment = reply.text, reply.html, reply.attachment
    if attachment is not None and not marked(attachment.filename):
        renamed = replace(attachment, filename=file_name(attachment.filename))
        if text == attachment.filename:
            # A file's message is its name: show the marked name, once.
            text, html = renamed.filename, render.escape(renamed.filename)
        attachment = renamed
    if not marked(text):
        label = t(lang, "exercise.marker")
        text, html = f"{label} — {text}", f"<b>{render.escape(label)}</b> — {html}"
    return replace(reply, text=text, html=html, attachment=attachment)


async def mark_outgoing(ctx: CommandContext, replies: list[Outgoing]) -> list[Outgoing]:
    """Every reply of a command in an exercise room, and every reply sent into one."""
    if not replies:
        return replies
    here = room_in_exercise(ctx) or ctx.concerns_exercise
    elsewhere = {
        r.room_id
        for r in replies
        if isinstance(r, Reply) and r.room_id and r.room_id != ctx.message.room_id
    }
    targets: set[str] = set()
    if elsewhere and ctx.session is not None:
        targets = await store.exercise_rooms(ctx.session, elsewhere)
    return [
        mark(r, ctx.lang) if isinstance(r, Reply) and _marked(ctx, r, here, targets) else r
        for r in replies
    ]


def _marked(ctx: CommandContext, reply: Reply, here: bool, targets: set[str]) -> bool:
    if reply.room_id in targets:
        return True  # into an exercise room: always
    elsewhere = bool(reply.room_id) and reply.room_id != ctx.message.room_id
    return here and not (ctx.concerns_reality and elsewhere)


async def follow_mode_of(ctx: CommandContext, incident: str | None) -> None:
    """Replies into other rooms about `incident` take its mode, not this room's: a real
    report retracted (or an edit of it redacted) from a room rebound to a drill since
    tells the real coordinators unmarked, or they would read the notice (the alert) as
    part of the drill. Replies into exercise rooms are marked all the same."""
    if incident and not await store.is_exercise(session_of(ctx), incident):
        ctx.concerns_reality = True


async def mark_for_room(session: AsyncSession, room_id: str, reply: Reply, lang: Language) -> Reply:
    """For the bot's own notices outside any command (a message it could not decrypt):
    marked when the room is bound to an exercise."""
    return mark(reply, lang) if await store.exercise_rooms(session, [room_id]) else reply


def mark_here(ctx: CommandContext, replies: list[Outgoing]) -> list[Outgoing]:
    """Without the database (an apology after a failed handler): the room's own mode."""
    if not (room_in_exercise(ctx) or ctx.concerns_exercise):
        return replies
    return [mark(r, ctx.lang) if isinstance(r, Reply) else r for r in replies]


async def check_incident(ctx: CommandContext, slug: str | None) -> None:
    """Refuse an incident of the other mode than the room's (a UserError, nothing changed)."""
    if not slug:
        return
    exercise = await store.is_exercise(session_of(ctx), slug)
    here = room_in_exercise(ctx)
    if exercise and not here:
        raise UserError("exercise.real_room_exercise_incident", slug=slug)
    if here and not exercise:
        raise UserError("exercise.exercise_room_real_incident", slug=slug)
