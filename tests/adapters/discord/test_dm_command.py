"""The DM command parser stays linear on long messages and reads commands as before."""

from __future__ import annotations

from bot.adapters.discord.format import _DM_COMMAND, dm_command
from bot.core.messages import EventKind
from tests.linear_regex import backtracking_repeats


def test_dm_command_pattern_cannot_backtrack() -> None:
    assert backtracking_repeats(_DM_COMMAND) == []


def test_dm_commands_are_read_as_before() -> None:
    assert dm_command("/language ru") == (EventKind.LANGUAGE, "ru")
    assert dm_command("  /language   ru  ") == (EventKind.LANGUAGE, "ru")
    assert dm_command("/language\nru") == (EventKind.LANGUAGE, "ru")
    assert dm_command("/Restart") == (EventKind.RESTART, None)
    assert dm_command("/start ru") == (EventKind.START, None)
    assert dm_command("/region   ") == (EventKind.REGION, None)
    assert dm_command("/language ru\nmore") is None
    assert dm_command("/start@bot") is None and dm_command("/dance") is None
    assert dm_command("hello /start") is None


def test_long_dms_are_answered() -> None:
    assert dm_command("/help" + " " * 40_000 + "x\ny") is None
    assert dm_command("/" + "a" * 40_000 + "!") is None
    assert dm_command("/region " + "x" * 40_000) == (EventKind.REGION, "x" * 40_000)
