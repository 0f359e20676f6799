"""The search's plain settings reader gives what `load_settings` gives, or steps aside.

`knooppunt knowledge search` reads `data_dir`, `database_url` and `language`
without pydantic (bot/cli/plain_settings.py); a second reading of the same files
and variables that drifted from the real one would search another store.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli.plain_settings import plain_settings
from bot.config import ConfigError, load_settings

CASES: list[tuple[dict[str, str], str | None, str | None]] = [
    ({}, None, None),
    ({"KNOOPPUNT_DATA_DIR": "/srv/kp", "KNOOPPUNT_LANGUAGE": "en"}, None, None),
    ({"knooppunt_data_dir": "lower/case"}, None, None),
    ({}, "data_dir: /from/file\nlanguage: en\ndatabase_url: sqlite:///x.db\n", None),
    ({"KNOOPPUNT_DATA_DIR": "/env/wins"}, "data_dir: /from/file\n", None),
    ({"KNOOPPUNT_DATABASE_URL": "sqlite:///env.db"}, "database_url: sqlite:///f.db\n", None),
    ({"KNOOPPUNT_DATABASE_URL": "sqlite:///env.db"}, None, "postgresql://u@h/flag"),
    ({}, "homeserver: https://matrix.example\n", "sqlite:///flag.db"),
    ({}, "", None),
]


def _configure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, env: dict[str, str], yaml_text: str | None
) -> Path | None:
    """Only `env` of the three variables set; the YAML file, if any."""
    for name in ("KNOOPPUNT_DATA_DIR", "KNOOPPUNT_DATABASE_URL", "KNOOPPUNT_LANGUAGE"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    if yaml_text is None:
        return None
    config = tmp_path / "config.yaml"
    config.write_text(yaml_text, encoding="utf-8")
    return config


@pytest.mark.parametrize(("env", "yaml_text", "flag"), CASES)
def test_the_plain_reading_matches_the_settings(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    env: dict[str, str],
    yaml_text: str | None,
    flag: str | None,
) -> None:
    config = _configure(tmp_path, monkeypatch, env, yaml_text)
    full = load_settings(config, database_url=flag)
    plain = plain_settings(config, flag)
    assert plain is not None
    assert (plain.data_dir, plain.database_url, plain.language) == (
        full.data_dir,
        full.database_url,
        full.language,
    )


def test_the_default_database_is_the_one_the_engine_opens(tmp_path: Path) -> None:
    from knowledge.index_cache import sqlite_path
    from storage.engine import default_sqlite_url

    path = sqlite_path(None, tmp_path)
    assert path is not None
    assert default_sqlite_url(tmp_path) == f"sqlite+aiosqlite:///{path.resolve()}"


@pytest.mark.parametrize(
    ("env", "yaml_text"),
    [
        ({"KNOOPPUNT_LANGUAGE": "fr"}, None),
        ({}, "- not\n- a mapping\n"),
        ({}, "data_dir: [1, 2]\n"),
        ({}, "language: [\n"),
    ],
)
def test_what_is_not_plain_is_left_to_the_settings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, env: dict[str, str], yaml_text: str | None
) -> None:
    """The full settings then report it, as for every command."""
    config = _configure(tmp_path, monkeypatch, env, yaml_text)
    assert plain_settings(config, None) is None
    with pytest.raises(ConfigError):
        load_settings(config)
    assert plain_settings(tmp_path / "missing.yaml", None) is None
