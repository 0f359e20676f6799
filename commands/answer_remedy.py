"""What a curator can still do for an asker their answer did not reach.

A text answer takes the question's own label (`commands.questions._answer_labels`): a
question from an unbound group room or a room turned public is GREEN (or higher) and
such a room sees TLP:CLEAR only, so no text can ever reach it. Telling the curator to
"answer with text that may be shared there" sent them round in circles (note13): the
line names the one answer that can reach the room, a Q&A of a label it may see.
"""

from __future__ import annotations

from commands.i18n import Language, t
from storage import tlp

# The labels a curated item can have that another room may see (RED never leaves its
# room; AMBER+STRICT only its own organisation's: not offered as a general way round).
_OFFERABLE = ("AMBER", "GREEN", "CLEAR")


def qa_ceiling(access: tlp.RoomAccess) -> str:
    """The highest label of a Q&A (no room of its own, no owner) the room may see, by the
    one rule (`tlp.may_see`); CLEAR at least, which every room sees."""
    return next(label for label in _OFFERABLE if tlp.may_see(access, label, "", None))


def remedy(
    lang: Language,
    prefix: str,
    code: str,
    access: tlp.RoomAccess,
    question_label: str,
    text_reaches: bool | None,
) -> str:
    """The end of a refusal line: how to answer `code` so that it reaches its room.

    `text_reaches`: whether a text answer (the question's own label) may go there; None
    when nothing can (the room moved between real and exercise since the question)."""
    if text_reaches is None:
        return t(lang, "questions.remedy_none")
    key = "questions.remedy_text_or_qa" if text_reaches else "questions.remedy_qa_only"
    return t(lang, key, prefix=prefix, code=code, label=question_label, ceiling=qa_ceiling(access))
