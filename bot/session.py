"""Logging in once and reusing the device afterwards.

A password login on every start would create a new device each time: that
breaks end-to-end encryption (messages sent while the bot was down are
encrypted for a device that no longer exists) and clutters the account. So
the first login's access token and device id are stored and restored.
"""

from __future__ import annotations

import logging

from nio import LoginResponse, WhoamiResponse
from nio.client.async_client import AsyncClient

from bot.backoff import NETWORK_ERRORS
from bot.config import Settings
from storage.engine import Database
from storage.sync_state import LoginSession, forget_login, get_login, save_login

log = logging.getLogger(__name__)


class LoginFailed(Exception):
    """The homeserver refused the credentials (not a network problem)."""


class HomeserverUnreachable(Exception):
    """The homeserver did not answer; worth retrying."""


async def _whoami(client: AsyncClient) -> WhoamiResponse | None:
    """None when the token is unknown; raises HomeserverUnreachable on network errors."""
    try:
        response = await client.whoami()
    except NETWORK_ERRORS as exc:
        raise HomeserverUnreachable(str(exc)) from exc
    if isinstance(response, WhoamiResponse):
        return response
    if getattr(response, "status_code", None) in ("M_UNKNOWN_TOKEN", "M_MISSING_TOKEN"):
        return None
    raise HomeserverUnreachable(f"whoami failed: {getattr(response, 'message', response)}")


async def password_login(client: AsyncClient, db: Database, settings: Settings) -> None:
    if settings.password is None:
        raise LoginFailed("the access token was refused and no password is configured")
    # Always a new device: nio would otherwise log in under the old device id, and when
    # the token was revoked that device was deleted with its keys; nio would not upload
    # them again, leaving the bot unable to read or be read in encrypted rooms.
    # nio also keeps an already loaded key store, which belongs to the old device:
    # dropped, so the login loads (creates) the store of the new device.
    client.device_id = None
    client.store = None
    client.olm = None
    try:
        response = await client.login(
            password=settings.password.get_secret_value(), device_name=settings.device_name
        )
    except NETWORK_ERRORS as exc:
        raise HomeserverUnreachable(str(exc)) from exc
    if not isinstance(response, LoginResponse):
        status = getattr(response, "status_code", "")
        if status in ("M_FORBIDDEN", "M_USER_DEACTIVATED", "M_INVALID_USERNAME"):
            raise LoginFailed(f"login refused: {getattr(response, 'message', status)}")
        raise HomeserverUnreachable(f"login failed: {getattr(response, 'message', response)}")
    log.info("logged in with password; new device %s", response.device_id)
    assert settings.homeserver is not None
    async with db.transaction() as session:
        await save_login(
            session,
            LoginSession(
                user_id=response.user_id,
                device_id=response.device_id,
                access_token=response.access_token,
                homeserver=settings.homeserver,
            ),
        )


async def establish(client: AsyncClient, db: Database, settings: Settings) -> None:
    """Restore the stored session, adopt a configured token, or log in with the password."""
    assert settings.user_id is not None and settings.homeserver is not None
    async with db.session() as session:
        stored = await get_login(session, settings.user_id)
    given = settings.access_token.get_secret_value() if settings.access_token else None

    if given and (stored is None or stored.access_token != given):
        client.access_token = given
        client.user_id = settings.user_id
        who = await _whoami(client)
        if who is None:
            raise LoginFailed("the configured access token is not valid")
        if not who.device_id:
            raise LoginFailed("the homeserver did not say which device the access token belongs to")
        stored = LoginSession(
            user_id=settings.user_id,
            device_id=who.device_id,
            access_token=given,
            homeserver=settings.homeserver,
        )
        async with db.transaction() as session:
            await save_login(session, stored)

    if stored is not None and stored.homeserver == settings.homeserver:
        client.restore_login(stored.user_id, stored.device_id, stored.access_token)
        if await _whoami(client) is not None:
            log.info("restored session for device %s", stored.device_id)
            return
        log.warning("stored access token was refused; logging in again")
        async with db.transaction() as session:
            await forget_login(session, settings.user_id)
    await password_login(client, db, settings)
