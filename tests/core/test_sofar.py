"""The "so far" line: one short line of this check's answers, the same on every platform."""

from __future__ import annotations

from bot.core import sofar
from tests.conftest import Chat


def test_the_newest_answers_that_fit_and_an_ellipsis_for_the_rest() -> None:
    assert sofar.compact(["None of these", "Gradually"]) == "None of these · Gradually"
    line = sofar.compact([f"Answer number {i}" for i in range(20)])
    assert line.startswith("… ") and line.endswith("Answer number 19")
    assert len(line) <= sofar.LIMIT
    assert sofar.compact(["x" * 100]) == "x" * 27 + "…", "a long label is cut, not the line"
    assert sofar.compact([]) == ""


def test_the_line_is_rendered_from_the_check_in_the_persons_language(chat: Chat) -> None:
    chat.locale = "ru"
    chat.start()
    assert chat.engine.render.so_far(chat.session) is None, "nothing answered yet"
    chat.answer("none_of_these", "none_of_these")
    line = chat.engine.render.so_far(chat.session)
    none = chat.engine.catalog.text("choices.none_of_these", "ru")
    assert line == chat.engine.catalog.text("ui.so_far", "ru", answers=f"{none} · {none}")
