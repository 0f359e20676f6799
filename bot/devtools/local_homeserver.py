"""A private Synapse homeserver on 127.0.0.1, for `knooppunt demo` and the test suite.

Synapse lives in its own virtualenv because its pins clash with ours:
`KNOOPPUNT_SYNAPSE_PYTHON` names its interpreter (scripts/demo.sh and the test
suite set it), else `.venv-synapse` in the current directory (where
scripts/setup.sh makes it) is used. Where this module itself is installed does
not matter.
Everything here blocks (subprocess, urllib): call it from a thread when an
event loop is running.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import yaml

from storage.errors import SaidError

SHARED_SECRET = "knooppunt-local-secret"

RATE_LIMIT_KEYS = [
    "rc_message",
    "rc_registration",
    "rc_registration_token_validity",
    "rc_3pid_validation",
    "rc_room_creation",
    "rc_joins_per_room",
    "rc_third_party_invite",
    "rc_key_requests",
    "rc_media_create",
    "rc_delayed_event_mgmt",
    "rc_reports",
    "rc_user_directory",
    "rc_profile",
    "rc_admin_redaction",
]
UNLIMITED = {"per_second": 10000, "burst_count": 10000}


class HomeserverError(SaidError, RuntimeError):
    """The local homeserver is missing or would not start; the message says why."""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def port_open(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.2)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def synapse_python() -> str:
    configured = os.environ.get("KNOOPPUNT_SYNAPSE_PYTHON")
    if configured:
        if not Path(configured).exists():
            raise HomeserverError("demo.synapse_python_missing", path=configured)
        return configured
    candidate = Path.cwd() / ".venv-synapse" / "bin" / "python"
    if candidate.exists():
        return str(candidate)
    raise HomeserverError("demo.synapse_not_installed")


class Synapse:
    def __init__(
        self,
        workdir: Path,
        rc_message: dict[str, float] | None = None,
        port: int | None = None,
    ) -> None:
        self.workdir = workdir
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.server_name = "localhost"
        self.process: subprocess.Popen[bytes] | None = None
        self.rc_message = rc_message
        self._log = workdir / "synapse.stdout"
        self._admin_token: str | None = None
        self._write_config()

    def _write_config(self) -> None:
        self.workdir.mkdir(parents=True, exist_ok=True)
        config: dict[str, Any] = {
            "server_name": self.server_name,
            "pid_file": str(self.workdir / "homeserver.pid"),
            "listeners": [
                {
                    "port": self.port,
                    "bind_addresses": ["127.0.0.1"],
                    "type": "http",
                    "tls": False,
                    "x_forwarded": False,
                    "resources": [{"names": ["client"], "compress": False}],
                }
            ],
            # A file database: tests that stop and start Synapse keep its state.
            "database": {
                "name": "sqlite3",
                "args": {"database": str(self.workdir / "homeserver.db")},
            },
            "media_store_path": str(self.workdir / "media"),
            "signing_key_path": str(self.workdir / "signing.key"),
            "log_config": str(self.workdir / "log.yaml"),
            "report_stats": False,
            "trusted_key_servers": [],
            "suppress_key_server_warning": True,
            "federation_domain_whitelist": [],
            "presence": {"enabled": False},
            "bcrypt_rounds": 4,
            "enable_registration": True,
            "enable_registration_without_verification": True,
            "registration_shared_secret": SHARED_SECRET,
            "default_room_version": "11",
            "rc_login": {"address": UNLIMITED, "account": UNLIMITED, "failed_attempts": UNLIMITED},
            "rc_joins": {"local": UNLIMITED, "remote": UNLIMITED},
            "rc_invites": {"per_room": UNLIMITED, "per_user": UNLIMITED, "per_issuer": UNLIMITED},
            "rc_presence": {"per_user": UNLIMITED},
        }
        for key in RATE_LIMIT_KEYS:
            config[key] = UNLIMITED
        if self.rc_message is not None:
            config["rc_message"] = self.rc_message
        (self.workdir / "homeserver.yaml").write_text(yaml.safe_dump(config))
        log_config = {
            "version": 1,
            "formatters": {"f": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
            "handlers": {
                "file": {
                    "class": "logging.FileHandler",
                    "formatter": "f",
                    "filename": str(self.workdir / "homeserver.log"),
                }
            },
            "root": {"level": "WARNING", "handlers": ["file"]},
            "disable_existing_loggers": False,
        }
        (self.workdir / "log.yaml").write_text(yaml.safe_dump(log_config))

    def generate_key(self, cache: Path | None = None) -> None:
        key = self.workdir / "signing.key"
        if cache is not None and cache.exists():
            shutil.copy(cache, key)
            return
        subprocess.run(
            [
                synapse_python(),
                "-m",
                "synapse.app.homeserver",
                "-c",
                str(self.workdir / "homeserver.yaml"),
                "--generate-keys",
            ],
            check=True,
            capture_output=True,
            cwd=self.workdir,
        )
        if cache is not None:
            shutil.copy(key, cache)

    def start(self, timeout: float = 60) -> None:
        if not (self.workdir / "signing.key").exists():
            self.generate_key()
        with self._log.open("ab") as out:
            # Its own process group: a Ctrl-C meant for the demo reaches Synapse only
            # through our orderly stop, never half-way through start-up.
            self.process = subprocess.Popen(
                [
                    synapse_python(),
                    "-m",
                    "synapse.app.homeserver",
                    "-c",
                    str(self.workdir / "homeserver.yaml"),
                ],
                stdout=out,
                stderr=subprocess.STDOUT,
                cwd=self.workdir,
                start_new_session=True,
            )
        # Synapse writes no pid file when it runs in the foreground; a later demo
        # uses ours to stop a Synapse that a hard-killed run left behind.
        (self.workdir / "synapse.pid").write_text(str(self.process.pid))
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                tail = " ".join(self._log.read_text(errors="replace").split()[-60:])
                raise HomeserverError("demo.synapse_exited", port=self.port, tail=tail[-600:])
            try:
                with urllib.request.urlopen(
                    f"{self.url}/_matrix/client/versions", timeout=1
                ) as resp:
                    if resp.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                time.sleep(0.2)
        raise HomeserverError("demo.synapse_silent", url=self.url, seconds=f"{timeout:.0f}")

    def stop(self) -> None:
        if self.process is None:
            return
        (self.workdir / "synapse.pid").unlink(missing_ok=True)
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    # ----------------------------------------------------------- admin API

    def _request(
        self, method: str, path: str, body: dict[str, Any] | None = None, token: str | None = None
    ) -> Any:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(f"{self.url}{path}", data=data, method=method)
        request.add_header("Content-Type", "application/json")
        if token:
            request.add_header("Authorization", f"Bearer {token}")
        with urllib.request.urlopen(request, timeout=30) as resp:
            return json.loads(resp.read() or b"{}")

    def register(self, localpart: str, password: str, admin: bool = False) -> str:
        """Register a user through the shared-secret admin API; returns the Matrix id."""
        nonce = self._request("GET", "/_synapse/admin/v1/register")["nonce"]
        digest = hmac.new(
            SHARED_SECRET.encode(),
            b"\x00".join(
                p.encode() for p in (nonce, localpart, password, "admin" if admin else "notadmin")
            ),
            hashlib.sha1,
        ).hexdigest()
        result = self._request(
            "POST",
            "/_synapse/admin/v1/register",
            {
                "nonce": nonce,
                "username": localpart,
                "password": password,
                "admin": admin,
                "mac": digest,
            },
        )
        if admin:
            self._admin_token = result["access_token"]
        return str(result["user_id"])

    def admin_token(self) -> str:
        if self._admin_token is None:
            self.register(f"admin{free_port()}", "admin-password", admin=True)
        assert self._admin_token is not None
        return self._admin_token

    def lift_rate_limit(self, user_id: str) -> None:
        self._request(
            "POST",
            f"/_synapse/admin/v1/users/{user_id}/override_ratelimit",
            {"messages_per_second": 0, "burst_count": 0},
            token=self.admin_token(),
        )
