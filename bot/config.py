"""The one configuration object, loaded once from TOML and `KUAGER_<SECTION>_<KEY>` variables.

Environment variables win over the file because containers and secret stores pass settings
that way, and a token or draft key should not have to sit in a file at all.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import os
import tomllib
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from storage.crypto.keys import InvalidPublicKey, ReviewerPublicKey
from storage.database import UnsupportedDatabase, async_url

ENV_PREFIX = "KUAGER"


class ConfigError(Exception):
    """Settings are missing or wrong: each of `problems` names one setting in one line.

    All of them at once, so an operator fixes a config in one round instead of one per start.
    """

    def __init__(self, *problems: str) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class TelegramConfig:
    token: str = ""
    """From BotFather. Empty: `kuager start` runs the offline demo instead of the bot."""
    api_base_url: str = "https://api.telegram.org/bot"
    file_base_url: str = "https://api.telegram.org/file/bot"
    webhook_url: str = ""
    """Public HTTPS URL; empty means long polling."""
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = 8443
    webhook_secret: str = ""
    max_messages_per_second: int = 30
    """Telegram's limit for a bot's messages overall; 0 turns pacing off (tests). Each chat
    also gets one a second, a group 20 a minute (`bot.pacing`)."""
    max_file_mb: int = 20
    """Largest file accepted from a witness; the public Bot API serves at most 20 MB."""


@dataclass(frozen=True)
class StorageConfig:
    database_url: str = "kuager.db"
    """A SQLite path, or postgresql://user@host/db."""
    auto_upgrade: bool = False
    """Run migrations at start instead of refusing to start on an old schema."""


@dataclass(frozen=True)
class ReviewersConfig:
    public_keys: tuple[str, ...] = ()
    """`kuager:...` lines printed by `kuager keygen`; every case is sealed to all of them."""
    alert_chat_id: int | None = None
    """Optional chat told "new case <id> (<type>)" and nothing more, and posted the chain head
    daily and on /head (`handlers.head`)."""
    organisation: str = ""
    """Who reads reports, as the consent names them ("the reviewers of …"); empty: a
    neutral description in the witness's language."""


@dataclass(frozen=True)
class SecurityConfig:
    draft_key: str = ""
    """32 random bytes, base64: encrypts unfinished drafts at rest."""
    draft_ttl_hours: int = 72
    rate_limit_per_minute: int = 60
    """Updates one witness may send per minute; a witness tapping through a form fast sends
    about one a second, a flood far more."""


LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")


@dataclass(frozen=True)
class DeskConfig:
    """`kuager desk`, on the reviewer's laptop."""

    idle_seconds: int = 15 * 60
    """Without a request for this long, the desk drops the key and every decrypted case."""
    state_dir: str = "~/.local/state/kuager"
    """Where the desk remembers which case ids it listed (ids only, to mark new ones)."""


@dataclass(frozen=True)
class RetentionConfig:
    keep_days: int = 90
    """A case's sealed body and files stay at least this many days after it was received
    (GlobaLeaks' default), and then only until enough reviewers hold it."""
    min_reviewers: int = 1
    """Distinct reviewer keys that must have fetched (acked) a case before it is purged."""


@dataclass(frozen=True)
class LoggingConfig:
    level: str = "INFO"
    """DEBUG shows more of our events; libraries that would log content stay at WARNING."""


@dataclass(frozen=True)
class StartConfig:
    attempts: int = 10
    """Tries of Telegram and of the database at start before `kuager run` gives up (exit 2);
    0 tries for ever. A container often starts before its network or database is up."""
    max_wait_seconds: int = 30
    """The wait between tries doubles from one second up to this."""


@dataclass(frozen=True)
class HealthConfig:
    listen: str = ""
    """HOST:PORT for /healthz and /metrics, e.g. 127.0.0.1:9090; empty: no listener."""

    def address(self) -> tuple[str, int]:
        """(host, port) of `listen`; `ConfigError` if it is not HOST:PORT."""
        host, _, port = self.listen.rpartition(":")
        host = host.removeprefix("[").removesuffix("]")  # [::1]:9090
        if not host or not port.isdigit() or not 0 < int(port) < 65536:
            raise ConfigError(
                f"health.listen must be HOST:PORT, e.g. 127.0.0.1:9090, not {self.listen!r}"
            )
        return host, int(port)


@dataclass(frozen=True)
class Config:
    telegram: TelegramConfig = field(default_factory=TelegramConfig)
    storage: StorageConfig = field(default_factory=StorageConfig)
    reviewers: ReviewersConfig = field(default_factory=ReviewersConfig)
    security: SecurityConfig = field(default_factory=SecurityConfig)
    retention: RetentionConfig = field(default_factory=RetentionConfig)
    logging: LoggingConfig = field(default_factory=LoggingConfig)
    desk: DeskConfig = field(default_factory=DeskConfig)
    start: StartConfig = field(default_factory=StartConfig)
    health: HealthConfig = field(default_factory=HealthConfig)

    def reviewer_keys(self) -> tuple[ReviewerPublicKey, ...]:
        keys, problems = [], []
        for index, line in enumerate(self.reviewers.public_keys):
            try:
                keys.append(ReviewerPublicKey.from_line(line))
            except InvalidPublicKey as exc:
                problems.append(f"reviewers.public_keys[{index}]: {exc}")
        if problems:
            raise ConfigError(*problems)
        return tuple(keys)

    def draft_key_bytes(self) -> bytes:
        if not self.security.draft_key:
            raise ConfigError(
                "security.draft_key is not set (KUAGER_SECURITY_DRAFT_KEY): "
                "generate one with `kuager draft-key`"
            )
        try:
            raw = base64.b64decode(self.security.draft_key, validate=True)
        except binascii.Error:
            raw = b""
        if len(raw) != 32:
            raise ConfigError("security.draft_key must be 32 random bytes in base64")
        return raw


