"""The report grammar of DESIGN.md: fields, figures, times, and every way to get it wrong."""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from commands.report_parser import Problem, ReportDraft, Vocabulary, parse_report
from storage.regions import RegionTable
from storage.vocabulary import CATEGORIES, INVISIBLE, SEVERITIES, STATUSES, fold

NOW = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)  # 16:00 in Amsterdam
VOCAB = Vocabulary(RegionTable())
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # stripped from stored text


def ok(category: str | None, text: str) -> ReportDraft:
    result = parse_report(category, text.split("\n"), NOW, VOCAB)
    assert isinstance(result, ReportDraft), [p.en for p in result]  # type: ignore[union-attr]
    return result


def test_design_example() -> None:
    draft = ok(
        "opvang",
        "gemeente: Dordrecht\nopvangplekken beschikbaar: 120\ntijd: 14:30\nernst: matig\ntlp: amber\n"
        "Sporthal De Schans ingericht als noodopvang, 40 bedden bezet.",
    )
    assert draft.category == "shelter"
    assert draft.municipality == "Dordrecht"
    assert draft.region == "Zuid-Holland Zuid"
    assert draft.observed_at == datetime(2026, 11, 23, 13, 30, tzinfo=UTC)
    assert draft.severity == "Moderate"
    assert draft.tlp == "AMBER"
    assert [(f.metric, f.value, f.unit) for f in draft.figures] == [
        ("opvangplekken_beschikbaar", 120.0, None)
    ]
    assert draft.text == "Sporthal De Schans ingericht als noodopvang, 40 bedden bezet."


@pytest.mark.parametrize(
    ("category", "text", "expect"),
    [
        (
            "shelter",
            "municipality: Zwolle\ntime: 09:15\nseverity: severe\nfree shelter places: 1.200\nGym open.",
            {
                "category": "shelter",
                "region": "IJsselland",
                "severity": "Severe",
                "figure": ("opvangplekken_beschikbaar", 1200.0, None),
            },
        ),
        (
            "stroom",
            "gemeente: Arnhem\ntijd: 14.30\nhuishoudens zonder stroom: 3.400\nStoring middenspanning.",
            {
                "category": "power",
                "hour": 13,
                "figure": ("huishoudens_zonder_stroom", 3400.0, None),
            },
        ),
        (
            "water",
            "regio: Utrecht\ntijd: 14.30 uur\nernst: gering\nwaterstand: 1,5 m\nPeil stijgt langzaam.",
            {"region": "Utrecht", "severity": "Minor", "figure": ("waterstand", 1.5, "m")},
        ),
        (
            "zorg",
            "gemeente: Maastricht\ntijd: 23-11 11:00\nstatus: update\nbedden beschikbaar: 35\nZiekenhuis ontvangt.",
            {"status": "update", "hour": 10, "figure": ("bedden_beschikbaar", 35.0, None)},
        ),
        (
            "evacuation",
            "location: Wijk Noord\ntime: yesterday 09:00\nstatus: resolved\nevacuees: 250 personen\nDone.",
            {
                "category": "evacuation",
                "day": 22,
                "status": "resolved",
                "figure": ("geevacueerden", 250.0, "personen"),
            },
        ),
        (
            "mobiliteit",
            "gemeente: Den Haag\ntijd: gisteren 22:45\nbron: Rijkswaterstaat\nA12 dicht bij Zoetermeer.",
            {"day": 22, "source": "Rijkswaterstaat", "region": "Haaglanden"},
        ),
        (
            "telecom",
            "gemeente: Groningen\ntijd: 8\nsector: telecom\nernst: extreem\ntlp: red\nMobiel netwerk plat.",
            {"severity": "Extreme", "tlp": "RED", "sector": "telecom", "hour": 7},
        ),
        (
            "openbare-orde",
            "gemeente: Rotterdam\ntijd: 2026-11-23T12:10\ntlp: amber+strict\nincident: storm-rijnmond\nOnrust.",
            {"tlp": "AMBER+STRICT", "incident": "storm-rijnmond", "hour": 11},
        ),
        (
            "communicatie",
            "gemeente: Almere\ntijd: 23.11.2026 10.05\nernst: unknown\ntlp: TLP:CLEAR\nNL-Alert verstuurd.",
            {"severity": "Unknown", "tlp": "CLEAR", "hour": 9},
        ),
        (
            None,
            "gemeente: Nergenshuizen\nlocatie: Dorpsstraat 1\naantal vrijwilligers: 12\nTekst.",
            {
                "category": "other",
                "region": None,
                "location": "Dorpsstraat 1",
                "figure": ("aantal_vrijwilligers", 12.0, None),
            },
        ),
    ],
)
def test_ten_reports_every_field_and_form(
    category: str | None, text: str, expect: dict[str, object]
) -> None:
    draft = ok(category, text)
    for key, value in expect.items():
        if key == "figure":
            assert (draft.figures[0].metric, draft.figures[0].value, draft.figures[0].unit) == value
        elif key == "hour":
            assert draft.observed_at is not None and draft.observed_at.hour == value
        elif key == "day":
            assert draft.observed_at is not None and draft.observed_at.day == value
        else:
            assert getattr(draft, key) == value, key


