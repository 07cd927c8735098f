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

Cost: the full analysers take about 1.5 s and 45 MB to load and query, for answers that only
change when the phrase lists or the dictionaries do. So the expansions are kept per word in a
small cache file (the user cache directory; its name carries the dictionaries' versions, so an
upgrade recomputes), and the analysers are loaded only for words the file does not hold yet,
then released. ``is_known`` needs much less than an analyser: Russian reads only pymorphy3's
word list (a 7 MB DAWG, loaded on the first Cyrillic look-up in 30 ms), English a sorted list of
simplemma's word forms (2 MB, written to the cache beside the expansions) searched by bisection.
The answers equal the analysers' own (tests/core/redflags/test_morphology.py).
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import json
import logging
import os
import re
import tempfile
from importlib import metadata
from pathlib import Path
from typing import Any

from platformdirs import user_cache_dir

log = logging.getLogger(__name__)

EXACT_ONLY = "~"  # marks a form matched as typed but never as the target of a typo
MIN_SCORE = 0.1  # readings pymorphy3 rates less likely than this are ignored
CACHE_FORMAT = 10  # bump when the expansion rules below change: old files are then ignored
MAX_CACHED_WORDS = 50_000  # a cache file holding more starts afresh (bounded disk and memory)
_LIBRARIES = ("pymorphy3", "pymorphy3-dicts-ru", "simplemma")


_CYRILLIC_RE = re.compile("[а-яё]")


def is_cyrillic(word: str) -> bool:
    """Whether ``word`` (lower case) has a Russian letter; a regex search stays in C."""
    return _CYRILLIC_RE.search(word) is not None


def default_cache_dir() -> Path:
    """Where the expansions are kept between runs (``XDG_CACHE_HOME`` is honoured)."""
    return Path(user_cache_dir("backcheck", appauthor=False))


