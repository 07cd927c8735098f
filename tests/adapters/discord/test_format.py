"""Discord's limits on what the bot sends, checked without a server: custom ids, layouts,
message parts, escaping, and what a typed DM or a client locale means."""

from __future__ import annotations

import pytest

from bot.adapters.common import UNREADABLE, Press
from bot.adapters.discord import format as fmt
from bot.core.engine import Engine
from bot.core.messages import Choice, EventKind, Reply, ReplyKind
from bot.core.placeholders import COMMANDS
from bot.core.session import Session


def choices(n: int, label: str = "Answer {i}") -> tuple[Choice, ...]:
    return tuple(Choice(f"c{i}", label.format(i=i)) for i in range(n))


# -- custom ids -----------------------------------------------------------------------------------


def test_a_button_id_names_question_and_choice_and_reads_back() -> None:
    custom_id = fmt.button_id("confirm:saddle_numbness", "not_sure")
    assert custom_id == "bc|confirm:saddle_numbness|not_sure"
    assert fmt.read_press(custom_id) == Press("confirm:saddle_numbness", "not_sure")


def test_a_menu_id_reads_back_with_the_picked_value() -> None:
    custom_id = fmt.select_id("onset", 1)
    assert fmt.read_press(custom_id, ["next_day"]) == Press("onset", "next_day")
    assert fmt.read_press(custom_id, []) is UNREADABLE


@pytest.mark.parametrize("custom_id", ["", "foreign", "bc|only_question", "bc|a|b|c", "bs|q|x"])
def test_anything_else_is_unreadable(custom_id: str) -> None:
    assert fmt.read_press(custom_id, ["v"]) is UNREADABLE


@pytest.mark.parametrize(("question", "choice"), [("q" * 96, "c"), ("q", "a|b"), ("", "c")])
def test_ids_discord_would_refuse_fail_loudly(question: str, choice: str) -> None:
    with pytest.raises(fmt.CustomIdTooLong, match="shorten"):
        fmt.button_id(question, choice)


def test_every_question_of_the_flow_fits_discord(engine: Engine) -> None:
    """Every question in every language gets buttons with valid ids and labels."""
    flow, render = engine.flow, engine.render
    for name in flow.states:
        for locale in engine.catalog.locales:
            session = Session(user="t", locale=locale, state=name)
            reply = render.question(session)
            specs = fmt.layout(reply.question or "", reply.choices)
            assert all(isinstance(s, fmt.ButtonSpec) for s in specs), name
            assert all(len(s.custom_id) <= fmt.CUSTOM_ID_LIMIT for s in specs)


# -- what was pressed ----------------------------------------------------------------------------


def test_the_pressed_label_is_read_from_the_message() -> None:
    on_message = [
        fmt.Control(fmt.BUTTON, "bc|onset|sudden", "Suddenly"),
        fmt.Control(fmt.STRING_SELECT, "bs|age|0", options=(("young", "20-49"), ("old", "50+"))),
    ]
    assert fmt.pressed_label(on_message, "bc|onset|sudden", []) == "Suddenly"
    assert fmt.pressed_label(on_message, "bs|age|0", ["old"]) == "50+"
    assert fmt.pressed_label(on_message, "bc|onset|gradual", []) is None
    assert fmt.pressed_label(on_message, "bs|age|0", ["forged"]) is None


# -- layouts --------------------------------------------------------------------------------------


def test_few_answers_stand_one_per_row() -> None:
    specs = fmt.layout("q", choices(4))
    assert [s.row for s in specs] == [0, 1, 2, 3]


@pytest.mark.parametrize("n", [6, 7, 11, 24, 25])
def test_more_answers_share_at_most_five_rows_of_five(n: int) -> None:
    specs = fmt.layout("q", choices(n))
    rows = [s.row for s in specs]
    assert all(isinstance(s, fmt.ButtonSpec) for s in specs) and len(specs) == n
    assert max(rows) < fmt.MAX_ROWS and max(rows.count(r) for r in rows) <= fmt.PER_ROW
    assert rows == sorted(rows), "answers keep their order"


def test_too_many_answers_become_menus_of_25() -> None:
    specs = fmt.layout("q", choices(30))
    assert all(isinstance(s, fmt.SelectSpec) for s in specs)
    assert [len(s.options) for s in specs if isinstance(s, fmt.SelectSpec)] == [25, 5]
    assert [s.custom_id for s in specs] == ["bs|q|0", "bs|q|1"]


def test_a_label_too_long_for_a_button_becomes_a_menu_option() -> None:
    long = "x" * 81
    (spec,) = fmt.layout("q", (Choice("a", "Short"), Choice("b", long)))
    assert isinstance(spec, fmt.SelectSpec)
    assert spec.options[0] == ("a", "Short")
    assert spec.options[1][1] == long, "up to 100 characters fit an option"
    (cut,) = fmt.layout("q", (Choice("b", "y" * 150),))
    assert isinstance(cut, fmt.SelectSpec)
    assert len(cut.options[0][1]) == fmt.OPTION_LABEL_LIMIT and cut.options[0][1].endswith("…")


def test_more_than_five_menus_is_refused() -> None:
    with pytest.raises(ValueError, match="at most 125"):
        fmt.layout("q", choices(126))


# -- texts ----------------------------------------------------------------------------------------


def test_long_texts_split_at_line_ends() -> None:
    lines = [f"{i}. " + "word " * 30 for i in range(40)]
    parts = fmt.split("\n".join(lines), 2000)
    assert len(parts) > 1 and all(len(p) <= 2000 for p in parts)
    assert "\n".join(parts) == "\n".join(lines), "nothing lost, cut between lines"


