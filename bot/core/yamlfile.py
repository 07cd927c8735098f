"""Read YAML while remembering where every key stands, and check it against a pydantic model.

Operators fix broken flow and content files from our error messages, so every error must name
the file, the line and the key. PyYAML drops positions when it builds Python objects; this
module walks the node graph instead and keeps a line for every key path. It also remembers
which scalars YAML read as booleans, because ``yes``/``no``/``on``/``off`` as ids are a trap.

Every YAML file of ours is read here (:func:`load_yaml`) and its shape is a pydantic model;
:func:`parse` validates a document against one and turns the first error into the caller's
located error, and :func:`problems` maps every error of a ``ValidationError`` to the line and
dotted key of the YAML node it is about::

    doc = load_yaml(path)                      # YamlSyntaxError with a line on bad YAML
    spec = parse(RulesFile, doc, FlowError)    # FlowError("file:line: key: message")
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from bot.core.errors import BackcheckError

_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml parses ~9x faster

KeyPath = tuple[str | int, ...]
_BOOL_TAG = "tag:yaml.org,2002:bool"


@dataclass(slots=True)
class YamlDoc:
    """Plain data from one file plus the line (1-based) of every key path in it."""

    path: Path
    data: Any
    lines: dict[KeyPath, int] = field(default_factory=dict)
    booleans: set[KeyPath] = field(default_factory=set)

    def line(self, *keys: str | int) -> int | None:
        """The line of the deepest known prefix of ``keys``: close enough to point at."""
        for end in range(len(keys), -1, -1):
            found = self.lines.get(tuple(keys[:end]))
            if found is not None:
                return found
        return None


class YamlSyntaxError(ValueError):
    """The file is not valid YAML, or repeats a key; ``line`` is where the problem is and
    ``key`` the repeated key path, dotted (None for a syntax error)."""

    def __init__(self, problem: str, line: int | None, key: str | None = None) -> None:
        super().__init__(problem)
        self.problem = problem
        self.line = line
        self.key = key


def load_yaml(path: Path, *, verbatim: bool = False) -> YamlDoc:
    """Parse ``path``; a syntax error becomes :class:`YamlSyntaxError` with its line.

    ``verbatim`` keeps every scalar as the text written (``no`` stays the word "no", ``3``
    the string "3"): for word lists, where YAML's guesses at types would change the words.
    """
    text = path.read_text(encoding="utf-8")
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = str(getattr(exc, "problem", None) or exc)
        raise YamlSyntaxError(
            f"invalid YAML: {problem}", mark.line + 1 if mark is not None else None
        ) from exc
    doc = YamlDoc(path=path, data=None)
    if node is not None:
        doc.data = _build(node, (), doc, _Loader(""), verbatim)
    return doc


def _build(
    node: yaml.Node, where: KeyPath, doc: YamlDoc, loader: yaml.SafeLoader, verbatim: bool
) -> Any:
    doc.lines.setdefault(where, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            key = key if isinstance(key, str | int) else str(key)
            line = key_node.start_mark.line + 1
            if key in result:  # PyYAML keeps the last silently; a lost text is a bug
                raise YamlSyntaxError("duplicate key", line, dotted((*where, key)))
            doc.lines[(*where, key)] = line
            result[key] = _build(value_node, (*where, key), doc, loader, verbatim)
        return result
    if isinstance(node, yaml.SequenceNode):
        items = enumerate(node.value)
        return [_build(item, (*where, i), doc, loader, verbatim) for i, item in items]
    if verbatim:
        return str(node.value)
    if node.tag == _BOOL_TAG:
        doc.booleans.add(where)
    return loader.construct_object(node, deep=True)


@dataclass(frozen=True, slots=True)
class Problem:
    """One validation error, placed in the file: a line (None if unknown) and a dotted key."""

    message: str
    line: int | None
    key: str
    path: KeyPath = ()
    kind: str = ""  # pydantic's error type ("missing", "extra_forbidden"): a caller's wording


Model = TypeVar("Model", bound=BaseModel)


def parse(
    model: type[Model],
    doc: YamlDoc,
    error: Callable[..., BackcheckError],
    *,
    prefix: KeyPath = (),
) -> Model:
    """``doc.data`` (or the part of it under ``prefix``) validated as ``model``; the first
    problem is raised as ``error(message, file=, line=, key=)`` (FlowError, ContentError)."""
    data = doc.data
    for part in prefix:
        data = data[part]
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = most_specific(problems(doc, exc, prefix=prefix))
        raise error(first.message, file=doc.path, line=first.line, key=first.key) from None


def problems(doc: YamlDoc, error: ValidationError, *, prefix: KeyPath = ()) -> list[Problem]:
    """Every error of ``error`` (raised validating ``doc``'s data under ``prefix``) with the
    line of the YAML node it is about and its key path (``findings.x.level``, ``items[2]``).

    pydantic's ``loc`` also names union members and validators; only the parts that lead
    through the document are kept, so the key is one an operator can find in the file. A
    missing key points at the mapping that lacks it.
    """
    found: list[Problem] = []
    for detail in error.errors(include_url=False):
        where = _path_in(doc.data, (*prefix, *detail["loc"]), detail["type"] == "missing")
        message = _message(detail)
        if where in doc.booleans:
            message += " (YAML read it as a boolean: put the text in quotes)"
        found.append(Problem(message, doc.line(*where), dotted(where), where, detail["type"]))
    return found


def most_specific(found: list[Problem]) -> Problem:
    """The problem deepest in the file: where a value may take several shapes (a text or a
    mapping of texts), the shape that got furthest says best what is wrong."""
    return max(found, key=lambda problem: len(problem.path))


def dotted(where: KeyPath) -> str:
    """``("combinations", 2, "then")`` -> ``combinations[2].then``."""
    text = ""
    for part in where:
        text += f"[{part}]" if isinstance(part, int) else f".{part}" if text else str(part)
    return text


def _path_in(data: Any, loc: tuple[str | int, ...], missing: bool) -> KeyPath:
    where: list[str | int] = []
    node = data
    for part in loc[:-1] if missing else loc:
        if not _has(node, part):
            continue  # a union member or a validator's name: not a place in the file
        node = node[part]
        where.append(part)
    if missing and loc:
        where.append(loc[-1])  # no line of its own: ``line`` falls back to its parent's
    return tuple(where)


def _has(node: Any, part: str | int) -> bool:
    if isinstance(node, dict):
        return part in node
    return isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)


def _message(detail: Any) -> str:
    kind = detail["type"]
    if kind == "missing":
        return "missing: this key is required"
    if kind == "extra_forbidden":
        return "unknown key"
    return str(detail["msg"])
