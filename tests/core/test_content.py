"""Locale completeness: every key in every language, no empty text, same placeholders."""

from __future__ import annotations

import re

from bot.core.content import Catalog, placeholders
from bot.core.flow.model import Flow
from bot.core.validation import check_content


def test_english_and_russian_have_identical_keys(catalog: Catalog) -> None:
    assert set(catalog.locales) == {"en", "ru"}
    assert catalog.texts["en"].keys() == catalog.texts["ru"].keys()


def test_no_text_is_empty(catalog: Catalog) -> None:
    for locale, texts in catalog.texts.items():
        for key, value in texts.items():
            parts = value if isinstance(value, tuple) else (value,)
            assert all(p.strip() for p in parts), f"{locale}: {key} is empty"


def test_lists_have_the_same_length_and_placeholders(catalog: Catalog) -> None:
    for key, value in catalog.texts["en"].items():
        other = catalog.texts["ru"][key]
        assert type(value) is type(other), key
        if isinstance(value, tuple):
            assert len(value) == len(other), key
        assert placeholders(value) == placeholders(other), key


def test_the_flow_finds_every_text_it_uses(flow: Flow, catalog: Catalog) -> None:
    assert list(check_content(flow, catalog)) == []


def test_russian_is_really_russian(catalog: Catalog) -> None:
    """A forgotten copy of the English text would pass the key checks; catch it here."""
    same = [
        k
        for k, v in catalog.texts["en"].items()
        if v == catalog.texts["ru"][k] and any(c.isalpha() for c in _without_placeholders(v))
    ]
    assert same == [], same


def test_button_labels_fit_on_a_phone(flow: Flow, catalog: Catalog) -> None:
    for state in flow.states.values():
        for choice in state.choices:
            for locale in catalog.locales:
                label = catalog.text(choice.label, locale)
                assert len(label) <= 40, f"{locale} {choice.label}: {label!r}"


def _without_placeholders(value: object) -> str:
    """The words of a text, its ``{placeholders}`` left out ("✓ {label}" has none)."""
    return re.sub(r"\{[a-z_]+\}", "", str(value))
