"""Turn message text into the ids of known words and terms, for the red-flag detector.

Why: the detector (:mod:`bot.core.redflags.detector`) judges phrase rules, but first it has to
know which of its words
a message contains, and people type fast: mixed case, "ё", curly apostrophes, a Latin letter
inside a Cyrillic word ("онемениe"), a typo ("numbnes", "онимение"). This module owns all of
that, so the rules and the judging never see raw text:

* ``normalise`` folds case, Unicode form, ё/е and apostrophes;
* ``tokenise`` splits a message into words, numbers and "?" and numbers its sentences and
  phrases;
* ``Lexicon`` registers the words and multi-word terms of the phrase lists, then finds every
  occurrence of every term in a token list with a word trie. A word of 5+ letters (a stem of
  6+) also matches with one typo, and mixed-script words are folded to the majority script.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field

MIN_FUZZY_LEN = 5  # typo tolerance only for words this long ...
MIN_FUZZY_STEM_LEN = 6  # ... and stems this long (a short stem plus a typo matches too much)
_CACHE_LIMIT = 50_000

# A message splits into chunks at these marks: "?" and sentence stops end a sentence, the
# rest ends a phrase. A dot between digits ("38.5") is part of a number, not a stop.
_MARK_RE = re.compile(r"(\?|[!;…\n]+|\.+(?!\d)|(?<!\d)\.+|[,:()\"«»/]+|\s[-–—]+\s)")
_WORD_RE = re.compile(r"\d+(?:\.\d+)?|[^\W\d_]+(?:'[^\W\d_]+)*")  # hyphens split words
_APOSTROPHES = str.maketrans("’‘`´ʼ", "'''''")
_LATIN_TO_CYRILLIC = str.maketrans("aceopxykmthb", "асеорхукмтнв")
_CYRILLIC_TO_LATIN = str.maketrans("асеорхукмтнв", "aceopxykmthb")

Occurrence = tuple[int, int]  # token span [start, end) of a term


# --------------------------------------------------------------------------- text


def normalise(text: str) -> str:
    """Case, Unicode form, ё/е and apostrophes folded so that the lists stay short."""
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text).translate(_APOSTROPHES)
    return text.casefold().replace("ё", "е")


def _fix_mixed_script(word: str) -> str:
    """'онемениe' with a Latin 'e' is read as all-Cyrillic (the majority script wins)."""
    if word.isascii():
        return word
    cyr = sum("а" <= ch <= "я" for ch in word)
    lat = sum("a" <= ch <= "z" for ch in word)
    if not cyr or not lat:
        return word
    return word.translate(_LATIN_TO_CYRILLIC if cyr >= lat else _CYRILLIC_TO_LATIN)


@dataclass(slots=True)
class Tokens:
    """Words, numbers and '?' of a message, with the sentence and phrase each belongs to."""

    texts: list[str] = field(default_factory=list)
    sentence: list[int] = field(default_factory=list)
    phrase: list[int] = field(default_factory=list)  # commas, colons and dashes split phrases


def tokenise(text: str) -> Tokens:
    """Split normalised text; hyphens split words ("по-маленькому" -> "по", "маленькому")."""
    out = Tokens()
    sentence = phrase = 0
    chunks = _MARK_RE.split(normalise(text))
    for index, chunk in enumerate(chunks):
        if index % 2 == 0:  # text between marks
            words = _WORD_RE.findall(chunk)
            out.texts += words
            out.sentence += [sentence] * len(words)
            out.phrase += [phrase] * len(words)
            continue
        if chunk == "?":  # a question mark is a token: doubt lists may use it
            out.texts.append("?")
            out.sentence.append(sentence)
            out.phrase.append(phrase)
        phrase += 1
        sentence += chunk == "?" or chunk[0] in "!;…\n."
    return out


def _within_one_edit(a: str, b: str) -> bool:
    """Levenshtein distance <= 1, also counting one swap of neighbouring letters."""
    if a == b:
        return True
    la, lb = len(a), len(b)
    if abs(la - lb) > 1:
        return False
    i = 0
    while i < min(la, lb) and a[i] == b[i]:
        i += 1
    if la == lb:
        swapped = i + 1 < la and a[i] == b[i + 1] and a[i + 1] == b[i]
        return a[i + 1 :] == b[i + 1 :] or (swapped and a[i + 2 :] == b[i + 2 :])
    return a[i + 1 :] == b[i:] if la > lb else a[i:] == b[i + 1 :]


def _deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


# --------------------------------------------------------------------------- lexicon


@dataclass(slots=True)
class _TrieNode:
    children: dict[int, _TrieNode] = field(default_factory=dict)
    terms: list[int] = field(default_factory=list)  # terms that end at this node


class Lexicon:
    """Word patterns (exact words and stems), the terms built from them, and their lookup."""

    def __init__(self) -> None:
        self.words: dict[tuple[str, bool, bool], int] = {}  # (text, stem, fuzzy) -> id
        self.terms: dict[tuple[int, ...], int] = {}
        self.not_typos: set[str] = set()
        self.trie = _TrieNode()
        self._lengths: dict[int, int] = {}
        self._exact: dict[str, list[int]] = {}
        self._stems: dict[str, list[int]] = {}
        self._stem_lengths: list[int] = []
        self._fuzzy_stem_lengths: dict[str, set[int]] = {}  # first letter -> stem lengths
        self._near: dict[str, list[tuple[str, bool, int]]] = {}  # deletion variant -> words
        self._cache: dict[str, tuple[frozenset[int], tuple[_TrieNode, ...]]] = {}

    def term(self, phrase: str, *, fuzzy: bool) -> int:
        """Id of a term such as "can't feel" or "онемел*"; registers it on first use."""
        ids: list[int] = []
        for chunk in phrase.split():
            stem = chunk.endswith("*")
            parts = tokenise(chunk.rstrip("*")).texts
            if not parts:
                raise ValueError(f"no letters or digits in {chunk!r}")
            for n, part in enumerate(parts):
                ids.append(self._word(part, stem and n == len(parts) - 1, fuzzy=fuzzy))
        term_id = self.terms.setdefault(tuple(ids), len(self.terms))
        self._lengths[term_id] = len(ids)
        return term_id

    def term_length(self, term_id: int) -> int:
        """How many words a term has."""
        return self._lengths[term_id]

    def _word(self, text: str, stem: bool, *, fuzzy: bool) -> int:
        """Typo-tolerant words get their own id, so "never" the negation stays exact."""
        min_len = MIN_FUZZY_STEM_LEN if stem else MIN_FUZZY_LEN
        fuzzy = fuzzy and text.isalpha() and len(text) >= min_len
        return self.words.setdefault((text, stem, fuzzy), len(self.words))

    def finish(self) -> None:
        """Build the lookup tables once every term is known."""
        for (text, stem, fuzzy), wid in self.words.items():
            (self._stems if stem else self._exact).setdefault(text, []).append(wid)
            for variant in {text, *_deletions(text)} if fuzzy else ():
                self._near.setdefault(variant, []).append((text, stem, wid))
        self._stem_lengths = sorted({len(t) for t in self._stems})
        for text, stem, fuzzy in self.words:
            if stem and fuzzy:
                self._fuzzy_stem_lengths.setdefault(text[0], set()).add(len(text))
        for words, term_id in self.terms.items():
            node = self.trie
            for wid in words:
                node = node.children.setdefault(wid, _TrieNode())
            node.terms.append(term_id)
        self._cache.clear()

    def classify(self, token: str) -> tuple[frozenset[int], tuple[_TrieNode, ...]]:
        """Word ids this token matches and the terms it can start (cached: chat reuses words)."""
        hit = self._cache.get(token)
        if hit is None:
            if len(self._cache) >= _CACHE_LIMIT:
                self._cache.clear()
            ids = frozenset(self._match(_fix_mixed_script(token)))
            starts = tuple(node for w in ids if (node := self.trie.children.get(w)))
            hit = self._cache[token] = (ids, starts)
        return hit

    def _match(self, token: str) -> Iterator[int]:
        yield from self._exact.get(token, ())
        for n in self._stem_lengths:
            if n > len(token):
                break
            yield from self._stems.get(token[:n], ())
        if len(token) >= MIN_FUZZY_LEN and token.isalpha() and not self._is_known(token):
            yield from self._typo_match(token)

    def _is_known(self, token: str) -> bool:
        return token in self._exact or token in self.not_typos

    def _typo_match(self, token: str) -> Iterator[int]:
        """Words (whole token) and stems (token prefix) one edit away, via deletion variants.

        The first letter must be right: typos there are rare, and allowing them turns
        "never" into "fever" and "everything" into "fever*".
        """
        stems = self._fuzzy_stem_lengths.get(token[0], set())
        lengths = {k for n in stems for k in (n - 1, n, n + 1) if k <= len(token)}
        for probe in {token, *(token[:k] for k in lengths)}:
            for variant in {probe, *_deletions(probe)}:
                for text, stem, wid in self._near.get(variant, ()):
                    first_ok = probe[0] == text[0]
                    if first_ok and (stem or probe == token) and _within_one_edit(probe, text):
                        yield wid

    def find_terms(self, texts: list[str]) -> dict[int, list[Occurrence]]:
        """Every occurrence of every known term, walking the word trie from each token."""
        classified = [self.classify(t) for t in texts]
        ids = [c[0] for c in classified]
        spans: dict[int, list[Occurrence]] = {}
        for start, (_, starts) in enumerate(classified):
            frontier, end = list(starts), start + 1
            while frontier:
                for node in frontier:
                    for term_id in node.terms:
                        spans.setdefault(term_id, []).append((start, end))
                if end == len(ids):
                    break
                frontier = [c for n in frontier for w in ids[end] if (c := n.children.get(w))]
                end += 1
        return spans
