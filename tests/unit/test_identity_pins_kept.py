"""Identity pins when `identities.json` breaks or is missing (review10 and leftovers16,
session 16).

- While the file is unreadable the bot refused everyone, also people whose identity it
  had read from the file a moment before; in an encrypted room nobody could even read
  the notice saying so (no device gets room keys). The pins this process last read still
  hold now: nobody new is pinned and no changed identity is accepted while it is broken.
- A missing file at start counted as the first start, also for a bot that has run
  before (a restore that left the file out): every identity was pinned afresh, an
  attacker's reset included. When the bot's crypto store shows it ran before, a missing
  file is unreadable; pinning afresh is the operator's explicit choice (`{}` in the file).
"""

from __future__ import annotations

from pathlib import Path

from bot.identity_pins import PIN_FILE_NAME, IdentityPins, ran_before


def test_pins_read_before_the_file_broke_still_hold(tmp_path: Path) -> None:
    path = tmp_path / PIN_FILE_NAME
    pins = IdentityPins(path)
    assert pins.holds("@anna:x", "S0FZ")
    path.write_text("{broken", encoding="utf-8")
    pins.refresh()
    assert not pins.readable
    assert pins.holds("@anna:x", "S0FZ")  # read from the file before it broke
    assert not pins.holds("@anna:x", "ZXZpbA")  # a changed identity is not accepted
    assert not pins.holds("@bert:x", "QkVS")  # nobody new is pinned
    assert path.read_text(encoding="utf-8") == "{broken"


def test_a_missing_file_after_the_bot_ran_before_is_no_first_start(tmp_path: Path) -> None:
    path = tmp_path / PIN_FILE_NAME
    pins = IdentityPins(path, ran_before=True)
    assert not pins.readable
    assert not pins.holds("@anna:x", "ZXZpbA")
    assert not path.exists()


def test_an_empty_map_written_by_the_operator_pins_afresh(tmp_path: Path) -> None:
    path = tmp_path / PIN_FILE_NAME
    path.write_text("{}", encoding="utf-8")
    pins = IdentityPins(path, ran_before=True)
    assert pins.readable and pins.holds("@anna:x", "S0FZ")


def test_the_first_start_pins(tmp_path: Path) -> None:
    pins = IdentityPins(tmp_path / PIN_FILE_NAME, ran_before=False)
    assert (tmp_path / PIN_FILE_NAME).read_text(encoding="utf-8").strip() == "{}"
    assert pins.holds("@anna:x", "S0FZ")
    assert (tmp_path / PIN_FILE_NAME).exists()


def test_ran_before_reads_the_crypto_store(tmp_path: Path) -> None:
    assert not ran_before(tmp_path)
    (tmp_path / "crypto").mkdir()
    assert not ran_before(tmp_path)  # made empty at every start, before the login
    (tmp_path / "crypto" / "@knooppunt:x_ABCDEF.db").write_bytes(b"x")
    assert ran_before(tmp_path)
