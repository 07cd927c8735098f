"""What people really type reaches the detector intact, and nothing they type can break it.

Invisible characters pasted inside a word, Russian in Latin letters, other word forms and
typos must still be read; a real word must never be read as a typo of another ("мышцы
опухли" is not "опухоль"); 4,000-character floods, emoji and control characters must not raise,
and the per-word cache stays within its byte budget whatever arrives.
"""

from __future__ import annotations

import random

import pytest

from bot.core.redflags.cache import ByteBoundedCache
from bot.core.redflags.detector import RedFlagDetector, RedFlagHit
from bot.core.redflags.translit import cyrillic_skeleton, latin_skeleton
from bot.core.redflags.words import _fix_mixed_script, normalise


def _findings(detector: RedFlagDetector, text: str) -> dict[str, bool]:
    return {h.finding: h.certain for h in detector.detect(text)}


@pytest.mark.parametrize(
    "text",
    [
        "numb\u00adness in my groin",  # soft hyphen
        "numb\u200dness in my groin",  # zero-width joiner
        "numb\u200bness in my\ufeff groin",  # zero-width space, BOM
        "\u202enumbness in my groin",  # bidi override
        "онеме\u200cние в паху",  # zero-width non-joiner
        "онемени\u00ad\u00adе в промежности",
    ],
)
def test_invisible_characters_inside_a_word_do_not_hide_it(
    detector: RedFlagDetector, text: str
) -> None:
    assert _findings(detector, text).get("saddle_numbness") is True


def test_control_characters_separate_words() -> None:
    assert normalise("numb\x00down\x07there") == "numb down there"


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("lost 6kg w/o dieting", "lost 6kg without dieting"),
        ("W/out trying", "without trying"),
        ("pain w/ fever", "pain with  fever"),
        ("saw/o", "saw/o"),  # inside a word: left alone
    ],
)
def test_slash_shorthand_is_spelled_out(typed: str, read: str) -> None:
    """ "w/o" would split into the letters w and o, and the denial it carries be lost."""
    assert normalise(typed) == read


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        ("onemel pakh", "saddle_numbness"),
        ("ne mogu pisat uzhe sutki", "bladder_or_bowel_dysfunction"),
        ("nogi otkazali", "sudden_leg_paralysis"),
        ("vyzovi skoruyu", "asks_for_emergency_help"),
        ("upala so stremyanki", "major_trauma"),
    ],
)
def test_russian_in_latin_letters_is_read_as_russian(
    detector: RedFlagDetector, text: str, finding: str
) -> None:
    assert finding in _findings(detector, text)


def test_negation_in_latin_letters_still_negates(detector: RedFlagDetector) -> None:
    assert _findings(detector, "onemeniya v pakhu net") == {}


def test_english_is_not_read_as_transliterated_russian(detector: RedFlagDetector) -> None:
    assert _findings(detector, "my mom made pasta, no problems") == {}


@pytest.mark.parametrize(
    ("latin", "cyrillic"),
    [
        ("chuvstvuyu", "чувствую"),
        ("kholodnyy", "холодный"),
        ("vstat", "встать"),
        ("pomosch", "помощь"),
    ],
)
def test_spellings_of_one_russian_word_share_a_skeleton(latin: str, cyrillic: str) -> None:
    assert latin_skeleton(latin) == cyrillic_skeleton(cyrillic)


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        ("не чувствую ягодиц", "saddle_numbness"),  # genitive plural of "ягодицы"
        ("в ногах покалывание, в обеих", "bilateral_leg_symptoms"),
        ("онимение в промежности", "saddle_numbness"),  # a typo
        ("numbnes in my crotch", "saddle_numbness"),
        ("I have fallen off a ladder", "major_trauma"),  # "fall" stands for "fallen"
    ],
)
def test_other_forms_and_typos_still_match(
    detector: RedFlagDetector, text: str, finding: str
) -> None:
    assert finding in _findings(detector, text)


@pytest.mark.parametrize(
    "text", ["мышцы опухли", "мышцы опухли после тренировки", "never had a problem", "I'm fine"]
)
def test_a_real_word_is_never_read_as_a_typo_of_another(
    detector: RedFlagDetector, text: str
) -> None:
    found = _findings(detector, text)
    assert "history_of_cancer" not in found and "fever_or_chills" not in found


def test_a_plural_stays_plural(detector: RedFlagDetector) -> None:
    """ "обе ноги" forms must not match one leg: "нога онемела" is one leg, not both."""
    assert "bilateral_leg_symptoms" not in _findings(detector, "правая нога онемела")


