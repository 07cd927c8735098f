"""The flat word tables answer exactly what the dicts they were built from answer, on the heap
and mapped from a file."""

from __future__ import annotations

import mmap
import pickle
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from bot.core.redflags.table import IntLists, TypoTargets, WordTable

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


def mapped_copy(value: object, tmp_path: Path) -> object:
    """``value`` pickled as the cache file does, its tables read back as views of a map."""
    buffers: list[pickle.PickleBuffer] = []
    pickled = pickle.dumps(value, protocol=5, buffer_callback=buffers.append)
    path = tmp_path / "tables"
    path.write_bytes(b"".join(b.raw() for b in buffers))
    with path.open("rb") as file:
        whole = memoryview(mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ))
    views, start = [], 0
    for buffer in buffers:
        views.append(whole[start : start + buffer.raw().nbytes])
        start += buffer.raw().nbytes
    return pickle.loads(pickled, buffers=views)


def test_a_mapped_table_answers_like_the_heap_one(tmp_path: Path) -> None:
    table = {"ноги": (1,), "ногами": (1,), "legs": (2, 3), "\ud800": (4,), "": (5,)}
    mapped = mapped_copy(WordTable(table), tmp_path)
    assert isinstance(mapped, WordTable)
    assert isinstance(mapped._ends, memoryview) and isinstance(mapped._ends.obj, mmap.mmap)
    assert {key: mapped.get(key) for key in mapped} == table
    assert len(mapped) == len(table) and "нога" not in mapped and mapped.get("leg") == ()


BUCKETS = st.dictionaries(
    st.tuples(st.text("ab", min_size=2, max_size=2), st.integers(1, 6)),
    st.dictionaries(st.text("abя'", min_size=1, max_size=6), IDS, min_size=1, max_size=8),
    max_size=8,
)


def _answers(targets: TypoTargets, letters: str, length: int) -> dict[str, tuple[int, ...]]:
    bucket = targets.bucket(letters, length)
    if bucket < 0:
        return {}
    texts = targets.texts(bucket)
    return {text: tuple(targets.ids(bucket, i)) for i, text in enumerate(texts)}


@given(BUCKETS)
def test_typo_targets_keep_each_bucket_in_order(
    buckets: dict[tuple[str, int], dict[str, tuple[int, ...]]],
) -> None:
    targets = TypoTargets(buckets)
    again = pickle.loads(pickle.dumps(targets))  # in band, as an older protocol pickles it
    for letters in ("aa", "ab", "ba", "bb"):
        for length in range(8):
            expected = buckets.get((letters, length), {})
            assert _answers(targets, letters, length) == expected
            assert list(_answers(again, letters, length)) == list(expected)
            assert _answers(again, letters, length) == expected


def test_mapped_typo_targets_answer_like_the_heap_ones(tmp_path: Path) -> None:
    buckets = {("бо", 4): {"боль": (1, 2), "бока": (3,)}, ("ba", 4): {"back": (4,)}}
    mapped = mapped_copy(TypoTargets(buckets), tmp_path)
    assert isinstance(mapped, TypoTargets)
    assert _answers(mapped, "бо", 4) == buckets[("бо", 4)]
    assert _answers(mapped, "ba", 4) == {"back": (4,)}
    assert mapped.bucket("ba", 5) == -1
    mapped.clear()  # the decoded buckets are forgotten, the answers stay
    assert _answers(mapped, "бо", 4) == buckets[("бо", 4)]


@given(st.dictionaries(st.integers(0, 40), st.lists(st.integers(0, 2**32 - 1), max_size=5)))
def test_int_lists_answer_like_the_dict(lists: dict[int, list[int]]) -> None:
    flat = IntLists(lists)
    again = pickle.loads(pickle.dumps(flat))
    for key in range(-2, 45):
        expected = lists.get(key, [])
        assert list(flat.get(key)) == list(again.get(key)) == expected
        assert (key in flat) == (key in again) == bool(expected)
    assert "1" not in flat


def test_mapped_int_lists_answer_like_the_heap_ones(tmp_path: Path) -> None:
    lists = {0: [7], 3: [1, 2, 3], 5: []}
    mapped = mapped_copy(IntLists(lists), tmp_path)
    assert isinstance(mapped, IntLists)
    assert [list(mapped.get(k)) for k in range(7)] == [[7], [], [], [1, 2, 3], [], [], []]
    assert 3 in mapped and 5 not in mapped and 6 not in mapped