def _coerce(name: str, annotation: Any, value: Any, *, from_env: bool = False) -> Any:
    """Turn a TOML value or an environment string into the field's declared type.

    Only environment strings are split on commas: in TOML a list is written as a list.
    """
    origin = typing.get_origin(annotation)
    if origin in (types.UnionType, typing.Union):
        inner = [a for a in typing.get_args(annotation) if a is not type(None)]
        if value in (None, ""):
            return None
        return _coerce(name, inner[0], value, from_env=from_env)
    if origin is tuple:
        if from_env and isinstance(value, str):
            value = [v.strip() for v in value.split(",") if v.strip()]
        if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
            raise ConfigError(f"{name} must be a list of strings")
        return tuple(value)
    if annotation is bool:
        if isinstance(value, bool):
            return value
        if str(value).lower() in ("1", "true", "yes", "on"):
            return True
        if str(value).lower() in ("0", "false", "no", "off"):
            return False
        raise ConfigError(f"{name} must be true or false")
    if annotation is int:
        try:
            return int(value)
        except (TypeError, ValueError):
            raise ConfigError(f"{name} must be a whole number") from None
    if not isinstance(value, str):
        raise ConfigError(f"{name} must be a string")
    return value


def _section(
    name: str, cls: type[Any], table: Mapping[str, Any], env: Mapping[str, str], problems: list[str]
) -> Any:
    """The section's dataclass; each bad setting is added to `problems` and left at its default."""
    hints = typing.get_type_hints(cls)
    known = [f.name for f in dataclasses.fields(cls)]
    problems.extend(f"unknown setting {name}.{key}" for key in table if key not in known)
    values: dict[str, Any] = {}
    for key in known:
        env_name = f"{ENV_PREFIX}_{name}_{key}".upper()
        try:
            if env_name in env:
                values[key] = _coerce(
                    f"{name}.{key} ({env_name})", hints[key], env[env_name], from_env=True
                )
            elif key in table:
                values[key] = _coerce(f"{name}.{key}", hints[key], table[key])
        except ConfigError as exc:
            problems.extend(exc.problems)
    return cls(**values)


def value_problems(config: Config) -> list[str]:
    """Settings that parse but cannot work: a log level, a database URL, a listen address."""
    problems = []
    if config.logging.level.upper() not in LOG_LEVELS:
        problems.append(f"logging.level must be one of {', '.join(LOG_LEVELS)}")
    try:
        async_url(config.storage.database_url)
    except UnsupportedDatabase as exc:
        problems.append(f"storage.database_url: {exc}")
    for setting, value in (
        ("start.attempts", config.start.attempts),
        ("start.max_wait_seconds", config.start.max_wait_seconds),
    ):
        if value < 0:
            problems.append(f"{setting} must be 0 or more")
    if config.health.listen:
        try:
            config.health.address()
        except ConfigError as exc:
            problems.extend(exc.problems)
    return problems


def default_config_path(env: Mapping[str, str]) -> Path | None:
    if "KUAGER_CONFIG" in env:
        return Path(env["KUAGER_CONFIG"])
    local = Path("config.toml")
    return local if local.exists() else None


def load_config(path: Path | None = None, env: Mapping[str, str] | None = None) -> Config:
    """Read `path` (if any) and apply environment overrides; `ConfigError` names all that is
    wrong."""
    config, problems = read_config(path, env)
    if problems:
        raise ConfigError(*problems)
    return config


def read_config(
    path: Path | None = None, env: Mapping[str, str] | None = None
) -> tuple[Config, list[str]]:
    """The config with each bad setting left at its default, and a line for each: for callers
    that add problems of their own before reporting them all (`kuager run`, `kuager check`).

    A file that cannot be read or parsed is a `ConfigError` at once: nothing else can be said.
    """
    env = os.environ if env is None else env
    document: dict[str, Any] = {}
    if path is not None:
        try:
            document = tomllib.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ConfigError(f"config file {path} not found") from None
        except IsADirectoryError:
            raise ConfigError(f"config file {path} is a folder") from None
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"config file {path} is not valid TOML: {exc}") from None
    sections = typing.get_type_hints(Config)
    problems = [f"unknown section [{name}]" for name in document if name not in sections]
    parts = {}
    for name, cls in sections.items():
        table = document.get(name, {})
        if not isinstance(table, dict):
            problems.append(f"[{name}] must be a table")
            table = {}
        parts[name] = _section(name, cls, table, env, problems)
    config = Config(**parts)
    problems.extend(value_problems(config))
    return config, problems
