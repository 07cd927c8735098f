"""Read YAML while remembering where every key stands.

Operators fix broken flow and content files from our error messages, so every error must name
the file, the line and the key. PyYAML drops positions when it builds Python objects; this
module walks the node graph instead and keeps a line for every key path. It also remembers
which scalars YAML read as booleans, because ``yes``/``no``/``on``/``off`` as ids are a trap.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

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
    """The file is not valid YAML; ``line`` is where the parser gave up."""

    def __init__(self, problem: str, line: int | None) -> None:
        super().__init__(problem)
        self.problem = problem
        self.line = line


def load_yaml(path: Path) -> YamlDoc:
    """Parse ``path``; a syntax error becomes :class:`YamlSyntaxError` with its line."""
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
        doc.data = _build(node, (), doc, _Loader(""))
    return doc


def _build(node: yaml.Node, where: KeyPath, doc: YamlDoc, loader: yaml.SafeLoader) -> Any:
    doc.lines.setdefault(where, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            key = key if isinstance(key, str | int) else str(key)
            doc.lines[(*where, key)] = key_node.start_mark.line + 1
            result[key] = _build(value_node, (*where, key), doc, loader)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_build(item, (*where, i), doc, loader) for i, item in enumerate(node.value)]
    if node.tag == _BOOL_TAG:
        doc.booleans.add(where)
    return loader.construct_object(node, deep=True)
