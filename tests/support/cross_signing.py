"""Cross-signing as another client would do it, independent of the project's code.

Uses `signedjson` (canonical JSON + ed25519 via PyNaCl, by the Matrix.org team)
to give a test person cross-signing keys, sign one of their devices, and to
check the bot's signatures from the outside.
"""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp
import nacl.signing
from nio.client.async_client import AsyncClient
from signedjson.key import decode_verify_key_bytes
from signedjson.sign import SignatureVerifyException, sign_json, verify_signed_json
from unpaddedbase64 import decode_base64, encode_base64


def _named(key: nacl.signing.SigningKey) -> Any:
    """signedjson names a signature `<alg>:<version>`; Matrix wants the public key there."""
    key.alg = "ed25519"  # type: ignore[attr-defined]
    key.version = encode_base64(key.verify_key.encode())  # type: ignore[attr-defined]
    return key


def signed_by(obj: dict[str, Any], user_id: str, public_b64: str) -> bool:
    verify_key = decode_verify_key_bytes(f"ed25519:{public_b64}", decode_base64(public_b64))
    try:
        verify_signed_json(obj, user_id, verify_key)
    except SignatureVerifyException:
        return False
    return True


def only_key(obj: dict[str, Any]) -> str:
    (value,) = obj["keys"].values()
    return str(value)


async def post(
    homeserver: str, path: str, token: str | None, body: dict[str, Any]
) -> tuple[int, dict[str, Any]]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    async with (
        aiohttp.ClientSession() as http,
        http.post(homeserver + path, json=body, headers=headers) as response,
    ):
        return response.status, await response.json(content_type=None)


async def revoke_all_tokens(homeserver: str, user_id: str, password: str) -> None:
    """Log every device of `user_id` out, as an admin or the owner would after a leak
    (a password login, then `logout/all`): its next start logs in as a new device."""
    status, login = await post(
        homeserver,
        "/_matrix/client/v3/login",
        None,
        {
            "type": "m.login.password",
            "identifier": {"type": "m.id.user", "user": user_id},
            "password": password,
        },
    )
    assert status == 200, login
    status, _ = await post(homeserver, "/_matrix/client/v3/logout/all", login["access_token"], {})
    assert status == 200


async def query_keys(homeserver: str, token: str, user_id: str) -> dict[str, Any]:
    status, data = await post(
        homeserver, "/_matrix/client/v3/keys/query", token, {"device_keys": {user_id: []}}
    )
    assert status == 200, data
    return data


async def cross_sign_device(
    homeserver: str, user_id: str, password: str, token: str, device_id: str
) -> str:
    """Create master/self-signing/user-signing keys for `user_id`, sign `device_id`.

    Returns the master key (base64)."""
    master, ssk, usk = (_named(nacl.signing.SigningKey.generate()) for _ in range(3))

    def key_obj(usage: str, key: Any) -> dict[str, Any]:
        return {
            "user_id": user_id,
            "usage": [usage],
            "keys": {f"ed25519:{key.version}": key.version},
        }

    body = {
        "master_key": key_obj("master", master),
        "self_signing_key": sign_json(key_obj("self_signing", ssk), user_id, master),
        "user_signing_key": sign_json(key_obj("user_signing", usk), user_id, master),
    }
    path = "/_matrix/client/v3/keys/device_signing/upload"
    status, data = await post(homeserver, path, token, body)
    if status == 401:
        auth = {
            "type": "m.login.password",
            "identifier": {"type": "m.id.user", "user": user_id},
            "password": password,
            "session": data.get("session"),
        }
        status, data = await post(homeserver, path, token, {**body, "auth": auth})
    assert status == 200, data
    SELF_SIGNING_KEYS[user_id] = ssk
    await sign_device(homeserver, user_id, token, device_id)
    return str(master.version)


# The self-signing key each identity made above was made with: a person's other login
# is verified by signing it with this key, as their client does after verification.
SELF_SIGNING_KEYS: dict[str, Any] = {}


async def sign_device(homeserver: str, user_id: str, token: str, device_id: str) -> None:
    """Sign `device_id` with the person's own self-signing key (made above): the device
    is verified, their identity unchanged."""
    ssk = SELF_SIGNING_KEYS[user_id]
    device = (await query_keys(homeserver, token, user_id))["device_keys"][user_id][device_id]
    device = {k: v for k, v in device.items() if k not in ("signatures", "unsigned")}
    status, data = await post(
        homeserver,
        "/_matrix/client/v3/keys/signatures/upload",
        token,
        {user_id: {device_id: sign_json(device, user_id, ssk)}},
    )
    assert status == 200 and not data.get("failures"), data


async def cross_sign_login(client: AsyncClient, password: str) -> str:
    """Cross-sign a logged-in nio client's device once its keys are uploaded, as an
    ordinary client (Element and others) does on a new login. Returns the master key."""
    for _ in range(300):
        if not client.should_upload_keys:
            break
        await asyncio.sleep(0.1)
    else:
        raise AssertionError("the device keys were never uploaded")
    assert client.user_id and client.access_token and client.device_id
    return await cross_sign_device(
        client.homeserver, client.user_id, password, client.access_token, client.device_id
    )
