"""Dutch state classifications as markings.

Ministries' liaisons mark documents with the Rijksoverheid's classifications
("Departementaal Vertrouwelijk", "Dep.V.", "Stg. Confidentieel", "Stg. Geheim",
"Stg. Zeer Geheim"), not with TLP. Such a marking was no label at all: a report citing a
Dep.V. situation report went out under the room's default (AMBER) to every cleared room
of every organisation. A classification now reads as TLP:RED, the label that keeps a
report in the room it was written in; the classification is stricter than any TLP label
shared between organisations.
"""

from __future__ import annotations

import pytest

from commands.dispatcher import Dispatcher
from storage import tlp
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

CLASSIFIED = [
    "Departementaal Vertrouwelijk",
    "DEPARTEMENTAAL VERTROUWELIJK",
    "Dep.V.",
    "Dep. V.",
    "DepV",
    "Stg. Confidentieel",
    "Stg Geheim",
    "STG. ZEER GEHEIM",
    "Staatsgeheim Confidentieel",
    "Staatsgeheim, geheim",
    "Stg.\u00a0Geheim",
    # Written out or hyphenated, or broken over a line: no less classified.
    "Dep. Vertrouwelijk",
    "Departementaal-Vertrouwelijk",
    "Departementaal\nVertrouwelijk",
    "Stg-Geheim",
]


@pytest.mark.parametrize("written", CLASSIFIED)
def test_a_state_classification_reads_as_red(written: str) -> None:
    assert tlp.text_marking(f"Bron: situatierapport NCTV ({written})") == "RED"
    assert tlp.text_marking(f"{written}\nKwel bij gemaal De Noord.") == "RED"


@pytest.mark.parametrize(
    "ordinary",
    [
        "Dit is vertrouwelijk, graag niet doorsturen.",  # no classification
        "Het departement verwacht een geheim overleg.",
        "De stg. Welzijn opent een opvang.",  # a foundation ("stichting")
        "Geheim nummer van de meldkamer volgt.",
        "Dep. Verkeer meldt afsluitingen.",
        # The ministry of Veiligheid en Justitie: a department, no classification.
        "Dep. V&J meldt extra inzet.",
        "Dep. V&W sluit de sluis.",
    ],
)
def test_everyday_words_are_no_classification(ordinary: str) -> None:
    assert tlp.text_marking(ordinary) is None


@pytest.mark.postgres
async def test_a_report_citing_a_dep_v_document_stays_in_its_room(
    db: Database, dispatcher: Dispatcher
) -> None:
    body = (
        "!melding water\ngemeente: Dordrecht\n"
        "Kwel bij gemaal De Noord.\nbron: situatierapport RWS, Departementaal Vertrouwelijk"
    )
    _, replies = await send(db, dispatcher, LIAISON, body, REPORTER)
    head = texts(replies).split("\n", 1)[0]
    assert "vastgelegd" in head and head.endswith("TLP:RED"), texts(replies)
    shown = (await picture(db, dispatcher, COORD_RED)).text
    assert "Kwel" not in shown, shown


@pytest.mark.postgres
async def test_a_lower_tlp_field_beside_a_classification_is_refused(
    db: Database, dispatcher: Dispatcher
) -> None:
    body = "!melding water\ngemeente: Dordrecht\ntlp: groen\nKwel bij gemaal De Noord. Stg. Geheim"
    _, replies = await send(db, dispatcher, LIAISON, body, REPORTER)
    said = texts(replies)
    assert "vastgelegd" not in said and "rubricering" in said, said
