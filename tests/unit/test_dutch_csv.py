"""The CSV export opens well in a Dutch spreadsheet: `;` separator, Dutch headers and
values, Europe/Amsterdam times; `csv-en` keeps the international form. The TLP banner
row and formula neutralisation stay (the issue "Reports as liaisons actually type
them", point 5)."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

from commands.export import render_export
from storage.models import EntryFigure, SituationEntry

NOW = datetime(2026, 11, 23, 13, 30, tzinfo=UTC)  # 14:30 in Amsterdam


def _entry(text: str) -> SituationEntry:
    return SituationEntry(
        id=1,
        incident="storm",
        category="shelter",  # stored in English since migration 0014
        organisation="GGD",
        reporter="@liaison:x",
        room_id="!ggd:x",
        source_event_id="$e1",
        observed_at=NOW,
        recorded_at=NOW,
        updated_at=NOW,
        municipality="Dordrecht",
        region="Zuid-Holland Zuid",
        location=None,
        place="Dordrecht",
        severity="Severe",
        status="resolved",
        source=None,
        sector=None,
        text=text,
        tlp="AMBER",
        tlp_rank=2,
        revision=1,
        supersedes=None,
        retracted_at=None,
    )


FIGURES = {
    1: [
        EntryFigure(
            entry_id=1,
            metric="opvangplekken_beschikbaar",
            value=1200.0,
            unit=None,
            label="opvangplekken beschikbaar",
            estimate=True,
        )
    ]
}


def test_dutch_csv_has_semicolons_dutch_headers_values_and_local_times() -> None:
    data = render_export("csv", [_entry("=SOM(A1) sporthal vol")], FIGURES, {})
    text = data.decode("utf-8-sig")
    banner, _, table = text.partition("\r\n")
    assert banner == "TLP:AMBER"
    records = list(csv.DictReader(io.StringIO(table), delimiter=";"))
    (record,) = records
    assert record["categorie"] == "opvang"
    assert record["ernst"] == "ernstig" and record["status"] == "opgelost"
    assert record["gemeente"] == "Dordrecht" and record["veiligheidsregio"] == "Zuid-Holland Zuid"
    assert record["waargenomen"] == "23-11-2026 14:30"
    assert record["tekst"] == "'=SOM(A1) sporthal vol"  # still no formula
    assert record["cijfers"] == "opvangplekken beschikbaar: ca. 1.200"


def test_csv_en_keeps_the_international_form() -> None:
    data = render_export("csv-en", [_entry("fine")], FIGURES, {})
    banner, _, table = data.decode("utf-8-sig").partition("\r\n")
    assert banner == "TLP:AMBER"
    (record,) = list(csv.DictReader(io.StringIO(table)))
    assert record["severity"] == "Severe" and record["category"] == "shelter"
    assert record["observed_at"] == "2026-11-23T13:30:00+00:00"
