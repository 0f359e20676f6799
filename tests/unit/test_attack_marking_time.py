"""A TLP marking followed by a long run of spaces or tabs (a pasted table, a form's
padding) took time quadratic in the run's length: the marking's "strict" part allowed
blanks on both sides of an optional mark, so every split of the run was tried. A
report of 8,000 characters held the bot (every room) for 1-1.7 s; a curator's answer
or `!qa add` has no length limit below the homeserver's 64 KB, which held it for
most of a minute. The marking is now read in time linear in the text."""

from __future__ import annotations

import pytest

from storage import tlp
from tests.support.timing import cpu_seconds


@pytest.mark.parametrize("blank", [" ", "\t"])
def test_a_long_blank_run_after_a_marking_is_read_quickly(blank: str) -> None:
    text = "Dijk lekt. TLP:AMBER" + blank * 20_000 + "einde"
    read: list[str | None] = []
    # CPU time, not wall time: see tests/support/timing.py.
    assert cpu_seconds(lambda: read.append(tlp.text_marking(text))) < 0.5
    assert read == ["AMBER"]


def test_the_strict_label_is_still_read_with_blanks_around_its_mark() -> None:
    for written in (
        "TLP:AMBER + STRICT",
        "TLP:AMBER\t/ STRICT",
        "tlp amber strict",
        "TLP:AMBER+STRICT",
    ):
        assert tlp.text_marking(written) == "AMBER+STRICT", written