def test_a_line_longer_than_a_message_is_cut_at_spaces() -> None:
    parts = fmt.split("word " * 1000, 2000)
    assert all(len(p) <= 2000 and not p.startswith(" ") for p in parts)
    assert " ".join(p.strip() for p in parts).split() == ["word"] * 1000
    assert fmt.split("x" * 4500, 2000) == ["x" * 2000, "x" * 2000, "x" * 500]
    assert fmt.split("\n\n", 2000) == ["…"]


def test_warnings_and_outcomes_lead_with_a_bold_line() -> None:
    warning = Reply(ReplyKind.WARNING, "k", "⚠️ Call 112 now\nThen sit down")
    assert fmt.format_reply(warning) == ["**⚠️ Call 112 now**\nThen sit down"]
    info = Reply(ReplyKind.INFO, "k", "Plain\ntext")
    assert fmt.format_reply(info) == ["Plain\ntext"]


def test_markdown_in_content_is_shown_as_written() -> None:
    reply = Reply(ReplyKind.INFO, "k", "Lift *heavy* or __not__ at all, see https://a.b/c_d_e")
    (text,) = fmt.format_reply(reply)
    assert text == "Lift \\*heavy\\* or \\_\\_not\\_\\_ at all, see https://a.b/c_d_e"
    (plain,) = fmt.format_reply(Reply(ReplyKind.INFO, "k", "- a dash, 1. a number"))
    assert plain == "\\- a dash, 1. a number"


def test_a_long_outcome_keeps_its_headline_and_fits(engine: Engine) -> None:
    text = "🚩 Headline\n\n" + "\n".join("A line of advice. " * 8 for _ in range(30))
    parts = fmt.format_reply(Reply(ReplyKind.OUTCOME, "k", text))
    assert parts[0].startswith("**🚩 Headline**") and len(parts) == 3
    assert all(len(p) <= fmt.MESSAGE_LIMIT for p in parts)


def test_commands_are_named_as_on_discord() -> None:
    names = fmt.command_names()
    assert names["start"] == "/backpain" and names["restart"] == "/restart"
    assert names["country"] == "/country"
    assert set(names) == set(COMMANDS), "every command a text may name"
    reply = Reply(ReplyKind.INFO, "k", "A link: https://x.io/start, a path a/start")
    assert fmt.format_reply(reply) == ["A link: https://x.io/start, a path a/start"], "as sent"


def test_the_answer_goes_under_the_question_within_the_limit() -> None:
    assert fmt.answered("How did it start?", "Your answer: *Suddenly*") == (
        "How did it start?\n\nYour answer: \\*Suddenly\\*"
    )
    long = fmt.answered("q" * 2000, "Your answer: Yes")
    assert len(long) == 2000 and long.endswith("…\n\nYour answer: Yes")


# -- what the person's client tells us ------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "command"),
    [
        ("/start", (EventKind.START, None)),
        ("/backpain now", (EventKind.START, None)),
        (" /Language ru ", (EventKind.LANGUAGE, "ru")),
        ("/region", (EventKind.REGION, None)),
        ("/forget", (EventKind.FORGET, None)),
        ("/unknown", None),
        ("my back / hurts", None),
        ("I can't feel my legs", None),
    ],
)
def test_commands_typed_in_a_dm(text: str, command: tuple[EventKind, str | None] | None) -> None:
    assert fmt.dm_command(text) == command


# -- one turn in few messages ---------------------------------------------------------------------


def test_a_turn_is_packed_into_few_messages_and_buttons_end_one() -> None:
    question = Reply(ReplyKind.QUESTION, "q", "Which?", choices(2), question="q")
    note = Reply(ReplyKind.INFO, "n", "Noted.")
    picture = Reply(ReplyKind.IMAGE, "p", "Like this.", image="cold_pack_lower_back", alt="A pack")
    first, second, third = fmt.pack([note, question, picture, note])
    assert first.content == "Noted.\n\nWhich?" and first.buttons is question
    assert second.content == "Like this." and second.image == "cold_pack_lower_back"
    assert second.alt == "A pack" and second.buttons is None
    assert third.content == "Noted." and third.buttons is None and third.image is None
    long = Reply(ReplyKind.INFO, "l", "x" * 1500)
    assert [len(m.content) for m in fmt.pack([long, long])] == [1500, 1500], "within 2000"


def test_where_the_first_message_goes() -> None:
    question = Reply(ReplyKind.QUESTION, "q", "Which?", choices(2), question="q")
    outcome = Reply(ReplyKind.OUTCOME, "o", "Do this.")
    asked, told = fmt.pack([question])[0], fmt.pack([outcome])[0]
    assert fmt.placement(press=True, recorded=True, replies=[question], first=asked) is (
        fmt.Placement.EDIT
    )
    assert fmt.placement(press=True, recorded=True, replies=[outcome, question], first=told) is (
        fmt.Placement.MARK
    ), "a result is a new message"
    assert fmt.placement(press=True, recorded=False, replies=[question], first=asked) is (
        fmt.Placement.NEW
    ), "a refused press leaves its question alone"
    assert fmt.placement(press=False, recorded=False, replies=[question], first=asked) is (
        fmt.Placement.NEW
    )


def test_commands_become_mentions_when_their_ids_are_known() -> None:
    names = fmt.command_names({"back": 11, "backpain": 12})
    assert names["back"] == "</back:11>" and names["start"] == "</backpain:12>"
    assert names["stop"] == "/stop", "no id: the slash name"
    assert fmt.with_receipt("Next?", "Your answer: *No*") == "-# Your answer: \\*No\\*\nNext?"
    assert fmt.with_receipt("x" * 2000, "Your answer: No") == "x" * 2000, "only when it fits"
