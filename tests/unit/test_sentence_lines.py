"""A sentence that names a place before a colon (session 17): "Verpleeghuis Merwede: 10
bewoners verplaatst." was read as a figure named "verpleeghuis_merwede" (10 with the
unit "bewoners verplaatst.") and left the report's text: the picture summed a metric
nobody has, and the readers lost the sentence. A line whose key is a proper name (a
capital after its first word, or a known municipality) and whose value is a sentence (a
number, then words that end lower case or with a full stop) stays text now. Figure lines
("bewoners verplaatst: 10", "opgevangen: 160", "Waterstand Merwede: 2,3 m NAP") are read
as before."""

from __future__ import annotations

import pytest

from tests.unit.test_report_parser import ok

SENTENCES = [
    "Verpleeghuis Merwede: 10 bewoners verplaatst.",
    "Verpleeghuis Merwede: 10 bewoners verplaatst",
    "Sporthal De Schans: 200 mensen opgevangen.",
    "Dordrecht: 40 woningen ontruimd.",
    "Zorgcentrum De Hoven: 12 bewoners naar Zwijndrecht.",
]


@pytest.mark.parametrize("line", SENTENCES)
def test_a_sentence_after_a_proper_name_stays_text(line: str) -> None:
    draft = ok("evacuatie", f"gemeente: Dordrecht\n{line}\nRest volgt.")
    assert draft.figures == [], draft.figures
    assert line in draft.text, draft.text
    assert draft.municipality == "Dordrecht"


def test_fields_after_such_a_sentence_still_count() -> None:
    draft = ok(
        "evacuatie",
        "gemeente: Dordrecht\nVerpleeghuis Merwede: 10 bewoners verplaatst.\nernst: ernstig\nRest volgt.",
    )
    assert draft.severity == "Severe", draft
    assert "Verpleeghuis Merwede: 10 bewoners verplaatst." in draft.text


FIGURES = [
    ("bewoners verplaatst: 10", "bewoners_verplaatst", 10.0, None),
    ("Bewoners verplaatst: 10", "bewoners_verplaatst", 10.0, None),
    ("opgevangen: 160", "opgevangen", 160.0, None),
    ("zandzakken: 500", "zandzakken", 500.0, None),
    ("waterstand: 1,5 m NAP", "waterstand", 1.5, "m NAP"),
    ("Waterstand Merwede: 2,3 m NAP", "waterstand_merwede", 2.3, "m NAP"),
    ("Temperatuur Dordrecht: 5 graden Celsius", "temperatuur_dordrecht", 5.0, "graden Celsius"),
]


# A count of people at a named place (session 18): a figure named for what is counted,
# at that location, with or without the full stop.
@pytest.mark.parametrize(
    "line", ["Sporthal De Schans: 200 mensen", "Sporthal De Schans: 200 mensen."]
)
def test_a_count_at_a_named_place_is_counted_there(line: str) -> None:
    draft = ok("evacuatie", f"gemeente: Dordrecht\n{line}\nRest volgt.")
    assert [(f.metric, f.value, f.unit) for f in draft.figures] == [("mensen", 200.0, None)]
    assert (draft.location, draft.text) == ("Sporthal De Schans", "Rest volgt.")


@pytest.mark.parametrize(("line", "metric", "value", "unit"), FIGURES)
def test_figure_lines_are_still_figures(
    line: str, metric: str, value: float, unit: str | None
) -> None:
    draft = ok("evacuatie", f"gemeente: Dordrecht\n{line}\nRest volgt.")
    assert [(f.metric, f.value, f.unit) for f in draft.figures] == [(metric, value, unit)]
