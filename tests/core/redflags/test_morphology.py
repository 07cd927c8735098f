"""The dictionaries' cache and word lists answer exactly what the full analysers answer."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.core.redflags.morphology import (
    EXACT_ONLY,
    Morphology,
    SortedWords,
    _Analysers,
    is_cyrillic,
)

WORDS = {"ноги", "ягодицы", "отнялись", "онемел", "fall", "leg", "legs", "fell", "numb", "x1"}
PROBES = [
    *["опухли", "опухоль", "ёжик", "ежик", "еж", "ЕЛКА", "онимение", "ногами", "ягодиц"],
    *["never", "fever", "numbnes", "falling", "legs", "zzzq", "", "a", "Paris", "paris"],
    *["nogi", "ne", "chuvstvuyu", "don't", "o'clock", "naïve"],
]


@pytest.fixture(scope="module")
def analysers() -> _Analysers:
    return _Analysers()


@pytest.fixture(scope="module")
def filled(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, set[str]]]:
    """A cache directory after one first start: the expansions of WORDS and the word list."""
    folder = tmp_path_factory.mktemp("morphology")
    first = Morphology(folder)
    expanded = first.expand(WORDS)
    assert first.analyser_loads == 1
    return folder, expanded


def test_expansions_from_the_cache_file_equal_the_analysers(
    filled: tuple[Path, dict[str, set[str]]], analysers: _Analysers, tmp_path: Path
) -> None:
    folder, expanded = filled
    alpha = {w for w in WORDS if w.isalpha()}
    assert expanded == analysers.expand(alpha) | {"x1": {"x1"}}
    assert {"ног", "ногах"} <= expanded["ноги"] and "нога" not in expanded["ноги"]
    assert {"falls", "fell", "fallen", "falling"} <= expanded["fall"]
    assert expanded["legs"] == {"legs"}

    shutil.copytree(folder, tmp_path, dirs_exist_ok=True)
    again = Morphology(tmp_path)  # a restart reads the file and loads no analyser
    assert again.expand(WORDS) == expanded
    assert again.analyser_loads == 0
    assert again.expand(WORDS | {"спина"})["спина"] == analysers.russian_forms("спина")
    assert again.analyser_loads == 1  # only for the word the file did not hold
    assert Morphology(tmp_path).expand({"спина"}) == {"спина": analysers.russian_forms("спина")}


def test_is_known_agrees_with_pymorphy3_and_simplemma(
    filled: tuple[Path, dict[str, set[str]]], analysers: _Analysers, tmp_path: Path
) -> None:
    for folder in (filled[0], tmp_path):  # the word list read from the cache, then built
        morphology = Morphology(folder)
        for word in PROBES:
            if is_cyrillic(word):  # the same split as before the cache (tokens are lower case)
                expected = analysers.russian.word_is_known(word)
            else:
                expected = analysers.english.get(word) is not None
            assert morphology.is_known(word) is bool(expected), word
        assert morphology.analyser_loads == 0


def test_a_damaged_or_unwritable_cache_only_costs_time(
    filled: tuple[Path, dict[str, set[str]]], tmp_path: Path
) -> None:
    good = {"ноги": filled[1]["ноги"]}
    shutil.copytree(filled[0], tmp_path, dirs_exist_ok=True)
    for path in tmp_path.iterdir():
        path.write_bytes(b"{not json")
    damaged = Morphology(tmp_path)
    assert damaged.expand({"ноги"}) == good
    assert damaged.analyser_loads == 1

    blocked = tmp_path / "file"
    blocked.write_text("a file where the cache directory should be")
    readonly = Morphology(blocked)
    assert readonly.expand({"ноги"}) == good
    assert readonly.is_known("never") and not readonly.is_known("nevr")


@given(st.sets(st.binary(max_size=6).filter(lambda b: b"\n" not in b)), st.binary(max_size=6))
def test_sorted_words_membership_is_set_membership(words: set[bytes], probe: bytes) -> None:
    listed = SortedWords.of(words)
    assert all(word in listed for word in words)
    assert (probe in listed) is (probe in words)


@pytest.mark.parametrize(
    ("listed", "typed"),
    [("бедра", "бедрах"), ("икры", "икрами"), ("ягодицы", "ягодицам"), ("стопы", "стопах")],
)
def test_a_listed_nominative_plural_also_stands_for_its_other_plural_forms(
    analysers: _Analysers, listed: str, typed: str
) -> None:
    """ "бедра" is also a genitive singular, which pymorphy3 rates likelier; a list writes the
    nominative, so the plural wins: "в обоих бедрах" is the listed "бедра"."""
    assert typed in analysers.russian_forms(listed)


@pytest.mark.parametrize(
    ("listed", "typed"),
    [
        ("сбросил", "сбрасываю"),
        ("повисла", "повисает"),
        ("подкашивается", "подкосилась"),
        ("опухло", "опухает"),
        ("проснулся", "просыпаюсь"),
        ("кашлянул", "кашляю"),
    ],
)
def test_a_listed_verb_stands_for_its_other_aspect(
    analysers: _Analysers, listed: str, typed: str
) -> None:
    """Matched as typed, never as the target of a typo (marked ``EXACT_ONLY``)."""
    assert EXACT_ONLY + typed in analysers.russian_forms(listed)


def test_a_prefix_is_never_stripped_to_find_an_aspect(analysers: _Analysers) -> None:
    """ "помочь" (help) is not a form of "мочь" (can): "могу" must not be a plea."""
    assert not {"могу", EXACT_ONLY + "могу"} & analysers.russian_forms("помогите")


def test_a_listed_pronoun_keeps_its_role(analysers: _Analysers) -> None:
    """ "меня" (it hit me) stands for every object form, never for the subject "я": "the
    bar fell, but I stepped away" is no bar falling on me."""
    forms = analysers.russian_forms("меня")
    assert {"мне", "мной"} <= forms
    assert "я" not in forms
    assert analysers.russian_forms("я") == {"я"}
