"""`knooppunt crypto status`: the bot's encryption identity, as the homeserver shows it."""

from __future__ import annotations

import argparse
import asyncio
import stat
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.config import Settings


def add_parser(sub: Any, common: Callable[[argparse.ArgumentParser], None]) -> None:
    crypto = sub.add_parser("crypto", help="end-to-end encryption: the bot's identity")
    crypto_sub = crypto.add_subparsers(dest="action", required=True, metavar="ACTION")
    crypto_status = crypto_sub.add_parser(
        "status", help="device id, whether it is cross-signed, the master key's fingerprint"
    )
    common(crypto_status)
    crypto.set_defaults(handler=run_crypto)


def run_crypto(settings: Settings, args: argparse.Namespace) -> int:
    """Print the identity; exit 0 when the bot's device is cross-signed, 1 when not."""
    return asyncio.run(_status(settings))


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
        raise ConfigError("user_id is not set (KNOOPPUNT_USER_ID or `user_id:`)")
    user_id = settings.user_id
    key_file = settings.data_dir / KEY_FILE_NAME
    print(f"user:           {user_id}")
    print(f"encryption:     {'on' if settings.encryption else 'off'}")
    print(f"room keys for:  {settings.encryption_trust} devices")
    keys = CrossSigningKeys.load(key_file, user_id)
    if keys is None:
        print(f"key file:       {key_file} (missing)")
    else:
        mode = stat.S_IMODE(key_file.stat().st_mode)
        print(f"key file:       {key_file} (mode {mode:04o})")
    db = Database(settings.effective_database_url)
    try:
        async with db.session() as session:
            login = await get_login(session, user_id)
    finally:
        await db.close()
    if login is None:
        print("device:         none yet (the bot has not logged in)")
        return 1
    print(f"device:         {login.device_id}")
    try:
        async with aiohttp.ClientSession() as http:
            data = await KeysApi(http, login.homeserver, login.access_token).query([user_id])
    except (CrossSigningError, aiohttp.ClientError, OSError, TimeoutError) as exc:
        print(f"cross-signed:   unknown (cannot ask {login.homeserver}: {exc})")
        return 1
    identity = identity_from_query(data, user_id, login.device_id)
    print(f"cross-signed:   {'yes' if identity.device_signed else 'NO'}")
    if identity.master is None:
        print("master key:     none on the homeserver")
    else:
        print(f"master key:     {fingerprint(identity.master)}")
        if keys is not None and keys.master.public != identity.master:
            print("                (differs from the key file: the next start resets it)")
    return 0 if identity.device_signed else 1
