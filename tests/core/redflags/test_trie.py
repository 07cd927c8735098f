"""The flat word trie finds exactly the term occurrences the object trie it replaced found, on
the heap and mapped from a file."""

from __future__ import annotations

import pickle
from pathlib import Path
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from bot.core.redflags.trie import Occurrence, TermTrie
from tests.core.redflags.test_table import mapped_copy

WORDS = st.integers(0, 6)
TERMS = st.lists(st.tuples(WORDS) | st.tuples(WORDS, WORDS) | st.tuples(WORDS, WORDS, WORDS))
MESSAGE = st.lists(st.tuples(st.frozensets(WORDS, max_size=3), st.booleans()), max_size=12)


def _reference(
    terms: dict[tuple[int, ...], int], ids: list[frozenset[int]], skippable: list[bool]
) -> dict[int, list[Occurrence]]:
    """The walk as it was, over a trie of dicts (the code ``TermTrie`` replaced)."""
    root: dict[str, Any] = {"children": {}, "terms": ()}
    for words, term in terms.items():
        node = root
        for word in words:
            node = node["children"].setdefault(word, {"children": {}, "terms": ()})
        node["terms"] = (*node["terms"], term)
    spans: dict[int, list[Occurrence]] = {}
    for start, first in enumerate(ids):
        frontier = [c for w in first if (c := root["children"].get(w))]
        carried: list[dict[str, Any]] = []
        end = start + 1
        while frontier or carried:
            for node in frontier:
                for term in node["terms"]:
                    spans.setdefault(term, []).append((start, end))
            if end == len(ids):
                break
            grown = [
                c
                for node in (*frontier, *carried)
                for w in ids[end]
                if (c := node["children"].get(w))
            ]
            if skippable and skippable[end]:
                carried = [n for n in (*frontier, *carried) if n["children"]]
            else:
                carried = []
            frontier = grown
            end += 1
    return spans


def _sorted(spans: dict[int, list[Occurrence]]) -> dict[int, list[Occurrence]]:
    return {term: sorted(found) for term, found in spans.items()}


@given(TERMS, MESSAGE)
def test_every_occurrence_matches_the_object_trie(
    words: list[tuple[int, ...]], message: list[tuple[frozenset[int], bool]]
) -> None:
    terms = {term: n for n, term in enumerate(dict.fromkeys(words))}
    ids = [token for token, _ in message]
    skippable = [skip for _, skip in message] if any(skip for _, skip in message) else []
    trie = TermTrie(terms)
    again = pickle.loads(pickle.dumps(trie))
    expected = _sorted(_reference(terms, ids, skippable))
    assert _sorted(trie.find(ids, skippable)) == expected
    assert _sorted(again.find(ids, skippable)) == expected


def test_a_node_with_many_children_is_searched_like_a_few() -> None:
    terms = {(0, word): word for word in range(1, 40)} | {(0,): 0}
    ids = [frozenset({0}), frozenset({7, 39, 40})]
    assert _sorted(TermTrie(terms).find(ids, [])) == _sorted(_reference(terms, ids, []))
    assert TermTrie(terms).find(ids, []) == {0: [(0, 1)], 7: [(0, 2)], 39: [(0, 2)]}


def test_a_mapped_trie_answers_like_the_heap_one(tmp_path: Path) -> None:
    terms = {(1,): 0, (1, 2): 1, (2, 3, 4): 2, (3,): 3}
    mapped = mapped_copy(TermTrie(terms), tmp_path)
    assert isinstance(mapped, TermTrie)
    ids = [frozenset({1}), frozenset({2}), frozenset({9}), frozenset({3}), frozenset({4})]
    skippable = [False, False, True, False, False]  # token 2 is a filler
    assert mapped.find(ids, skippable) == TermTrie(terms).find(ids, skippable)
    assert _sorted(mapped.find(ids, skippable)) == {
        0: [(0, 1)],
        1: [(0, 2)],
        2: [(1, 5)],
        3: [(3, 4)],
    }