@pytest.mark.parametrize(
    "text", ["I feel like I'm going to pass out", "кажется, я сейчас потеряю сознание"]
)
def test_feeling_about_to_faint_is_certain_not_doubt(detector: RedFlagDetector, text: str) -> None:
    assert _findings(detector, text).get("faint_dizzy_or_clammy") is True


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("my mum had cancer", {}),
        ("my mum had cancer and I had a melanoma removed", {"history_of_cancer": True}),
        ("cancer screening came back clear", {}),
        ("I had cancer ten years ago", {"history_of_cancer": True}),
        ("I fainted years ago at school", {}),
        ("my friend collapsed at the gym", {"faint_dizzy_or_clammy": False}),
        ("chest is sore after bench press", {"chest_or_abdominal_pain": False}),
        ("crushing chest pain after bench press", {"chest_or_abdominal_pain": True}),
        ("my legs gave out on the last rep", {}),
        ("no fever, but I can't feel my groin", {"saddle_numbness": True}),
        ("zero feeling down there", {"saddle_numbness": True}),
        ("без чувствительности в промежности", {"saddle_numbness": True}),
        ("the bar fell on the floor", {}),
        ("I slipped and fell on the floor", {"minor_fall_or_jolt": True}),
        # an explanation never silences an emergency finding: asked, with the number
        ("my feet are numb from the cold outside", {"bilateral_leg_symptoms": False}),
        ("my pee is darker when I don't drink enough", {"dark_urine_after_exercise": False}),
        ("can't walk after leg day lol", {"cannot_walk_or_care_for_self": False}),
        ("the ambulance went past the gym", {}),
        ("мне не нужна скорая", {}),
    ],
)
def test_whose_symptom_when_and_why(
    detector: RedFlagDetector, text: str, expected: dict[str, bool]
) -> None:
    assert _findings(detector, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "🆘",
        "help",
        "please help me",
        "call an ambulance",
        "вызовите скорую",
        "помогите",
    ],
)
def test_a_plea_for_help_is_a_finding(detector: RedFlagDetector, text: str) -> None:
    assert "asks_for_emergency_help" in _findings(detector, text)


def test_help_with_something_else_is_not_a_plea(detector: RedFlagDetector) -> None:
    for text in (
        "can you help me understand DOMS?",
        "thanks for the help",
        "что помогает от крепатуры?",
    ):
        assert _findings(detector, text) == {}, text


def _nasty(seed: int) -> list[str]:
    rng = random.Random(seed)
    alphabet = "abcdefghijklmnopqrstuvwxyzабвгдежзийклмнопрстуфхцчшщыьэюя"
    words = ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 12))) for _ in range(700)]
    return [
        " ".join(words)[:4000],
        "😀🔥💪" * 1333,
        "".join(chr(rng.randrange(0, 0x3000)) for _ in range(4000)),
        "\x00\x01\x1b[31m" * 500,
        "a" * 4000,
        "numb " * 800,
        "🆘" + "\u200d" * 3999,
    ]


@pytest.mark.parametrize("index", range(7))
def test_bad_input_never_raises(detector: RedFlagDetector, index: int) -> None:
    hits = detector.detect(_nasty(index)[index])
    assert all(isinstance(h, RedFlagHit) for h in hits)


def test_the_word_cache_stays_within_its_byte_budget(detector: RedFlagDetector) -> None:
    cache = detector.word_cache
    for seed in range(6):
        detector.detect(_nasty(seed)[0])
    assert 0 < cache.bytes <= cache.max_bytes
    for n in range(3000):  # long unique "words" must not let the cache grow past its budget
        detector.detect(f"{n}x" + "q" * 37)
    assert cache.bytes <= cache.max_bytes


def test_byte_bounded_cache_evicts_the_least_recently_used() -> None:
    cache: ByteBoundedCache[int] = ByteBoundedCache(max_bytes=600, size_of=lambda v: 8)
    for key in ("a", "b", "c"):
        cache.put(key, 1)
    assert cache.get("a") == 1  # "a" is now the most recently used
    cache.put("d", 1)
    cache.put("e", 1)
    assert cache.get("a") == 1
    assert cache.get("b") is None
    assert cache.bytes <= 600
    cache.put("huge" * 1000, 1)  # larger than the whole budget: not stored
    assert cache.get("huge" * 1000) is None


@pytest.mark.parametrize(
    ("text", "finding"),
    [
        ("немогу пописать", "bladder_or_bowel_dysfunction"),
        ("нечувствую промежность", "saddle_numbness"),
        ("i cant wlak", "cannot_walk_or_care_for_self"),
    ],
)
def test_a_glued_negation_and_a_swap_after_the_first_letter_still_match(
    detector: RedFlagDetector, text: str, finding: str
) -> None:
    """ "не" typed onto its verb is split off; the second and third letters swapped are one
    typo, like any other."""
    assert finding in _findings(detector, text)


@pytest.mark.parametrize("text", ["немного болит спина после зала", "неделю назад тянул становую"])
def test_real_words_starting_with_ne_stay_whole(detector: RedFlagDetector, text: str) -> None:
    assert _findings(detector, text) == {}


def test_the_start_filter_never_hides_a_word(
    detector: RedFlagDetector, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``Lexicon._may_match`` turns most words of a nonsense flood away on their first two
    letters: every word it turns away, looked up in full (typos, transposed letters, swapped
    vowels, chat spellings, mixed scripts), finds nothing either."""
    lexicon = detector._lexicon
    rng = random.Random(2)
    letters = "abcdefghijklmnopqrstuvwxyzабвгдежзийклмнопрстуфхцчшщъыьэюя'"
    words = ["".join(rng.choice(letters) for _ in range(rng.randint(1, 9))) for _ in range(6000)]
    words += ["памагите", "wlak", "cnt", "нмеею", "оннемел", "плхо", "nmub", "пмоги", "ьпомогите"]
    turned_away = [
        w
        for w in words
        if w[:1] in lexicon._first_letters and not lexicon._may_match(_fix_mixed_script(w))
    ]
    assert len(turned_away) > len(words) / 3  # the filter does its job on nonsense
    monkeypatch.setattr(type(lexicon), "_may_match", lambda self, word: True)
    detector.clear_caches()
    try:
        assert [w for w in turned_away if lexicon.classify(w)] == []
    finally:
        detector.clear_caches()