def test_description_may_contain_colons_after_the_fields() -> None:
    draft = ok("mobiliteit", "gemeente: Utrecht\nWegafsluitingen rond de stad.\nLet op: N3 dicht")
    assert draft.text.endswith("Let op: N3 dicht")


def test_emoji_and_non_latin_text_are_kept_intact() -> None:
    text = "Opvang voor gezinnen 👨‍👩‍👧 — Українські родини, 家族, عائلات"
    draft = ok("opvang", f"gemeente: Dordrecht\n{text}")
    assert draft.text == text


MALFORMED = [
    ("opvnag", "gemeente: Dordrecht", "categorie"),
    ("opvang", "gemeent: Dordrecht", "gemeente"),
    ("opvang", "tjid: 14:30", "tijd"),
    ("opvang", "tijd: 25:99", "Tijd"),
    ("opvang", "tijd: morgen 10:00", "Tijd"),
    ("opvang", "tijd: 31-12 10:00", "toekomst"),
    ("opvang", "tijd: gisteren", "tijdstip"),
    ("opvang", "tijd: 1-1-2020 10:00", "jaar"),
    ("opvang", "tijd: vandaag 23-11 10:00", "dagwoord"),
    ("opvang", "tijd: abc", "Tijd"),
    ("opvang", "ernst: ernstg", "ernstig"),
    ("opvang", "ernst: heel erg", "ernst"),
    ("opvang", "severity: bad", "ernst"),
    ("opvang", "status: bezig", "status"),
    ("opvang", "tlp: paars", "TLP"),
    ("opvang", "tlp: amber strict plus", "TLP"),
    ("opvang", "regio: Atlantis", "veiligheidsregio"),
    ("opvang", "regio: Utrect", "Utrecht"),
    ("opvang", "", "leeg"),
    (None, "", "leeg"),
    ("opvang", "\n\n\n", "leeg"),
    ("opvang", "gemeente:", "geen waarde"),
    ("opvang", "tijd:", "geen waarde"),
    ("opvang", "ernst:   ", "geen waarde"),
    ("opvang", "gemeente: A\ngemeente: B", "twee keer"),
    ("opvang", "gemeente: A\nmunicipality: B", "twee keer"),
    ("opvang", "tlp: amber\ntlp: red", "twee keer"),
    ("opvang", "opvangplekken beschikbaar: 1\nfree shelter places: 2", "twee keer"),
    ("opvang", "opvangplekken beschikbaar: veel", "geen getal"),
    ("opvang", "opvangplekken beschikbaar: 12abc", "geen getal"),
    ("opvang", "bedden beschikbaar: ongeveer een handvol", "geen getal"),
    ("opvang", "evacuees: n/a", "geen getal"),
    ("opvang", "<b>gemeente</b>: Dordrecht", "HTML"),
    ("opvang", "gemeente: Dordrecht\n<script>alert(1)</script>", "HTML"),
    ("opvang", 'Tekst met <a href="x">link</a>', "HTML"),
    ("opvang", "<img src=x onerror=alert(1)>", "HTML"),
    ("opvang", "x" * 60_000, "te lang"),
    ("opvang", "gemeente: Dordrecht\n" + "tekst " * 10_000, "te lang"),
    ("opvang", "gemeente: " + "D" * 400, "te lang"),
    ("opvang", "regio: VRX", "veiligheidsregio"),
    ("opvang", "lokatie: Sporthal\ntijd: 14:30", "locatie"),
    ("stroom", "stauts: opgelost", "status"),
    ("opvang", "geevacueerden: ca. veel", "geen getal"),
    ("opvang", "tijd: half 25", "Tijd"),
    ("zorg", "tijd: 14:30\ntijd: 15:00", "twee keer"),
    ("zorg", "ernst: matig\nseverity: minor", "twee keer"),
    ("opvangextra", "", "categorie"),
    ("🚒", "gemeente: Dordrecht", "categorie"),
    ("opvang", "gemeente: Dordrecht\ntijd: 14:61", "Tijd"),
    ("opvang", "bron:\nsector:", "geen waarde"),
]


