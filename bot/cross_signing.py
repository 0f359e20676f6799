"""Cross-signing for an account of our own, on top of matrix-nio (which has none).

Clients that follow MSC4153 ("exclude insecure devices") neither send room keys
to, nor trust messages from, a device its owner has not cross-signed. So on
start the bot makes sure that:

- its account has a master, a self-signing and a user-signing key (created on
  the first start and uploaded with `/keys/device_signing/upload`, which asks
  for user-interactive auth by password once the account already has keys);
- its current device carries a signature of the self-signing key
  (`/keys/signatures/upload`), also after a re-login made a new device.

The private keys live in `<data_dir>/cross-signing.json`, mode 0600, and are
never logged. Signing is canonical JSON (the `canonicaljson` library, by the
Matrix.org team) signed with ed25519 (`cryptography`); see the Matrix spec,
"Signing JSON". If the file is lost while the account has keys, the bot resets
the identity with a loud warning: partners' clients show that the identity
changed. A recovery key to take the old keys over from secret storage is not
supported (yet).

The same code cross-signs the demo's people (bot/demo_users.py), so the demo's
encrypted rooms work with `encryption_trust: cross-signed`.
"""

from __future__ import annotations

import base64
import json
import logging
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
from canonicaljson import encode_canonical_json
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from nio.client.async_client import AsyncClient

from bot.backoff import NETWORK_ERRORS
from bot.config import Settings

log = logging.getLogger(__name__)

KEY_FILE_NAME = "cross-signing.json"
USAGES = ("master", "self_signing", "user_signing")


class CrossSigningError(Exception):
    """Cross-signing could not be set up; the message says what is missing."""


def b64(data: bytes) -> str:
    """Unpadded standard base64, as Matrix uses for keys and signatures."""
    return base64.b64encode(data).decode().rstrip("=")


def unb64(text: str) -> bytes:
    return base64.b64decode(text + "=" * (-len(text) % 4))


def signable_bytes(obj: dict[str, Any]) -> bytes:
    """The bytes that are signed: canonical JSON without `signatures` and `unsigned`."""
    return encode_canonical_json(
        {k: v for k, v in obj.items() if k not in ("signatures", "unsigned")}
    )


def verify_signature(obj: Any, user_id: str, public_b64: str) -> bool:
    """Whether `obj` carries a valid signature of `user_id` by the ed25519 key `public_b64`."""
    if not isinstance(obj, dict):
        return False
    signature = (obj.get("signatures") or {}).get(user_id, {}).get(f"ed25519:{public_b64}")
    if not isinstance(signature, str):
        return False
    try:
        key = Ed25519PublicKey.from_public_bytes(unb64(public_b64))
        key.verify(unb64(signature), signable_bytes(obj))
    except (InvalidSignature, ValueError):
        return False
    return True


def fingerprint(public_b64: str) -> str:
    """A key as people compare it: groups of four characters."""
    return " ".join(public_b64[i : i + 4] for i in range(0, len(public_b64), 4))


@dataclass(frozen=True)
class SigningKey:
    private: Ed25519PrivateKey

    @classmethod
    def generate(cls) -> SigningKey:
        return cls(Ed25519PrivateKey.generate())

    @classmethod
    def from_seed(cls, seed_b64: str) -> SigningKey:
        return cls(Ed25519PrivateKey.from_private_bytes(unb64(seed_b64)))

    def seed(self) -> str:
        from cryptography.hazmat.primitives.serialization import NoEncryption, PrivateFormat

        return b64(self.private.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption()))

    @property
    def public(self) -> str:
        return b64(self.private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw))

    def sign(self, obj: dict[str, Any], user_id: str) -> dict[str, Any]:
        """A copy of `obj` with this key's signature added (others are kept)."""
        signature = b64(self.private.sign(signable_bytes(obj)))
        signed = {k: v for k, v in obj.items() if k != "unsigned"}
        signatures = {u: dict(s) for u, s in (obj.get("signatures") or {}).items()}
        signatures.setdefault(user_id, {})[f"ed25519:{self.public}"] = signature
        signed["signatures"] = signatures
        return signed

    def __repr__(self) -> str:  # never the private half, not even in a traceback
        return f"SigningKey(public={self.public})"


