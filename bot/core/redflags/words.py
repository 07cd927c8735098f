"""Turn message text into the ids of known words and terms, for the red-flag detector.

Why: the detector (:mod:`bot.core.redflags.detector`) judges phrase rules, but first it has to
know which of its words a message contains, and people type fast and in many ways: mixed case,
"ё", curly apostrophes, invisible characters pasted inside a word (a soft hyphen, a zero-width
joiner), a Latin letter inside a Cyrillic word ("онемениe"), other grammatical forms ("ягодиц",
"fallen"), typos ("numbnes", "онимение") and Russian in Latin letters ("ne chuvstvuyu"). This
module owns all of that, so the rules and the judging never see raw text:

* ``normalise`` folds Unicode form (NFKC), case, ё/е and apostrophes, and drops invisible
  format characters; control characters become spaces;
* ``tokenise`` splits a message into words, numbers, "?" and the SOS / ambulance emoji, and
  numbers its sentences and phrases;
* ``Lexicon`` registers the words and multi-word terms of the phrase lists, expands rule words
  into their inflected forms (:mod:`bot.core.redflags.morphology`), and finds every occurrence
  of every term in a token list with a word trie. A typed word that is not a real word may
  match a listed word with a typo (rapidfuzz, at most one edit up to 8 letters, two from 9);
  a real word never does. Latin words of a message that reads as transliterated Russian also
  match the Cyrillic words they spell (:mod:`bot.core.redflags.translit`). A Russian "не"
  typed onto its verb ("немогу", "нечувствую") is split off when the rest is a word.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from collections.abc import Callable, Mapping, Set
from dataclasses import dataclass, field

from rapidfuzz import process
from rapidfuzz.distance import OSA

from bot.core.redflags.cache import ByteBoundedCache
from bot.core.redflags.morphology import EXACT_ONLY, Morphology, is_cyrillic
from bot.core.redflags.table import TypoTargets, WordTable
from bot.core.redflags.translit import cyrillic_skeleton, latin_skeletons, vowel_variants
from bot.core.redflags.trie import Occurrence, TermTrie

MIN_FUZZY_LEN = 4  # typo tolerance only for words this long ...
MIN_FUZZY_STEM_LEN = 6  # ... and stems this long (a short stem plus a typo matches too much)
TWO_TYPOS_LEN = 9  # words this long may have two typos
MIN_SOUND_LEN = 5  # English words this long may be spelt as they sound ("lukemia", "blud")
MIN_SOUND_CODE = 3  # ... when their sound code is this long ("dizzy" and "daisy" are "TS")
MAX_WORD_LEN = 40  # longer "words" are noise: matched exactly, never fuzzed or transliterated
MIN_GLUED_LEN = 6  # "немогу": shorter tokens starting with "не" are left whole
MAX_GLUED_PER_MESSAGE = 20  # glued-negation checks per message (each a dictionary look-up)
MAX_FUZZY_PER_MESSAGE = 100  # typo look-ups per message: bounds the cost of a nonsense flood
MAX_RESPELT_PER_MESSAGE = 16  # words per message tried with their vowels swapped (15 look-ups each)
CACHE_BYTES = 4 * 1024 * 1024

# A message splits into chunks at these marks: "?" and sentence stops end a sentence, the
# rest ends a phrase. A dot between digits ("38.5") is part of a number, not a stop.
_MARK_RE = re.compile(r"(\?|[!;…\n]+|\.+(?!\d)|(?<!\d)\.+|[,:()\"«»/]+|\s[-–—]+\s)")
_WORD_RE = re.compile(
    r"\d+(?:[.,]\d+)?|[^\W\d_]+(?:'[^\W\d_]+)*|[\U0001F198\U0001F691]"
)  # hyphens split words; 🆘 and 🚑 are words
# The marks as a splitter: a comma between digits ("38,5") is part of a number, not a mark.
# The look-ahead lets the engine skip every position that cannot start a mark (3-8x faster).
_SPLIT_RE = re.compile(
    '(?=[?!;…\\n.,:()"«»/\\s])'
    + _MARK_RE.pattern.replace("[,:()", "(?:(?<!\\d),|,(?!\\d))+|[:()", 1)
)
# A digit inside a Latin word stands for the letter it looks like in chat Russian: "mo4e" is
# моче, "ya6ik" is ящик. Only between letters, so "4am", "10k" and "b4" stay as typed.
_DIGIT_LETTER_RE = re.compile("([a-z])([46])(?=[a-z])")
_DIGIT_LETTERS = {"4": "ch", "6": "sh"}
_HELD_LETTER_RE = re.compile(r"([^\W\d_])\1{2,}")  # "helppp", "sooo", "дааа"
_APOSTROPHES = "’‘`´ʼ"  # read as an apostrophe: str.replace is far cheaper than translate
# Invisible format characters (Unicode category Cf) and variation selectors: deleted, so a
# soft hyphen or a zero-width joiner inside a word does not split it.
_INVISIBLE_RE = re.compile(
    "[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f"
    "\ufe00-\ufe0f\ufeff\ufff9-\ufffb\U000e0001\U000e0020-\U000e007f]"
)
# Chat shorthand with a slash, which would otherwise split into letters: "w/o dieting" is
# "without dieting" (a denial the weight-loss rules read), "w/" is "with".
_SLASH_SHORTHAND_RE = re.compile(r"(?<![^\W\d_])w/(o(?:ut)?(?![^\W\d_]))?")
SHARED_MORPHOLOGY = Morphology()  # loaded on first use, shared by every detector
_CONTROL_RE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f]")  # newline (\n) still ends a sentence
_HAS_LATIN_RE = re.compile("[a-z]")
_HAS_CYRILLIC_RE = re.compile("[а-я]")
_LATIN_TO_CYRILLIC = str.maketrans("aceopxykmthb", "асеорхукмтнв")
_CYRILLIC_TO_LATIN = str.maketrans("асеорхукмтнв", "aceopxykmthb")

_NOTHING: frozenset[int] = frozenset()


# --------------------------------------------------------------------------- text


def normalise(text: str) -> str:
    """Case, Unicode form, ё/е, apostrophes and invisible characters folded."""
    if not text.isascii():
        text = _INVISIBLE_RE.sub("", text)
        if not unicodedata.is_normalized("NFKC", text):
            text = unicodedata.normalize("NFKC", text)
        for mark in _APOSTROPHES:
            if mark in text:
                text = text.replace(mark, "'")
    text = _CONTROL_RE.sub(" ", text)
    text = text.casefold().replace("ё", "е")
    if "w/" in text:
        text = _SLASH_SHORTHAND_RE.sub(_spell_out_slash, text)
    return text


def _spell_out_slash(match: re.Match[str]) -> str:
    return "without" if match.group(1) else "with "


def _sound_key(word: str) -> str:
    """First letter and metaphone code of an English word long enough to be spelt by ear,
    else "" (Russian, digits and short words are left to the other look-ups)."""
    if len(word) < MIN_SOUND_LEN or not word.isascii() or not word.isalpha():
        return ""
    # imported on first use: its library is 0.8 MB of RSS that a bot whose people press
    # buttons and spell well never needs (the compiled lexicon already holds the codes)
    from jellyfish import metaphone

    code = metaphone(word)
    return f"{word[0]}{code}" if len(code) >= MIN_SOUND_CODE else ""


def _fix_mixed_script(word: str) -> str:
    """'онемениe' with a Latin 'e' is read as all-Cyrillic (the majority script wins)."""
    if word.isascii() or not _HAS_LATIN_RE.search(word):
        return word
    cyr = len(_HAS_CYRILLIC_RE.findall(word))
    if not cyr:
        return word
    return word.translate(_LATIN_TO_CYRILLIC if 2 * cyr >= len(word) else _CYRILLIC_TO_LATIN)


@dataclass(slots=True)
class Tokens:
    """Words, numbers and '?' of a message, with the sentence and phrase each belongs to."""

    texts: list[str] = field(default_factory=list)
    sentence: list[int] = field(default_factory=list)
    phrase: list[int] = field(default_factory=list)  # commas, colons and dashes split phrases


def tokenise(text: str) -> Tokens:
    """Split normalised text; hyphens split words ("по-маленькому" -> "по", "маленькому").

    The text is split at marks first and each chunk's words are found at once: the per-word
    work stays in C, which keeps a 4,000-character message cheap.
    """
    out = Tokens()
    texts, sentences, phrases = out.texts, out.sentence, out.phrase
    sentence = phrase = 0
    text = normalise(text)
    if _HELD_LETTER_RE.search(text):  # "helppp", "feeeel": two are left, a typo away
        text = _HELD_LETTER_RE.sub(r"\1\1", text)
    if _DIGIT_LETTER_RE.search(text):  # "mo4e": chat Russian in Latin letters
        text = _DIGIT_LETTER_RE.sub(lambda m: m[1] + _DIGIT_LETTERS[m[2]], text)
    parts = _SPLIT_RE.split(text)
    last = 0  # words in the chunk before the current mark
    for n, part in enumerate(parts):
        if n % 2 == 0:  # a chunk between marks
            last = 0
            if part:
                words = _WORD_RE.findall(part)
                last = len(words)
                if words:
                    texts += words
                    sentences += [sentence] * len(words)
                    phrases += [phrase] * len(words)
            continue
        if part == "?":  # a question mark is a token: doubt lists may use it
            texts.append("?")
            sentences.append(sentence)
            phrases.append(phrase)
        phrase += 1
        if part[0] == "." and last == 1 and _one_word(parts, n + 1) and _beats(parts, n):
            continue  # "cant. talk. hurts. too. much": one word a beat is one sentence
        # an ellipsis is a pause, not a stop: "can't get up off the sofa... because I'm lazy"
        sentence += part == "?" or (part[0] in "!;\n." and not part.startswith(".."))
    return out


def _one_word(parts: list[str], n: int) -> bool:
    """The chunk ``parts[n]`` holds exactly one word."""
    return n < len(parts) and len(_WORD_RE.findall(parts[n])) == 1


def _beats(parts: list[str], n: int) -> bool:
    """The marks either side of the two one-word chunks around the full stop ``parts[n]`` are
    full stops too (or the text's ends): "cant. talk. hurts." is one sentence typed a word
    at a time, while "Dizzy? No. Fever? No." stays a checklist of answered questions."""
    before = parts[n - 2] if n >= 2 else "."
    after = parts[n + 2] if n + 2 < len(parts) else "."
    return before.lstrip()[:1] in (".", "") and after.lstrip()[:1] in (".", "")


# Russian infinitives: -ть, -чь, and the -ти of "дойти", "ползти" (not the -сти of nouns such
# as "слабости", which a list of denials often holds).
_INFINITIVE_RE = re.compile(r"\w{2,}(?:ть|чь|йти|зти)(?:ся|сь)?$")
_LATIN_INFINITIVE_RE = re.compile(r"[a-z]{2,}(?:t|t'|ch|iti|yti|zti)(?:sya|sia|sa|s)?$")  # "vstat"
NI_NEGATION_LOOKBACK = 3  # a "не" this close before "ни" already says the verb is negated


def spell_out_neither_verbs(
    tokens: Tokens, verbs: Mapping[str, tuple[str, ...]], negations: Set[str]
) -> Tokens:
    """'ни встать, ни сесть' -> 'не могу встать, не могу сесть': an elliptical list of
    infinitives after "ни" says the person cannot do any of them, with no verb of its own.
    The same in Latin letters ("ni vstat ni sest" -> "ne mogu vstat ne mogu sest").

    Only when no negation stands just before the list: "не могу ни встать, ни сесть" already
    says it (the detector keeps the list together), and "не хочу ни сидеть" is left alone.
    ``verbs`` is the neither_verbs list ("ни" -> "не могу"), ``negations`` the
    neither_negations list. Returns the same object when there is nothing to spell out
    (almost always).
    """
    texts = tokens.texts
    at: list[int] = []
    last = -10  # the previous "ни" of a verb list, and whether it was spelled out
    last_spelled = False
    for i, text in enumerate(texts[:-1]):
        if text not in verbs:
            continue
        infinitive = _LATIN_INFINITIVE_RE if text.isascii() else _INFINITIVE_RE
        if not infinitive.match(texts[i + 1]):
            continue
        if last >= i - 3 and tokens.sentence[last] == tokens.sentence[i]:
            spell = last_spelled  # the list goes on: "не хочу ни сидеть, ни стоять" stays
        else:
            spell = not any(
                texts[j] in negations and tokens.sentence[j] == tokens.sentence[i]
                for j in range(max(i - NI_NEGATION_LOOKBACK, 0), i)
            )
        last, last_spelled = i, spell
        if spell:
            at.append(i)
    if not at:
        return tokens
    out = Tokens()
    spelled = set(at)
    for i, text in enumerate(texts):
        for part in verbs[text] if i in spelled else (text,):
            out.texts.append(part)
            out.sentence.append(tokens.sentence[i])
            out.phrase.append(tokens.phrase[i])
    return out


def _typo_limit(word: str) -> int:
    return 2 if len(word) >= TWO_TYPOS_LEN else 1


# --------------------------------------------------------------------------- lexicon


def _with_respellings(prefixes: set[str]) -> frozenset[str]:
    """``prefixes`` and every one- or two-letter start that respells into one of them with
    its vowels swapped (:func:`vowel_variants`: "па" for "по"), for :meth:`Lexicon._may_match`."""
    letters = sorted({ch for prefix in prefixes for ch in prefix})
    starts = [*letters, *(a + b for a in letters for b in letters)]
    found = {s for s in starts if any(v in prefixes for _, v in vowel_variants(s))}
    return frozenset(prefixes | found)


@dataclass(frozen=True, slots=True)
class _Word:
    """A word pattern of the lists: exact text or a stem, and how loosely it may match."""

    text: str
    stem: bool
    fuzzy: bool  # typos allowed
    forms: bool  # inflected forms match too


def _size_of_ids(ids: frozenset[int]) -> int:
    return sys.getsizeof(ids)


class Lexicon:
    """Word patterns (exact words and stems), the terms built from them, and their lookup."""

    def __init__(self, morphology: Morphology | None = None) -> None:
        self.morphology = morphology or SHARED_MORPHOLOGY
        self.words: dict[_Word, int] = {}
        self.terms: dict[tuple[int, ...], int] = {}
        self.not_typos: set[str] = set()
        self.fillers: set[str] = set()  # skipped inside a multi-word term ("can't even move")
        self.spellings: dict[str, str] = {}  # chat spelling -> listed word ("cnt" -> "can't")
        # Latin-letter Russian (see the russian_markers and ambiguous_short lists)
        self.russian_markers: set[str] = set()  # say the message is Russian ("kak", "posle")
        self.ambiguous_short: set[str] = set()  # read as Russian there ("i" is "и")
        self.neither_verbs: dict[str, tuple[str, ...]] = {}  # "ни" -> ("не", "могу")
        self.neither_negations: set[str] = set()  # a negation already before "ни"
        self.concord: set[str] = set()  # a match's own "не", which a negation strengthens
        self.free_order: set[str] = set()  # "не могу": may also follow its verb (phrases.py)
        self.neither_any: set[str] = set()  # after "ни", "in no way": "ни лёжа", "ни капли"
        self.neither_openers: set[str] = set()  # before "ни", still a denial list: "и ни"
        self.laughs: set[str] = set()  # doubt words that, like "?", do not undo a denial
        self.bare_no: set[str] = set()  # a whole answer that says no: "Dizzy? No."
        self.similes: set[str] = set()  # "like": a person after it is a comparison
        # pictographs spelled as words ("🥚 = testicle"): read as those words, set by finish
        self.pictographs: dict[str, str] = {}
        self.pictograph_re: re.Pattern[str] | None = None
        self.compared: set[str] = set()  # "than": an explanation after it is outdone
        self.places: set[str] = set()  # "in": "my" after it is a place ("in my class")
        self.ni_as_ne: set[str] = set()  # endings after which "ни" is "не" typed ("ни магу")
        self.trie = TermTrie({})
        self._lengths: dict[int, int] = {}
        self._exact = WordTable({})
        # first letter + metaphone code -> indices of the listed English words in _sound_texts
        self._sounds = WordTable({})
        self._sound_texts: tuple[str, ...] = ()
        self._stems: dict[str, tuple[int, ...]] = {}
        self._stem_index: dict[str, list[tuple[str, tuple[int, ...]]]] = {}
        self._short_stems: list[tuple[str, tuple[int, ...]]] = []
        self._first_letters: set[str] = set()
        self._prefixes: frozenset[str] = frozenset()  # first two letters of every listed text
        # (first two letters, length) -> typo targets; a target maps to the word ids it stands for
        self._fuzzy_words = TypoTargets({})
        self._fuzzy_stems = TypoTargets({})
        self._fuzzy_stem_lengths: dict[str, list[int]] = {}
        self._skeletons = WordTable({})  # translit skeleton -> Cyrillic word ids
        self._skeleton_stems: dict[str, tuple[int, ...]] = {}
        self._skeleton_stem_lengths: list[int] = []
        self._cache: ByteBoundedCache[frozenset[int]] = ByteBoundedCache(CACHE_BYTES, _size_of_ids)
        self._finished = False

    @property
    def cache(self) -> ByteBoundedCache[frozenset[int]]:
        return self._cache

    def clear_caches(self) -> None:
        """Empty every cache of what was looked up (the word cache, the decoded typo
        buckets): the benchmark's cold passes."""
        self._cache.clear()
        self._fuzzy_words.clear()
        self._fuzzy_stems.clear()

    def __getstate__(self) -> dict[str, object]:
        """The compiled tables only: the shared morphology and the per-word cache stay out
        of the detector's cache file (:mod:`bot.core.redflags.compiled`)."""
        state = dict(vars(self))
        del state["morphology"], state["_cache"]
        return state

    def __setstate__(self, state: dict[str, object]) -> None:
        vars(self).update(state)
        self.morphology = SHARED_MORPHOLOGY
        self._cache = ByteBoundedCache(CACHE_BYTES, _size_of_ids)

    def term(self, phrase: str, *, fuzzy: bool, forms: bool = False) -> int:
        """Id of a term such as "can't feel" or "онемел*"; registers it on first use.

        A word written ``=word`` matches only itself: no other forms, no typos.
        """
        if self._finished:
            raise RuntimeError("a finished lexicon is read-only: register every term first")
        ids: list[int] = []
        for chunk in phrase.split():
            exact = chunk.startswith("=")
            stem = chunk.endswith("*")
            parts = tokenise(chunk.strip("=").rstrip("*")).texts
            if not parts:
                raise ValueError(f"no letters or digits in {chunk!r}")
            for n, part in enumerate(parts):
                last_stem = stem and n == len(parts) - 1
                ids.append(self._word(part, last_stem, fuzzy and not exact, forms and not exact))
        term_id = self.terms.setdefault(tuple(ids), len(self.terms))
        self._lengths[term_id] = len(ids)
        return term_id

    def term_length(self, term_id: int) -> int:
        """How many words a term has."""
        return self._lengths[term_id]

    def _word(self, text: str, stem: bool, fuzzy: bool, forms: bool) -> int:
        """Typo-tolerant words get their own id, so "never" the negation stays exact."""
        min_len = MIN_FUZZY_STEM_LEN if stem else MIN_FUZZY_LEN
        fuzzy = fuzzy and text.isalpha() and len(text) >= min_len
        key = _Word(text, stem, fuzzy, forms and not stem and text.isalpha())
        return self.words.setdefault(key, len(self.words))

    def finish(self) -> None:
        """Build the lookup tables once every term is known.

        Word-id lists are tuples, one object per distinct content (about 85,000 entries share
        fewer than 5,000): the lexicon is most of a running bot's memory.
        """
        expanded = self.morphology.expand({w.text for w in self.words if w.forms})
        shared: dict[tuple[int, ...], tuple[int, ...]] = {}
        exact: dict[str, tuple[int, ...]] = {}
        skeleton_words: dict[str, tuple[int, ...]] = {}
        fuzzy_words: dict[tuple[str, int], dict[str, tuple[int, ...]]] = {}
        fuzzy_stems: dict[tuple[str, int], dict[str, tuple[int, ...]]] = {}
        sounds: dict[str, tuple[int, ...]] = {}
        sound_texts: dict[str, int] = {}

        def add(table: dict[str, tuple[int, ...]], key: str, wid: int) -> None:
            ids = (*table.get(key, ()), wid)
            table[key] = shared.setdefault(ids, ids)

        for word, wid in self.words.items():
            texts = expanded[word.text] if word.forms else {word.text}
            table = self._stems if word.stem else exact
            skeletons = self._skeleton_stems if word.stem else skeleton_words
            fuzzy = fuzzy_stems if word.stem else fuzzy_words
            for form in texts:
                text = form.removeprefix(EXACT_ONLY)
                add(table, text, wid)
                if is_cyrillic(text):
                    add(skeletons, cyrillic_skeleton(text), wid)
                if word.fuzzy and len(text) >= MIN_FUZZY_LEN and text == form:
                    add(fuzzy.setdefault((text[:2], len(text)), {}), text, wid)
                    if not word.stem and (key := _sound_key(text)):
                        index = sound_texts.setdefault(text, len(sound_texts))
                        if index not in sounds.get(key, ()):
                            add(sounds, key, index)
        del expanded
        self.morphology.release_forms()
        self._first_letters = {text[:1] for text in (*exact, *self._stems)}
        self._prefixes = _with_respellings({t[:2] for t in (*exact, *self._stems, *self.spellings)})
        self.pictographs = {  # no word for the tokeniser: swapped for its word before it runs
            typed: f" {listed} "
            for typed, listed in self.spellings.items()
            if len(typed) == 1 and not _WORD_RE.fullmatch(typed)
        }
        if self.pictographs:  # one C scan finds them ("str.translate" cost 0.3 ms a flood)
            self.pictograph_re = re.compile("[" + "".join(map(re.escape, self.pictographs)) + "]")
        self._exact, self._skeletons = WordTable(exact), WordTable(skeleton_words)
        self._sounds, self._sound_texts = WordTable(sounds), tuple(sound_texts)
        del exact, skeleton_words, sounds, sound_texts
        self._fuzzy_words, self._fuzzy_stems = TypoTargets(fuzzy_words), TypoTargets(fuzzy_stems)
        for stem, ids in self._stems.items():  # stems by their first two letters
            if len(stem) < 2:
                self._short_stems.append((stem, ids))
            else:
                self._stem_index.setdefault(stem[:2], []).append((stem, ids))
        self._skeleton_stem_lengths = sorted({len(t) for t in self._skeleton_stems})
        lengths: dict[str, set[int]] = {}
        for first, n in fuzzy_stems:
            lengths.setdefault(first, set()).add(n)
        self._fuzzy_stem_lengths = {k: sorted(v) for k, v in lengths.items()}
        del fuzzy_words, fuzzy_stems
        self.trie = TermTrie(self.terms)
        # what only reading the lists needed: about 3 MB that a running bot kept for nothing
        self.words, self.terms, self._lengths = {}, {}, {}
        self._finished = True
        self._cache.clear()

    # ----------------------------------------------------------------------- matching

    def spell_pictographs(self, text: str) -> str:
        """``text`` with each listed pictograph replaced by its word ("🥚" -> " testicle ")."""
        pattern = self.pictograph_re
        if pattern is None or not pattern.search(text):
            return text
        return pattern.sub(lambda m: self.pictographs[m[0]], text)

    def classify(self, token: str, *, fuzzy: bool = True, respell: bool = True) -> frozenset[int]:
        """Word ids this token matches (cached: chat reuses words). ``fuzzy`` allows the typo
        look-up, ``respell`` the swapped vowels (:meth:`_vowel_match`): each has a budget per
        message."""
        if token[:1] not in self._first_letters:  # no listed word starts like this one
            return _NOTHING
        hit = self._cache.get(token)
        if hit is None:
            word = _fix_mixed_script(token)
            if not self._may_match(word):
                return _NOTHING
            ids = set(self._direct(word))
            variants: tuple[str, ...] = ()
            if word in self.spellings or (not ids and word.endswith("ца")):
                variants = self._chat_spellings(word)
            for variant in variants:
                ids.update(self._direct(variant))
            # a word with no ids is in no table (a listed one has its own ids): no look-up
            typo = fuzzy and self._may_be_typo(word)
            if typo and not (ids and word in self._exact):
                ids.update(self._typo_match(word))
                if not ids and variants and self._may_be_typo(variants[0]):
                    ids.update(self._typo_match(variants[0]))
            if not ids and respell and typo and is_cyrillic(word):
                ids.update(self._vowel_match(self._exact.get, word))
            elif not ids and typo:
                ids.update(self._sound_match(word))
            hit = frozenset(ids)
            if (fuzzy and respell) or ids:  # past a budget a miss is not final: not cached
                self._cache.put(token, hit)
        return hit

    def _sound_match(self, word: str) -> tuple[int, ...]:
        """English words spelt as they sound ("lukemia", "lymfoma", "groyne", "stoped"): the
        listed words with the same first letter and metaphone code, when the typo look-up found
        none and the token is no real word of its own ("barley" stays barley)."""
        key = _sound_key(word)
        heard = self._sounds.get(key) if key else ()
        if not heard or self.morphology.is_known(word):
            return ()
        limit = max(1, (len(word) + 1) // 4)  # "lymfoma" is two letters off, "lagos" no "legs"
        ids: list[int] = []
        for index in heard:
            text = self._sound_texts[index]
            if OSA.distance(word, text, score_cutoff=limit) <= limit:
                ids += self._exact.get(text)
        return tuple(ids)

    def _may_match(self, word: str) -> bool:
        """False when no look-up of :meth:`classify` can find this word: no listed text (word,
        stem or chat spelling) starts with its first two letters, nor with them transposed
        (the typo look-up's "wlak") or with their vowels swapped (the respelling look-up's
        "памагите"). Most words of a nonsense flood stop here, before any table is read."""
        prefixes = self._prefixes
        first = word[:2]
        if first in prefixes or word[0] + word[2:3] in prefixes:
            return True
        return bool(self._short_stems) or "'" in word[:3]  # a one-letter stem; "'cause"

    def _vowel_match(
        self, table: Callable[[str, tuple[int, ...]], tuple[int, ...]], word: str
    ) -> list[int]:
        """Ids in ``table`` (a word form or a skeleton table's ``get``) of what this word spells
        with its unstressed vowels swapped ("памагите" is "помогите", "pamagite" spells it):
        the fewest swaps that find any. A real word ("пала", "мола") is never read as
        another one."""
        found: list[int] = []
        fewest = 0
        for swaps, variant in vowel_variants(word):
            if found and swaps > fewest:
                break
            hit = table(variant, ())
            if hit:
                found += hit
                fewest = swaps
        if found and self.morphology.is_known(word):
            return []
        return found

    def _chat_spellings(self, word: str) -> tuple[str, ...]:
        """How a chat word that matches nothing itself may be spelt in the lists: the listed
        ``spellings`` ("cnt" -> "can't") and the Russian "-ца" for "-тся" / "-ться"
        ("двигаюца"). A letter held down is folded for the whole message in ``tokenise``."""
        out: list[str] = []
        listed = self.spellings.get(word)
        if listed:
            out.append(listed)
        if word.endswith("ца") and len(word) > 4 and is_cyrillic(word):
            stem = word[:-3] if word.endswith("цца") else word[:-2]
            out += [stem + "тся", stem + "ться"]
        return tuple(out)

    def _direct(self, token: str) -> list[int]:
        if token.endswith("'s") and token not in self._exact:  # "taint's", "leg's"
            token = token[:-2]
        found = list(self._exact.get(token, ()))
        if len(token) > 3:  # "havent" is also "haven't", "can't" also "cant"
            if "'" in token:
                found += self._exact.get(token.replace("'", ""), ())
            elif token.endswith("nt"):
                found += self._exact.get(token[:-2] + "n't", ())
        for stem, ids in self._stem_index.get(token[:2], ()):
            if token.startswith(stem):
                found += ids
        for stem, ids in self._short_stems:
            if token.startswith(stem):
                found += ids
        return found

    def _may_be_typo(self, token: str) -> bool:
        return (
            MIN_FUZZY_LEN <= len(token) <= MAX_WORD_LEN
            and token.isalpha()
            and token not in self.not_typos
        )

    def _typo_match(self, token: str) -> set[int]:
        """Listed words (whole token) and stems (token prefix) within the typo limit.

        The first two letters must be right (typos there are rare, allowing them turns "never"
        into "fever", and it keeps each comparison to a handful of candidates) except for the
        second and third swapped ("wlak" is "walk"), and a token
        that is itself a real word is never a typo of another.
        """
        first = token[:2]
        limit = _typo_limit(token)
        words, stems = self._fuzzy_words, self._fuzzy_stems
        candidates: list[tuple[str, TypoTargets, int, int]] = []
        # the second and third letters swapped ("wlak", "mvoe") is the one typo allowed to
        # reach the first two letters: a transposition, not a different word
        swapped = token[0] + token[2] if len(token) > 2 and token[2] != token[1] else ""
        for n in range(len(token) - limit, len(token) + limit + 1):
            for key in (first, swapped) if swapped else (first,):
                bucket = words.bucket(key, n)
                if bucket >= 0:
                    candidates.append((token, words, bucket, limit))
        for n in self._fuzzy_stem_lengths.get(first, ()):
            bucket = stems.bucket(first, n)
            for k in (n - 1, n, n + 1):
                if k <= len(token):
                    candidates.append((token[:k], stems, bucket, 1))
        found: set[int] = set()
        known: bool | None = None
        for probe, targets, bucket, cutoff in candidates:
            matches = process.extract(
                probe, targets.texts(bucket), scorer=OSA.distance, score_cutoff=cutoff, limit=None
            )
            if not matches:
                continue
            if known is None:
                known = self.morphology.is_known(token)
            if known:
                return set()
            for _, _, index in matches:
                found.update(targets.ids(bucket, index))
        return found

    def transliterated(self, token: str, *, respell: bool = True) -> frozenset[int]:
        """Cyrillic word ids a Latin token spells ("nogi" -> ноги), if any; with ``respell``
        also with its vowels swapped ("pamagite")."""
        key = "\x00" + token
        hit = self._cache.get(key)
        if hit is None:
            skeletons = latin_skeletons(token)
            ids = [i for skeleton in skeletons for i in self._spelled(skeleton)]
            if not ids and respell and MIN_FUZZY_LEN <= len(token) <= MAX_WORD_LEN:
                for skeleton in skeletons:
                    ids += self._vowel_match(self._skeletons.get, skeleton)
            hit = frozenset(ids)
            if respell or ids:
                self._cache.put(key, hit)
        return hit

    def _spelled(self, skeleton: str) -> list[int]:
        """Cyrillic word ids whose skeleton is ``skeleton`` (words) or starts it (stems)."""
        ids = list(self._skeletons.get(skeleton, ()))
        if skeleton.endswith("tsa"):  # "-tsa" / "-ca" is also how chat spells "-ться"
            ids += self._skeletons.get(skeleton[:-1] + "ia", ())
        for n in self._skeleton_stem_lengths:
            if n > len(skeleton):
                break
            ids += self._skeleton_stems.get(skeleton[:n], ())
        return ids

    def split_glued_negation(self, tokens: Tokens) -> Tokens:
        """'нечувствую', 'немогу' -> 'не', 'чувствую': the particle typed onto its verb.

        Only a Cyrillic token that is not a real word itself, and whose rest is a real word
        or a word of the lists, is split, so "немец" or "нельзя" stay whole. Returns the
        same object when nothing is glued (almost always).
        """
        maybe = [
            i
            for i, text in enumerate(tokens.texts)
            if len(text) >= MIN_GLUED_LEN and text.startswith("не")
        ][:MAX_GLUED_PER_MESSAGE]  # bounds the cost of a flood of such words
        glued = [i for i in maybe if self._is_glued(tokens.texts[i])]
        if not glued:
            return tokens
        out = Tokens()
        at = set(glued)
        for i, text in enumerate(tokens.texts):
            parts = ("не", text[2:]) if i in at else (text,)
            for part in parts:
                out.texts.append(part)
                out.sentence.append(tokens.sentence[i])
                out.phrase.append(tokens.phrase[i])
        return out

    def _is_glued(self, text: str) -> bool:
        rest = text[2:]
        if self.morphology.is_known(text):
            return False
        return rest in self._exact or self.morphology.is_known(rest) or bool(self._typo_of(rest))

    def _typo_of(self, rest: str) -> set[int]:
        return self._typo_match(rest) if len(rest) >= MIN_FUZZY_LEN else set()

    def find_terms(self, texts: list[str]) -> dict[int, list[Occurrence]]:
        """Every occurrence of every known term, walking the word trie from each token.

        A filler word ("even", "fucking", "даже", "вообще") inside a multi-word term is
        stepped over: "can't even move", "не могу даже пошевелиться" are "can't move", "не
        могу пошевелиться". A term never starts or ends on one.
        """
        ids = self._word_ids(texts)
        fillers = self.fillers
        skippable = [t in fillers for t in texts] if fillers and fillers.intersection(texts) else []
        return self.trie.find(ids, skippable)

    def _word_ids(self, texts: list[str]) -> list[frozenset[int]]:
        """Word ids per token; Latin tokens of a transliterated message also get Cyrillic ids.

        Each distinct token is looked up once per message: floods repeat their words.
        """
        budget = MAX_FUZZY_PER_MESSAGE
        respell = MAX_RESPELT_PER_MESSAGE
        seen: dict[str, frozenset[int]] = {}
        ids: list[frozenset[int]] = []
        latin: list[int] = []
        for i, text in enumerate(texts):
            hit = seen.get(text)
            if hit is None:
                hit = self.classify(text, fuzzy=budget > 0, respell=respell > 0)
                typo = self._may_be_typo(text) and not (hit and text in self._exact)
                budget -= typo
                respell -= typo and not hit and is_cyrillic(text)
                seen[text] = hit
            ids.append(hit)
            if text.isascii() and len(text) <= MAX_WORD_LEN and text.replace("'", "").isalpha():
                latin.append(i)
        if not latin:
            return ids
        spelled: dict[str, frozenset[int]] = {}
        russian = False
        checked: set[str] = set()
        for i in latin:  # only a word that is no English one can show the message is Russian
            text = texts[i]
            if text in checked:
                continue
            checked.add(text)
            # its English ids, if any, are only a typo guess (a word with none is in no table)
            guessed = not ids[i] or text not in self._exact
            if not ids[i] or guessed or text in self.ambiguous_short:
                found = spelled[text] = self.transliterated(text, respell=respell > 0)
                respell -= not found and len(text) >= MIN_FUZZY_LEN
                russian = russian or (bool(found) and self._reads_as_russian(text, guessed))
        russian = russian or not self.russian_markers.isdisjoint(texts)
        if russian:
            for i in latin:
                if texts[i] not in spelled:
                    spelled[texts[i]] = self.transliterated(texts[i], respell=False)
            for i in latin:
                text = texts[i]
                found = spelled[text]
                if not found:
                    continue
                if not ids[i] or text in self.ambiguous_short:  # "i" is "и" here, not "I"
                    ids[i] = found
                elif text in self._exact or not self.morphology.is_known(text):
                    # "stopa" is стопа, not a typo of "stop"; "anus" in "onemel anus" is
                    # the listed English word and анус both
                    ids[i] = ids[i] | found
        return ids

    def _reads_as_russian(self, token: str, guessed: bool) -> bool:
        """A Latin word that spells a listed Russian word and is no English word: neither a
        word of the English lists (only a typo of one, as "stopa" of "stop", is allowed) nor
        a word of English's dictionary."""
        return guessed and len(token) >= 3 and not self.morphology.is_known(token)
