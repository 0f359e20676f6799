"""Switching a bot that ran under `tofu` before session 16 to `cross-signed` (session 17).

Such a bot never wrote `identities.json`; its crypto store shows it ran before, so the
missing file counts as lost (a restore that left it out): nobody is trusted until an
operator writes `{}` into it by hand, and the log said only "unreadable ... restore it
from the backup". Now the log names the one command to run, and `knooppunt crypto
new-identities` starts the file empty only when that is safe: the file does not exist
(a corrupt one is restored, never replaced) and the crypto store shows that no device
of anyone else was ever judged by a `cross-signed` run (which pins as it judges: a file
lost after such a run held pins, and starting afresh would trust an attacker's reset).
"""

from __future__ import annotations

import argparse
import logging
import sqlite3
from pathlib import Path

import pytest
from nio.crypto import OlmAccount, OlmDevice
from nio.crypto.device import DeviceStore
from nio.store import SqliteStore

from bot.cli.crypto import run_crypto
from bot.config import Settings
from bot.identity_pins import PIN_FILE_NAME, IdentityPins

BOT = "@knooppunt:x"


def _crypto_store(data_dir: Path, judged: str | None) -> None:
    """A real nio crypto store of an earlier run: Anna's device unjudged (tofu), or
    `verified` / `blacklisted` as a cross-signed run leaves it."""
    (data_dir / "crypto").mkdir(parents=True)
    store = SqliteStore(BOT, "BOTDEV", str(data_dir / "crypto"))
    store.save_account(OlmAccount())
    anna = OlmDevice("@anna:x", "ANNA", {"ed25519": "YQ", "curve25519": "Yg"})
    own = OlmDevice(BOT, "OLDBOT", {"ed25519": "Yw", "curve25519": "ZA"})
    devices = DeviceStore()
    devices.add(anna)
    devices.add(own)
    store.save_device_keys(devices)
    store.blacklist_device(own)  # both modes keep the bot's own other devices out
    if judged == "verified":
        store.verify_device(anna)
    elif judged == "blacklisted":
        store.blacklist_device(anna)


def _new_identities(data_dir: Path) -> int:
    settings = Settings(data_dir=data_dir, language="en", user_id=BOT)
    return run_crypto(settings, argparse.Namespace(action="new-identities"))


def test_the_log_names_the_command(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    _crypto_store(tmp_path, None)
    with caplog.at_level(logging.ERROR):
        pins = IdentityPins(tmp_path / PIN_FILE_NAME, ran_before=True)
    assert not pins.readable
    assert "knooppunt crypto new-identities" in caplog.text
    assert "backup" in caplog.text


def test_a_bot_that_ran_under_tofu_starts_its_pins(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _crypto_store(tmp_path, None)
    assert _new_identities(tmp_path) == 0
    assert (tmp_path / PIN_FILE_NAME).read_text(encoding="utf-8").strip() == "{}"
    pins = IdentityPins(tmp_path / PIN_FILE_NAME, ran_before=True)
    assert pins.readable and pins.holds("@anna:x", "S0FZ")
    assert "identities.json" in capsys.readouterr().out


@pytest.mark.parametrize("judged", ["verified", "blacklisted"])
def test_after_a_cross_signed_run_the_file_is_restored_not_started_afresh(
    tmp_path: Path, judged: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _crypto_store(tmp_path, judged)
    assert _new_identities(tmp_path) == 1
    assert not (tmp_path / PIN_FILE_NAME).exists()
    assert "backup" in capsys.readouterr().out
    assert not IdentityPins(tmp_path / PIN_FILE_NAME, ran_before=True).holds("@anna:x", "ZXZpbA")


def test_an_existing_file_is_never_replaced(tmp_path: Path) -> None:
    _crypto_store(tmp_path, None)
    (tmp_path / PIN_FILE_NAME).write_text("{broken", encoding="utf-8")
    assert _new_identities(tmp_path) == 1
    assert (tmp_path / PIN_FILE_NAME).read_text(encoding="utf-8") == "{broken"
    (tmp_path / PIN_FILE_NAME).write_text('{"@anna:x": "S0FZ"}', encoding="utf-8")
    assert _new_identities(tmp_path) == 1
    assert "S0FZ" in (tmp_path / PIN_FILE_NAME).read_text(encoding="utf-8")


def test_an_unreadable_crypto_store_is_no_proof(tmp_path: Path) -> None:
    (tmp_path / "crypto").mkdir()
    (tmp_path / "crypto" / f"{BOT}_BOTDEV.db").write_bytes(b"not a database")
    assert _new_identities(tmp_path) == 1
    assert not (tmp_path / PIN_FILE_NAME).exists()


def test_accept_identity_on_a_missing_file_names_the_command(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _crypto_store(tmp_path, None)
    settings = Settings(data_dir=tmp_path, language="en", user_id=BOT)
    assert run_crypto(settings, argparse.Namespace(action="accept-identity", user="@a:x")) == 1
    assert "knooppunt crypto new-identities" in capsys.readouterr().out
    assert not (tmp_path / PIN_FILE_NAME).exists()
    assert sqlite3.connect(tmp_path / "crypto" / f"{BOT}_BOTDEV.db").execute(
        "select count(*) from devicekeys"
    ).fetchone() == (2,)
