"""Shared adapter pieces: splitting without loss, chat locks, one command table."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.adapters.common import COMMANDS, WITH_ARGUMENT, ChatLocks, split_text
from bot.adapters.console import read_input
from bot.adapters.discord.format import COMMANDS as DISCORD
from bot.adapters.discord.format import DM_COMMANDS


@given(st.text(alphabet=st.sampled_from("ab &\n<й"), max_size=400), st.integers(5, 60))
def test_parts_fit_and_keep_every_word(text: str, budget: int) -> None:
    parts = split_text(text, budget)
    assert all(0 < len(p) <= budget for p in parts)
    assert "".join("".join(parts).split()) == "".join(text.split())


def test_prefers_line_ends_then_spaces() -> None:
    assert split_text("aaa\nbbb\nccc", 7) == ["aaa\nbbb", "ccc"]
    assert split_text("one two three", 7) == ["one two", "three"]
    assert split_text("x" * 10, 4) == ["xxxx", "xxxx", "xx"]


def test_custom_measure() -> None:
    assert split_text("&&&&", 5, size=lambda t: len(t) * 5) == ["&", "&", "&", "&"]


async def test_chat_locks_are_shared_while_held_and_dropped_after() -> None:
    locks = ChatLocks()
    async with locks(7):
        assert locks(7) is locks(7) and locks(7).locked()
        assert not locks(8).locked()
    assert len(locks) == 0, "nobody holds or waits: nothing is kept"


def test_one_command_table_serves_every_platform() -> None:
    assert set(DM_COMMANDS) == {*COMMANDS, "backpain"}
    assert set(DISCORD.values()) | WITH_ARGUMENT == set(COMMANDS.values())
    for name, kind in COMMANDS.items():
        event = read_input(f"/{name}", (), None)
        assert event is not None and event.kind is kind
