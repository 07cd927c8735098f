"""Texts name commands as ``{start}``, ``{stop}``...; each platform fills in its own names.

Telegram and the terminal call the check ``/start``; Discord calls it ``/backpain`` and shows
every command it synced as a clickable mention. No text spells a command out, so nothing
rewrites rendered text, and no placeholder ever reaches a person unfilled.
"""

from __future__ import annotations

import re

import pytest

from bot.adapters import common
from bot.adapters.discord import format as discord_fmt
from bot.core.content import Catalog, placeholders
from bot.core.engine import Engine
from bot.core.hints import Hints
from bot.core.messages import Event, EventKind
from bot.core.placeholders import COMMANDS, DEFAULT_COMMANDS
from bot.service import Conversations
from bot.storage.memory import open_memory

SPELLED = re.compile(r"(?<![\w/<{])/(" + "|".join(sorted(COMMANDS)) + r")\b")
DISCORD = discord_fmt.command_names({"backpain": 101, "stop": 102, "back": 103})
PLATFORMS = {"telegram and terminal": None, "discord, before sync": discord_fmt.command_names()}
PLATFORMS["discord"] = DISCORD


def _texts(catalog: Catalog) -> list[tuple[str, str, str]]:
    found = []
    for locale in catalog.locales:
        for key, value in catalog.texts[locale].items():
            for line in value if isinstance(value, tuple) else (value,):
                found.append((locale, key, line))
    return found


def test_the_core_and_the_adapters_know_the_same_commands() -> None:
    assert set(common.COMMANDS) == COMMANDS == set(DEFAULT_COMMANDS)


def test_no_text_spells_a_command_out(catalog: Catalog) -> None:
    spelled = [(loc, key) for loc, key, text in _texts(catalog) if SPELLED.search(text)]
    assert not spelled, "name commands as {start}, {stop}: " + repr(spelled)


@pytest.mark.parametrize("platform", list(PLATFORMS))
def test_every_text_naming_a_command_renders_with_the_platforms_name(
    engine: Engine, platform: str
) -> None:
    names = PLATFORMS[platform]
    expected = {**DEFAULT_COMMANDS, **(names or {})}
    conversations = Conversations(engine, open_memory(retention=60))
    checked = 0
    for locale, key, text in _texts(engine.catalog):
        used = placeholders(text) & COMMANDS
        if not used or isinstance(engine.catalog.raw(key, locale), tuple):
            continue
        rendered = conversations.say(key, Hints(locale, names))
        for name in used:
            assert expected[name] in rendered, (platform, key, name)
        assert "{" not in rendered, (platform, key, rendered)
        checked += 1
    assert checked >= 20, "help, resume, forgotten, stopped, the country texts, ..."


def test_each_platform_calls_the_check_its_own_way() -> None:
    assert DEFAULT_COMMANDS["start"] == "/start"  # Telegram, the terminal
    assert PLATFORMS["discord, before sync"]["start"] == "/backpain"
    assert DISCORD["start"] == "</backpain:101>" and DISCORD["help"] == "/help"


@pytest.mark.parametrize(("names", "start"), [(None, "/start"), (DISCORD, "</backpain:101>")])
def test_a_step_renders_under_the_names_its_event_brought(
    engine: Engine, names: dict[str, str] | None, start: str
) -> None:
    session = engine.new_session("u")
    replies = engine.handle(session, Event(EventKind.FORGET, commands=names))
    assert start in replies[0].text and "{start}" not in replies[0].text
    help_text = engine.handle(session, Event(EventKind.HELP, commands=names))[0].text
    back = "</back:103>" if names else "/back"
    assert back in help_text and "{" not in help_text
    # the next event without names is rendered with the defaults again
    assert "/start" in engine.handle(session, Event(EventKind.FORGET))[0].text


def test_a_country_text_names_the_country_command(engine: Engine) -> None:
    session = engine.new_session("u")
    session.locale = "en"
    assert "/country" in engine.render.t("country.unknown", session)
