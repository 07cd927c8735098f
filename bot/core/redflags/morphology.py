"""Word forms and dictionary checks for the red-flag phrase lists, in Russian and English.

Why: people write "ягодиц", "в ногах", "отнялась" where the list says "ягодицы", "ноги",
"отнялись", and "fallen", "legs" where it says "fall", "leg". Rather than analysing every typed
word (slow for a 4,000-character message), the lists are expanded once at start-up into every
inflected form of their words, so matching stays a dictionary look-up:

* Russian: pymorphy3 (OpenCorpora dictionary) gives the lexeme of each word. Nouns keep the
  grammatical number of the listed form ("ноги" stays plural: "обе ноги" must not match "нога"),
  other parts of speech get every form of every likely reading.
* English: simplemma's lemma dictionary, inverted, gives the inflections of a listed base form
  ("fall" -> falls, fell, fallen, falling). A listed inflected form ("legs", "fell") stands for
  itself only, so a rule can still tell one leg from both.

The same dictionaries answer ``is_known``: a typed word that is itself a real word is never read
as a typo of another ("опухли" is not "опухоль", "never" is not "fever").
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

import pymorphy3  # type: ignore[import-untyped]
from simplemma.strategies.dictionaries import DefaultDictionaryFactory

MIN_SCORE = 0.1  # readings pymorphy3 rates less likely than this are ignored


def is_cyrillic(word: str) -> bool:
    return any("а" <= ch <= "я" or ch == "ё" for ch in word)


class Morphology:
    """Lazily loaded analysers (loading pymorphy3 and simplemma costs about 0.7 s)."""

    @cached_property
    def _russian(self) -> Any:
        return pymorphy3.MorphAnalyzer()

    @cached_property
    def _english(self) -> Any:
        return DefaultDictionaryFactory().get_dictionary("en")

    def english_forms(self, lemmas: set[str]) -> dict[str, list[str]]:
        """Inflections of each of ``lemmas``, read from simplemma's form -> lemma table.

        The table holds bytes; comparing bytes and decoding only the hits keeps one pass over
        its 180,000 entries at a few tens of milliseconds.
        """
        raw: Any = getattr(self._english, "_dict", None)
        inverse: dict[str, list[str]] = {}
        if isinstance(raw, dict):
            wanted = {lemma.encode() for lemma in lemmas}
            for form, lemma in raw.items():
                if lemma in wanted and form.islower():
                    inverse.setdefault(lemma.decode(), []).append(form.decode())
            return inverse
        for text, lemma in self._english.items():  # pragma: no cover - other simplemma layouts
            if lemma in lemmas and text.islower():
                inverse.setdefault(lemma, []).append(text)
        return inverse

    def expand(self, words: set[str]) -> dict[str, set[str]]:
        """Every inflected form each of ``words`` stands for in a phrase list, itself included."""
        english = {w for w in words if w.isalpha() and not is_cyrillic(w)}
        bases = {w for w in english if self._english.get(w) == w}
        inflections = self.english_forms(bases) if bases else {}
        out: dict[str, set[str]] = {}
        for word in words:
            if not word.isalpha():
                out[word] = {word}
            elif is_cyrillic(word):
                out[word] = self._russian_forms(word)
            else:
                out[word] = {word, *inflections.get(word, ())}
        return out

    def is_known(self, word: str) -> bool:
        """True when ``word`` is a real word of its language (so not a typo of another)."""
        if is_cyrillic(word):
            return bool(self._russian.word_is_known(word))
        return self._english.get(word) is not None

    def _russian_forms(self, word: str) -> set[str]:
        parses = [p for p in self._russian.parse(word) if p.score >= MIN_SCORE]
        found = {word}
        nouns = [p for p in parses if p.tag.POS == "NOUN"]
        if nouns:
            number = nouns[0].tag.number
            for parse in nouns:
                found |= {f.word for f in parse.lexeme if f.tag.number in (number, None)}
        for parse in parses:
            if parse.tag.POS != "NOUN":
                found |= {f.word for f in parse.lexeme}
        return {f.replace("ё", "е") for f in found}
