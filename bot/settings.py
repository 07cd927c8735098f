"""Configuration, read once from the environment and ``.env``; everything else gets arguments.

Every setting is checked here, at start-up, so that a typo fails with one line naming the
setting ("BACKCHECK_TIMEZONE: unknown time zone ...") instead of a traceback an hour later
when someone taps "Check on me later". Secrets are ``SecretStr`` so that printing the settings
(or a traceback holding them) shows ``**********``, and no error message repeats a value that
could be a secret.
"""

from __future__ import annotations

import ipaddress
import re
from importlib.resources import files
from pathlib import Path
from typing import Annotated, Any, Final, Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from platformdirs import user_data_dir
from pydantic import (
    AfterValidator,
    BeforeValidator,
    Field,
    SecretStr,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.core.content import locale_names
from bot.core.countries import CountryCatalog
from bot.core.errors import BackcheckError

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
LOG_LEVELS: Final = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
_HOUR: Final = re.compile(r"(\d{1,2})(?::(\d{2}))?")


def data_path(name: str) -> Path:
    """``flows`` or ``content``: the copy inside the installed package, else the checkout's.

    A wheel carries both folders as ``bot/_data/<name>`` (see pyproject.toml); a source
    checkout (editable install, ``python -m bot`` in a clone) has them at the top level.
    """
    packaged = files("bot").joinpath("_data", name)
    if isinstance(packaged, Path) and packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent / name


def parse_duration(value: Any) -> float:
    """``30d``, ``12h``, ``90m``, ``45s`` or plain seconds -> seconds."""
    if isinstance(value, int | float):
        seconds = float(value)
    else:
        match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*", str(value))
        if match is None:
            raise ValueError("use a number of seconds or a duration such as 30d, 12h, 90m")
        seconds = float(match.group(1)) * _UNITS[match.group(2) or "s"]
    if seconds <= 0:
        raise ValueError("must be longer than zero")
    return seconds


def parse_quiet_hours(value: Any) -> str:
    """``22-8``, ``22:00-08:00`` or ``off`` -> ``"22-8"`` (``"0-0"`` for off).

    Check-ins are held back by whole hours, so minutes other than ``:00`` are refused rather
    than silently rounded.
    """
    text = str(value).strip().lower()
    if text in ("off", "none", ""):
        return "0-0"
    start, dash, end = text.partition("-")
    hours = []
    for part in (start, end):
        match = _HOUR.fullmatch(part.strip())
        if not dash or match is None:
            raise ValueError("use HH:MM-HH:MM in 24-hour time, such as 22:00-08:00 (or off)")
        hour, minutes = int(match.group(1)), match.group(2)
        if hour > 23:
            raise ValueError(f"{hour} is not an hour of the day (0-23)")
        if minutes not in (None, "00"):
            raise ValueError("quiet hours start and end on the hour, such as 22:00-08:00")
        hours.append(hour)
    return f"{hours[0]}-{hours[1]}"


def _blank_is_unset(value: Any) -> Any:
    """``DISCORD_GUILD_ID=`` in ``.env`` means "not set", not "the integer ''"."""
    return None if isinstance(value, str) and not value.strip() else value


def _time_zone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            f"unknown time zone {value!r}; use an IANA name such as Europe/Berlin or UTC"
        ) from None
    return value


def _log_level(value: str) -> str:
    level = value.strip().upper()
    if level not in LOG_LEVELS:
        raise ValueError(f"unknown log level {value!r}; use one of {', '.join(LOG_LEVELS)}")
    return level


def _host(value: str) -> str:
    """An IP address or a host name to listen on (``0.0.0.0`` in a container)."""
    host = value.strip()
    try:
        ipaddress.ip_address(host)
    except ValueError:
        if not re.fullmatch(r"[A-Za-z0-9](?:[A-Za-z0-9.-]{0,252})", host):
            raise ValueError(f"{value!r} is not an IP address or host name") from None
    return host


def _http_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError("must be an http:// or https:// URL")
    return value


def _webhook_url(value: str | None) -> str | None:
    """Telegram delivers only to HTTPS; plain HTTP is allowed for a local test server."""
    if value is None:
        return None
    parts = urlsplit(_http_url(value))
    if parts.scheme == "http" and parts.hostname not in ("127.0.0.1", "localhost", "::1"):
        raise ValueError("Telegram only delivers webhooks to https:// URLs")
    return value


def _file(value: Path) -> Path:
    if not value.is_file():
        raise ValueError(f"no such file: {value}")
    return value


def _folder(value: Path) -> Path:
    if not value.is_dir():
        raise ValueError(f"no such folder: {value}")
    return value


