"""The flat word table answers exactly what the dict it was built from answers."""

from __future__ import annotations

import pickle

from hypothesis import given
from hypothesis import strategies as st

from bot.core.redflags.table import WordTable

IDS = st.tuples(st.integers(0, 9)) | st.tuples(st.integers(0, 9), st.integers(10, 19))


@given(st.dictionaries(st.text(max_size=12), IDS, max_size=60), st.lists(st.text(max_size=12)))
def test_every_look_up_matches_the_dict(
    table: dict[str, tuple[int, ...]], probes: list[str]
) -> None:
    words = WordTable(table)
    assert len(words) == len(table)
    assert list(words) == list(table)
    for key in [*table, *probes]:
        assert (key in words) == (key in table)
        assert words.get(key) == table.get(key, ())


def test_equal_values_are_one_object_and_a_pickle_keeps_the_answers() -> None:
    table = {"ноги": (1,), "ногами": (1,), "legs": (2, 3), "\ud800": (4,)}  # a lone surrogate too
    words = WordTable(table)
    assert words.get("ноги") is words.get("ногами")
    again = pickle.loads(pickle.dumps(words))
    assert {key: again.get(key) for key in again} == table
    assert "нога" not in again and again.get("нога", (9,)) == (9,)
    assert 3 not in again  # not a word: not in the table
