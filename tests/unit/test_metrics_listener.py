"""/metrics is not served on the portal's listener (review 18a).

The portal's listener (`http_listen`) is the one an operator's reverse proxy
forwards to. A proxy that forwards every path would publish /metrics, and some of
its counters tell that hidden reports exist (`knooppunt_domino_alerts{kind="redacted"}`
counts redacted alerts of severe AMBER/RED outages). So /metrics (and /healthz) have
their own listener, `metrics_listen` (default 127.0.0.1:9181); the portal's listener
serves /healthz (for existing health checks) but never /metrics, unless the operator
sets `metrics_listen` to the same address on purpose (the old single listener).
"""

from __future__ import annotations

import asyncio
import urllib.error
import urllib.request
from pathlib import Path

import pytest

import bot.runner
from bot.config import Settings
from bot.runner import Bot
from tests.support.ports import free_port
from tests.unit.test_http_after_first_batch import USER, Homeserver, _within, homeserver

__all__ = ["homeserver"]  # the fixture, shared


def _status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return exc.code
    except OSError:
        return 0


def _settings(data_dir: Path, **listen: str) -> Settings:
    return Settings(
        homeserver="http://127.0.0.1:9",
        user_id=USER,
        password="p",
        encryption=False,
        data_dir=data_dir,
        **listen,  # type: ignore[arg-type]
    )


def test_by_default_metrics_listen_on_loopback_apart_from_the_portal(tmp_path: Path) -> None:
    settings = Settings(
        homeserver="http://127.0.0.1:9", user_id=USER, password="p", data_dir=tmp_path
    )
    host, _, port = settings.metrics_listen.rpartition(":")
    assert host == "127.0.0.1"
    assert settings.metrics_listen != settings.http_listen and port


async def _serving(settings: Settings, homeserver: Homeserver, url: str) -> asyncio.Task[None]:
    task = asyncio.create_task(Bot(settings).run())
    await asyncio.wait_for(homeserver.asked.wait(), 30)
    homeserver.release.set()
    assert await _within(30, lambda: _status(url) in (200, 503)), url
    return task


async def _stop(task: asyncio.Task[None]) -> None:
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task


async def test_the_portal_listener_never_serves_metrics(
    homeserver: Homeserver, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bot.runner, "HTTP_WAIT", 0.5)
    portal, metrics = free_port(), free_port()
    # The operator's listener as an environment variable sets it (KNOOPPUNT_METRICS_LISTEN).
    monkeypatch.setenv("KNOOPPUNT_METRICS_LISTEN", f"127.0.0.1:{metrics}")
    settings = _settings(tmp_path, http_listen=f"127.0.0.1:{portal}")
    task = await _serving(settings, homeserver, f"http://127.0.0.1:{portal}/healthz")
    try:
        # What a reverse proxy that forwards every path would publish: no counters.
        assert await asyncio.to_thread(_status, f"http://127.0.0.1:{portal}/metrics") == 404
        # The health check keeps its address; both listeners answer it.
        for port in (portal, metrics):
            assert await asyncio.to_thread(_status, f"http://127.0.0.1:{port}/healthz") in (
                200,
                503,
            )
        # The portal's pages are not on the operator's listener.
        assert await asyncio.to_thread(_status, f"http://127.0.0.1:{metrics}/static/x") == 404
    finally:
        await _stop(task)


async def test_one_listener_for_everything_only_when_configured_so(
    homeserver: Homeserver, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bot.runner, "HTTP_WAIT", 0.5)
    port = free_port()
    address = f"127.0.0.1:{port}"
    settings = _settings(tmp_path, http_listen=address, metrics_listen=address)
    task = await _serving(settings, homeserver, f"http://{address}/metrics")
    try:
        assert await asyncio.to_thread(_status, f"http://{address}/metrics") == 200
    finally:
        await _stop(task)


async def test_metrics_alone_without_the_portal(
    homeserver: Homeserver, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bot.runner, "HTTP_WAIT", 0.5)
    metrics = free_port()
    settings = _settings(tmp_path, http_listen="", metrics_listen=f"127.0.0.1:{metrics}")
    task = await _serving(settings, homeserver, f"http://127.0.0.1:{metrics}/metrics")
    try:
        assert await asyncio.to_thread(_status, f"http://127.0.0.1:{metrics}/metrics") == 200
        assert settings.effective_public_url == ""  # no portal pages anywhere
    finally:
        await _stop(task)