Duration = Annotated[float, BeforeValidator(parse_duration)]
Port = Annotated[int, Field(ge=1, le=65535)]
Unset = BeforeValidator(_blank_is_unset)
Snowflake = Annotated[int, Field(gt=0)]
Count = Annotated[int, Field(ge=0)]


def default_db() -> Path:
    """The SQLite file under the user's data folder (``~/.local/share/backcheck`` on Linux)."""
    return Path(user_data_dir("backcheck", appauthor=False)) / "backcheck.db"


class Settings(BaseSettings):
    """Every setting, with the environment variable that sets it (see ``.env.example``)."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", populate_by_name=True)

    db: Path = Field(default_factory=default_db, alias="BACKCHECK_DB")
    flow: Annotated[Path, AfterValidator(_file)] = Field(
        default_factory=lambda: data_path("flows") / "triage.yaml", alias="BACKCHECK_FLOW"
    )
    content: Annotated[Path, AfterValidator(_folder)] = Field(
        default_factory=lambda: data_path("content"), alias="BACKCHECK_CONTENT"
    )
    locale: str = Field("en", alias="BACKCHECK_LOCALE")
    #: The country every new conversation starts in (an operator serving one country): its
    #: emergency number from the first screen, and no "Where are you now?".
    country: Annotated[str | None, Unset] = Field(None, alias="BACKCHECK_COUNTRY")
    #: The old name of BACKCHECK_COUNTRY; set, it stops the start with a line saying so.
    old_region: Annotated[str | None, Unset] = Field(None, alias="BACKCHECK_REGION")
    retention: Duration = Field(30 * 86400.0, alias="BACKCHECK_RETENTION")
    log_level: Annotated[str, AfterValidator(_log_level)] = Field(
        "INFO", alias="BACKCHECK_LOG_LEVEL"
    )
    log_json: bool = Field(False, alias="BACKCHECK_LOG_JSON")
    followups: bool = Field(True, alias="BACKCHECK_FOLLOWUPS")
    timezone: Annotated[str, AfterValidator(_time_zone)] = Field("UTC", alias="BACKCHECK_TIMEZONE")
    quiet_hours: Annotated[str, BeforeValidator(parse_quiet_hours)] = Field(
        "22-8", alias="BACKCHECK_QUIET_HOURS"
    )
    metrics_port: Annotated[Port | None, Unset] = Field(None, alias="BACKCHECK_METRICS_PORT")
    metrics_host: Annotated[str, AfterValidator(_host)] = Field(
        "127.0.0.1", alias="BACKCHECK_METRICS_HOST"
    )

    redis_url: Annotated[SecretStr | None, Unset] = Field(None, alias="REDIS_URL")
    redis_prefix: str = Field("backcheck:", alias="BACKCHECK_REDIS_PREFIX", min_length=1)

    telegram_token: Annotated[SecretStr | None, Unset] = Field(None, alias="TELEGRAM_TOKEN")
    telegram_base_url: Annotated[str, AfterValidator(_http_url)] = Field(
        "https://api.telegram.org/bot", alias="TELEGRAM_BASE_URL"
    )
    telegram_webhook_url: Annotated[str | None, Unset, AfterValidator(_webhook_url)] = Field(
        None, alias="TELEGRAM_WEBHOOK_URL"
    )
    telegram_webhook_listen: Annotated[str, AfterValidator(_host)] = Field(
        "127.0.0.1", alias="TELEGRAM_WEBHOOK_LISTEN"
    )
    telegram_webhook_port: Port = Field(8443, alias="TELEGRAM_WEBHOOK_PORT")
    telegram_webhook_secret: Annotated[SecretStr | None, Unset] = Field(
        None, alias="TELEGRAM_WEBHOOK_SECRET"
    )
    #: PTB's HTTP client: "aiohttp" (ours, cheaper per call) or "httpx" (PTB's own).
    http: Literal["aiohttp", "httpx"] = Field("aiohttp", alias="BACKCHECK_HTTP")

    discord_token: Annotated[SecretStr | None, Unset] = Field(None, alias="DISCORD_TOKEN")
    discord_guild_id: Annotated[Snowflake | None, Unset] = Field(None, alias="DISCORD_GUILD_ID")
    discord_shards: Annotated[Count | None, Unset] = Field(None, alias="DISCORD_SHARDS")
    discord_shard_ids: Annotated[str | None, Unset] = Field(None, alias="DISCORD_SHARD_IDS")

    @field_validator("redis_url")
    @classmethod
    def _redis_scheme(cls, value: SecretStr | None) -> SecretStr | None:
        """The scheme only: the URL may hold a password, so it is never quoted back."""
        if value is not None:
            scheme = urlsplit(value.get_secret_value()).scheme
            if scheme not in ("redis", "rediss", "unix"):
                raise ValueError("must start with redis://, rediss:// or unix://")
        return value

    @field_validator("telegram_webhook_secret")
    @classmethod
    def _secret_shape(cls, value: SecretStr | None) -> SecretStr | None:
        """Telegram's rule for ``secret_token``: 1-256 characters of ``A-Z a-z 0-9 _ -``."""
        if value is not None and not re.fullmatch(
            r"[A-Za-z0-9_-]{1,256}", value.get_secret_value()
        ):
            raise ValueError("use 1-256 characters from A-Z, a-z, 0-9, _ and -")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Settings:
        """Checks that need two settings: the language has content, the shards add up."""
        locales = locale_names(self.content)
        if self.locale not in locales:
            raise ValueError(
                f"BACKCHECK_LOCALE: no content for {self.locale!r}; "
                f"available languages: {', '.join(locales)}"
            )
        ids = self.discord_shard_id_list
        if ids is not None:
            if not self.discord_shards:
                raise ValueError(
                    "DISCORD_SHARD_IDS: also set DISCORD_SHARDS to the total number of shards"
                )
            wrong = [i for i in ids if not 0 <= i < self.discord_shards]
            if wrong or len(set(ids)) != len(ids):
                raise ValueError(
                    f"DISCORD_SHARD_IDS: each id once, from 0 to {self.discord_shards - 1}"
                )
        return self

    @field_validator("country")
    @classmethod
    def _known_country(cls, value: str | None, info: ValidationInfo) -> str | None:
        """A code, name or flag of a country ``countries.yaml`` has numbers for -> its code
        (read from BACKCHECK_CONTENT; a broken content folder is reported on its own)."""
        content = info.data.get("content")
        if value is None or content is None:
            return value
        country = CountryCatalog.load(content).resolve(value, from_command=True)
        if country is None:
            raise ValueError(
                f"no emergency numbers for {value.strip()!r} in {content / 'countries.yaml'}; "
                "use a country code from that file, such as GB, DE or US"
            )
        return country.code

    @field_validator("old_region")
    @classmethod
    def _renamed(cls, value: str | None) -> str | None:
        if value is not None:
            raise ValueError(
                "renamed BACKCHECK_COUNTRY, which takes a country code such as GB, DE or US "
                "(the old eu meant no default country: leave it unset)"
            )
        return value

    @field_validator("discord_shard_ids")
    @classmethod
    def _shard_list(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(r"\s*\d+\s*(?:,\s*\d+\s*)*,?\s*", value):
            raise ValueError("use shard numbers separated by commas, such as 0,1")
        return value

    @property
    def discord_shard_id_list(self) -> list[int] | None:
        """``DISCORD_SHARD_IDS=0,1`` -> [0, 1]: the shards this process runs."""
        if not self.discord_shard_ids:
            return None
        return [int(part) for part in self.discord_shard_ids.split(",") if part.strip()]

    @property
    def quiet_window(self) -> tuple[int, int]:
        """``BACKCHECK_QUIET_HOURS`` as (start hour, end hour); (0, 0) when off."""
        start, _, end = self.quiet_hours.partition("-")
        return int(start), int(end)

    def secrets(self) -> list[str]:
        """The configured secret values, for the log redactor to blank out wherever they occur."""
        found = [self.telegram_token, self.discord_token, self.telegram_webhook_secret]
        values = [s.get_secret_value() for s in found if s is not None]
        if self.redis_url is not None:
            password = urlsplit(self.redis_url.get_secret_value()).password
            values += [self.redis_url.get_secret_value(), *([password] if password else [])]
        return [v for v in values if len(v) >= 4]


class SettingsError(BackcheckError):
    """Settings that failed their checks; ``problems`` holds one line per setting."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


def load_settings(**overrides: Any) -> Settings:
    """``Settings(**overrides)``, turning a validation failure into one line per setting.

    The lines name the environment variable and what is wrong, never the value given for a
    secret (pydantic's own messages include the input, so only their ``msg`` is used).
    """
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        raise SettingsError([_problem(error) for error in exc.errors()]) from None


def _problem(error: Any) -> str:
    context = error.get("ctx") or {}
    message = str(context["error"]) if "error" in context else str(error["msg"])
    where = ".".join(str(part) for part in error["loc"])
    return f"{where}: {message}" if where else message


def mask(secret: SecretStr | str | None) -> str:
    """A token as ``1234…abcd`` for logs: enough to tell two tokens apart, useless to steal."""
    if secret is None:
        return "<unset>"
    raw = secret.get_secret_value() if isinstance(secret, SecretStr) else secret
    return "****" if len(raw) < 12 else f"{raw[:4]}…{raw[-4:]}"
