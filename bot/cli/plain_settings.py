"""The three settings `knooppunt knowledge search` needs, read without pydantic.

The search is a command a curator runs again and again; the settings model
(pydantic-settings) costs some 110 ms to import, more than the search itself.
So the quick path of the search reads `data_dir`, `database_url` and `language`
from the same places as `bot.config.load_settings`, in the same order (the YAML
file, then KNOOPPUNT_* environment variables, any case, then the command-line
flag), and gives up (None) on anything that is not a plain value: then the
command loads the full settings, which report the problem as every command does.
The file is read, and the defaults are taken, from bot/config_file.py, which
`load_settings` uses too; tests/unit/test_plain_settings.py holds the two to the
same answers.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from bot.config_file import (
    DEFAULT_DATA_DIR,
    DEFAULT_LANGUAGE,
    LANGUAGES,
    ConfigError,
    read_config_file,
)

if TYPE_CHECKING:
    from commands.texts import Language

# The settings' own defaults (bot/config_file.py).
_DEFAULTS: dict[str, object] = {
    "data_dir": DEFAULT_DATA_DIR,
    "database_url": None,
    "language": DEFAULT_LANGUAGE,
}


@dataclass(frozen=True)
class PlainSettings:
    data_dir: Path
    database_url: str | None
    language: Language


def plain_settings(config_file: Path | None, database_url: str | None) -> PlainSettings | None:
    """`data_dir`, `database_url` and `language` as `load_settings` resolves them; None
    when anything about them is not plain (the full settings then decide)."""
    values = dict(_DEFAULTS)
    if config_file is not None:
        try:
            loaded = read_config_file(config_file)
        except ConfigError:
            return None
        values.update({name: loaded[name] for name in _DEFAULTS if name in loaded})
    # pydantic-settings reads the environment case-insensitively.
    environment = {name.lower(): value for name, value in os.environ.items()}
    for name in _DEFAULTS:
        if f"knooppunt_{name}" in environment:
            values[name] = environment[f"knooppunt_{name}"]
    if database_url is not None:
        values["database_url"] = database_url
    data_dir, url, language = values["data_dir"], values["database_url"], values["language"]
    if not isinstance(data_dir, str) or not data_dir.strip() or language not in LANGUAGES:
        return None
    if url is not None and (not isinstance(url, str) or not url.strip()):
        return None
    return PlainSettings(Path(data_dir), url, language)
