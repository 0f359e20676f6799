"""Counts written in words (`twintig`, `vijfentwintig`, `twenty`), read by text2num.

Only for a figure the vocabulary knows as a count (`gewonden: twintig`): elsewhere a
word like "een" is an article ("opmerking: een bus"), not the number one."""

from __future__ import annotations

from text_to_num import text2num

# Dutch first: "een", "drie" are Dutch; an English count ("twenty") is read second.
_LANGUAGES = ("nl", "en")
# A count in words longer than this is no count a liaison types ("tweeduizendvijfhonderd"
# is 21 characters); text2num is not asked about whole sentences.
_MAX_CHARS = 40


def count_in_words(text: str) -> tuple[float, str | None] | None:
    """`twintig` -> (20.0, None); None when `text` is not one number word. One word only:
    "een paar" or "een handvol" is no count of one with the unit "paar"."""
    word = text.strip().lower()
    if not word or len(word) > _MAX_CHARS or not word.isalpha():
        return None
    for language in _LANGUAGES:
        try:
            return float(text2num(word, language)), None
        except ValueError:
            continue
    return None
