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

import pymorphy3
import simplemma
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

    @cached_property
    def _english_forms(self) -> dict[str, list[str]]:
        inverse: dict[str, list[str]] = {}
        for form, lemma in self._english.items():
            if form.islower():
                inverse.setdefault(lemma, []).append(form)
        return inverse

    def forms(self, word: str) -> set[str]:
        """Every inflected form ``word`` stands for in a phrase list, itself included."""
        if not word.isalpha():
            return {word}
        if is_cyrillic(word):
            return self._russian_forms(word)
        return self._english_inflections(word)

    def is_known(self, word: str) -> bool:
        """True when ``word`` is a real word of its language (so not a typo of another)."""
        if is_cyrillic(word):
            return bool(self._russian.word_is_known(word))
        return bool(simplemma.is_known(word, lang="en"))

    def _english_inflections(self, word: str) -> set[str]:
        lemma = self._english.get(word)
        if lemma is None or lemma != word:
            return {word}
        return {word, *self._english_forms.get(word, ())}

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
