"""``backcheck validate`` reads every YAML file start-up reads, and a file broken in any of
three ways (a wrong type, an unknown key, a missing key) is reported as file:line: key.

The files are found by walking ``flows/`` and ``content/``, so a file added later is checked
the same way without a new test. Each break is made at the file's first key with a plain
value, wherever it stands: an operator's typical slip, and one no model may let through.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.cli import main
from tests.conftest import CONTENT, FLOW, ROOT

FILES = sorted(
    path.relative_to(ROOT).as_posix()
    for path in (*FLOW.parent.glob("*.yaml"), *CONTENT.rglob("*.yaml"))
)
_KEY_LINE = re.compile(r"^(?P<indent> *)(?P<key>[A-Za-z_][\w-]*):(?P<rest>.*)$")


@dataclass(frozen=True)
class Key:
    """A mapping key in a YAML text: its line (1-based), indentation and key path."""

    line: int
    indent: int
    path: tuple[str, ...]
    value: str


#: Where a file's first plain key may be left out (an optional one), the required key to
#: leave out instead.
REQUIRED = {"flows/triage.yaml": "start", "content/countries.yaml": "countries"}


def first_plain_key(text: str, wanted: str | None = None) -> Key:
    """The first key whose value is written on its own line (a text, a number or a flow
    list), or the top-level key ``wanted``."""
    stack: list[tuple[int, str]] = []
    for number, line in enumerate(text.splitlines(), 1):
        found = _KEY_LINE.match(line)
        if not found:
            continue
        indent, key = len(found["indent"]), found["key"]
        while stack and stack[-1][0] >= indent:
            stack.pop()
        stack.append((indent, key))
        value = found["rest"].strip()
        if wanted is not None:
            if (indent, key) == (0, wanted):
                return Key(number, indent, (key,), value)
        elif value and not value.startswith(("#", "|", ">", "&", "*")):
            return Key(number, indent, tuple(k for _, k in stack), value)
    raise AssertionError("no key with a plain value")


def _replace_line(text: str, number: int, lines: list[str]) -> str:
    all_lines = text.splitlines(keepends=True)
    all_lines[number - 1 : number] = [line + "\n" for line in lines]
    return "".join(all_lines)


def wrong_type(text: str, key: Key) -> tuple[str, int, str]:
    """The value becomes a list of lists: no field of ours takes one."""
    line = " " * key.indent + f"{key.path[-1]}: [[1, 2]]"
    return _replace_line(text, key.line, [line]), key.line, ".".join(key.path)


def unknown_key(text: str, key: Key) -> tuple[str, int, str]:
    """A key no model and no other language knows, with a value of the right shape (the
    first key's), just above that key."""
    original = text.splitlines()[key.line - 1]
    extra = " " * key.indent + f"zz_not_a_key: {key.value}"
    path = ".".join((*key.path[:-1], "zz_not_a_key"))
    return _replace_line(text, key.line, [extra, original]), key.line, path


def missing_key(text: str, key: Key) -> tuple[str, int | None, str]:
    """The key left out with everything under it (the line reported is then the parent's
    or another file's, so it is not checked)."""
    lines = text.splitlines(keepends=True)
    end = key.line
    while end < len(lines) and (
        not lines[end].strip() or len(lines[end]) - len(lines[end].lstrip(" ")) > key.indent
    ):
        end += 1
    return "".join(lines[: key.line - 1] + lines[end:]), None, ".".join(key.path)


Break = Callable[[str, Key], tuple[str, int | None, str]]


@pytest.mark.parametrize("name", FILES)
@pytest.mark.parametrize("brk", [wrong_type, unknown_key, missing_key], ids=lambda b: b.__name__)
def test_each_file_broken_three_ways_is_named_by_file_line_and_key(
    name: str,
    brk: Break,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    tree = tmp_path / "tree"
    for folder in ("flows", "content"):
        shutil.copytree(ROOT / folder, tree / folder)
    path = tree / name
    text = path.read_text(encoding="utf-8")
    wanted = REQUIRED.get(name) if brk is missing_key else None
    broken, line, key = brk(text, first_plain_key(text, wanted))
    path.write_text(broken, encoding="utf-8")
    monkeypatch.chdir(tmp_path)  # no .env of the checkout's
    monkeypatch.setenv("BACKCHECK_FLOW", str(tree / "flows" / "triage.yaml"))
    monkeypatch.setenv("BACKCHECK_CONTENT", str(tree / "content"))

    assert main(["validate"]) == 1
    problems = capsys.readouterr().err.splitlines()
    assert problems[-1].endswith("the bot will not start.")
    # a key of a text file is named with the file's name first ("ui.welcome")
    keys = (key, f"{path.stem}.{key}")
    located = [
        p for p in problems if re.match(rf"^\S+:\d+: ({'|'.join(map(re.escape, keys))})\b", p)
    ]
    assert located, problems
    place = f"{path}:{line}: " if line is not None else None
    if place is not None:
        assert any(p.startswith(place) for p in located), problems


def test_the_checkouts_files_validate() -> None:
    assert main(["validate"]) == 0


def test_the_walk_finds_every_kind_of_file() -> None:
    assert {"flows/triage.yaml", "flows/rules.yaml", "content/countries.yaml"} <= set(FILES)
    assert {"content/en/redflags.yaml", "content/ru/ui.yaml"} <= set(FILES)
