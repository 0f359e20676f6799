"""The forms of the issue "Reports as liaisons actually type them", one by one: spoken
and written times, every safety region by its abbreviation, estimates."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from commands.dutch_time import TimeError, parse_time
from commands.report_parser import split_estimate
from storage.regions import RegionTable
from storage.timezone import AMSTERDAM

NOW = datetime(2026, 11, 23, 16, 0, tzinfo=AMSTERDAM).astimezone(UTC)

TIMES = [
    ("om half 3", "23 14:30"),
    ("half 4", "23 15:30"),
    ("kwart over 9", "23 09:15"),  # 21:15 would be in the future: the morning
    ("kwart voor 4", "23 15:45"),
    ("tien over half 3", "23 14:40"),
    ("5 voor 12", "23 11:55"),
    ("14u30", "23 14:30"),
    ("16u", "23 16:00"),
    ("9u", "23 09:00"),
    ("2 uur 's middags", "23 14:00"),
    ("2 uur ’s middags", "23 14:00"),
    ("8 uur 's ochtends", "23 08:00"),
    ("half 10 's avonds", "22 21:30"),  # tonight's 21:30 is still to come: yesterday
    ("11 uur 's nachts", "22 23:00"),
    ("3 uur 's nachts", "23 03:00"),
    ("rond 12 uur", "23 12:00"),
    ("om 13.00u", "23 13:00"),
    ("om 14:00", "23 14:00"),
    ("9 uur", "23 09:00"),
    ("3 uur", "23 15:00"),  # the most recent 3 o'clock
    ("3pm", "23 15:00"),
    ("10 am", "23 10:00"),
    ("11 p.m.", "22 23:00"),
    ("yesterday 11pm", "22 23:00"),
    ("gisteren half 11 's avonds", "22 22:30"),
    ("gisteravond 9 uur", "22 21:00"),
    ("vanochtend 7 uur", "23 07:00"),
    ("vanmiddag 1 uur", "23 13:00"),
    ("vannacht 3 uur", "23 03:00"),
    ("14:30", "23 14:30"),
    ("09:00", "23 09:00"),
    ("23:50", "22 23:50"),
    ("gisteren 09:00", "22 09:00"),
]


@pytest.mark.parametrize(("text", "expected"), TIMES)
def test_spoken_and_written_times(text: str, expected: str) -> None:
    assert parse_time(text, NOW).astimezone(AMSTERDAM).strftime("%d %H:%M") == expected


@pytest.mark.parametrize("text", ["half 25", "kwart over 16", "25:00", "morgen 10:00", "om"])
def test_times_that_are_no_times_are_refused(text: str) -> None:
    with pytest.raises(TimeError):
        parse_time(text, NOW)


def test_vanavond_later_today_is_the_future() -> None:
    with pytest.raises(TimeError) as caught:
        parse_time("vanavond 9 uur", NOW)
    assert caught.value.reason == "future"


ABBREVIATIONS = {
    "VRG": "Groningen",
    "VRF": "Fryslân",
    "Friesland": "Fryslân",
    "VRD": "Drenthe",
    "VRIJ": "IJsselland",
    "VRT": "Twente",
    "VNOG": "Noord- en Oost-Gelderland",
    "VGGM": "Gelderland-Midden",
    "VRGZ": "Gelderland-Zuid",
    "VRU": "Utrecht",
    "VRNHN": "Noord-Holland-Noord",
    "VRZW": "Zaanstreek-Waterland",
    "VRK": "Kennemerland",
    "VRAA": "Amsterdam-Amstelland",
    "VRGV": "Gooi en Vechtstreek",
    "VRH": "Haaglanden",
    "VRHM": "Hollands Midden",
    "VRR": "Rotterdam-Rijnmond",
    "VRZHZ": "Zuid-Holland Zuid",
    "ZHZ": "Zuid-Holland Zuid",
    "zhz": "Zuid-Holland Zuid",
    "Veiligheidsregio Zuid-Holland-Zuid": "Zuid-Holland Zuid",
    "VRZ": "Zeeland",
    "VRMWB": "Midden- en West-Brabant",
    "MWB": "Midden- en West-Brabant",
    "Midden en West Brabant": "Midden- en West-Brabant",
    "VRBN": "Brabant-Noord",
    "VRBZO": "Brabant-Zuidoost",
    "VRLN": "Limburg-Noord",
    "VRZL": "Zuid-Limburg",
    "VRFL": "Flevoland",
}


def test_every_region_has_an_abbreviation() -> None:
    table = RegionTable()
    assert len(table.regions) == 25
    assert set(ABBREVIATIONS.values()) == set(table.regions)


@pytest.mark.parametrize(("name", "region"), ABBREVIATIONS.items())
def test_regions_by_abbreviation_and_spelling(name: str, region: str) -> None:
    assert RegionTable().canonical_region(name) == region


@pytest.mark.parametrize("name", ["Holland", "VRX", "Brabant", "Gelderland"])
def test_an_ambiguous_or_unknown_region_is_not_guessed(name: str) -> None:
    assert RegionTable().canonical_region(name) is None


@pytest.mark.parametrize(
    ("text", "number", "estimate"),
    [
        ("ca. 120", "120", True),
        ("ca 50", "50", True),
        ("circa 1.200", "1.200", True),
        ("ongeveer 300", "300", True),
        ("± 50", "50", True),
        ("~90", "90", True),
        ("60 (schatting)", "60", True),
        ("approx. 200", "200", True),
        ("about 400", "400", True),
        ("120", "120", False),
        ("-3", "-3", False),
    ],
)
def test_estimate_words_around_a_number(text: str, number: str, estimate: bool) -> None:
    assert split_estimate(text) == (number, estimate)


def test_a_sentence_after_an_unknown_key_is_text_a_short_figure_is_a_figure() -> None:
    from commands.report_parser import ReportDraft, Vocabulary, parse_report

    vocab = Vocabulary(RegionTable())
    lines = ["Update: 3 sporthallen zijn weer open", "zandzakken: 500", "waterstand: 1,5 m NAP"]
    draft = parse_report("water", lines, NOW, vocab)
    assert isinstance(draft, ReportDraft)
    assert draft.text == "\n".join(lines) and draft.figures == []  # it starts the text
    draft = parse_report("water", lines[1:], NOW, vocab)
    assert isinstance(draft, ReportDraft)
    assert [(f.metric, f.value, f.unit) for f in draft.figures] == [
        ("zandzakken", 500.0, None),
        ("waterstand", 1.5, "m NAP"),
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("half drie", "23 14:30"),
        ("kwart voor vier", "23 15:45"),
        ("om twaalf uur", "23 12:00"),
        ("drie uur 's middags", "23 15:00"),
        ("vijf voor twaalf", "23 11:55"),
        ("10 min geleden", "23 15:50"),
        ("een uur geleden", "23 15:00"),
        ("an hour ago", "23 15:00"),
        ("zojuist", "23 16:00"),
        ("14.30 gisteren", "22 14:30"),
        ("2:30 pm", "23 14:30"),
    ],
)
def test_hours_in_words_relative_times_and_a_day_word_after(text: str, expected: str) -> None:
    assert parse_time(text, NOW).astimezone(AMSTERDAM).strftime("%d %H:%M") == expected


def test_a_category_word_only_one_category_uses_is_that_category() -> None:
    from commands.report_parser import ReportDraft, Vocabulary, parse_report

    draft = parse_report("kookadvies", ["gemeente: Gorinchem"], NOW, Vocabulary(RegionTable()))
    assert isinstance(draft, ReportDraft) and draft.category == "water"
