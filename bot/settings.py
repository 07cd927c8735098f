"""Configuration, read once from the environment and ``.env``; everything else gets arguments.

Secrets are ``SecretStr`` so that printing the settings (or a traceback holding them) shows
``**********`` instead of a bot token.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any, Literal

from platformdirs import user_data_dir
from pydantic import BeforeValidator, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

ROOT = Path(__file__).resolve().parent.parent
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_duration(value: Any) -> float:
    """``30d``, ``12h``, ``90m``, ``45s`` or plain seconds -> seconds."""
    if isinstance(value, int | float):
        return float(value)
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*", str(value))
    if match is None:
        raise ValueError("use a number of seconds or a duration such as 30d, 12h, 90m")
    return float(match.group(1)) * _UNITS[match.group(2) or "s"]


Duration = Annotated[float, BeforeValidator(parse_duration)]


def default_db() -> Path:
    """The SQLite file under the user's data folder (``~/.local/share/backcheck`` on Linux)."""
    return Path(user_data_dir("backcheck", appauthor=False)) / "backcheck.db"


class Settings(BaseSettings):
    """Every setting, with the environment variable that sets it (see ``.env.example``)."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", populate_by_name=True)

    db: Path = Field(default_factory=default_db, alias="BACKCHECK_DB")
    flow: Path = Field(ROOT / "flows" / "triage.yaml", alias="BACKCHECK_FLOW")
    content: Path = Field(ROOT / "content", alias="BACKCHECK_CONTENT")
    locale: str = Field("en", alias="BACKCHECK_LOCALE")
    region: str | None = Field(None, alias="BACKCHECK_REGION")
    retention: Duration = Field(30 * 86400.0, alias="BACKCHECK_RETENTION")
    log_level: str = Field("INFO", alias="BACKCHECK_LOG_LEVEL")
    log_json: bool = Field(False, alias="BACKCHECK_LOG_JSON")
    followups: bool = Field(True, alias="BACKCHECK_FOLLOWUPS")
    timezone: str = Field("UTC", alias="BACKCHECK_TIMEZONE")
    quiet_hours: str = Field("22-8", alias="BACKCHECK_QUIET_HOURS")
    metrics_port: int | None = Field(None, alias="BACKCHECK_METRICS_PORT")
    metrics_host: str = Field("127.0.0.1", alias="BACKCHECK_METRICS_HOST")

    redis_url: SecretStr | None = Field(None, alias="REDIS_URL")
    redis_prefix: str = Field("backcheck:", alias="BACKCHECK_REDIS_PREFIX")

    telegram_token: SecretStr | None = Field(None, alias="TELEGRAM_TOKEN")
    telegram_base_url: str = Field("https://api.telegram.org/bot", alias="TELEGRAM_BASE_URL")
    telegram_webhook_url: str | None = Field(None, alias="TELEGRAM_WEBHOOK_URL")
    telegram_webhook_listen: str = Field("127.0.0.1", alias="TELEGRAM_WEBHOOK_LISTEN")
    telegram_webhook_port: int = Field(8443, alias="TELEGRAM_WEBHOOK_PORT")
    telegram_webhook_secret: SecretStr | None = Field(None, alias="TELEGRAM_WEBHOOK_SECRET")
    #: PTB's HTTP client: "aiohttp" (ours, cheaper per call) or "httpx" (PTB's own).
    http: Literal["aiohttp", "httpx"] = Field("aiohttp", alias="BACKCHECK_HTTP")

    discord_token: SecretStr | None = Field(None, alias="DISCORD_TOKEN")
    discord_guild_id: int | None = Field(None, alias="DISCORD_GUILD_ID")
    discord_shards: int | None = Field(None, alias="DISCORD_SHARDS")
    discord_shard_ids: str | None = Field(None, alias="DISCORD_SHARD_IDS")

    @property
    def discord_shard_id_list(self) -> list[int] | None:
        """``DISCORD_SHARD_IDS=0,1`` -> [0, 1]: the shards this process runs."""
        if not self.discord_shard_ids:
            return None
        return [int(part) for part in self.discord_shard_ids.split(",") if part.strip()]


def mask(secret: SecretStr | str | None) -> str:
    """A token as ``1234…abcd`` for logs: enough to tell two tokens apart, useless to steal."""
    if secret is None:
        return "<unset>"
    raw = secret.get_secret_value() if isinstance(secret, SecretStr) else secret
    return "****" if len(raw) < 12 else f"{raw[:4]}…{raw[-4:]}"