# Once refused as unknown fields; a key that is not a field and not close to one is
# text (the issue "Reports as liaisons actually type them"): nothing is dropped.
NOTES = [
    ("opvang", "kleur: blauw", "kleur: blauw"),
    ("opvang", "weer: slecht", "weer: slecht"),
    ("opvang", "gemeente: Dordrecht\nbijzonderheden: geen", "bijzonderheden: geen"),
    ("opvang", "Let op: N3 dicht", "Let op: N3 dicht"),
    ("stroom", "storing: groot", "storing: groot"),
    ("water", "peil: hoog", "peil: hoog"),
]


@pytest.mark.parametrize(("category", "text", "kept"), NOTES)
def test_a_note_key_without_a_number_stays_in_the_text(category: str, text: str, kept: str) -> None:
    assert ok(category, text).text.endswith(kept)


@pytest.mark.parametrize(("category", "text", "needle"), MALFORMED)
def test_fifty_malformed_reports_are_refused_with_a_reason(
    category: str | None, text: str, needle: str
) -> None:
    result = parse_report(category, text.split("\n"), NOW, VOCAB)
    assert isinstance(result, list), result
    joined = " ".join(p.nl for p in result)
    assert needle.lower() in joined.lower(), joined
    assert all(p.en for p in result)


def test_there_are_fifty_different_malformed_cases() -> None:
    assert len(MALFORMED) == 50
    # Fifty different reports, not one case repeated: no (category, text) pair twice.
    assert len({(category, text) for category, text, _ in MALFORMED}) == 50
    # ... refused for many different reasons, each case naming one.
    assert all(needle.strip() for _, _, needle in MALFORMED)
    assert len({needle.lower() for _, _, needle in MALFORMED}) >= 20


@settings(max_examples=300)
@given(st.one_of(st.none(), st.text(max_size=20)), st.lists(st.text(max_size=80), max_size=12))
def test_parser_never_raises(category: str | None, lines: list[str]) -> None:
    check_outcome(parse_report(category, lines, NOW, VOCAB))


@settings(max_examples=200)
@given(
    st.lists(
        st.sampled_from(["gemeente", "tijd", "ernst", "tlp", "x y", "bedden beschikbaar"]),
        max_size=6,
    ),
    st.lists(
        st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=30), max_size=6
    ),
)
def test_parser_never_raises_on_field_shaped_lines(keys: list[str], values: list[str]) -> None:
    lines = [f"{k}: {v}" for k, v in zip(keys, values, strict=False)]
    result = check_outcome(parse_report("opvang", lines, NOW, VOCAB))
    if isinstance(result, ReportDraft):
        assert result.category == "shelter"
        # Fields are read without invisible format characters (report_parser.INVISIBLE).
        text = INVISIBLE.sub("", CONTROL.sub("", "\n".join(lines)))
        # A value wrapped in Markdown emphasis (`**Dordrecht**`) is read without it.
        values = [
            line.partition(":")[2].strip()
            for line in text.split("\n")
            if line.startswith("gemeente:")
        ]
        given_places = {fold(v) for v in values} | {
            fold(re.sub(r"^([*_]{1,3})(\S(?:.*\S)?)\1$", r"\2", v)) for v in values
        }
        if result.municipality is not None:
            # The municipality comes from a `gemeente:` line, never from thin air.
            assert fold(result.municipality) in given_places, (result.municipality, lines)