def _fingerprint() -> str:
    """Names the cache files after everything their content depends on."""
    versions = []
    for name in _LIBRARIES:
        try:
            versions.append(f"{name}={metadata.version(name)}")
        except metadata.PackageNotFoundError:  # pragma: no cover - a source checkout
            versions.append(f"{name}=?")
    text = f"{CACHE_FORMAT};{MIN_SCORE};{';'.join(versions)}"
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def write_atomically(path: Path, data: bytes) -> None:
    """Write a cache file whole or not at all (several workers may start at once); a
    read-only disk only costs time."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, delete=False) as out:
            out.write(data)
        os.replace(out.name, path)
    except OSError as error:
        log.debug("cache file not written: %s", error.strerror)
        with contextlib.suppress(OSError, UnboundLocalError):
            os.unlink(out.name)


class SortedWords:
    """Membership in a sorted, newline-separated byte string: 2 MB where a set takes 20."""

    def __init__(self, blob: bytes) -> None:
        self._blob = blob if blob.startswith(b"\n") else b"\n" + blob
        if not self._blob.endswith(b"\n"):
            self._blob += b"\n"

    @classmethod
    def of(cls, words: Any) -> SortedWords:
        keys = sorted(words)
        return cls(b"\n" + b"\n".join(keys) + b"\n" if keys else b"\n")

    @property
    def blob(self) -> bytes:
        return self._blob

    def __contains__(self, word: bytes) -> bool:
        blob = self._blob
        lo, hi = 0, len(blob) - 1  # both on a newline; the candidates lie between them
        while lo < hi:
            start = blob.rfind(b"\n", lo, (lo + hi) // 2 + 1)
            end = blob.find(b"\n", start + 1)
            key = blob[start + 1 : end]
            if key == word:
                return True
            if key < word:
                lo = end
            else:
                hi = start
        return False


def _simplemma_english() -> Any:
    from simplemma.strategies.dictionaries import DefaultDictionaryFactory

    return DefaultDictionaryFactory().get_dictionary("en")


def _english_keys(english: Any) -> Any:
    """Every form simplemma's English table knows, as bytes (the table's own keys)."""
    raw: Any = getattr(english, "_dict", None)
    if isinstance(raw, dict):
        return raw.keys()
    return [text.encode() for text in english]  # pragma: no cover - other simplemma layouts


class _Analysers:
    """The full pymorphy3 analyser and simplemma's English table, for computing expansions."""

    def __init__(self) -> None:
        import pymorphy3  # type: ignore[import-untyped]

        self.russian: Any = pymorphy3.MorphAnalyzer()
        self.english: Any = _simplemma_english()

    def english_forms(self, lemmas: set[str]) -> dict[str, list[str]]:
        """Inflections of each of ``lemmas``, read from simplemma's form -> lemma table.

        The table holds bytes; comparing bytes and decoding only the hits keeps one pass over
        its 180,000 entries at a few tens of milliseconds.
        """
        raw: Any = getattr(self.english, "_dict", None)
        inverse: dict[str, list[str]] = {}
        if isinstance(raw, dict):
            wanted = {lemma.encode() for lemma in lemmas}
            for form, lemma in raw.items():
                if lemma in wanted and form.islower():
                    inverse.setdefault(lemma.decode(), []).append(form.decode())
            return inverse
        for text, lemma in self.english.items():  # pragma: no cover - other simplemma layouts
            if lemma in lemmas and text.islower():
                inverse.setdefault(lemma, []).append(text)
        return inverse

    def expand(self, words: set[str]) -> dict[str, set[str]]:
        """Every inflected form of each of ``words`` (alphabetic words only)."""
        english = {w for w in words if not is_cyrillic(w)}
        bases = {w for w in english if self.english.get(w) == w}
        inflections = self.english_forms(bases) if bases else {}
        out: dict[str, set[str]] = {}
        for word in words:
            if is_cyrillic(word):
                out[word] = self.russian_forms(word)
            else:
                out[word] = {word, *inflections.get(word, ())}
        return out

    def russian_forms(self, word: str) -> set[str]:
        parses = [p for p in self.russian.parse(word) if p.score >= MIN_SCORE]
        found = {word}
        partners: set[str] = set()
        nouns = [p for p in parses if p.tag.POS == "NOUN"]
        if nouns:
            # A listed noun is written in its dictionary (nominative) form, so where a form is
            # both a genitive singular and a nominative plural ("бедра", "икры", "ягодицы",
            # "стопы"), the nominative reading decides the number, whatever pymorphy3 rates
            # likelier: "в обоих бедрах" is a form of the listed "бедра".
            nominative = [p for p in nouns if p.tag.case == "nomn"]
            number = (nominative or nouns)[0].tag.number
            for parse in nouns:
                found |= {f.word for f in parse.lexeme if f.tag.number in (number, None)}
        for parse in parses:
            if parse.tag.POS == "NPRO":
                # A pronoun's case is its role: "меня" (something hit me) is not "я" (I did
                # something: "упал гриф, но я успел отойти"), so a listed subject matches only
                # the subject and a listed object every object form ("меня", "мне", "мной").
                subject = parse.tag.case == "nomn"
                found |= {f.word for f in parse.lexeme if (f.tag.case == "nomn") == subject}
            elif parse.tag.POS != "NOUN":
                found |= {f.word for f in parse.lexeme}
            if parse.tag.POS in _VERB_POS and parse.tag.aspect:
                for partner in self.aspect_partners(parse.normal_form, parse.tag.aspect):
                    partners |= {f.word for f in partner.lexeme if f.tag.POS in _PARTNER_POS}
        found = {f.replace("ё", "е") for f in found}
        return found | {EXACT_ONLY + f for f in {f.replace("ё", "е") for f in partners} - found}

    def aspect_partners(self, infinitive: str, aspect: str) -> list[Any]:
        """The other aspect of a verb ("сбросить" -> "сбрасывать", "повиснуть" -> "повисать",
        "опухать" -> "опухнуть"), whose forms a rule written with one aspect also means.

        pymorphy3 keeps the two aspects as separate lexemes and has no link between them, so
        the partner is derived by the regular patterns (-ить/-еть -> -ивать/-ывать with the
        root's о -> а and its consonant alternations, -нуть -> -ать, and back) plus the
        irregular pairs in ``_ASPECT_PAIRS``, and kept only if the dictionary knows it as an
        infinitive of the other aspect. Prefixes are never stripped: "помочь" is not "мочь".
        """
        want = "impf" if aspect == "perf" else "perf"
        candidates = _aspect_candidates(infinitive, aspect)
        partners = []
        for candidate in sorted(candidates):
            for parse in self.russian.parse(candidate):
                tag = parse.tag
                if (
                    tag.POS == "INFN"
                    and tag.aspect == want
                    and parse.normal_form == candidate
                    and parse.score >= MIN_SCORE
                ):
                    partners.append(parse)
                    break
        return partners


