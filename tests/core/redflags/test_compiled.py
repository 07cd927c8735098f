"""The compiled detector's cache file: used when fresh, rebuilt when a source changes or the
file is damaged, and a detector read from it (its tables mapped from the file) answers
exactly what a fresh compile does."""

from __future__ import annotations

import mmap
import os
import shutil
import stat
from pathlib import Path
from typing import ClassVar

import pytest

from bot.core.errors import ContentError
from bot.core.redflags import compiled
from bot.core.redflags.detector import RedFlagDetector
from bot.core.redflags.table import WordTable
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
    tables = cached._lexicon._exact._slots, cached._lexicon._fuzzy_words._ids
    assert all(isinstance(t, memoryview) and isinstance(t.obj, mmap.mmap) for t in tables)
    texts = [p.text for language in LOCALES for p in load(language, "dev")]
    assert len(texts) > 100
    for text in texts:
        assert cached.detect(text) == fresh.detect(text), text


class BuildsTables:
    """A stand-in compile whose result holds a flat table, as the lexicon does: the file
    then carries it after the pickle, and a read maps it."""

    WORDS: ClassVar[dict[str, tuple[int, ...]]] = {"ноги": (1,), "legs": (2, 3), "back": (2,)}

    def __init__(self) -> None:
        self.count = 0

    def __call__(self) -> dict[str, object]:
        self.count += 1
        return {"compiled": self.count, "words": WordTable(self.WORDS)}


def _words(value: dict[str, object]) -> WordTable:
    words = value["words"]
    assert isinstance(words, WordTable)
    return words


def _answers(value: dict[str, object]) -> dict[str, tuple[int, ...]]:
    words = _words(value)
    return {key: words.get(key) for key in [*words, "нога", "leg"]}


def test_a_read_file_maps_its_tables_and_they_answer_alike(tmp_path: Path) -> None:
    build = BuildsTables()
    built, _ = compiled.load_or_build(tmp_path / "cache", "a" * 64, dict, build)
    read, cached = compiled.load_or_build(tmp_path / "cache", "a" * 64, dict, build)
    assert cached and build.count == 1
    assert isinstance(_words(read)._ends, memoryview)
    assert isinstance(_words(read)._ends.obj, mmap.mmap)
    assert _answers(read) == _answers(built) == {**BuildsTables.WORDS, "нога": (), "leg": ()}


def test_a_fresh_compile_serves_from_the_file_it_wrote(tmp_path: Path) -> None:
    """The process that had to compile (the first after a deploy) maps its tables like the
    rest instead of keeping their heap copies for its whole life."""
    built, cached = compiled.load_or_build(tmp_path / "cache", "a" * 64, dict, BuildsTables())
    assert not cached
    assert isinstance(_words(built)._ends.obj, mmap.mmap)


def _flip(data: bytes, at: int) -> bytes:
    return data[:at] + bytes([data[at] ^ 0x20]) + data[at + 1 :]


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: data[:-1] + bytes([data[-1] ^ 1]),  # a bit of the last table flipped
        lambda data: data[:-3],  # the last table cut short
        lambda data: _flip(data, 100),  # where the tables are (after a 65-byte key line)
        lambda data: _flip(data, data.index(b"compiled")),  # the pickle
    ],
)
def test_a_damaged_table_is_ignored_and_replaced(tmp_path: Path, damage: object) -> None:
    build = BuildsTables()
    compiled.load_or_build(tmp_path / "cache", "a" * 64, dict, build)
    [path] = (tmp_path / "cache").iterdir()
    path.write_bytes(damage(path.read_bytes()))  # type: ignore[operator]
    again, cached = compiled.load_or_build(tmp_path / "cache", "a" * 64, dict, build)
    assert (cached, again["compiled"]) == (False, 2)
    read, cached = compiled.load_or_build(tmp_path / "cache", "a" * 64, dict, build)
    assert (cached, read["compiled"]) == (True, 2)
    assert _answers(read) == _answers(again)


def test_where_nothing_can_be_mapped_the_tables_are_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    build = BuildsTables()
    built, _ = compiled.load_or_build(tmp_path / "cache", "a" * 64, dict, build)

    def refuse(*args: object, **kwargs: object) -> mmap.mmap:
        raise OSError("no mapping on this file system")

    monkeypatch.setattr(compiled.mmap, "mmap", refuse)
    read, cached = compiled.load_or_build(tmp_path / "cache", "a" * 64, dict, build)
    assert cached and isinstance(_words(read)._ends.obj, bytes)
    assert _answers(read) == _answers(built)


def test_an_unwritable_cache_folder_compiles_every_time(tmp_path: Path) -> None:
    (tmp_path / "a file").write_text("not a folder")
    cache = tmp_path / "a file" / "cache"  # cannot be created
    build = BuildsTables()
    first = compiled.load_or_build(cache, "a" * 64, dict, build)
    second = compiled.load_or_build(cache, "a" * 64, dict, build)
    assert [first[1], second[1], build.count] == [False, False, 2]
    assert _answers(second[0]) == {**BuildsTables.WORDS, "нога": (), "leg": ()}


def test_a_read_only_cache_folder_is_still_read(tmp_path: Path) -> None:
    build = BuildsTables()
    compiled.load_or_build(tmp_path / "cache", "a" * 64, dict, build)
    [path] = (tmp_path / "cache").iterdir()
    path.chmod(stat.S_IRUSR)
    (tmp_path / "cache").chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        read, cached = compiled.load_or_build(tmp_path / "cache", "a" * 64, dict, build)
    finally:
        (tmp_path / "cache").chmod(stat.S_IRWXU)
    assert cached and build.count == 1
    assert _answers(read) == {**BuildsTables.WORDS, "нога": (), "leg": ()}


def test_a_file_another_worker_wrote_meanwhile_is_left_alone(tmp_path: Path) -> None:
    """It may already be mapped, and Windows cannot replace a mapped file."""
    cache = tmp_path / "cache"
    path = cache / f"redflags-{'a' * 32}.pickle"

    def build_while_another_worker_writes() -> dict[str, object]:
        compiled._write(path, "a" * 64, {"compiled": "by the other worker"})
        return {"compiled": "here"}

    mine, _ = compiled.load_or_build(cache, "a" * 64, dict, build_while_another_worker_writes)
    assert mine == {"compiled": "by the other worker"}  # the same key: the same lists, mapped
    assert compiled.load_or_build(cache, "a" * 64, dict, dict) == (
        {"compiled": "by the other worker"},
        True,
    )
