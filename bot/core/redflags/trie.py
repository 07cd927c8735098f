"""The terms of the phrase lists as a word trie in flat arrays, walked over a message.

Why: as objects (a node and a dict of children per node, about 17,000 nodes) the trie took
3.6 MB of a running bot, most of it nodes no message ever reaches. Here the nodes are
numbers and the trie is six arrays of integers, written out of band in the detector's cache
file and mapped from it (:mod:`bot.core.redflags.compiled`), like the word tables of
:mod:`bot.core.redflags.table`. A node's children are a run of edges sorted by word id: most
nodes have one or two, scanned; a node with many is searched by bisection, the root's are
an array indexed by word id, and the nodes with children are numbered before the leaves.
The walk costs about a third more than it did over objects (measured: about 8 µs more on a
10-word message, 0.1-0.15 ms on a 4,000-character flood), for 8.6 MB less RSS at start-up:
the 3.6 MB of objects, and the heap that unpickling 17,000 nodes and their dicts fragmented.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left
from collections.abc import Mapping
from typing import Any

from bot.core.redflags.table import Flat, flat, out_of_band

Occurrence = tuple[int, int]  # token span [start, end) of a term
_NONE = 0  # no node: the root is never anyone's child
_SCAN = 4  # a node with more children than this many per word id to look for is bisected


class TermTrie:
    """Terms (tuples of word ids) -> every span of a message's word ids they occur at."""

    __slots__ = (
        "_edge_nodes",
        "_edge_words",
        "_edges",
        "_inner",
        "_roots",
        "_term_starts",
        "_terms",
    )

    def __init__(self, terms: Mapping[tuple[int, ...], int]) -> None:
        children: list[dict[int, int]] = [{}]
        ending: list[list[int]] = [[]]
        for words, term in terms.items():
            node = 0
            for word in words:
                child = children[node].get(word)
                if child is None:
                    child = children[node][word] = len(children)
                    children.append({})
                    ending.append([])
                node = child
            ending[node].append(term)
        # numbered again, the nodes with children first: a walk tells a leaf by its number
        order = [n for n, kids in enumerate(children) if kids or not n]
        self._inner = len(order)
        order += [n for n, kids in enumerate(children) if not kids and n]
        number = {old: new for new, old in enumerate(order)}
        edges, edge_words, edge_nodes = array("I", [0]), array("I"), array("I")
        term_starts, found = array("I", [0]), array("I")
        for new, old in enumerate(order):
            if new < self._inner:
                for word in sorted(children[old]):
                    edge_words.append(word)
                    edge_nodes.append(number[children[old][word]])
                edges.append(len(edge_words))
            found.extend(ending[old])
            term_starts.append(len(found))
        roots = array("I", [_NONE]) * (max(children[0], default=-1) + 1)
        for word, child in children[0].items():
            roots[word] = number[child]
        self._roots: Flat = roots
        self._edges: Flat = edges
        self._edge_words: Flat = edge_words
        self._edge_nodes: Flat = edge_nodes
        self._term_starts: Flat = term_starts
        self._terms: Flat = found

    def __reduce_ex__(self, protocol: Any) -> tuple[object, ...]:
        tables = (
            self._roots,
            self._edges,
            self._edge_words,
            self._edge_nodes,
            self._term_starts,
            self._terms,
        )
        return (_unpickle, (self._inner, *(out_of_band(t, protocol) for t in tables)))

    def find(self, ids: list[frozenset[int]], skippable: list[bool]) -> dict[int, list[Occurrence]]:
        """Every occurrence of every term in a message whose tokens have word ids ``ids``.

        A token marked in ``skippable`` (a filler: "even", "даже") inside a multi-word term
        is stepped over; a term never starts or ends on one.
        """
        roots, edges, words, nodes = self._roots, self._edges, self._edge_words, self._edge_nodes
        term_starts, terms, inner = self._term_starts, self._terms, self._inner
        spans: dict[int, list[Occurrence]] = {}
        count = len(ids)
        known = len(roots)
        firsts: dict[frozenset[int], list[int]] = {}  # floods repeat their words
        for start, first in enumerate(ids):
            if not first:  # most words of a long message start no term
                continue
            frontier = firsts.get(first)
            if frontier is None:
                frontier = firsts[first] = [n for w in first if w < known and (n := roots[w])]
            carried: list[int] = []  # nodes waiting past a filler: no term ends here
            end = start + 1
            while frontier or carried:
                for node in frontier:
                    low, high = term_starts[node], term_starts[node + 1]
                    if low != high:
                        for term_id in terms[low:high]:
                            spans.setdefault(term_id, []).append((start, end))
                if end == count:
                    break
                nexts = ids[end]
                grown: list[int] = []
                if nexts:
                    for node in (*frontier, *carried) if carried else frontier:
                        if node >= inner:  # a leaf
                            continue
                        low, high = edges[node], edges[node + 1]
                        if high - low == 1:  # most inner nodes
                            if words[low] in nexts:
                                grown.append(nodes[low])
                        elif high - low > _SCAN * len(nexts):
                            for word in nexts:
                                at = bisect_left(words, word, low, high)
                                if at < high and words[at] == word:
                                    grown.append(nodes[at])
                        else:
                            for at in range(low, high):
                                if words[at] in nexts:
                                    grown.append(nodes[at])
                if skippable and skippable[end]:  # a filler: keep walking past it
                    carried = [n for n in (*frontier, *carried) if n < inner]
                else:
                    carried = []
                frontier = grown
                end += 1
        return spans


def _unpickle(
    inner: int,
    roots: Any,
    edges: Any,
    edge_words: Any,
    edge_nodes: Any,
    term_starts: Any,
    terms: Any,
) -> TermTrie:
    trie = TermTrie.__new__(TermTrie)
    trie._inner = inner
    trie._roots, trie._edges = flat(roots, "I"), flat(edges, "I")
    trie._edge_words, trie._edge_nodes = flat(edge_words, "I"), flat(edge_nodes, "I")
    trie._term_starts, trie._terms = flat(term_starts, "I"), flat(terms, "I")
    return trie