_VERB_POS = frozenset({"INFN", "VERB", "GRND", "PRTF", "PRTS"})
# The partner aspect brings its infinitive and finite forms: people write "опухает"
# for "опухло", rarely a participle of the other aspect, and each participle adds dozens of
# forms to the lexicon.
_PARTNER_POS = frozenset({"INFN", "VERB"})
# Consonants that alternate between a perfective stem and its imperfective ("подкосить" ->
# "подкашивать", "ослабить" -> "ослаблять").
_ALTERNATIONS = (
    ("ст", "щ"), ("с", "ш"), ("з", "ж"), ("т", "ч"), ("д", "ж"),
    ("б", "бл"), ("п", "пл"), ("в", "вл"), ("м", "мл"), ("ф", "фл"),
)  # fmt: skip
# Pairs no regular pattern derives, among the verbs people use for these symptoms.
_ASPECT_PAIRS = (
    ("упасть", "падать"), ("проснуться", "просыпаться"), ("отняться", "отниматься"),
    ("подогнуться", "подгибаться"), ("двинуть", "двигать"), ("встать", "вставать"),
    ("сесть", "садиться"), ("лечь", "ложиться"), ("уснуть", "засыпать"),
    ("заснуть", "засыпать"), ("вырвать", "рвать"), ("стошнить", "тошнить"),
)  # fmt: skip


def _aspect_candidates(infinitive: str, aspect: str) -> set[str]:
    """Infinitives that may be the other aspect of ``infinitive`` (checked by the caller)."""
    reflexive = infinitive.endswith(("ся", "сь"))
    base, post = (infinitive[:-2], infinitive[-2:]) if reflexive else (infinitive, "")
    out = {b if a == infinitive else a for a, b in _ASPECT_PAIRS if infinitive in (a, b)}
    if aspect == "perf":
        if base.endswith("януть"):
            out.add(base[:-5] + "ять" + post)
        if base.endswith("нуть"):
            out |= {base[:-4] + end + post for end in ("ать", "ивать")}
        elif base.endswith(("ить", "еть", "ать", "ять")):
            stems = {base[:-3]}
            vowel = base[:-3].rfind("о")
            if vowel >= 0:
                stems.add(base[:vowel] + "а" + base[vowel + 1 : -3])
            for stem in list(stems):
                stems |= {stem[: -len(a)] + b for a, b in _ALTERNATIONS if stem.endswith(a)}
            ends = ("ывать", "ивать", "ать", "ять", "евать")
            out |= {stem + end + post for stem in stems for end in ends}
    elif base.endswith(("ывать", "ивать")):
        stems = {base[:-5]}
        for stem in list(stems):
            stems |= {stem[: -len(b)] + a for a, b in _ALTERNATIONS if stem.endswith(b)}
        for stem in list(stems):
            vowel = stem.rfind("а")
            if vowel >= 0:
                stems.add(stem[:vowel] + "о" + stem[vowel + 1 :])
        out |= {stem + end + post for stem in stems for end in ("ить", "ать", "еть", "нуть")}
    elif base.endswith("ять"):
        out.add(base[:-3] + "януть" + post)
    elif base.endswith("ать"):
        out.add(base[:-3] + "нуть" + post)
    out.discard(infinitive)
    return out


