"""Locale completeness: every key in every language, no empty text, same placeholders."""

from __future__ import annotations

import logging
import re
import shutil
from fnmatch import fnmatchcase
from pathlib import Path

import pytest

from bot.core.content import Catalog, load_catalog, placeholders, strict_placeholders
from bot.core.errors import ContentError
from bot.core.flow.model import Flow
from bot.core.placeholders import PLACEHOLDERS, allowed
from bot.core.validation import check_content
from tests.conftest import CONTENT


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


# -- the shape of a content file, checked by its model ---------------------------------------


@pytest.fixture
def content(tmp_path: Path) -> Path:
    shutil.copytree(CONTENT, tmp_path / "content")
    return tmp_path / "content"


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture text not found: {old!r}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def line_of(path: Path, text: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if text in line)


def test_a_wrong_type_names_the_file_line_and_dotted_key(content: Path) -> None:
    path = content / "ru" / "levels.yaml"
    edit(path, "self_care:", "self_care: 3\nself_care_old:")
    with pytest.raises(ContentError) as caught:
        load_catalog(content)
    error = caught.value
    assert error.key == "levels.self_care" and error.line == line_of(path, "self_care: 3")
    assert str(error).startswith(f"{path}:{error.line}: levels.self_care: must be")


def test_a_nested_wrong_type_is_found_where_it_is(content: Path) -> None:
    path = content / "en" / "questions.yaml"
    edit(path, "  pregnant: Pregnant, or might be", "  pregnant: [1, 2]")
    with pytest.raises(ContentError) as caught:
        load_catalog(content)
    assert caught.value.key == "questions.about.pregnant[0]"  # the first bad item
    assert caught.value.line == line_of(path, "pregnant: [1, 2]")


def test_a_key_in_one_language_only_is_reported_where_it_stands(content: Path, flow: Flow) -> None:
    path = content / "ru" / "ui.yaml"
    edit(path, "welcome:", "welcome_extra: Лишний текст\nwelcome:")
    found = list(check_content(flow, load_catalog(content)))
    assert [(e.key, e.line, e.file) for e in found] == [
        ("ui.welcome_extra", line_of(path, "welcome_extra"), str(path))
    ]
    assert "missing in 'en'" in found[0].message


def test_a_missing_key_names_the_locale_that_lacks_it(content: Path, flow: Flow) -> None:
    edit(content / "ru" / "ui.yaml", "your_answer:", "your_answer_gone:")
    keys = {(e.key, e.message.split(" ")[0]) for e in check_content(flow, load_catalog(content))}
    assert ("ui.your_answer", "missing") in keys


def test_a_repeated_key_names_its_line(content: Path) -> None:
    path = content / "en" / "levels.yaml"
    edit(path, "self_care:", "self_care: Twice\nself_care:")
    with pytest.raises(ContentError) as caught:
        load_catalog(content)
    assert caught.value.key == "levels.self_care" and "duplicate" in caught.value.message
    assert caught.value.line == line_of(path, "self_care: Twice") + 1


def test_the_placeholder_table_covers_every_text_and_names_only_real_keys(
    catalog: Catalog,
) -> None:
    """Each text's names are declared for its key, and each declared row matches a key."""
    for locale, texts in catalog.texts.items():
        for key, value in texts.items():
            assert placeholders(value) <= allowed(key), (locale, key)
    keys = catalog.texts["en"].keys()
    unused = [p for p, _ in PLACEHOLDERS if not any(fnmatchcase(k, p) for k in keys)]
    assert unused == [], "rows for keys that no longer exist"


def test_a_placeholder_nothing_fills_raises_in_tests(catalog: Catalog) -> None:
    broken = Catalog({"en": {"ui.x": "📞 Call {numbr} now."}})
    with pytest.raises(ContentError, match="numbr"):
        broken.text("ui.x", "en", number="112")


def test_in_production_it_renders_blank_and_logs_one_line_without_data(
    caplog: pytest.LogCaptureFixture,
) -> None:
    broken = Catalog({"en": {"ui.y": "{numbr} {finding}"}})
    strict_placeholders(False)
    try:
        with caplog.at_level(logging.ERROR, "backcheck.content"):
            first = broken.text("ui.y", "en", finding="saddle numbness")
            broken.text("ui.y", "en", finding="saddle numbness")
    finally:
        strict_placeholders(True)
    assert first == " saddle numbness"
    assert len(caplog.records) == 1
    assert "ui.y" in caplog.text and "numbr" in caplog.text and "saddle" not in caplog.text
