"""`knooppunt crypto status`: the bot's encryption identity, as the homeserver shows it."""

from __future__ import annotations

import argparse
import stat
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.config import Settings
    from commands.texts import Language


def add_parser(sub: Any, common: Callable[[argparse.ArgumentParser], None]) -> None:
    crypto = sub.add_parser("crypto", help="end-to-end encryption: the bot's identity")
    crypto_sub = crypto.add_subparsers(dest="action", required=True, metavar="ACTION")
    crypto_status = crypto_sub.add_parser(
        "status", help="device id, whether it is cross-signed, the master key's fingerprint"
    )
    common(crypto_status)
    accept = crypto_sub.add_parser(
        "accept-identity",
        help="trust a person's new master key (after an identity reset checked with them)",
    )
    accept.add_argument("user", help="the person's user id, @name:server")
    common(accept)
    fresh = crypto_sub.add_parser(
        "new-identities",
        help="start identities.json empty, for a bot that ran under tofu before session 16 "
        "(refused if identities were pinned here: restore the file from the backup)",
    )
    common(fresh)
    crypto.set_defaults(handler=run_crypto)


def run_crypto(settings: Settings, args: argparse.Namespace) -> int:
    """`status`: print the identity; exit 0 when the bot's device is cross-signed, 1 when
    not. `accept-identity`: forget a person's pinned master key (bot/identity_pins.py)."""
    import asyncio  # not at the top: every command line parse imports this module

    action = getattr(args, "action", "status")
    if action == "accept-identity":
        return _accept_identity(settings, str(args.user))
    if action == "new-identities":
        return _new_identities(settings)
    return asyncio.run(_status(settings))


def _new_identities(settings: Settings) -> int:
    """Start the pin file empty when that trusts no reset (bot/identity_pins.py)."""
    from bot.config import ConfigError
    from bot.identity_pins import PIN_FILE_NAME, start_empty
    from commands.i18n import t

    if not settings.user_id:
        raise ConfigError("cli.config_not_set", setting="user_id", env="KNOOPPUNT_USER_ID")
    path = settings.data_dir / PIN_FILE_NAME
    outcome = start_empty(settings.data_dir, settings.user_id)
    print(
        t(
            settings.language,
            f"crypto.identities_{outcome}",
            path=path,
            store=settings.data_dir / "crypto",
        )
    )
    return 0 if outcome == "started" else 1


def _accept_identity(settings: Settings, user_id: str) -> int:
    from bot.identity_pins import PIN_FILE_NAME, IdentityPins
    from commands.i18n import t

    path = settings.data_dir / PIN_FILE_NAME
    if not path.exists():
        # Made here, it would be an empty file (a first start's): every identity pinned
        # afresh, an attacker's reset included. Lost or never written: the operator's.
        print(t(settings.language, "crypto.identity_pins_missing", path=path))
        return 1
    pins = IdentityPins(path, ran_before=True)
    if not pins.readable:  # nothing can be forgotten in it, and it is never overwritten
        print(t(settings.language, "crypto.identity_pins_unreadable", path=path))
        return 1
    if not pins.forget(user_id):
        print(t(settings.language, "crypto.identity_not_pinned", user=user_id, path=path))
        return 1
    print(t(settings.language, "crypto.identity_accepted", user=user_id))
    return 0


LABELS = ("user", "encryption", "room_keys", "key_file", "device", "cross_signed", "master_key")


class _Lines:
    """`label:  value` lines whose values line up, the labels in the configured language."""

    def __init__(self, lang: Language) -> None:
        from commands.i18n import t

        self.lang = lang
        self.width = max(len(t(lang, f"crypto.label_{label}")) for label in LABELS) + 3

    def say(self, label: str, key: str, **values: object) -> None:
        from commands.i18n import t

        head = t(self.lang, f"crypto.label_{label}") + ":"
        print(f"{head:<{self.width}}{t(self.lang, key, **values)}")

    def note(self, key: str) -> None:
        from commands.i18n import t

        print(" " * self.width + t(self.lang, key))


async def _status(settings: Settings) -> int:
    import aiohttp

    from bot.config import ConfigError
    from bot.cross_signing import (
        KEY_FILE_NAME,
        CrossSigningError,
        CrossSigningKeys,
        KeysApi,
        fingerprint,
        identity_from_query,
    )
    from storage.engine import Database
    from storage.sync_state import get_login

    if not settings.user_id:
        raise ConfigError("cli.config_not_set", setting="user_id", env="KNOOPPUNT_USER_ID")
    user_id = settings.user_id
    key_file = settings.data_dir / KEY_FILE_NAME
    out = _Lines(settings.language)
    out.say("user", "crypto.value", value=user_id)
    out.say("encryption", "crypto.on" if settings.encryption else "crypto.off")
    out.say("room_keys", "crypto.devices", trust=settings.encryption_trust)
    keys = CrossSigningKeys.load(key_file, user_id)
    if keys is None:
        out.say("key_file", "crypto.key_file_missing", path=key_file)
    else:
        mode = stat.S_IMODE(key_file.stat().st_mode)
        out.say("key_file", "crypto.key_file_mode", path=key_file, mode=f"{mode:04o}")
    db = Database(settings.effective_database_url)
    try:
        async with db.session() as session:
            login = await get_login(session, user_id)
    finally:
        await db.close()
    if login is None:
        out.say("device", "crypto.no_device")
        return 1
    out.say("device", "crypto.value", value=login.device_id)
    try:
        async with aiohttp.ClientSession() as http:
            data = await KeysApi(http, login.homeserver, login.access_token).query([user_id])
    except (CrossSigningError, aiohttp.ClientError, OSError, TimeoutError) as exc:
        out.say("cross_signed", "crypto.unknown", server=login.homeserver, error=exc)
        return 1
    identity = identity_from_query(data, user_id, login.device_id)
    out.say("cross_signed", "crypto.yes" if identity.device_signed else "crypto.no")
    if identity.master is None:
        out.say("master_key", "crypto.no_master_key")
    else:
        out.say("master_key", "crypto.value", value=fingerprint(identity.master))
        if keys is not None and keys.master.public != identity.master:
            out.note("crypto.master_differs")
    return 0 if identity.device_signed else 1
