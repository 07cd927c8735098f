"""Read Russian typed in Latin letters ("ne chuvstvuyu nogi") as the Cyrillic words it spells.

Why: many Russian speakers type in Latin letters (a phone without a Cyrillic keyboard, a habit
from chats), with no single spelling: "ya"/"ja"/"ia" for я, "y"/"j"/"i" for й, "h"/"kh" for х,
"x" for х as well as for кс ("xodit'", "taxi"), "q" for я, "u"/"yu" for ю ("otkluchus"),
"c"/"ts" for ц ("myshcy"), soft signs left out ("vstat" for встать). Both scripts are
therefore folded to one Latin *skeleton* that drops what people leave out (ь, ъ), merges what
they confuse (й/и/ы, е/э/ё, щ/ш, ю/у) and writes each letter the way most people do. A Latin
word whose skeleton equals the skeleton of a Cyrillic word of the phrase lists is read as that
word.

Skeleton collisions can only map a Latin word onto words of our own lists, never onto
arbitrary Russian, and the detector applies them only to messages that read as Russian
(:func:`looks_transliterated`).
"""

from __future__ import annotations

import re

_CYRILLIC = str.maketrans(
    {
        "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh",
        "з": "z", "и": "i", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o",
        "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "h", "ц": "ts",
        "ч": "ch", "ш": "sh", "щ": "sh", "ъ": "", "ы": "i", "ь": "", "э": "e", "ю": "u",
        "я": "ia",
    }
)  # fmt: skip

# Longest first: "shch" before "sh", "kh" before "h"; applied to a lower-case Latin word.
_LATIN = [
    ("shch", "sh"), ("sch", "sh"), ("kh", "h"), ("tz", "ts"), ("cz", "ch"), ("ch", "ch"),
    ("iu", "u"), ("yu", "u"), ("ju", "u"), ("c", "ts"), ("ya", "ia"), ("ja", "ia"),
    ("yo", "e"), ("jo", "e"), ("ye", "e"), ("je", "e"), ("y", "i"), ("j", "i"), ("w", "v"),
    ("x", "ks"), ("q", "k"), ("'", ""),
]  # fmt: skip
_LATIN_RE = re.compile("|".join(re.escape(a) for a, _ in _LATIN))
_LATIN_MAP = dict(_LATIN)
_DOUBLE_I = re.compile("i{2,}")


def cyrillic_skeleton(word: str) -> str:
    """'чувствую' -> 'chuvstvuiu'; 'встать' -> 'vstat'. "сч" is read as the "щ" it sounds
    like, as Latin "sch" is: "schastya" is "счастья"."""
    return _DOUBLE_I.sub("i", word.replace("сч", "щ").translate(_CYRILLIC))


def latin_skeleton(word: str) -> str:
    """'chuvstvuyu' -> 'chuvstvuiu'; 'kholodnyy' -> 'holodni'."""
    return _DOUBLE_I.sub("i", _LATIN_RE.sub(lambda m: _LATIN_MAP[m[0]], word))


_CHAT_LETTERS = str.maketrans({"x": "h", "q": "ya", "w": "sh"})


def latin_skeletons(word: str) -> tuple[str, ...]:
    """The skeletons a Latin word may spell: chat Russian writes х as "x" ("xodit'",
    "lixoradit") far more often than кс, я as "q" ("menq", "tqgi") and ш as "w" ("xorowo"), so
    a word with one of these letters has both readings."""
    skeleton = latin_skeleton(word)
    chat = word.translate(_CHAT_LETTERS)
    if chat == word:
        return (skeleton,)
    return skeleton, latin_skeleton(chat)


# Unstressed vowels sound alike, so chat Russian mixes them up: "памагите", "тимпиратура",
# "патерял сазнание", "балит". Only these swaps, each a vowel people write for the other.
_CYRILLIC_VOWELS = {"о": "а", "а": "о", "е": "и", "и": "е", "я": "е"}
_LATIN_VOWELS = {"o": "a", "a": "o", "e": "i", "i": "e"}  # the same swaps in a skeleton
MAX_VOWEL_SWAPS = 4  # vowels considered per word: at most 15 spellings tried


_SIBILANT_RE = re.compile("(?<=[жш])ы|(?<=[чщ])[яю]")  # "шышка", "чяй": the spelling rules
_SIBILANT_FIX = {"ы": "и", "я": "а", "ю": "у"}


def vowel_variants(word: str) -> list[tuple[int, str]]:
    """Other spellings of ``word`` with unstressed vowels swapped, with how many, fewest first.

    Cyrillic words swap о/а, е/и and я for е, and a vowel the spelling rules forbid after a
    sibilant counts as one swap ("шышка" is "шишка", "чяй" is "чай"); a Latin skeleton
    (:func:`latin_skeleton`) swaps o/a and e/i. Only the first ``MAX_VOWEL_SWAPS`` vowels are
    considered."""
    if not word.isascii():
        fixed = _SIBILANT_RE.sub(lambda m: _SIBILANT_FIX[m.group()], word)
        if fixed != word:
            return sorted([(1, fixed)] + [(n + 1, v) for n, v in _swapped(fixed)])
    return _swapped(word)


def _swapped(word: str) -> list[tuple[int, str]]:
    swaps = _LATIN_VOWELS if word.isascii() else _CYRILLIC_VOWELS
    at = [i for i, letter in enumerate(word) if letter in swaps][:MAX_VOWEL_SWAPS]
    masks = sorted(range(1, 1 << len(at)), key=int.bit_count)
    out = []
    for mask in masks:
        letters = list(word)
        for bit, i in enumerate(at):
            if mask >> bit & 1:
                letters[i] = swaps[letters[i]]
        out.append((mask.bit_count(), "".join(letters)))
    return out
