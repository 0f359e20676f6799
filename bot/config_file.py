"""The configuration file as written, read without the settings model (pydantic).

Three readers share it: `bot.config.load_settings` (the full settings), the quick
path of `knooppunt knowledge search` (bot/cli/plain_settings.py, which must not
pay for importing pydantic) and the CLI's error line, which must speak the
configured language even when the settings fail (`fallback_language`). The
defaults they agree on are defined here once.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Literal

from storage.errors import SaidError

LANGUAGES: tuple[Literal["nl", "en"], ...] = ("nl", "en")
DEFAULT_LANGUAGE: Literal["nl", "en"] = "nl"
DEFAULT_DATA_DIR = "./knooppunt-data"


class ConfigError(SaidError):
    """A setting is missing or wrong, named in one line: a catalogue key
    (commands/texts/cli.py) and its values, said in the configured language."""


def read_config_file(config_file: Path) -> dict[str, Any]:
    """The file's settings as written (an empty file has none); ConfigError when it
    cannot be read, is not YAML or is not a mapping."""
    import yaml  # here: the quick search without a file does not need it

    try:
        loaded = yaml.safe_load(config_file.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError("cli.config_unreadable", path=config_file, error=exc.strerror) from exc
    except yaml.YAMLError as exc:
        detail = " ".join(str(exc).split())
        raise ConfigError("cli.config_not_yaml", path=config_file, error=detail) from exc
    if loaded is None:
        return {}
    if not isinstance(loaded, dict):
        raise ConfigError("cli.config_not_a_mapping", path=config_file)
    return loaded


def _language_of(value: object) -> Literal["nl", "en"] | None:
    wanted = value.strip().lower() if isinstance(value, str) else None
    return next((lang for lang in LANGUAGES if lang == wanted), None)


def fallback_language(config_file: Path | None = None) -> Literal["nl", "en"]:
    """The language before (or without) the settings: KNOOPPUNT_LANGUAGE if it is one,
    else the file's `language` if it is one (the environment wins, as in the
    settings), else the default (Dutch). The CLI speaks it when the settings cannot
    be read, so a file that says `language: en` has its bad setting named in English."""
    from_env = _language_of(os.environ.get("KNOOPPUNT_LANGUAGE"))
    if from_env is not None or config_file is None:
        return from_env or DEFAULT_LANGUAGE
    try:
        from_file = _language_of(read_config_file(config_file).get("language"))
    except ConfigError:
        from_file = None
    return from_file or DEFAULT_LANGUAGE