class _RussianWords:
    """pymorphy3's ``word_is_known`` from its word list alone (no paradigms, no predictor)."""

    def __init__(self) -> None:
        import pymorphy3
        from pymorphy3.dawg import WordsDawg  # type: ignore[import-untyped]
        from pymorphy3.lang.ru import CHAR_SUBSTITUTES  # type: ignore[import-untyped]

        path = pymorphy3.MorphAnalyzer.choose_dictionary_path(None, "ru")
        self._words: Any = WordsDawg().load(os.path.join(path, "words.dawg"))
        self._substitutes = self._words.compile_replaces(CHAR_SUBSTITUTES)

    def __contains__(self, word: str) -> bool:
        return bool(self._words.similar_keys(word.lower(), self._substitutes))


class Morphology:
    """Expansions from the cache file (or the analysers), and the two word lists, on demand."""

    def __init__(self, cache_dir: Path | None = None) -> None:
        self._cache_dir = cache_dir
        self._fingerprint = _fingerprint()
        #: word -> its forms, space-separated (one string per word: a tenth of the memory of
        #: a list of strings, and the forms become the lexicon's own keys when expanded)
        self._table: dict[str, str] | None = None
        self._russian: _RussianWords | None = None
        self._english: SortedWords | None = None
        #: How often the full analysers were loaded (0 when the cache held everything).
        self.analyser_loads = 0

    @property
    def fingerprint(self) -> str:
        """What the cached expansions depend on, for the caches built from them."""
        return self._fingerprint

    @property
    def cache_dir(self) -> Path:
        return self._cache_dir or default_cache_dir()

    def _path(self, kind: str, suffix: str) -> Path:
        return self.cache_dir / f"morphology-{kind}-{self._fingerprint}.{suffix}"

    # ----------------------------------------------------------------------- expansions

    def expand(self, words: set[str]) -> dict[str, set[str]]:
        """Every inflected form each of ``words`` stands for in a phrase list, itself included.

        Forms of a verb's other aspect come marked with ``EXACT_ONLY``: they match as typed,
        but a typo is never read as one of them (each would add hundreds of forms to the typo
        look-up of every unknown word, for a p99 three times as slow).
        """
        table = self._forms_table()
        missing = {w for w in words if w.isalpha() and w not in table}
        if missing:
            self._compute(missing, table)
        return {w: set(table[w].split(" ")) if w.isalpha() else {w} for w in words}

    def release_forms(self) -> None:
        """Drop the word-forms table once a lexicon is built from it (about 8 MB that every
        running bot would otherwise keep for nothing); a later ``expand`` reads it again."""
        self._table = None

    def _forms_table(self) -> dict[str, str]:
        if self._table is None:
            self._table = self._read_table()
        return self._table

    def _read_table(self) -> dict[str, str]:
        try:
            data = json.loads(self._path("forms", "json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        forms = data.get("forms") if isinstance(data, dict) else None
        if not isinstance(forms, dict) or not all(isinstance(v, str) for v in forms.values()):
            return {}  # not ours, or damaged: recompute
        return forms

    def _compute(self, missing: set[str], table: dict[str, str]) -> None:
        """Load the analysers, expand ``missing`` into ``table``, save, release them."""
        analysers = _Analysers()
        self.analyser_loads += 1
        try:
            if len(table) + len(missing) > MAX_CACHED_WORDS:
                table.clear()
            table.update({w: " ".join(sorted(f)) for w, f in analysers.expand(missing).items()})
            write_atomically(self._path("forms", "json"), json.dumps({"forms": table}).encode())
            english = self._path("english", "txt")
            if not english.exists():
                self._english = SortedWords.of(_english_keys(analysers.english))
                write_atomically(english, self._english.blob)
        finally:
            del analysers
            gc.collect()  # the analysers hold reference cycles; free their 45 MB now

    # ----------------------------------------------------------------------- known words

    def is_known(self, word: str) -> bool:
        """True when ``word`` is a real word of its language (so not a typo of another)."""
        if is_cyrillic(word):
            if self._russian is None:
                self._russian = _RussianWords()
            return word in self._russian
        return word.encode() in self._english_words()

    def _english_words(self) -> SortedWords:
        if self._english is None:
            path = self._path("english", "txt")
            try:
                self._english = SortedWords(path.read_bytes())
            except OSError:
                self._english = SortedWords.of(_english_keys(_simplemma_english()))
                write_atomically(path, self._english.blob)
        return self._english
