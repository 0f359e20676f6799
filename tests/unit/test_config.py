from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import ConfigError, load_settings
from commands.i18n import said


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    for key in list(os.environ):
        if key.startswith("KNOOPPUNT_"):
            monkeypatch.delenv(key)


def test_environment_alone_is_enough(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KNOOPPUNT_HOMESERVER", "http://127.0.0.1:8008/")
    monkeypatch.setenv("KNOOPPUNT_USER_ID", "@bot:localhost")
    monkeypatch.setenv("KNOOPPUNT_PASSWORD", "pw")
    monkeypatch.setenv("KNOOPPUNT_ADMINS", "@a:x, @b:y")
    monkeypatch.setenv("KNOOPPUNT_ALLOWED_SERVERS", "Localhost,partner.nl")
    settings = load_settings()
    settings.require_matrix()
    assert settings.homeserver == "http://127.0.0.1:8008"
    assert settings.admins == ["@a:x", "@b:y"]
    assert settings.allowed_servers == ["localhost", "partner.nl"]
    assert settings.password is not None and settings.password.get_secret_value() == "pw"
    assert "pw" not in repr(settings)


def test_env_wins_over_file_and_flags_win_over_env(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "k.yaml"
    config.write_text("language: en\nuser_id: '@file:x'\ndatabase_url: sqlite:///file.db\n")
    monkeypatch.setenv("KNOOPPUNT_USER_ID", "@env:x")
    monkeypatch.setenv("KNOOPPUNT_DATABASE_URL", "sqlite:///env.db")
    settings = load_settings(config, database_url="sqlite:///flag.db")
    assert settings.language == "en"
    assert settings.user_id == "@env:x"
    assert settings.database_url == "sqlite:///flag.db"


def test_default_allowed_server_is_the_bots_own() -> None:
    settings = load_settings(None, user_id="@bot:crisis.example")
    assert settings.effective_allowed_servers == ["crisis.example"]
    explicit = load_settings(None, user_id="@bot:crisis.example", allowed_servers=["partner.nl"])
    assert explicit.effective_allowed_servers == ["partner.nl"]
    settings = load_settings(None)
    assert settings.effective_database_url.endswith("knooppunt-data/knooppunt.db")


@pytest.mark.parametrize(
    ("yaml_text", "needle"),
    [
        ("language: fr\n", "language"),
        ("admins: ['alice']\n", "admins"),
        ("homeserver: matrix.example\n", "homeserver"),
        ("colour: blue\n", "colour: unknown setting"),
        ("rooms: [{room: '!a:x', role: chef}]\n", "rooms.0.role"),
        ("- a\n- b\n", "must hold a mapping"),
        ("key: [unclosed\n", "not valid YAML"),
    ],
)
def test_bad_setting_gives_one_clear_line(tmp_path: Path, yaml_text: str, needle: str) -> None:
    config = tmp_path / "k.yaml"
    config.write_text(yaml_text)
    with pytest.raises(ConfigError) as info:
        load_settings(config)
    message = said("en", info.value)  # as the CLI says it
    assert needle in message and "\n" not in message.strip()


def test_missing_credentials_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KNOOPPUNT_HOMESERVER", "http://h")
    monkeypatch.setenv("KNOOPPUNT_USER_ID", "@bot:h")
    with pytest.raises(ConfigError) as info:
        load_settings().require_matrix()
    assert "KNOOPPUNT_PASSWORD" in said("en", info.value)


def cli_error(config: Path, text: str, capsys: pytest.CaptureFixture[str]) -> str:
    """What `knooppunt run` with `text` as its config file says on stderr (exit code 2)."""
    from bot.cli import main

    config.write_text(text)
    assert main(["run", "--config", str(config)]) == 2
    return capsys.readouterr().err.strip()


def test_cli_reports_config_error_in_one_line_in_the_configured_language(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.cli import main

    err = cli_error(tmp_path / "k.yaml", "language: fr\n", capsys)
    # The settings could not be read: the default language (Dutch).
    assert err.startswith("knooppunt: configuratiefout: language") and "\n" not in err
    assert main(["run"]) == 2
    assert "homeserver is niet ingesteld" in capsys.readouterr().err
    monkeypatch.setenv("KNOOPPUNT_LANGUAGE", "en")
    assert main(["run"]) == 2
    assert "homeserver is not set (KNOOPPUNT_HOMESERVER" in capsys.readouterr().err
    monkeypatch.setenv("KNOOPPUNT_DATA_DIR", str(tmp_path))
    assert main(["export", "--incident", "nope", "--format", "json"]) == 2
    assert "unknown incident 'nope'" in capsys.readouterr().err
    monkeypatch.setenv("KNOOPPUNT_LANGUAGE", "nl")
    assert main(["export", "--incident", "nope", "--format", "json", "--max-tlp", "paars"]) == 2
    assert "--max-tlp moet een van CLEAR" in capsys.readouterr().err


def test_config_binding_takes_dutch_and_english_role_and_tlp_names(tmp_path: Path) -> None:
    """Config reads the words chat reads: `gemeente`, `groen`, `oranje` as well as English."""
    config = tmp_path / "k.yaml"
    config.write_text(
        "rooms:\n"
        "  - {room: '!a:x', role: gemeente, tlp: groen, clearance: oranje}\n"
        "  - {room: '!b:x', role: Coördinator, tlp: 'tlp:amber+strict', clearance: RED}\n"
    )
    settings = load_settings(config)
    first, second = settings.rooms
    assert (first.role, first.tlp, first.clearance) == ("municipality", "GREEN", "AMBER")
    assert (second.role, second.tlp, second.clearance) == ("coordinator", "AMBER+STRICT", "RED")
    config.write_text("rooms: [{room: '!a:x', role: liaison, tlp: paars}]\n")
    with pytest.raises(ConfigError) as info:
        load_settings(config)
    assert said("en", info.value).startswith("config error: rooms.0.tlp")


def test_a_rule_of_a_setting_is_said_in_the_configured_language(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Our own rules (a validator's) and pydantic's checks are catalogue sentences too."""
    config = tmp_path / "k.yaml"
    assert cli_error(config, "command_prefix: 'a b'\nadmins: ['@a:x']\n", capsys) == (
        "knooppunt: configuratiefout: command_prefix (of KNOOPPUNT_COMMAND_PREFIX): "
        "moet een niet-lege tekst zonder spaties zijn"
    )
    monkeypatch.setenv("KNOOPPUNT_LANGUAGE", "en")
    assert cli_error(config, "rooms: [{room: '!a:x', role: liaison, tlp: paars}]\n", capsys) == (
        "knooppunt: config error: rooms.0.tlp (or KNOOPPUNT_ROOMS): "
        "must be one of CLEAR, GREEN, AMBER, AMBER+STRICT, RED (or groen, oranje, rood)"
    )
    monkeypatch.setenv("KNOOPPUNT_LANGUAGE", "nl")  # the file's own language is unread
    # The choices are listed, not joined with pydantic's English "or".
    assert cli_error(config, "log_level: LOUD\n", capsys).endswith(
        "log_level (of KNOOPPUNT_LOG_LEVEL): moet een van deze zijn: "
        "'DEBUG', 'INFO', 'WARNING', 'ERROR'"
    )
