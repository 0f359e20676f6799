"""Attack on `knooppunt knowledge search` (helper "attack14", session 16): a Q&A's
question printed as it is on the curator's terminal.

A Q&A added in chat (`!qa add`: any member of the curator room) may hold control
characters, and the search printed its question raw: terminal escapes in it moved the
cursor and wiped or rewrote lines of the ranking a curator checks content with. The
plain output shows them as escapes now, as `knooppunt audit` does; `--json` was safe
(JSON escapes them).
"""

from __future__ import annotations

import argparse
import re
from types import SimpleNamespace

import pytest

from bot.cli.knowledge import _print_result

CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")


def test_a_questions_terminal_escapes_are_shown_not_obeyed(
    capsys: pytest.CaptureFixture[str],
) -> None:
    hit = SimpleNamespace(score=3.2, id="qa-1", question="Zandzakken?\x1b[1A\x1b[2KAlles veilig")
    result = SimpleNamespace(query="zandzakken", confident=True, hits=[hit])
    args = argparse.Namespace(json=False, query="zandzakken\x1b[2K")
    _print_result(result, args, "nl")  # type: ignore[arg-type]
    printed = capsys.readouterr().out
    assert not CONTROL.search(printed.replace("\n", "")), repr(printed)
    assert "\\x1b[1A" in printed
