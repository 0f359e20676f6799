"""Review 11: a deletion refused while the bot knew none of its sender's sessions
(untrusted_sessions said None: the key query failed or had not answered) was kept with
no sessions to wait for, so it counted as soon as every session the bot later knew was
trusted. The phished login that sent it, signed out meanwhile, is never known then:
its deletion was carried out, against the rule that a signed-out session proves
nothing. Such a deletion counts only on the person's 👍 from a verified session."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from bot.held_redactions import HeldRedactions
from bot.untrusted import UntrustedSenders
from storage.engine import Database
from tests.support.redaction_events import VerifiedOnlyOlm
from tests.support.senders import RecordingSender
from tests.unit.test_held_redactions import (
    PERSON,
    ROOM,
    _acted_on,
    _Handler,
    _redaction,
    db,  # noqa: F401  (the fixture)
)


async def test_a_deletion_refused_before_any_session_was_known_waits_for_thumbs_up(
    db: Database,  # noqa: F811
) -> None:
    devices: list[Any] = []  # the bot knows none of the person's sessions yet
    store = SimpleNamespace(active_user_devices=lambda user: devices, devices=devices)
    client: Any = SimpleNamespace(
        olm=VerifiedOnlyOlm({"LAPTOP"}),
        rooms={ROOM: SimpleNamespace(encrypted=True)},
        device_store=store,
    )
    await _acted_on(db, "$report")
    untrusted = UntrustedSenders(client, db, RecordingSender(), "nl", "cross-signed", None)
    handler = _Handler(db)
    held = HeldRedactions(client, db, handler, "@bot:x")
    assert await untrusted.refuse(ROOM, _redaction("$red", "$report"))
    # Later the bot learns the person's one remaining session, trusted: the login
    # that sent the deletion (perhaps a phished one) was signed out before it was known.
    devices.append(SimpleNamespace(id="LAPTOP", curve25519="bGFw", ed25519="bGFw", deleted=False))
    await held.recheck([PERSON])
    assert handler.handled == []
