"""Splitting long replies: nothing lost, every part within the platform's measure."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.adapters.common import split_text


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