def check_outcome(result: ReportDraft | list[Problem]) -> ReportDraft | list[Problem]:
    """Whatever the input: a well-formed draft, or at least one reason in both languages."""
    if isinstance(result, list):
        assert result, "refused without a reason"
        assert all(p.nl.strip() and p.en.strip() for p in result), result
        return result
    assert isinstance(result, ReportDraft)
    assert result.category in CATEGORIES, result.category
    assert result.severity in SEVERITIES and result.status in STATUSES
    assert result.tlp in (None, "CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED"), result.tlp
    assert all(math.isfinite(f.value) and f.metric for f in result.figures), result.figures
    assert result.observed_at is None or result.observed_at <= NOW + timedelta(minutes=5)
    assert not CONTROL.search(result.text), result.text
    return result


@pytest.mark.parametrize(
    ("line", "metric"),
    [
        ("gewonden: geen", "gewonden"),
        ("doden: Geen.", "doden"),
        ("injured: none", "gewonden"),
        ("deaths: None", "doden"),
    ],
)
def test_none_for_a_figure_is_the_figure_zero(line: str, metric: str) -> None:
    """`gewonden: geen` was refused ("geen getal"): liaisons write it for 0, and a report
    that says nobody was hurt is exactly the one that should get through."""
    draft = ok("opvang", f"gemeente: Dordrecht\n{line}\nGeen slachtoffers.")
    assert [(f.metric, f.value, f.unit, f.estimate) for f in draft.figures] == [
        (metric, 0.0, None, False)
    ]


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("gemeente: Dordrecht\nbijzonderheden: geen", "bijzonderheden: geen"),
        ("gemeente: Dordrecht\nzandzakken: geen", "zandzakken: geen"),
    ],
)
def test_none_is_no_figure_outside_the_known_figures(text: str, kept: str) -> None:
    """Only a named figure reads `geen` as 0: elsewhere it stays the liaison's text."""
    draft = ok("opvang", text)
    assert draft.figures == [] and draft.text.endswith(kept)


def test_the_deaths_figure_has_its_own_words_in_both_languages() -> None:
    """`doden: 2` (and `deaths: 2`) is a figure the parser knows since session 14, but the
    picture's vocabulary did not: an English picture said "doden", with no unit
    (review7)."""
    from commands.phone import METRICS

    assert METRICS.label("doden", "en") == "deaths"
    assert METRICS.label("doden", "nl") == "doden"
    assert METRICS.unit("doden", "en") == "people"


@pytest.mark.parametrize(
    "text",
    [
        "Naar schatting 2 doden bij de aanrijding op de A16 bij Dordrecht",
        "Geschat 300 geevacueerden in Dordrecht",
        "Rond 800 huishoudens zonder stroom in Zwijndrecht",
        "Mogelijk 2 doden bij de aanrijding op de A16 bij Dordrecht",
        "Vermoedelijk 3 gewonden in Dordrecht",
        "Roughly 40 injured in Dordrecht",
    ],
)
def test_a_hedged_free_text_figure_is_an_estimate(text: str) -> None:
    """Free text read "naar schatting 2 doden" as exactly 2 deaths: its estimate words
    were fewer than a field's (`doden: naar schatting 2` is an estimate), and a hedge
    ("mogelijk", "vermoedelijk") made none either. A death toll recorded as a firm
    figure from "possibly 2" is the wrong thing to be sure of (review7)."""
    from commands.report_parser import read_free_text

    draft = read_free_text(text, VOCAB)
    assert draft is not None
    assert [f.estimate for f in draft.figures] == [True], draft.figures


@pytest.mark.parametrize("value", ["mogelijk 2", "vermoedelijk 2", "possibly 2"])
def test_a_hedged_field_figure_is_an_estimate(value: str) -> None:
    """`doden: mogelijk 2` was refused as no number, where the same words in free text are
    an estimate now (review7)."""
    draft = ok("opvang", f"gemeente: Dordrecht\ndoden: {value}\nAanrijding.")
    assert [(f.metric, f.value, f.estimate) for f in draft.figures] == [("doden", 2.0, True)]


@pytest.mark.parametrize(
    "link",
    [
        "https://www.example.nl/meldingen;status=open",
        "https://kaart.example.nl/viewer/index.html?id=7,type=storing",
        "www.example.nl/ernst=hoog/overzicht",
    ],
)
def test_a_link_with_a_field_word_in_it_is_a_source(link: str) -> None:
    """A link's own `;status=open` is no field typed inside the value: `bron: <link>` was
    refused with "each field on its own line" since `key=value` counts there (review7)."""
    draft = ok("evacuatie", f"gemeente: Dordrecht\nbron: {link}\nDijk.")
    assert draft.source == link
