"""The views the Discord adapter sends: one stopped view per layout, shared by every message
that shows it, with the menus' placeholder rendered only for menus."""

from __future__ import annotations

from bot.adapters.discord import components as views
from bot.core.messages import Choice, Reply, ReplyKind


def question(n: int, question: str = "q", label: str = "Answer {i}") -> Reply:
    choices = tuple(Choice(f"c{i}", label.format(i=i)) for i in range(n))
    return Reply(ReplyKind.QUESTION, "k", "Which?", choices, question=question)


def never() -> str:
    raise AssertionError("a layout of buttons needs no placeholder")


async def test_a_layout_is_built_once_and_its_view_is_stopped() -> None:
    """Built on the loop, as the adapter does: a view made outside one cannot be stopped."""
    first = views.build_view(question(3, question="stopped"), never)
    again = views.build_view(question(3, question="stopped"), never)
    assert first is not None and first is again
    assert first.is_finished(), "stopped: discord.py keeps nothing per message"
    assert [c["custom_id"] for row in first.to_components() for c in row["components"]] == [
        "bc|stopped|c0",
        "bc|stopped|c1",
        "bc|stopped|c2",
    ]


def test_other_labels_or_another_question_get_their_own_view() -> None:
    english = views.build_view(question(3), never)
    russian = views.build_view(question(3, label="Ответ {i}"), never)
    other = views.build_view(question(3, question="other"), never)
    assert len({id(english), id(russian), id(other)}) == 3
    assert russian is not None
    labels = [c["label"] for row in russian.to_components() for c in row["components"]]
    assert labels == ["Ответ 0", "Ответ 1", "Ответ 2"]


def test_menus_ask_for_the_placeholder_and_keep_one_view_per_text() -> None:
    asked: list[str] = []

    def placeholder(text: str) -> views.Placeholder:
        def render() -> str:
            asked.append(text)
            return text

        return render

    choose = views.build_view(question(30), placeholder("Choose"))
    assert choose is views.build_view(question(30), placeholder("Choose"))
    pick = views.build_view(question(30), placeholder("Pick"))
    assert asked == ["Choose", "Choose", "Pick"]
    assert choose is not None and pick is not None and choose is not pick
    assert {c["placeholder"] for row in pick.to_components() for c in row["components"]} == {"Pick"}


def test_a_reply_without_choices_has_no_view() -> None:
    assert views.build_view(Reply(ReplyKind.INFO, "k", "Hello"), never) is None
