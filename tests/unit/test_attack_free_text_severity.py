"""Free text whose severity line is not among its first two lines.

A report typed without its command is read with its fields when its first or second
line starts them. "Update stroom / Zwijndrecht: nog 800 huishoudens zonder stroom /
ernst: extreem" starts none there, so it was read as a plain update: offered, and on
`ja` recorded as severity unknown, the liaison's `ernst: extreem` line kept as text. No
coordinator was alerted and the picture's attention list left it out. It is now refused
with the reason, as a `!melding` with its severity under the text is.

Through the dispatcher with a real database (SQLite and PostgreSQL).
"""

from __future__ import annotations

import pytest

from commands.dispatcher import Dispatcher
from storage.engine import Database
from tests.unit.test_picture_follows_entries import LIAISON, REPORTER, db, dispatcher, send, texts

__all__ = ["db", "dispatcher"]  # fixtures, imported for pytest
pytestmark = pytest.mark.postgres


@pytest.mark.parametrize(
    "body",
    [
        "Update stroom\nZwijndrecht: nog 800 huishoudens zonder stroom\nernst: extreem",
        "Stroomstoring Zwijndrecht, 800 huishoudens zonder stroom.\n\nErnst: extreem",
        "Stroomstoring Zwijndrecht\nnog 800 huishoudens\n**ernst:** ernstig\ntlp: amber",
    ],
)
async def test_free_text_with_a_severity_below_is_not_recorded_without_it(
    db: Database, dispatcher: Dispatcher, body: str
) -> None:
    _, replies = await send(db, dispatcher, LIAISON, body, REPORTER)
    told = texts(replies)
    assert "Vastleggen als melding?" not in told and "onder de tekst" in told, told
    _, replies = await send(db, dispatcher, LIAISON, "ja", REPORTER)
    assert "vastgelegd" not in texts(replies), texts(replies)


async def test_free_text_with_a_note_on_severity_is_still_offered(
    db: Database, dispatcher: Dispatcher
) -> None:
    body = "Stroomstoring Zwijndrecht\nnog 800 huishoudens zonder stroom\nernst: nog onduidelijk"
    _, replies = await send(db, dispatcher, LIAISON, body, REPORTER)
    assert "Vastleggen als melding?" in texts(replies), texts(replies)


async def test_free_text_with_its_severity_on_the_second_line_is_recorded_severe(
    db: Database, dispatcher: Dispatcher
) -> None:
    body = "Stroomstoring Zwijndrecht\nernst: extreem\nnog 800 huishoudens zonder stroom"
    _, replies = await send(db, dispatcher, LIAISON, body, REPORTER)
    _, replies = await send(db, dispatcher, LIAISON, "ja", REPORTER)
    assert "Ernst: extreem" in texts(replies), texts(replies)
