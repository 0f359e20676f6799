"""One vocabulary: each term defined once, stored in English, read and typed in both languages."""

from __future__ import annotations

import pytest

from storage import tlp
from storage.vocabulary import (
    CATEGORIES,
    PHASES,
    ROLES,
    Category,
    OrgKind,
    Phase,
    Role,
    Severity,
    Status,
    Term,
    TlpLabel,
    lookup,
)

ENUMS: list[type[Term]] = [Category, Severity, Status, Phase, Role, TlpLabel, OrgKind]


@pytest.mark.parametrize("enum", ENUMS)
def test_every_term_parses_from_its_value_and_both_display_words(enum: type[Term]) -> None:
    for member in enum:
        for word in (member.value, member.nl, member.en, *member.words):
            assert enum.parse(word) is member, (enum, word)
            assert enum.parse(word.upper()) is member
        assert enum.of(member.value) is member
        assert enum.display(member.value, "nl") == member.nl
        assert enum.display(member.value, "en") == member.en
    # No word means two terms of the same kind.
    words = [w for m in enum for w in {m.value.lower(), m.nl.lower(), *m.words}]
    assert len(words) == len(set(words)), enum


def test_stored_values_are_english_and_rooms_read_dutch() -> None:
    assert list(Category) == [
        "shelter",
        "health",
        "power",
        "water",
        "telecom",
        "mobility",
        "public-order",
        "evacuation",
        "communication",
        "fire",
        "other",
    ]
    assert list(Phase) == ["cold", "lukewarm", "warm", "after"]
    assert [Category.display(c, "nl") for c in ("shelter", "health", "power")] == [
        "opvang",
        "zorg",
        "stroom",
    ]
    assert Phase.display("cold", "nl") == "koud" and Phase.display("after", "en") == "after"
    assert Severity.display("Severe", "nl") == "ernstig"
    assert Severity.display("Severe", "en") == "severe"
    assert Status.display("resolved", "nl") == "opgelost"
    # Words typed in Dutch land on the English stored value.
    assert lookup(CATEGORIES, "Openbare orde") == "public-order"
    assert lookup(PHASES, "nafase") == "after"
    assert (
        lookup(ROLES, "Coördinator") == "coordinator"
        and lookup(ROLES, "gemeente") == "municipality"
    )
    # A value this version does not know is shown as it is, not hidden.
    assert Category.display("onbekend-ding", "nl") == "onbekend-ding"
    with pytest.raises(ValueError):
        Severity.of("ernstig")  # `of` takes stored values only


def test_tlp_labels_are_the_enum_with_dutch_names() -> None:
    assert tlp.LABELS == ("CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED")
    assert list(TlpLabel) == list(tlp.LABELS)
    assert [tlp.parse_label(w) for w in ("groen", "TLP:oranje", "tlp: rood", "wit")] == [
        "GREEN",
        "AMBER",
        "RED",
        "CLEAR",
    ]
    assert tlp.parse_label("amber strict") == "AMBER+STRICT" and tlp.parse_label("paars") is None
    assert Role.parse("redactie") is Role.CURATOR
