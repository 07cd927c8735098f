"""Import rules we enforce: the core stays pure, the flow stands alone, nothing imports in a
circle, and adapters talk to the service only.

The graph is read from the source (``ast``) of every module in every subpackage, relative
imports resolved and ``TYPE_CHECKING`` blocks included: a cycle hidden from the interpreter is
still a knot for the reader.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import bot

ROOT = Path(bot.__file__).parent
FORBIDDEN_IN_CORE = {"telegram", "discord", "redis", "aiosqlite", "sqlite3", "aiohttp", "httpx"}
#: The conversation layer; the flow definition must not depend on it.
CONVERSATION = {
    f"bot.core.{name}"
    for name in (
        "engine",
        "aftercare",
        "render",
        "session",
        "messages",
        "reminders",
        "content",
        "prompts",
        "effects",
    )
}


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(ROOT.rglob("*.py"))}


def imports_of(path: Path) -> Iterator[tuple[str, int]]:
    """(absolute module name, line) of every import in ``path``, relative ones resolved."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    return imports_in(path.read_text(encoding="utf-8"), package)


def imports_in(source: str, package: str) -> Iterator[tuple[str, int]]:
    """The imports of ``source``, a module of ``package``; ``from x import y`` also yields
    ``x.y``, since ``y`` may be a module (``from bot.core.flow import conditions``)."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom):
            base = package
            for _ in range(max(node.level - 1, 0)):
                base = base.rpartition(".")[0]
            module = node.module or ""
            if node.level:
                module = f"{base}.{module}" if module else base
            yield module, node.lineno
            for alias in node.names:
                yield f"{module}.{alias.name}", node.lineno


def graph() -> dict[str, set[str]]:
    """Which of our modules each of our modules imports."""
    known = modules()
    return {
        name: {target for target, _ in imports_of(path) if target in known and target != name}
        for name, path in known.items()
    }


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Every strongly connected group of more than one module (Tarjan), as sorted lists."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in sorted(edges[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def test_the_walk_sees_subpackages() -> None:
    names = modules()
    assert {"bot.core.flow.model", "bot.adapters.telegram.adapter", "bot.service"} <= set(names)
    assert "bot.core.flow.rules" in graph()["bot.core.flow.model"]


def test_relative_imports_resolve_to_absolute_names() -> None:
    source = (
        "from . import rules\nfrom ..errors import FlowError\nif TYPE_CHECKING:\n    import x\n"
    )
    found = {m for m, _ in imports_in(source, "bot.core.flow")}
    assert {"bot.core.flow.rules", "bot.core.errors", "bot.core.errors.FlowError", "x"} <= found


def test_a_cycle_is_found_even_behind_type_checking() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_module_imports_another_in_a_circle() -> None:
    assert cycles(graph()) == []


def test_core_imports_nothing_from_platforms_storage_or_the_app() -> None:
    offenders = []
    for name, path in modules().items():
        if not name.startswith("bot.core"):
            continue
        for target, line in imports_of(path):
            top = target.split(".")[0]
            if top in FORBIDDEN_IN_CORE or (top == "bot" and not target.startswith("bot.core")):
                offenders.append(f"{path.relative_to(ROOT)}:{line}: {target}")
    assert offenders == []


def test_the_flow_package_imports_nothing_from_the_conversation() -> None:
    offenders = [
        f"{path.relative_to(ROOT)}:{line}: {target}"
        for name, path in modules().items()
        if name.startswith("bot.core.flow")
        for target, line in imports_of(path)
        if any(target == m or target.startswith(m + ".") for m in CONVERSATION)
    ]
    assert offenders == []


def test_adapters_ask_the_service_never_the_engine() -> None:
    offenders = []
    for name, path in modules().items():
        if not name.startswith("bot.adapters"):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and node.attr == "engine":
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}: .engine")
            if isinstance(node, ast.Name) and node.id == "Session":
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}: Session")
        for target, line in imports_of(path):
            if target.startswith(("bot.core.engine", "bot.core.session", "bot.core.render")):
                offenders.append(f"{path.relative_to(ROOT)}:{line}: imports {target}")
    assert offenders == []
