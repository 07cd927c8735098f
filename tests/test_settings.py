"""Every setting is checked at start-up: one line per bad setting, never a traceback or a secret."""

from __future__ import annotations

import logging
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.cli import EXAMPLES, main, parser
from bot.settings import Settings, SettingsError, load_settings, parse_quiet_hours
from tests.conftest import ROOT


@pytest.fixture(autouse=True)
def hermetic(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    """No .env, no tokens from the environment; logging and hooks put back afterwards."""
    monkeypatch.chdir(tmp_path)
    for name in ("TELEGRAM_TOKEN", "DISCORD_TOKEN", "REDIS_URL"):
        monkeypatch.delenv(name, raising=False)
    root = logging.getLogger()
    saved = root.handlers[:], root.level, sys.excepthook, threading.excepthook
    yield
    root.handlers[:], root.level = saved[0], saved[1]
    sys.excepthook, threading.excepthook = saved[2], saved[3]
    logging.captureWarnings(False)


def problems(**env: str) -> list[str]:
    with pytest.raises(SettingsError) as caught:
        load_settings(**env)
    return caught.value.problems


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("BACKCHECK_TIMEZONE", "Mars/Base", "unknown time zone 'Mars/Base'"),
        ("BACKCHECK_QUIET_HOURS", "22:30-08:00", "on the hour"),
        ("BACKCHECK_QUIET_HOURS", "late", "HH:MM-HH:MM"),
        ("BACKCHECK_QUIET_HOURS", "25-8", "0-23"),
        ("BACKCHECK_COUNTRY", "mars", "no emergency numbers for 'mars'"),
        ("BACKCHECK_COUNTRY", "KE", "use a country code from that file, such as GB"),
        ("BACKCHECK_REGION", "uk", "renamed BACKCHECK_COUNTRY"),
        ("BACKCHECK_LOG_LEVEL", "loud", "DEBUG, INFO, WARNING, ERROR, CRITICAL"),
        ("BACKCHECK_LOCALE", "de", "available languages: en, ru"),
        ("BACKCHECK_FLOW", "/nonexistent.yaml", "no such file: /nonexistent.yaml"),
        ("BACKCHECK_CONTENT", "/nonexistent", "no such folder"),
        ("BACKCHECK_RETENTION", "0", "longer than zero"),
        ("BACKCHECK_METRICS_PORT", "70000", "65535"),
        ("BACKCHECK_METRICS_HOST", "bad host!", "not an IP address or host name"),
        ("TELEGRAM_WEBHOOK_PORT", "0", "greater than or equal to 1"),
        ("TELEGRAM_BASE_URL", "api.telegram.org", "http:// or https://"),
        ("TELEGRAM_WEBHOOK_URL", "http://bot.example.org/hook", "https://"),
        ("DISCORD_GUILD_ID", "-1", "greater than 0"),
        ("DISCORD_SHARDS", "-2", "greater than or equal to 0"),
        ("DISCORD_SHARD_IDS", "0,x", "separated by commas"),
        ("DISCORD_SHARD_IDS", "0,1", "also set DISCORD_SHARDS"),
    ],
)
def test_one_clear_line_per_bad_setting(name: str, value: str, expected: str) -> None:
    (line,) = problems(**{name: value})
    assert line.startswith(f"{name}: ") and expected in line, line


def test_shard_ids_must_fit_the_shard_count() -> None:
    (line,) = problems(DISCORD_SHARDS="2", DISCORD_SHARD_IDS="0,2")
    assert line == "DISCORD_SHARD_IDS: each id once, from 0 to 1"
    assert load_settings(DISCORD_SHARDS="2", DISCORD_SHARD_IDS="0,1").discord_shard_id_list == [
        0,
        1,
    ]


def test_good_values_are_normalised() -> None:
    s = load_settings(
        BACKCHECK_QUIET_HOURS="22:00-08:00",
        BACKCHECK_COUNTRY="gb",
        BACKCHECK_LOG_LEVEL="debug",
        BACKCHECK_TIMEZONE="Europe/Moscow",
        DISCORD_GUILD_ID="",  # a blank line in .env means unset
        TELEGRAM_TOKEN="",
    )
    assert (s.quiet_window, s.country, s.log_level) == ((22, 8), "GB", "DEBUG")
    assert s.discord_guild_id is None and s.telegram_token is None
    assert parse_quiet_hours("22-8") == "22-8" and parse_quiet_hours("off") == "0-0"


@pytest.mark.parametrize(("value", "code"), [("de", "DE"), ("Germany", "DE"), ("🇬🇧", "GB")])
def test_the_country_setting_takes_a_code_a_name_or_a_flag(value: str, code: str) -> None:
    assert load_settings(BACKCHECK_COUNTRY=value).country == code
    assert load_settings(BACKCHECK_COUNTRY="").country is None


def test_several_bad_settings_give_one_line_each() -> None:
    lines = problems(BACKCHECK_TIMEZONE="Mars/Base", BACKCHECK_LOG_LEVEL="loud")
    assert [line.split(":")[0] for line in lines] == ["BACKCHECK_LOG_LEVEL", "BACKCHECK_TIMEZONE"]


def test_secrets_are_never_quoted_back() -> None:
    secret = "sup3r-secret-pw"
    lines = problems(
        REDIS_URL=f"http://:{secret}@cache:6379",
        TELEGRAM_WEBHOOK_SECRET=f"{secret} with spaces",
        TELEGRAM_TOKEN=f"{secret}-token",
        DISCORD_TOKEN=f"{secret}-dc",
        BACKCHECK_COUNTRY="mars",
    )
    assert len(lines) == 3 and not any(secret in line for line in lines)
    settings = Settings(_env_file=None, TELEGRAM_TOKEN=f"{secret}-token")  # type: ignore[call-arg]
    assert secret not in repr(settings) and secret not in str(settings.model_dump())


def test_the_cli_prints_the_lines_without_a_traceback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("BACKCHECK_TIMEZONE", "Mars/Base")
    monkeypatch.setenv("BACKCHECK_FLOW", "/nonexistent.yaml")
    assert main(["validate"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [
        "backcheck: BACKCHECK_FLOW: no such file: /nonexistent.yaml",
        "backcheck: BACKCHECK_TIMEZONE: unknown time zone 'Mars/Base'; use an IANA name such "
        "as Europe/Berlin or UTC",
    ]


def test_locale_flag_names_the_languages(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["chat", "--locale", "de"]) == 2
    assert capsys.readouterr().err.strip() == (
        "backcheck: BACKCHECK_LOCALE: no content for 'de'; available languages: en, ru"
    )


def test_help_has_an_example_per_command_and_no_backticks() -> None:
    top = parser().format_help()
    assert "`" not in top
    for command, (example, _) in EXAMPLES.items():
        assert example in top
        done = subprocess.run(
            [sys.executable, "-m", "bot", command, "--help"],
            capture_output=True,
            text=True,
            cwd=ROOT,
        )
        assert done.returncode == 0 and example in done.stdout and "`" not in done.stdout


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main(["--version"])
    assert done.value.code == 0 and capsys.readouterr().out.strip() == "backcheck 0.1.0"


def test_env_example_lists_every_setting() -> None:
    """An operator copies .env.example: a setting it does not name is one they never hear of."""
    example = (Path(__file__).parents[1] / ".env.example").read_text(encoding="utf-8")
    names = {field.alias or name.upper() for name, field in Settings.model_fields.items()}
    assert sorted(n for n in names if n not in example) == []
