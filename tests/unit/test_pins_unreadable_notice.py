"""While the identity pin file is unreadable, say so (helper leftovers16, gap 1).

The bot fails closed then (bot/identity_pins.py): nobody's devices are trusted, so every
message is refused. The ordinary "your session is not verified" notice would send each
person off to verify a session that is fine. Instead each room gets one short notice
that the bot cannot check anyone's session for now (a fault on its side, no path, no
error text), at most once per room while the file stays broken; a restart does not
repeat it (the outbox keeps its derived transaction id). And `knooppunt crypto
accept-identity` on a broken file says the file is unreadable, not "not pinned"."""

from __future__ import annotations

import argparse
from collections.abc import AsyncIterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy import select

from bot.identity_pins import PIN_FILE_NAME, IdentityPins
from bot.untrusted import UntrustedSenders
from commands.i18n import t
from storage.engine import Database
from storage.models import OutboxMessage
from tests.support.migrated import migrated_sqlite
from tests.support.senders import RecordingSender
from tests.unit.test_untrusted_chat_once import PERSON, ROOM, _bind, _client, _decrypted

OTHER_ROOM = "!liaison:x"


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = await migrated_sqlite(tmp_path / "pins.db")
    yield database
    await database.close()


class _Trust:
    def __init__(self, pins: IdentityPins) -> None:
        self.pins = pins

    async def settled(self) -> None:
        return None


class _Client(SimpleNamespace):
    """Weakly referable and hashable (bot/key_upkeep.py keeps a lock per client)."""

    __hash__ = object.__hash__


def _untrusted(db: Database, pins: IdentityPins, sender: RecordingSender) -> UntrustedSenders:
    client: Any = _Client(**vars(_client()), should_query_keys=False)
    client.rooms[OTHER_ROOM] = SimpleNamespace(encrypted=True)
    return UntrustedSenders(client, db, sender, "nl", "cross-signed", _Trust(pins))  # type: ignore[arg-type]


async def _texts(db: Database) -> list[tuple[str, str]]:
    async with db.session() as session:
        rows = (await session.scalars(select(OutboxMessage))).all()
    return [(str(r.room_id), str(r.content.get("body"))) for r in rows]


async def test_a_broken_pin_file_is_told_once_per_room_not_as_an_unverified_session(
    db: Database, tmp_path: Path
) -> None:
    await _bind(db, "liaison")  # every message there would get its own notice
    path = tmp_path / PIN_FILE_NAME
    path.write_text("{broken", encoding="utf-8")
    sender = RecordingSender()
    untrusted = _untrusted(db, IdentityPins(path), sender)
    assert await untrusted.refuse(ROOM, _decrypted("$a", "!beeld"))
    assert await untrusted.refuse(ROOM, _decrypted("$b", "!beeld"))
    assert await untrusted.refuse(OTHER_ROOM, _decrypted("$c", "!beeld"))  # type: ignore[arg-type]
    texts = await _texts(db)
    assert sorted(room for room, _ in texts) == sorted([ROOM, OTHER_ROOM])
    for language in ("nl", "en"):
        assert t(language, "identity_pins_unreadable")  # both languages in the catalogue
    for _, body in texts:
        assert t("nl", "identity_pins_unreadable") in body
        assert "verifieer" not in body.lower() and "identities" not in body
        assert str(tmp_path) not in body and PERSON not in body

    # After a restart, the file still broken: no second notice in either room.
    again = _untrusted(db, IdentityPins(path), RecordingSender())
    assert await again.refuse(ROOM, _decrypted("$d", "!beeld"))
    assert len(await _texts(db)) == 2


async def test_a_readable_pin_file_keeps_the_ordinary_notice(db: Database, tmp_path: Path) -> None:
    await _bind(db, "liaison")
    untrusted = _untrusted(db, IdentityPins(tmp_path / PIN_FILE_NAME), RecordingSender())
    assert await untrusted.refuse(ROOM, _decrypted("$a", "!beeld"))
    [(_, body)] = await _texts(db)
    assert t("nl", "identity_pins_unreadable") not in body


def test_accept_identity_on_a_broken_file_says_it_is_unreadable(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from bot.cli.crypto import run_crypto

    path = tmp_path / PIN_FILE_NAME
    path.write_text("{broken", encoding="utf-8")
    settings: Any = SimpleNamespace(data_dir=tmp_path, language="en")
    args = argparse.Namespace(action="accept-identity", user=PERSON)
    assert run_crypto(settings, args) == 1
    out = capsys.readouterr().out
    assert out.strip() == t("en", "crypto.identity_pins_unreadable", path=path).strip()
    assert "not pinned" not in out
    assert path.read_text(encoding="utf-8") == "{broken"  # left for the operator to restore
