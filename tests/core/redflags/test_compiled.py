"""The compiled detector's cache file: used when fresh, rebuilt when a source changes or the
file is damaged, and a detector read from it answers exactly what a fresh compile does."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from bot.core.errors import ContentError
from bot.core.redflags import compiled
from bot.core.redflags.detector import RedFlagDetector
from bot.core.redflags.words import SHARED_MORPHOLOGY
from tests.conftest import CONTENT
from tests.core.redflags.corpus import load

LOCALES = ("en", "ru")


def _sources(root: Path) -> list[Path]:
    return [root / locale / "redflags.yaml" for locale in LOCALES]


@pytest.fixture
def content(tmp_path: Path) -> Path:
    """A copy of the checkout's red-flag lists that a test may edit."""
    for locale in LOCALES:
        (tmp_path / locale).mkdir()
        shutil.copy(CONTENT / locale / "redflags.yaml", tmp_path / locale / "redflags.yaml")
    return tmp_path


class Builds:
    """A stand-in compile that counts its calls, so a test sees when the cache was used."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self) -> dict[str, int]:
        self.count += 1
        return {"compiled": self.count}


def test_a_fresh_file_is_used_instead_of_compiling(content: Path, tmp_path: Path) -> None:
    key = compiled.key_of(_sources(content), "dictionaries-1")
    build = Builds()
    first = compiled.load_or_build(tmp_path / "cache", key, dict, build)
    second = compiled.load_or_build(tmp_path / "cache", key, dict, build)
    assert first == ({"compiled": 1}, False)
    assert second == ({"compiled": 1}, True)
    assert build.count == 1


def test_an_edited_list_or_new_dictionaries_recompile(content: Path, tmp_path: Path) -> None:
    key = compiled.key_of(_sources(content), "dictionaries-1")
    build = Builds()
    compiled.load_or_build(tmp_path / "cache", key, dict, build)
    with (content / "ru" / "redflags.yaml").open("a", encoding="utf-8") as file:
        file.write("\n# an operator's edit\n")
    edited = compiled.key_of(_sources(content), "dictionaries-1")
    upgraded = compiled.key_of(_sources(CONTENT), "dictionaries-2")
    assert len({key, edited, upgraded}) == 3
    assert compiled.load_or_build(tmp_path / "cache", edited, dict, build)[1] is False
    assert build.count == 2


def test_older_versions_files_are_pruned_to_the_newest_few(tmp_path: Path) -> None:
    """Each upgrade or list edit writes a new 7 MB file: the cache keeps the new one and the
    two most recent others (a rolling deploy runs two versions), never an unbounded pile."""
    cache = tmp_path / "cache"
    cache.mkdir()
    other = cache / "morphology-forms-x.json"
    other.write_text("{}")  # not a detector file: never touched
    for age, name in enumerate(("a", "b", "c", "d")):
        old = cache / f"redflags-{name}.pickle"
        old.write_bytes(b"old")
        os.utime(old, (1_000_000 - age, 1_000_000 - age))  # a is the newest of them
    compiled.load_or_build(cache, "f" * 64, dict, Builds())
    left = sorted(p.name for p in cache.iterdir())
    assert left == [
        other.name,
        "redflags-a.pickle",
        "redflags-b.pickle",
        f"redflags-{'f' * 32}.pickle",
    ]


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: data[: len(data) // 2],  # truncated
        lambda data: data.split(b"\n", 1)[0] + b"\nnot a pickle at all",
        lambda data: b"0" * 64 + data[64:],  # another key in the header
        lambda data: b"",
    ],
)
def test_a_damaged_file_is_ignored_and_replaced(
    content: Path, tmp_path: Path, damage: object
) -> None:
    key = compiled.key_of(_sources(content), "dictionaries-1")
    build = Builds()
    compiled.load_or_build(tmp_path / "cache", key, dict, build)
    [path] = (tmp_path / "cache").iterdir()
    path.write_bytes(damage(path.read_bytes()))  # type: ignore[operator]
    assert compiled.load_or_build(tmp_path / "cache", key, dict, build) == ({"compiled": 2}, False)
    assert compiled.load_or_build(tmp_path / "cache", key, dict, build) == ({"compiled": 2}, True)


def test_a_file_holding_something_else_is_not_used(content: Path, tmp_path: Path) -> None:
    key = compiled.key_of(_sources(content), "dictionaries-1")
    compiled.load_or_build(tmp_path / "cache", key, list, lambda: ["not", "a", "dict"])
    build = Builds()
    assert compiled.load_or_build(tmp_path / "cache", key, dict, build)[1] is False


def test_an_unreadable_list_compiles_and_names_the_file(tmp_path: Path) -> None:
    """No key without the file: the compile's own error (file, line, key) is what shows."""
    assert compiled.key_of(_sources(tmp_path), "dictionaries-1") is None
    with pytest.raises(ContentError, match=r"redflags\.yaml"):
        RedFlagDetector.load(tmp_path, LOCALES)


def test_the_cached_detector_answers_like_a_fresh_compile(detector: RedFlagDetector) -> None:
    key = compiled.key_of(_sources(CONTENT), SHARED_MORPHOLOGY.fingerprint)
    cached, was_cached = compiled.load_or_build(
        SHARED_MORPHOLOGY.cache_dir, key, RedFlagDetector, lambda: RedFlagDetector.compile(CONTENT)
    )
    fresh = RedFlagDetector.compile(CONTENT)
    assert was_cached
    texts = [p.text for language in LOCALES for p in load(language, "dev")]
    assert len(texts) > 100
    for text in texts:
        assert cached.detect(text) == fresh.detect(text), text
