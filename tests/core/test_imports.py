"""The core stays pure: no platform, storage or network imports (a rule we enforce)."""

from __future__ import annotations

import ast
from pathlib import Path

import bot.core

FORBIDDEN = ("telegram", "discord", "redis", "aiosqlite", "sqlite3", "aiohttp", "httpx", "bot.")
ALLOWED_OWN = ("bot.core",)


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_core_imports_nothing_from_platforms_or_storage() -> None:
    core = Path(bot.core.__file__).parent
    offenders = []
    for path in sorted(core.glob("*.py")):
        for name in imports_of(path):
            if name.startswith(ALLOWED_OWN):
                continue
            if name.split(".")[0] in {f.rstrip(".") for f in FORBIDDEN} or name.startswith("bot."):
                offenders.append(f"{path.name}: {name}")
    assert offenders == []
