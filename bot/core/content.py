"""Every word the bot says, per locale, from ``content/<locale>/*.yaml``.

Each file is a namespace (``questions.yaml`` -> ``questions.<key>``); nested mappings become
dotted keys. Flows refer to texts by key only, so adding a language is adding a folder, and
``backcheck validate`` can prove that every key exists in every locale.
"""

from __future__ import annotations

import logging
import string
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Union

from pydantic import ConfigDict, Field, RootModel, StringConstraints, ValidationError

from bot.core.errors import ContentError
from bot.core.yamlfile import YamlDoc, YamlSyntaxError, load_yaml, most_specific, problems

log = logging.getLogger("backcheck.content")

Value = str | tuple[str, ...]
DEFAULT_LOCALE = "en"
# Phrase lists read by their own modules (the red-flag detector), not texts to show.
NOT_TEXTS = frozenset({"redflags.yaml"})
# Folders beside the locales that hold no texts: the pictures every language shares.
NOT_LOCALES = frozenset({"pictures"})


def locale_names(root: Path) -> list[str]:
    """The languages a content folder has texts for: its subfolders, except picture folders."""
    return sorted(p.name for p in root.iterdir() if p.is_dir() and p.name not in NOT_LOCALES)


@dataclass(frozen=True, slots=True)
class Located:
    """Where a key was defined, for error messages."""

    file: Path
    line: int | None


@dataclass(slots=True)
class Catalog:
    """Texts of every locale; ``where`` remembers the file and line of each key."""

    texts: dict[str, dict[str, Value]]
    where: dict[str, dict[str, Located]] = field(default_factory=dict)

    @property
    def locales(self) -> tuple[str, ...]:
        """Available locales, the default first."""
        return tuple(sorted(self.texts, key=lambda loc: (loc != DEFAULT_LOCALE, loc)))

    def has(self, key: str, locale: str) -> bool:
        """Whether ``key`` exists in ``locale``."""
        return key in self.texts.get(locale, {})

    def raw(self, key: str, locale: str) -> Value:
        """The value of ``key``: the locale's own, else the default locale's."""
        for loc in (locale, DEFAULT_LOCALE):
            value = self.texts.get(loc, {}).get(key)
            if value is not None:
                return value
        raise ContentError("missing text", key=key, file=f"content/{locale}")

    def text(self, key: str, locale: str, **values: object) -> str:
        """Render ``key`` with ``{name}`` placeholders filled; a list becomes numbered lines."""
        value = self.raw(key, locale)
        if isinstance(value, tuple):
            value = "\n".join(f"{i}. {line}" for i, line in enumerate(value, 1))
        return value.format_map(_Blank(key, values)) if values or "{" in value else value


_strict = False
_reported: set[tuple[str, str]] = set()


def strict_placeholders(on: bool) -> None:
    """Make a placeholder nothing fills an error (tests) instead of a blank (production).

    Strictness applies to calls that fill names (every :meth:`Renderer.t`, which always
    passes the numbers); a bare ``text(key, locale)`` lookup, as tests use to compare
    wording, still shows unfilled names blank."""
    global _strict
    _strict = on


class _Blank(dict[str, object]):
    """format_map helper: a placeholder nothing fills raises in strict mode; otherwise it
    renders as nothing, and one line (the key and the name, never a value) tells the operator.
    ``backcheck validate`` catches these before start-up (:mod:`bot.core.placeholders`)."""

    def __init__(self, key: str, values: Mapping[str, object]) -> None:
        super().__init__(values)
        self.key = key

    def __missing__(self, name: str) -> str:
        if not self:  # a bare lookup (tests comparing wording); validate guards real ones
            return ""
        if _strict:  # a renderer call that fills names, but not this one
            raise ContentError(f"placeholder {{{name}}} is not filled here", key=self.key)
        if (self.key, name) not in _reported:
            _reported.add((self.key, name))
            log.error("content key %s uses {%s}, which nothing fills: shown blank", self.key, name)
        return ""


def placeholders(value: Value) -> set[str]:
    """The ``{names}`` a text expects, to check that translations agree."""
    parts = value if isinstance(value, tuple) else (value,)
    return {name for part in parts for _, name, _, _ in string.Formatter().parse(part) if name}


def load_catalog(root: Path) -> Catalog:
    """Load ``root/<locale>/*.yaml`` for every locale folder under ``root``."""
    if not root.is_dir():
        raise ContentError("content folder not found", file=root)
    catalog = Catalog(texts={}, where={})
    for folder in (root / name for name in locale_names(root)):
        texts: dict[str, Value] = {}
        where: dict[str, Located] = {}
        for file in sorted(f for f in folder.glob("*.yaml") if f.name not in NOT_TEXTS):
            _load_file(file, texts, where)
        catalog.texts[folder.name] = texts
        catalog.where[folder.name] = where
    if DEFAULT_LOCALE not in catalog.texts:
        raise ContentError(f"the default locale {DEFAULT_LOCALE!r} is missing", file=root)
    return catalog


Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Texts = Annotated[list[Text], Field(min_length=1)]


class ContentFile(RootModel[dict[str, Union[Text, Texts, "ContentFile"]]]):
    """A content file: keys to a text, a non-empty list of texts, or a nested mapping."""

    model_config = ConfigDict(strict=True)


ContentFile.model_rebuild()
_SHAPE = "must be a non-empty text or a list of non-empty texts"


def _load_file(file: Path, texts: dict[str, Value], where: dict[str, Located]) -> None:
    try:
        doc = load_yaml(file)
    except YamlSyntaxError as exc:
        key = f"{file.stem}.{exc.key}" if exc.key else None
        raise ContentError(exc.problem, file=file, line=exc.line, key=key) from exc
    if doc.data is None:  # every key left out: each is reported missing, by name
        return
    if not isinstance(doc.data, Mapping):
        raise ContentError("a content file must be a mapping of keys to texts", file=file, line=1)
    try:
        parsed = ContentFile.model_validate(doc.data)
    except ValidationError as exc:
        first = most_specific(problems(doc, exc))
        hint = first.message.partition(" (YAML")[1:]
        raise ContentError(
            _SHAPE + "".join(hint), file=file, line=first.line, key=f"{file.stem}.{first.key}"
        ) from None
    _collect(parsed, (), doc, texts, where)


def _collect(
    node: ContentFile,
    keys: tuple[str, ...],
    doc: YamlDoc,
    texts: dict[str, Value],
    where: dict[str, Located],
) -> None:
    for name, value in node.root.items():
        path = (*keys, str(name))
        if isinstance(value, ContentFile):
            _collect(value, path, doc, texts, where)
            continue
        dotted = ".".join((doc.path.stem, *path))
        texts[dotted] = tuple(value) if isinstance(value, list) else value
        where[dotted] = Located(file=doc.path, line=doc.line(*path))


def normalize_locale(tag: str | None, available: tuple[str, ...]) -> str | None:
    """``ru-RU`` -> ``ru`` when we have it; None when the tag names no locale we speak."""
    if not tag:
        return None
    base = tag.replace("_", "-").split("-")[0].lower()
    return base if base in available else None
