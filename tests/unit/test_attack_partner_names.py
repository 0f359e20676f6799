"""Attack: one partners file naming one organisation twice in two spellings (outside
attacker, session 15).

Organisation names are one organisation whatever their case or Unicode form (README):
`Fryslân` typed on a Mac (decomposed accent) and in a web form (composed) are the same
GHOR. A partners file that lists it twice must be refused naming it, as for two equal
spellings: read as two, the second entry replaced the first's contact lines and roles
without a word (`upsert_partner` finds the same organisation).
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from knowledge import network
from tests.support.problems import said

COMPOSED = unicodedata.normalize("NFC", "GHOR Fryslân")
DECOMPOSED = unicodedata.normalize("NFD", "GHOR Fryslân")


@pytest.mark.parametrize("second", [DECOMPOSED, "ghor fryslân", "GHOR FRYSLÂN"])
def test_one_organisation_in_two_spellings_is_listed_twice(tmp_path: Path, second: str) -> None:
    path = tmp_path / "partners.yaml"
    path.write_text(
        "organisaties:\n"
        f"  - naam: {COMPOSED}\n    sectoren: [zorg]\n"
        "    contacten:\n      - {wat: OvD GHOR, lijn: '+31 58 555 0101', tlp: amber}\n"
        f"  - naam: {second}\n    sectoren: [zorg]\n",
        encoding="utf-8",
    )
    result = network.read_file(path)
    assert not result.ok
    assert "twee keer" in said(result.problems)[0] or "twice" in said(result.problems)[0]