@dataclass(frozen=True)
class CrossSigningKeys:
    user_id: str
    master: SigningKey
    self_signing: SigningKey
    user_signing: SigningKey

    @classmethod
    def generate(cls, user_id: str) -> CrossSigningKeys:
        return cls(user_id, SigningKey.generate(), SigningKey.generate(), SigningKey.generate())

    def key_object(self, usage: str) -> dict[str, Any]:
        key: SigningKey = getattr(self, usage)
        obj: dict[str, Any] = {
            "user_id": self.user_id,
            "usage": [usage],
            "keys": {f"ed25519:{key.public}": key.public},
        }
        if usage != "master":
            obj = self.master.sign(obj, self.user_id)
        return obj

    def upload_body(self) -> dict[str, Any]:
        return {f"{usage}_key": self.key_object(usage) for usage in USAGES}

    # The file: seeds only, owner-readable only, replaced atomically.
    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        data = {"user_id": self.user_id, **{u: getattr(self, u).seed() for u in USAGES}}
        fd, tmp = tempfile.mkstemp(prefix=".cross-signing-", dir=path.parent)
        try:
            os.fchmod(fd, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                json.dump(data, out)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    @classmethod
    def load(cls, path: Path, user_id: str) -> CrossSigningKeys | None:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as exc:
            log.error(
                "cross-signing key file %s is unreadable (%s); treating it as lost", path, exc
            )
            return None
        if data.get("user_id") != user_id:
            log.error("cross-signing key file %s belongs to another account; ignoring it", path)
            return None
        if path.stat().st_mode & 0o077:
            os.chmod(path, 0o600)  # someone loosened it: tighten, keys stay secret
        try:
            return cls(user_id, *(SigningKey.from_seed(data[u]) for u in USAGES))
        except (KeyError, ValueError, TypeError):
            log.error("cross-signing key file %s is damaged; treating it as lost", path)
            return None


class KeysApi:
    """The few key endpoints nio does not offer, over nio's own HTTP session."""

    def __init__(self, session: aiohttp.ClientSession, homeserver: str, access_token: str) -> None:
        self.session = session
        self.homeserver = homeserver.rstrip("/")
        self.headers = {"Authorization": f"Bearer {access_token}"}

    async def post(self, path: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        async with self.session.post(
            self.homeserver + path, json=body, headers=self.headers
        ) as response:
            try:
                data = await response.json(content_type=None)
            except ValueError:
                data = {}
            return response.status, data if isinstance(data, dict) else {}

    async def query(self, users: list[str]) -> dict[str, Any]:
        status, data = await self.post(
            "/_matrix/client/v3/keys/query", {"device_keys": {u: [] for u in users}}
        )
        if status != 200:
            raise CrossSigningError(f"/keys/query answered {status}: {data.get('errcode')}")
        return data

    async def upload_signatures(self, body: dict[str, Any]) -> None:
        status, data = await self.post("/_matrix/client/v3/keys/signatures/upload", body)
        failures = data.get("failures") or {}
        if status != 200 or failures:
            raise CrossSigningError(f"signature upload refused ({status}): {failures or data}")

    async def upload_device_signing(
        self, body: dict[str, Any], user_id: str, password: str | None
    ) -> None:
        path = "/_matrix/client/v3/keys/device_signing/upload"
        status, data = await self.post(path, body)
        if status == 200:
            return
        if status != 401 or "flows" not in data:
            raise CrossSigningError(
                f"cross-signing key upload refused ({status}): {data.get('errcode')}"
            )
        if password is None:
            raise CrossSigningError(
                "the homeserver wants the account password to replace the cross-signing keys, "
                "and none is configured (KNOOPPUNT_PASSWORD)"
            )
        auth = {
            "type": "m.login.password",
            "identifier": {"type": "m.id.user", "user": user_id},
            "password": password,
            "session": data.get("session"),
        }
        status, data = await self.post(path, {**body, "auth": auth})
        if status != 200:
            raise CrossSigningError(
                f"cross-signing key upload refused after password auth ({status}): "
                f"{data.get('errcode')}"
            )


@dataclass(frozen=True)
class Identity:
    """What the homeserver says about an account's cross-signing and one device."""

    master: str | None
    self_signing: str | None
    device_signed: bool
    device_known: bool


def single_ed25519(obj: Any) -> str | None:
    if not isinstance(obj, dict):
        return None
    keys = [v for k, v in (obj.get("keys") or {}).items() if k.startswith("ed25519:")]
    return keys[0] if len(keys) == 1 and isinstance(keys[0], str) else None


def identity_from_query(data: dict[str, Any], user_id: str, device_id: str) -> Identity:
    """Read the chain master -> self-signing -> device from a `/keys/query` answer."""
    master_obj = (data.get("master_keys") or {}).get(user_id)
    ssk_obj = (data.get("self_signing_keys") or {}).get(user_id)
    master = single_ed25519(master_obj)
    ssk = single_ed25519(ssk_obj)
    if ssk is not None and (master is None or not verify_signature(ssk_obj, user_id, master)):
        ssk = None  # a self-signing key its master did not sign counts for nothing
    device = (data.get("device_keys") or {}).get(user_id, {}).get(device_id)
    signed = bool(device and ssk and verify_signature(device, user_id, ssk))
    return Identity(master, ssk, signed, device is not None)


async def ensure_cross_signed(
    api: KeysApi,
    user_id: str,
    device_id: str,
    key_file: Path,
    password: str | None,
) -> Identity:
    """Create or reuse the account's cross-signing keys and sign `device_id` with them.

    The device's keys must already be uploaded (nio's `keys_upload`).
    """
    data = await api.query([user_id])
    current = identity_from_query(data, user_id, device_id)
    keys = CrossSigningKeys.load(key_file, user_id)

    if (
        keys is None
        or keys.master.public != current.master
        or (keys.self_signing.public != current.self_signing)
    ):
        if current.master is None:
            log.info("creating cross-signing keys for %s", user_id)
        elif keys is None:
            log.warning(
                "CROSS-SIGNING RESET: %s has cross-signing keys on the homeserver but %s is "
                "missing; creating new ones. Partners' clients will show that the bot's "
                "identity changed. Restore the file from a backup instead to avoid this.",
                user_id,
                key_file,
            )
        else:
            log.warning(
                "CROSS-SIGNING RESET: the homeserver holds other cross-signing keys for %s "
                "than %s (changed from another client?); uploading ours again. Partners' "
                "clients will show that the bot's identity changed.",
                user_id,
                key_file,
            )
        fresh = keys or CrossSigningKeys.generate(user_id)
        # Saved before the upload: keys on the server that we no longer hold are worse.
        fresh.save(key_file)
        await api.upload_device_signing(fresh.upload_body(), user_id, password)
        keys = fresh
        data = await api.query([user_id])
        current = identity_from_query(data, user_id, device_id)
        if current.master != keys.master.public:
            raise CrossSigningError("the homeserver did not keep the uploaded cross-signing keys")

    if not current.device_known:
        raise CrossSigningError(f"device {device_id} has no uploaded keys to sign yet")
    if not current.device_signed:
        device = data["device_keys"][user_id][device_id]
        unsigned_device = {k: v for k, v in device.items() if k not in ("signatures", "unsigned")}
        signature = keys.self_signing.sign(unsigned_device, user_id)
        await api.upload_signatures({user_id: {device_id: signature}})
        log.info("cross-signed device %s with the self-signing key", device_id)
        current = identity_from_query(await api.query([user_id]), user_id, device_id)
        if not current.device_signed:
            raise CrossSigningError(f"the signature of device {device_id} did not stick")
    return current


async def cross_sign_own_device(client: AsyncClient, settings: Settings) -> Identity | None:
    """Make sure the bot's current device is cross-signed; logs (never raises) what failed."""
    if not client.olm:
        log.info("encryption is off: the bot's device is not cross-signed")
        return None
    assert client.user_id and client.device_id and client.access_token
    session = client.client_session
    if session is None:
        return None
    password = settings.password.get_secret_value() if settings.password else None
    try:
        if client.should_upload_keys:
            await client.keys_upload()  # the device's keys must be on the server to sign them
        identity = await ensure_cross_signed(
            KeysApi(session, client.homeserver, client.access_token),
            client.user_id,
            client.device_id,
            settings.data_dir / KEY_FILE_NAME,
            password,
        )
    except CrossSigningError as exc:
        hint = (
            " With only an access token the bot can create cross-signing keys only where "
            "the homeserver allows a first upload without a password; to replace keys or "
            "sign a new device after keys were lost, set KNOOPPUNT_PASSWORD or verify the "
            "bot's device from another client."
            if password is None
            else ""
        )
        log.error(
            "device %s is NOT cross-signed: %s. Clients that exclude insecure devices "
            "(MSC4153) will not send it room keys nor show its messages.%s",
            client.device_id,
            exc,
            hint,
        )
        return None
    except NETWORK_ERRORS as exc:
        log.warning("cross-signing check failed (%r); it is tried again at the next start", exc)
        return None
    assert identity.master is not None
    log.info(
        "device %s is cross-signed; master key %s",
        client.device_id,
        fingerprint(identity.master),
    )
    return identity


async def after_relogin(client: AsyncClient, settings: Settings) -> None:
    """A re-login made a new device: cross-sign it and learn the devices of encrypted rooms.

    nio starts the new device with an empty device list and only tracks a room's
    members once the room shows up in a sync; without this the first reply in a
    quiet room would be shared with no one.
    """
    await cross_sign_own_device(client, settings)
    if not client.olm:
        return
    for room in client.rooms.values():
        if room.encrypted:
            client.olm.update_tracked_users(room)  # type: ignore[no-untyped-call]
    if client.should_query_keys:
        try:
            await client.keys_query()
        except NETWORK_ERRORS as exc:
            log.warning("key query after re-login failed (%r); retried after the next sync", exc)
