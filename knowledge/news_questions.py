"""Questions whether a planned thing goes ahead, or how much longer a situation lasts:
news of the day, not a standing answer.

"Gaat de evacuatie van morgen door?" asks about one evacuation's status today. The store
holds standing guidance (how an evacuation works, who decides, where relatives ask);
none of it can say whether this one goes ahead, yet the question's one content word
matched a Q&A well enough to be answered with confidence (the relatives Q&A, found by
attack13 on the sample store). Such a question is never a sure answer: the asker sees
the nearest Q&As as suggestions and the curators get the question (knowledge/search.py).
"""

from __future__ import annotations

import re

# Dutch "gaat/gaan … (nog) door" at the end of a clause ("door" before "de", "het" or
# "een" is the preposition: "Hoe gaat de route door de wijk?"), "doorgaan", "afgelast",
# "uitgesteld"; English "go(ing) ahead", "called off", "postponed" ("still on" is
# also the power or the water: not taken).
_GO_AHEAD = re.compile(
    r"\b(?:gaat|gaan)\b[^?.!]*\bdoor\b\s*(?:of\s+niet\b)?\s*(?:[?.!,;]|$)"
    r"|\bdoor(?:gaan|gaat)\b|\bafgelast\b|\buitgesteld\b"
    r"|\bgo(?:es|ing)?\s+ahead\b|\bcalled\s+off\b|\bpostponed\b",
    re.IGNORECASE,
)


def asks_go_ahead(question: str) -> bool:
    """Whether `question` asks if a planned thing goes ahead (or is called off)."""
    return _GO_AHEAD.search(question) is not None


# "Hoe lang duurt de stroomstoring nog?", "Hoelang moeten we nog in de opvang blijven?":
# how much longer THIS crisis lasts, which only those who know how things stand today
# can say (attack18: the sample store answered them with confidence with the Q&As on
# vulnerable residents and on generators). "Hoe lang" with "nog" after it in the same
# sentence; English "how much longer" and "how long will … (still) last". A standing
# "hoe lang" question without "nog" ("Hoe lang blijven de Oekraïners hier?") is no news.
_HOW_LONG_STILL = re.compile(
    r"\bhoe\s*lang\b[^?.!]*\bnog\b"
    r"|\bhow\s+much\s+longer\b|\bhow\s+long\s+will\b[^?.!]*\blast\b",
    re.IGNORECASE,
)


def asks_how_long_still(question: str) -> bool:
    """Whether `question` asks how much longer a present situation lasts."""
    return _HOW_LONG_STILL.search(question) is not None


def asks_news(question: str) -> bool:
    """Whether `question` asks for news of the day that no standing answer gives: if a
    planned thing goes ahead, or how much longer a situation lasts."""
    return asks_go_ahead(question) or asks_how_long_still(question)
