"""A Synapse with one application service registered, for tests that need to forge timestamps.

Synapse honours the `ts` query parameter of `/send` only for application
services; that is the one way to make a homeserver store an event *after*
another one while giving it an *older* `origin_server_ts` on purpose (under
load the two orders also disagree, but not on demand).
"""

from __future__ import annotations

import urllib.parse
import uuid
from pathlib import Path
from typing import Any

import yaml

from bot.devtools.local_homeserver import Synapse

AS_TOKEN = "knooppunt-test-as-token"
HS_TOKEN = "knooppunt-test-hs-token"
SENDER_LOCALPART = "forger"


class AppserviceSynapse(Synapse):
    def __init__(self, workdir: Path, **kwargs: Any) -> None:
        super().__init__(workdir, **kwargs)
        registration = {
            "id": "knooppunt-test",
            "url": None,  # nothing is pushed to us: we only use the client API as the service
            "as_token": AS_TOKEN,
            "hs_token": HS_TOKEN,
            "sender_localpart": SENDER_LOCALPART,
            "rate_limited": False,
            "namespaces": {
                "users": [{"exclusive": True, "regex": f"@{SENDER_LOCALPART}.*"}],
                "rooms": [],
                "aliases": [],
            },
        }
        path = workdir / "appservice.yaml"
        path.write_text(yaml.safe_dump(registration))
        config_path = workdir / "homeserver.yaml"
        config = yaml.safe_load(config_path.read_text())
        config["app_service_config_files"] = [str(path)]
        config_path.write_text(yaml.safe_dump(config))

    @property
    def forger(self) -> str:
        return f"@{SENDER_LOCALPART}:{self.server_name}"

    def as_join(self, room_id: str) -> None:
        room = urllib.parse.quote(room_id)
        self._request("POST", f"/_matrix/client/v3/rooms/{room}/join", {}, token=AS_TOKEN)

    def as_send(self, room_id: str, body: str, ts_ms: int) -> str:
        """Send `body` as the service's user, stamped `ts_ms` instead of now."""
        room = urllib.parse.quote(room_id)
        txn = uuid.uuid4().hex
        result = self._request(
            "PUT",
            f"/_matrix/client/v3/rooms/{room}/send/m.room.message/{txn}?ts={ts_ms}",
            {"msgtype": "m.text", "body": body},
            token=AS_TOKEN,
        )
        return str(result["event_id"])

    def event_ts(self, room_id: str, event_id: str) -> int:
        room = urllib.parse.quote(room_id)
        result = self._request(
            "GET",
            f"/_matrix/client/v3/rooms/{room}/event/{urllib.parse.quote(event_id)}",
            token=AS_TOKEN,
        )
        return int(result["origin_server_ts"])
