"""The notices about encryption point to the safe action (helper e2ee2, attack10's open
points): never to sharing keys with unverified devices, never to a room without
encryption (where TLP:AMBER/RED content would be in the open)."""

from __future__ import annotations

import pytest

from commands.i18n import t


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_undecryptable_notice_asks_for_a_verified_session_not_unverified_sharing(
    lang: str,
) -> None:
    text = t(lang, "undecryptable", count=2).lower()  # type: ignore[arg-type]
    assert "niet-geverifieerde" not in text and "unverified" not in text
    assert ("geverifieerde sessie" in text) if lang == "nl" else ("verified session" in text)


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_encryption_unsupported_notice_never_sends_people_to_an_open_room(lang: str) -> None:
    text = t(lang, "encryption_unsupported").lower()  # type: ignore[arg-type]
    assert "room without encryption" not in text
    assert "kamer zonder versleuteling" not in text
    assert ("beheerder" in text) if lang == "nl" else ("administrator" in text)
