"""Configuration: one YAML file plus `KNOOPPUNT_*` environment variables (env wins).

pydantic-settings does the environment handling; list settings are marked
`NoDecode` so `KNOOPPUNT_ADMINS=@a:x,@b:x` is split on commas instead of being
parsed as JSON.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import (
    BaseSettings,
    NoDecode,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

# The file itself, ConfigError and the shared defaults live in the light module the
# search's plain settings also use; the last two are re-exported where callers look.
from bot.config_file import DEFAULT_DATA_DIR, DEFAULT_LANGUAGE, read_config_file
from bot.config_file import ConfigError as ConfigError
from bot.config_file import fallback_language as fallback_language
from storage import vocabulary
from storage.errors import ContentRule
from storage.ids import server_of

# Room roles are defined once, in storage/vocabulary.py: canonical English names
# (liaison, coordinator, municipality, curator) and the Dutch ones people use
# (gemeente, redactie, ...). Everywhere a role is typed, either name works.
ROLES = tuple(vocabulary.ROLES)
# The console also plays a config admin and a direct chat.
CONSOLE_ROLES = ("admin", *ROLES, "guest")


def role_of(word: str) -> str | None:
    """`gemeente`, `Municipality` -> `municipality`; None for no room role."""
    return vocabulary.lookup(vocabulary.ROLES, word)


def console_role(word: str) -> str:
    """The `--as` value of `knooppunt console`, in its canonical name."""
    if word.lower() in ("admin", "guest"):
        return word.lower()
    role = role_of(word)
    if role is None:
        names = ", ".join(
            f"{name} ({'/'.join(w for w in vocabulary.ROLES.get(name, ()) if w != name)})"
            if vocabulary.ROLES.get(name)
            else name
            for name in CONSOLE_ROLES
        )
        # The catalogue only now: `knooppunt run` starts without it (bot/app.py).
        from commands.i18n import t

        message = t(fallback_language(), "cli.unknown_role", word=word, names=names)
        raise argparse.ArgumentTypeError(message)
    return role


class RoomBindingConfig(BaseModel):
    """A room binding from the config file; same fields as `!kamer bind`."""

    model_config = {"extra": "forbid"}

    room: str
    role: str
    incident: str | None = None
    org: str | None = None
    tlp: str = "AMBER"
    clearance: str = "GREEN"

    @field_validator("role")
    @classmethod
    def _role(cls, value: str) -> str:
        role = role_of(value)
        if role is None:
            raise ContentRule("cli.setting_role", known=", ".join(ROLES))
        return role

    @field_validator("org")
    @classmethod
    def _org(cls, value: str | None) -> str | None:
        # The organisation column holds 200 characters: PostgreSQL refused a longer name
        # at startup, when the binding was stored; `!kamer bind` refuses it the same way.
        from storage import organisations

        if value is not None and organisations.too_long(value):
            raise ContentRule("cli.setting_org_too_long", limit=organisations.NAME_LIMIT)
        return value

    @field_validator("tlp", "clearance")
    @classmethod
    def _label(cls, value: str) -> str:
        # The labels and their Dutch names (groen, oranje, rood) as chat takes them.
        # Imported here: storage.tlp loads SQLAlchemy, which reading the settings
        # does not need otherwise (bot/startup.py: loaded later, faster).
        from storage import tlp

        label = tlp.parse_label(value)
        if label is None:
            raise ContentRule("cli.setting_tlp", known=", ".join(tlp.LABELS))
        return label


class MetricConfig(BaseModel):
    """One figure the deployment adds to (or relabels in) the metric vocabulary
    (commands/phone.py): how the picture and lists name it, and its unit."""

    model_config = {"extra": "forbid"}

    nl: str
    en: str | None = None
    unit: str | None = None

    @field_validator("nl", "en", "unit")
    @classmethod
    def _text(cls, value: str | None) -> str | None:
        if value is None:
            return None
        value = " ".join(value.split())
        if not value:
            raise ContentRule("cli.setting_empty")
        return value


# A metric key as reports produce it: `huishoudens zonder stroom` -> huishoudens_zonder_stroom.
_METRIC_KEY = re.compile(r"^[a-z0-9]+(_[a-z0-9]+)*$")


def _split_list(value: Any) -> Any:
    if isinstance(value, str):
        return [item.strip() for item in value.split(",") if item.strip()]
    return value


def _http_address(value: str | None) -> str | None:
    """An http(s) address without its trailing slash."""
    if value is not None and not value.startswith(("http://", "https://")):
        raise ContentRule("cli.setting_http")
    return value.rstrip("/") if value else value


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="KNOOPPUNT_", extra="forbid")

    homeserver: str | None = None
    user_id: str | None = None
    password: SecretStr | None = None
    access_token: SecretStr | None = None
    device_name: str = "Knooppunt"
    data_dir: Path = Path(DEFAULT_DATA_DIR)
    database_url: str | None = None
    admins: Annotated[list[str], NoDecode] = Field(default_factory=list)
    allowed_servers: Annotated[list[str], NoDecode] = Field(default_factory=list)
    curator_room: str | None = None
    language: Literal["nl", "en"] = DEFAULT_LANGUAGE
    command_prefix: str = "!"
    http_listen: str = "127.0.0.1:9180"
    # The operator's listener: /metrics and /healthz, never the portal. Apart from
    # `http_listen` because a reverse proxy forwards to that one, and some counters say
    # that hidden reports exist (redacted domino alerts). The same address as
    # `http_listen` serves all on one listener (before 0.18 the only way); empty: off.
    metrics_listen: str = "127.0.0.1:9181"
    # Where people reach the web portal (bot/web/): the start of every `!portaal` link.
    # Behind a reverse proxy with TLS this is the proxy's https address.
    public_url: str | None = None
    portal_link_hours: float = Field(default=12.0, gt=0, le=24 * 31)
    rooms: list[RoomBindingConfig] = Field(default_factory=list)
    late_after_seconds: int = Field(default=300, ge=0)
    undecryptable_grace_seconds: int = Field(default=60, ge=0)
    encryption: bool = True
    # Who gets the bot's room keys: devices cross-signed by their owner (bot/device_trust.py),
    # or every device of every member (trust on first use).
    encryption_trust: Literal["cross-signed", "tofu"] = "cross-signed"
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    log_format: Literal["text", "json"] = "text"
    # Figures beyond the built-in vocabulary: key -> {nl, en, unit} (see MetricConfig).
    metrics: dict[str, MetricConfig] = Field(default_factory=dict)

    @field_validator("admins", "allowed_servers", mode="before")
    @classmethod
    def _comma_list(cls, value: Any) -> Any:
        return _split_list(value)

    @field_validator("admins")
    @classmethod
    def _admin_ids(cls, value: list[str]) -> list[str]:
        for user in value:
            if not user.startswith("@") or ":" not in user:
                raise ContentRule("cli.setting_user_id", value=user)
        return value

    @field_validator("metrics")
    @classmethod
    def _metric_keys(cls, value: dict[str, MetricConfig]) -> dict[str, MetricConfig]:
        for key in value:
            if not _METRIC_KEY.match(key):
                raise ContentRule("cli.setting_metric_key", value=key)
        return value

    @field_validator("allowed_servers")
    @classmethod
    def _servers(cls, value: list[str]) -> list[str]:
        return [server.lower() for server in value]

    @field_validator("user_id")
    @classmethod
    def _user_id(cls, value: str | None) -> str | None:
        if value is not None and (not value.startswith("@") or ":" not in value):
            raise ContentRule("cli.setting_user_id", value=value)
        return value

    @field_validator("homeserver")
    @classmethod
    def _homeserver(cls, value: str | None) -> str | None:
        return _http_address(value)

    @field_validator("public_url")
    @classmethod
    def _public_url(cls, value: str | None) -> str | None:
        return _http_address(value) or None

    @field_validator("command_prefix")
    @classmethod
    def _prefix(cls, value: str) -> str:
        if not value or any(ch.isspace() for ch in value):
            raise ContentRule("cli.setting_prefix")
        return value

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # The YAML file arrives as init kwargs; environment variables win over it.
        return (env_settings, init_settings)

    @property
    def effective_database_url(self) -> str:
        from storage.engine import default_sqlite_url  # SQLAlchemy: see _label

        return self.database_url or default_sqlite_url(self.data_dir)

    @property
    def effective_public_url(self) -> str:
        """`public_url`, else the local HTTP server (`http_listen`'s port on 127.0.0.1);
        empty when `http_listen` is off: then nothing serves the portal's pages."""
        if not self.http_listen:
            return ""
        if self.public_url:
            return self.public_url
        port = self.http_listen.rpartition(":")[2] or "9180"
        return f"http://127.0.0.1:{port}"

    @property
    def effective_allowed_servers(self) -> list[str]:
        if self.allowed_servers:
            return self.allowed_servers
        return [server_of(self.user_id)] if self.user_id else []

    def require_matrix(self) -> None:
        """Settings that `run` needs; each missing one is named."""
        if not self.homeserver:
            raise ConfigError(
                "cli.config_not_set", setting="homeserver", env="KNOOPPUNT_HOMESERVER"
            )
        if not self.user_id:
            raise ConfigError("cli.config_not_set", setting="user_id", env="KNOOPPUNT_USER_ID")
        if self.password is None and self.access_token is None:
            raise ConfigError("cli.config_no_credentials")


def _describe(error: ValidationError) -> ConfigError:
    from knowledge.problems import complaint  # only for a bad setting: a fast start

    first = error.errors()[0]
    where = ".".join(str(part) for part in first["loc"]) or "config"
    if first["type"] == "extra_forbidden":
        return ConfigError("cli.config_unknown_setting", setting=where)
    # Our rules and pydantic's common checks, said in the configured language.
    said = complaint(first)
    if not first["loc"]:
        return ConfigError("cli.config_invalid", setting=where, error=said)
    env = f"KNOOPPUNT_{str(first['loc'][0]).upper()}"
    return ConfigError("cli.config_invalid_env", setting=where, env=env, error=said)


def load_settings(config_file: Path | None = None, **overrides: Any) -> Settings:
    """Read the YAML file (if any), apply the environment, then explicit overrides."""
    data: dict[str, Any] = {}
    if config_file is not None:
        data.update(read_config_file(config_file))
    try:
        settings = Settings(**data)
    except ValidationError as exc:
        raise _describe(exc) from exc
    # Command-line flags beat both the file and the environment.
    update = {k: v for k, v in overrides.items() if v is not None}
    unknown = set(update) - set(Settings.model_fields)
    if unknown:
        raise ConfigError("cli.config_unknown_override", setting=sorted(unknown)[0])
    return settings.model_copy(update=update) if update else settings


class GivenSettings(Settings):
    """Settings from the values given only, no environment: for a world of its own (the
    demo's bot). `Settings` puts the environment first, so in a deployment's environment
    the demo bot took its database, data directory, homeserver and password."""

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings,)
