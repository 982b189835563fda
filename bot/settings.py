"""Typed configuration, read from the environment and an optional ``.env`` file."""

from datetime import datetime
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from bot.services.core.send_budget import FANOUT_RATE

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///var/producer-bot.sqlite3"
SUPPORTED_DRIVERS = frozenset({"sqlite+aiosqlite", "postgresql+asyncpg"})


class Settings(BaseSettings):
    """Everything an operator can configure. Names match the environment variables."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    discord_token: SecretStr | None = Field(
        default=None, description="The bot token from the Discord developer portal."
    )
    database_url: str = Field(
        default=DEFAULT_DATABASE_URL,
        description="SQLAlchemy async URL: SQLite (aiosqlite) or PostgreSQL (asyncpg).",
    )
    dev_guild_ids: Annotated[list[int], NoDecode] = Field(
        default_factory=list,
        description="Comma-separated guild ids; `sync` publishes commands there instantly.",
    )
    log_level: str = Field(default="INFO", description="Python logging level.")
    discord_api_base: str | None = Field(
        default=None,
        description="Base URL of a Discord-compatible API (the loopback test double, for one).",
    )
    shard_count: int | None = Field(default=None, ge=1, description="Total shards (None: ask).")
    shard_ids: Annotated[list[int], NoDecode] = Field(
        default_factory=list, description="Comma-separated shard ids this process runs."
    )
    fanout_rate: float = Field(
        default=FANOUT_RATE,
        gt=0,
        le=50,
        description="Requests per second for scheduled posts, all processes together.",
    )
    scheduler_interval: float = Field(
        default=30.0, gt=0, description="Seconds between runs of the scheduled jobs."
    )
    health_interval: float = Field(
        default=60.0, gt=0, description="Seconds between health lines (loop lag, memory)."
    )
    health_port: int | None = Field(
        default=None,
        ge=1,
        le=65535,
        description="Port of the HTTP server for /healthz and /metrics (off when unset).",
    )
    health_host: str = Field(
        default="127.0.0.1",
        description="Address the health server listens on (0.0.0.0 in a container).",
    )
    log_format: Literal["text", "json"] = Field(
        default="text", description="text for people, json (one object a line) for collectors."
    )
    clock_start: datetime | None = Field(
        default=None,
        description="Rehearsals only: run as if it were this time (ISO 8601, with a zone).",
    )
    clock_speed: float = Field(
        default=1.0, gt=0, description="Rehearsals only: how much faster than real time."
    )
    clock_anchor: float | None = Field(
        default=None,
        description="Rehearsals only: the Unix time at which it is CLOCK_START (default: "
        "start-up); give every process the same value.",
    )
    web_port: int = Field(
        default=8080, ge=1, le=65535, description="Port of the moderators' web dashboard."
    )
    web_host: str = Field(
        default="127.0.0.1",
        description="Address the dashboard listens on (0.0.0.0 in a container).",
    )
    web_base_url: str | None = Field(
        default=None,
        description="Public address of the dashboard, as Discord redirects to it "
        "(default http://127.0.0.1:WEB_PORT); https makes its cookies Secure.",
    )
    discord_client_id: str | None = Field(
        default=None, description="OAuth2 client id of the application (the dashboard's login)."
    )
    discord_client_secret: SecretStr | None = Field(
        default=None, description="OAuth2 client secret of the application."
    )
    data_dir: Path = Field(
        default=Path(__file__).resolve().parent.parent / "data",
        description="Folder of the content files.",
    )

    @field_validator("database_url")
    @classmethod
    def _async_driver(cls, value: str) -> str:
        """Only the two async drivers work; say how to write the URL for them."""
        try:
            url = make_url(value)
        except ArgumentError:
            raise ValueError(
                "cannot be read as a database URL; use sqlite+aiosqlite:///path/to/bot.sqlite3 "
                "or postgresql+asyncpg://user:password@host/database"
            ) from None
        backend = url.get_backend_name()
        if url.drivername in SUPPORTED_DRIVERS:
            return value
        if backend in {"postgres", "postgresql"}:
            fixed = url.set(drivername="postgresql+asyncpg")
            hint = f"write it as {fixed.render_as_string(hide_password=True)}"
        elif backend == "sqlite":
            hint = f"write it as {url.set(drivername='sqlite+aiosqlite').render_as_string()}"
        else:
            hint = "use SQLite (sqlite+aiosqlite:///...) or PostgreSQL (postgresql+asyncpg://...)"
        raise ValueError(f"the bot needs an async driver ({url.drivername} is not one): {hint}")

    @field_validator("dev_guild_ids", "shard_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        if isinstance(value, str):
            return [int(part) for part in value.replace(" ", "").split(",") if part]
        if isinstance(value, int):
            return [value]
        return value

    @model_validator(mode="after")
    def _shards_need_a_count(self) -> "Settings":
        if self.shard_ids and self.shard_count is None:
            raise ValueError("SHARD_IDS needs SHARD_COUNT (the total number of shards)")
        if any(shard >= (self.shard_count or 1) for shard in self.shard_ids):
            raise ValueError("every SHARD_IDS entry must be below SHARD_COUNT")
        return self

    @field_validator("clock_start")
    @classmethod
    def _aware(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("give the time zone, like 2026-11-30T00:00:00+00:00")
        return value

    @field_validator("log_format", mode="before")
    @classmethod
    def _known_format(cls, value: object) -> object:
        if isinstance(value, str):
            if value.lower() not in {"text", "json"}:
                raise ValueError(f"unknown log format {value!r}; use text or json")
            return value.lower()
        return value

    @field_validator("health_port", mode="before")
    @classmethod
    def _port(cls, value: object) -> object:
        if isinstance(value, str):
            if not value.strip():
                return None
            if not value.strip().isdigit() or not 1 <= int(value) <= 65535:
                raise ValueError(f"{value!r} is not a port: use a number from 1 to 65535")
        return value

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        level = value.upper()
        if level not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
            raise ValueError(f"unknown log level {value!r}")
        return level
