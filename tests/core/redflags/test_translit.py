"""Spellings the detector reads through: Latin letters and swapped unstressed vowels."""

from __future__ import annotations

from bot.core.redflags.translit import MAX_VOWEL_SWAPS, vowel_variants


def test_vowel_variants_come_fewest_swaps_first() -> None:
    variants = vowel_variants("памагите")
    assert [swaps for swaps, _ in variants] == sorted(swaps for swaps, _ in variants)
    assert (2, "помогите") in variants
    assert len(variants) == 2**4 - 1  # four vowels that people swap: а, а, и, е


def test_a_latin_skeleton_swaps_its_own_vowels() -> None:
    assert (1, "pomagite") in vowel_variants("pamagite")
    assert (2, "temperatura") in vowel_variants("timpiratura")


def test_a_long_word_tries_a_bounded_number_of_spellings() -> None:
    assert len(vowel_variants("аааааааааааа")) == 2**MAX_VOWEL_SWAPS - 1
    assert vowel_variants("хлб") == []
