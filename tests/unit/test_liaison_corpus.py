"""The liaison corpus (tests/data/liaison_corpus.yaml): reports as liaisons type them.

At least 90% of the reports meant to be recorded are recorded with every field
right; every refused one gets a reply naming what to change; free text that reads
as an update gets an offer, chatter does not.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

from commands.grammar import parse_raw
from commands.report_parser import ReportDraft, Vocabulary, parse_report
from storage.regions import RegionTable
from storage.timezone import AMSTERDAM

CORPUS = yaml.safe_load(
    (Path(__file__).parent.parent / "data" / "liaison_corpus.yaml").read_text(encoding="utf-8")
)
VOCAB = Vocabulary(RegionTable())
DEFAULTS: dict[str, Any] = {
    "category": "other",
    "municipality": None,
    "region": None,
    "location": None,
    "time": None,
    "severity": "Unknown",
    "status": "new",
    "tlp": None,
    "source": None,
    "sector": None,
    "incident": None,
    "figures": {},
    "text": "",
}


def _now(item: dict[str, Any]) -> datetime:
    local = datetime.strptime(item.get("now", "2026-11-23 16:00"), "%Y-%m-%d %H:%M")
    return local.replace(tzinfo=AMSTERDAM).astimezone(UTC)


def _parse(item: dict[str, Any]) -> ReportDraft | list[str]:
    parsed = parse_raw(item["message"], "!")
    lines = list(parsed.body_lines)
    if len(parsed.words) > 1:  # as report_command: the rest of the first line is text
        lines = (
            [*lines, "", " ".join(parsed.words[1:])] if lines else ["", " ".join(parsed.words[1:])]
        )
    result = parse_report(parsed.words[0] if parsed.words else None, lines, _now(item), VOCAB)
    if isinstance(result, list):
        return [p.nl + " " + p.en for p in result]
    return result


def _fields(draft: ReportDraft) -> dict[str, Any]:
    figures: dict[str, Any] = {}
    for figure in draft.figures:
        value = int(figure.value) if figure.value == int(figure.value) else figure.value
        figures[figure.metric] = (
            [value, "estimate"] if getattr(figure, "estimate", False) else value
        )
    return {
        "category": draft.category,
        "municipality": draft.municipality,
        "region": draft.region,
        "location": draft.location,
        "time": draft.observed_at.astimezone(AMSTERDAM).strftime("%Y-%m-%d %H:%M")
        if draft.observed_at
        else None,
        "severity": draft.severity,
        "status": draft.status,
        "tlp": draft.tlp,
        "source": draft.source,
        "sector": draft.sector,
        "incident": draft.incident,
        "figures": figures,
        "text": draft.text,
    }


def _wrong(item: dict[str, Any]) -> str | None:
    """None when the report is recorded with every field right, else what differs."""
    result = _parse(item)
    if isinstance(result, list):
        return f"refused: {result}"
    expected = {**DEFAULTS, **item["expect"]}
    got = _fields(result)
    diff = {k: (expected[k], got[k]) for k in DEFAULTS if expected[k] != got[k]}
    return f"{diff}" if diff else None


def _recorded_share() -> tuple[float, list[str]]:
    items = [i for i in CORPUS["reports"] if "expect" in i]
    failures = [f"{i['message']!r}: {w}" for i in items if (w := _wrong(i)) is not None]
    return 1 - len(failures) / len(items), failures


def test_corpus_is_large_enough() -> None:
    assert len(CORPUS["reports"]) >= 60


def test_at_least_90_percent_recorded_with_every_field_right() -> None:
    share, failures = _recorded_share()
    print(f"\nliaison corpus: {share:.1%} recorded right")
    assert share >= 0.90, "\n".join(failures)


@pytest.mark.parametrize(
    "item", [i for i in CORPUS["reports"] if "refused" in i], ids=lambda i: i["message"][:40]
)
def test_refused_reply_names_what_to_change(item: dict[str, Any]) -> None:
    result = _parse(item)
    assert isinstance(result, list), "recorded, but should be refused"
    said = " ".join(result)
    for word in item["refused"]:
        assert word in said, (word, said)


def test_free_text_that_reads_as_an_update_gets_an_offer_and_chatter_nothing() -> None:
    from commands.report_parser import read_free_text

    wrong = []
    for item in CORPUS["free_text"]:
        draft = read_free_text(item["message"], VOCAB)
        if (draft is not None) != item["offer"]:
            wrong.append((item["message"], draft))
        elif draft is not None:
            expected = {**DEFAULTS, "text": item["message"], **item["expect"]}
            got = _fields(draft)
            diff = {k: (expected[k], got[k]) for k in DEFAULTS if expected[k] != got[k]}
            if diff:
                wrong.append((item["message"], diff))
    assert not wrong, wrong
