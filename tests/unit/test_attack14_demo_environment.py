"""Attack on `knooppunt demo` (helper "attack14", session 16): the demo's bot took the
production settings from the environment.

The demo starts its own homeserver and a bot of its own under `<data_dir>/demo`, "a
clean slate". Its settings were built with `Settings(...)`, whose sources put the
environment first (a deployment's environment wins over its YAML file): run where the
bot's environment is set, as an operator trying the demo on the server would, the demo
bot took KNOOPPUNT_DATABASE_URL, KNOOPPUNT_DATA_DIR, KNOOPPUNT_HOMESERVER and the
production password. The sample knowledge and objects (owners with real names, whose
sets an import replaces) went into the production database, and a second bot logged in
to the production homeserver as the production bot. The demo's settings are now its own.
"""

from __future__ import annotations

import io
from pathlib import Path
from types import SimpleNamespace

import pytest

from bot.devtools.demo import DemoWorld, _register


async def test_the_demo_bot_ignores_the_production_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    production = tmp_path / "production"
    monkeypatch.setenv("KNOOPPUNT_DATABASE_URL", f"sqlite+aiosqlite:///{production / 'k.db'}")
    monkeypatch.setenv("KNOOPPUNT_DATA_DIR", str(production))
    monkeypatch.setenv("KNOOPPUNT_HOMESERVER", "https://matrix.veiligheidsregio.example")
    monkeypatch.setenv("KNOOPPUNT_USER_ID", "@knooppunt:veiligheidsregio.example")
    monkeypatch.setenv("KNOOPPUNT_PASSWORD", "production-secret")
    synapse = SimpleNamespace(
        url="http://127.0.0.1:18008",
        server_name="demo.local",
        register=lambda name, password: f"@{name}:demo.local",
    )
    world = DemoWorld(synapse, {}, {}, {}, "", io.StringIO(), "nl")  # type: ignore[arg-type]
    world.passwords = {role: "pw" for role in ("liaison", "gemeente", "coordinator", "redactie")}
    demo_dir = tmp_path / "demo"
    settings = await _register(world, demo_dir, 18080)
    assert settings.homeserver == "http://127.0.0.1:18008"
    assert settings.user_id == "@knooppunt:demo.local"
    assert settings.password is not None
    assert settings.password.get_secret_value() != "production-secret"
    assert settings.data_dir == demo_dir / "bot"
    assert str(production) not in settings.effective_database_url
