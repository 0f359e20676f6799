"""Situation items in the picture, and a picture fit for a phone.

Regression tests for "Reports as liaisons actually type them", points 3 and 4: a
severe report stayed out of the attention section once the same organisation
reported something minor about the same place; `categorie=` said "2 meldingen"
and listed one; figure keys instead of labels; texts cut mid-word; a scheduled
post without changes repeated the whole picture.

Through the dispatcher with a real database (SQLite and PostgreSQL).
"""

from __future__ import annotations

import re

import pytest

from commands.dispatcher import Dispatcher
from commands.message import Relation
from storage.engine import Database
from tests.unit.test_picture_follows_entries import (
    COORD_RED,
    LIAISON,
    REPORTER,
    db,
    dispatcher,
    picture,
    send,
    texts,
)

__all__ = ["db", "dispatcher"]  # fixtures, imported for pytest
pytestmark = pytest.mark.postgres

SEVERE = "8 dialysepatiënten zonder stroom in verpleeghuis De Linde"
LONG = (
    "Sporthal De Schans is sinds vanochtend open als noodopvang voor geëvacueerde "
    "bewoners van de Merwedekade; er is behoefte aan veldbedden, dekens en "
    "drinkwater, en de parkeerplaats loopt vol met auto's van vrijwilligers."
)


def report(category: str, lines: list[str]) -> str:
    return "\n".join([f"!melding {category}", "gemeente: Dordrecht", *lines])


async def recorded(db: Database, d: Dispatcher, body: str, **relation: str) -> tuple[str, str]:
    event_id, replies = await send(
        db,
        d,
        LIAISON,
        body,
        REPORTER,
        relation=Relation(**relation),  # type: ignore[arg-type]
    )
    text = texts(replies)
    found = re.search(r"Melding (M-\d+) vastgelegd", text)
    assert found, text
    return event_id, found.group(1)


def attention(text: str) -> str:
    if "Aandacht: ernstig of extreem" not in text:
        return ""
    return text.split("Aandacht: ernstig of extreem", 1)[1].split("\n\n", 1)[0]


async def test_severe_item_stays_until_resolved_by_a_reply(
    db: Database, dispatcher: Dispatcher
) -> None:
    severe_event, severe = await recorded(
        db, dispatcher, report("zorg", ["ernst: ernstig", SEVERE])
    )
    # The same organisation, place and category, later, about something minor.
    _, minor = await recorded(
        db, dispatcher, report("zorg", ["ernst: gering", "Twee rolstoelen tekort bij de GGD-post."])
    )
    first = (await picture(db, dispatcher, COORD_RED)).text
    assert severe in attention(first) and "dialysepatiënten" in attention(first), first
    assert minor not in attention(first)
    # The latest state per organisation and place is still the minor report.
    assert f"({minor})" in first

    # A reply to the severe report that says nothing about severity keeps it severe ...
    _, update = await recorded(
        db,
        dispatcher,
        report("zorg", ["Aggregaat onderweg, nog 8 patiënten zonder stroom."]),
        reply_to=severe_event,
    )
    second = (await picture(db, dispatcher, COORD_RED)).text
    assert update in attention(second) and severe not in attention(second), second
    # ... and `status: opgelost` as a reply closes the item.
    _, replies = await send(
        db,
        dispatcher,
        LIAISON,
        report("zorg", ["status: opgelost", "Stroom terug in De Linde."]),
        REPORTER,
        relation=Relation(reply_to=severe_event),  # type: ignore[arg-type]
    )
    assert f"vervolg op {severe}" in texts(replies), texts(replies)
    third = (await picture(db, dispatcher, COORD_RED)).text
    assert attention(third) == "", third


async def test_betreft_links_and_unknown_betreft_is_refused(
    db: Database, dispatcher: Dispatcher
) -> None:
    _, severe = await recorded(db, dispatcher, report("stroom", ["ernst: extreem", SEVERE]))
    _, replies = await send(
        db, dispatcher, LIAISON, report("stroom", ["betreft: M-99999", "x"]), REPORTER
    )
    assert "M-99999" in texts(replies) and "vastgelegd" not in texts(replies), texts(replies)
    _, closing = await recorded(
        db, dispatcher, report("stroom", [f"betreft: {severe}", "status: opgelost", "Klaar."])
    )
    assert severe in closing or closing  # recorded
    assert attention((await picture(db, dispatcher, COORD_RED)).text) == ""


async def test_category_count_matches_the_list(db: Database, dispatcher: Dispatcher) -> None:
    await recorded(db, dispatcher, report("zorg", ["Eerste melding over de zorgpost."]))
    await recorded(db, dispatcher, report("zorg", ["Tweede melding over dezelfde zorgpost."]))
    _, replies = await send(db, dispatcher, COORD_RED, "!beeld categorie=zorg", REPORTER)
    text = texts(replies)
    section = text.split("Laatste stand per categorie", 1)[1]
    listed = [line for line in section.splitlines() if re.search(r"\(M-\d+\)$", line)]
    title = next(line for line in section.splitlines() if line.startswith("zorg"))
    count = re.search(r"(\d+) actueel", title)
    assert count and int(count.group(1)) == len(listed) == 1, text


async def test_picture_fits_a_phone(db: Database, dispatcher: Dispatcher) -> None:
    await recorded(db, dispatcher, report("opvang", ["opvangplekken beschikbaar: 120", LONG]))
    text = (await picture(db, dispatcher, COORD_RED)).text
    # Figure labels from the vocabulary, never keys.
    assert "opvangplekken beschikbaar · " in text and "opvangplekken_beschikbaar" not in text
    words = {w.strip(",;.") for w in LONG.split()}
    for line in text.splitlines():
        if "…" in line:
            before = line.split("…")[0].split()[-1]
            assert before in words, f"cut mid-word: {line!r}"
    shown = next(line for line in text.splitlines() if "Sporthal De Schans" in line)
    assert len(shown.split(" — ", 1)[1]) >= 100, shown  # long enough to read


async def test_entries_list_by_reported_time_with_figures(
    db: Database, dispatcher: Dispatcher
) -> None:
    """`!meldingen`: newest by the time the report gives, figures with their labels.

    The times are relative: "08:00" and "07:00" read as yesterday's between 07:00 and
    08:00 (a time never lies in the future), and the order flipped at that hour."""
    await recorded(
        db,
        dispatcher,
        report("opvang", ["tijd: 30 min geleden", "opvangplekken beschikbaar: 40", "Vroeg."]),
    )
    await recorded(
        db, dispatcher, report("opvang", ["tijd: 90 min geleden", "Nog vroeger, later gemeld."])
    )
    _, replies = await send(db, dispatcher, COORD_RED, "!meldingen", REPORTER)
    text = texts(replies)
    lines = [line for line in text.splitlines() if line.startswith("• ")]
    assert "Vroeg." in lines[0] and "Nog vroeger" in lines[1], text
    assert "opvangplekken beschikbaar 40" in lines[0], text
