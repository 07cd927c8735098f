"""Telegram presentation rules without a server: payloads, keyboards, HTML, message parts.

HTML is checked with the fake's strict parser (a port of what the Bot API server runs), so a
text that passes here is a text Telegram accepts.
"""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.adapters.common import UNREADABLE, Press
from bot.adapters.telegram.format import (
    MESSAGE_LIMIT,
    SENTINEL,
    SO_FAR_LIMIT,
    CallbackDataTooLong,
    DeepLink,
    add_answer,
    answered,
    answers_template,
    caption,
    decode_callback,
    deep_link,
    encode_callback,
    file_url,
    folded,
    folds_into_edit,
    format_reply,
    keyboard,
    keyboard_json,
    layout,
    private_chat_link,
    read_so_far,
    split_text,
    toast,
    utf16_len,
    with_so_far,
)
from bot.core.countries import CountryCatalog
from bot.core.flow.model import Flow
from bot.core.flow.vocabulary import CONFIRM_NO, CONFIRM_UNSURE, CONFIRM_YES, REGION, RESTART
from bot.core.messages import Choice, Reply, ReplyKind
from bot.core.prompts import ChooseLanguage, ChooseRegion, Confirm, encode
from bot.core.redflags.phrases import RED_FLAG_FINDINGS
from tests.fakes.telegram_api import parse_html


def test_callback_data_names_the_question_and_survives_colons() -> None:
    data = encode_callback("confirm:saddle_numbness", "confirm_yes")
    assert data == "confirm:saddle_numbness|confirm_yes"
    assert decode_callback(data) == Press("confirm:saddle_numbness", "confirm_yes")


@pytest.mark.parametrize("data", [None, "", "garbage", "|x", "q|", "|", "\x00"])
def test_unreadable_payloads_decode_to_a_question_no_flow_has(data: str | None) -> None:
    assert decode_callback(data) == UNREADABLE


def test_a_payload_over_64_bytes_is_refused_with_a_fix() -> None:
    with pytest.raises(CallbackDataTooLong, match="shorten"):
        encode_callback("q" * 40, "ч" * 12)  # 40 + 1 + 24 bytes


def test_every_button_the_bot_can_show_fits_telegrams_64_bytes(
    flow: Flow, countries: CountryCatalog
) -> None:
    buttons: list[tuple[str, str]] = []
    for state in flow.states.values():
        ids = [c.id for c in state.choices] + [*state.followups, RESTART]
        buttons += [(state.name, choice) for choice in ids]
    for finding in RED_FLAG_FINDINGS:
        buttons += [
            (encode(Confirm(finding)), c) for c in (CONFIRM_YES, CONFIRM_UNSURE, CONFIRM_NO)
        ]
    buttons += [(encode(ChooseLanguage()), locale) for locale in ("en", "ru")]
    buttons += [(encode(ChooseRegion()), c.code) for c in countries] + [(REGION, "skip")]
    for question, choice in buttons:
        assert len(encode_callback(question, choice).encode()) <= 64
        assert decode_callback(encode_callback(question, choice)) == Press(question, choice)


def test_short_labels_share_a_row_long_ones_stand_alone_in_order() -> None:
    labels = ["Yes", "No", "Sharp, stabbing or shooting", "Not sure", "None of these", "Other"]
    assert layout(labels) == [[0, 1], [2], [3, 4], [5]]


def test_keyboard_has_one_button_per_choice_carrying_the_question() -> None:
    markup = keyboard("rf_walk", (Choice("can_walk", "Yes, I can"), Choice("not_sure", "Not sure")))
    assert markup is not None
    rows = [[(b.text, b.callback_data) for b in row] for row in markup.inline_keyboard]
    assert rows == [[("Yes, I can", "rf_walk|can_walk"), ("Not sure", "rf_walk|not_sure")]]
    assert keyboard("rf_walk", ()) is None


def test_a_keyboard_is_sent_as_ptbs_own_json_and_built_once() -> None:
    choices = (Choice("under_20", "Under 20"), Choice("over_50", "50 или больше"))
    markup = keyboard("age", choices)
    assert markup is not None
    sent = keyboard_json("age", choices)
    assert sent is not None and json.loads(sent) == markup.to_dict()
    assert sent == json.dumps(markup.to_dict()), "the bytes PTB would have sent"
    assert keyboard_json("age", tuple(choices)) is sent, "kept, not rebuilt"
    assert keyboard_json("age", ()) is None


def test_text_is_escaped_and_warnings_lead_with_a_bold_line() -> None:
    reply = Reply(ReplyKind.WARNING, "k", "Go to A&E <now>\nsets > reps")
    (html,) = format_reply(reply)
    assert html == "<b>Go to A&amp;E &lt;now&gt;</b>\nsets &gt; reps"
    plain, entities = parse_html(html)
    assert plain == reply.text
    assert entities == [{"type": "bold", "offset": 0, "length": len("Go to A&E <now>")}]
    assert format_reply(Reply(ReplyKind.INFO, "k", "<b>"))[0] == "&lt;b&gt;"


def test_long_text_splits_at_line_boundaries_under_the_limit() -> None:
    lines = [f"{i:04d} " + "x & y " * 20 for i in range(200)]
    parts = split_text("\n".join(lines), budget=1000)
    assert len(parts) > 1
    assert "\n".join(parts).split("\n") == lines, "no line is cut when lines fit"
    assert all(utf16_len(p.replace("&", "&amp;")) <= 1000 for p in parts)


def test_a_line_or_word_too_long_for_a_message_is_cut() -> None:
    words = " ".join(["word"] * 30)
    assert split_text(words, budget=20) == ["word word word word"] * 7 + ["word word"]
    assert split_text("&" * 12, budget=10) == ["&&", "&&", "&&", "&&", "&&", "&&"]


@given(st.text(alphabet=st.sampled_from("ab <>&\n\"'😀ю"), max_size=400), st.booleans())
def test_any_text_becomes_valid_telegram_html_within_the_limit(text: str, bold: bool) -> None:
    kind = ReplyKind.OUTCOME if bold else ReplyKind.INFO
    parts = format_reply(Reply(kind, "k", text), limit=60)
    plains = [parse_html(part)[0] for part in parts]  # raises on invalid HTML
    assert all(utf16_len(part) <= 60 for part in parts)
    assert "".join("".join(plains).split()) == "".join(text.split()), "nothing lost or added"


def test_answer_is_appended_to_the_question_unless_it_would_be_too_long() -> None:
    assert answered("Can you walk?", "Your answer: <Yes>") == (
        "Can you walk?\n\n<i>Your answer: &lt;Yes&gt;</i>"
    )
    assert answered("x" * MESSAGE_LIMIT, "Your answer: Yes") is None


def test_toasts_fit_telegrams_200_characters() -> None:
    assert toast("short") == "short"
    assert len(toast("x" * 500)) == 200


def test_links_and_urls() -> None:
    assert private_chat_link("backcheck_bot") == "https://t.me/backcheck_bot?start=check"
    assert file_url("https://api.telegram.org/bot") == "https://api.telegram.org/file/bot"
    assert file_url("http://127.0.0.1:5/bot") == "http://127.0.0.1:5/file/bot"
    assert file_url("http://h/bot{token}") == "http://h/file/bot{token}"
    assert file_url("http://h/api") is None


# -- fewer messages per press ------------------------------------------------------------------

TEMPLATE = answers_template(f"So far: {SENTINEL}")
QUESTION = Reply(ReplyKind.QUESTION, "q", "Next <one>?", (Choice("a", "A"),), "q2")


def test_the_so_far_line_is_read_back_from_the_message_in_any_language() -> None:
    assert read_so_far("So far: A · B\n\nQuestion?", TEMPLATE) == ("A · B", "Question?")
    assert read_so_far("Question?\n\nMore", TEMPLATE) == (None, "Question?\n\nMore")
    russian = answers_template(f"Ваши ответы: {SENTINEL}.")
    assert read_so_far("Ваши ответы: Да.\n\nВопрос", russian) == ("Да", "Вопрос")


def test_answers_accumulate_and_the_oldest_give_way() -> None:
    assert add_answer(None, "None of these") == "None of these"
    assert add_answer("None of these", "Normal") == "None of these · Normal"
    line: str | None = None
    for i in range(30):
        line = add_answer(line, f"Answer number {i}")
        assert len(line) <= SO_FAR_LIMIT
    assert line is not None and line.startswith("… ") and line.endswith("Answer number 29")
    assert len(add_answer(None, "x" * 100)) <= 28, "one long label is cut, not the line"


def test_only_notes_and_a_closing_question_fold_into_an_edit() -> None:
    note = Reply(ReplyKind.INFO, "n", "Thanks.")
    assert folds_into_edit([QUESTION]) and folds_into_edit([note, QUESTION])
    assert not folds_into_edit([])
    assert not folds_into_edit([note])
    assert not folds_into_edit([Reply(ReplyKind.WARNING, "w", "⚠️"), QUESTION])
    assert not folds_into_edit([Reply(ReplyKind.OUTCOME, "o", "Go"), QUESTION])
    assert not folds_into_edit([Reply(ReplyKind.QUESTION, "q", "No buttons")])


def test_a_folded_edit_is_valid_html_within_the_limit() -> None:
    body = folded([Reply(ReplyKind.INFO, "n", "A & B"), QUESTION])
    assert body == "A &amp; B\n\nNext &lt;one&gt;?"
    text = with_so_far("So far: <x> & y", body)
    assert text is not None
    plain, entities = parse_html(text)
    assert plain == "So far: <x> & y\n\nA & B\n\nNext <one>?"
    assert entities == [{"type": "italic", "offset": 0, "length": 15}]
    long = Reply(ReplyKind.QUESTION, "q", "word " * 1000, (Choice("a", "A"),), "q")
    assert folded([long]) is None, "a question needing two messages is sent, not folded"
    assert with_so_far("So far", "x" * MESSAGE_LIMIT) is None


def test_a_caption_is_escaped_and_none_when_too_long() -> None:
    picture = Reply(ReplyKind.IMAGE, "p", "15-20 min <never longer>", image="k")
    assert caption(picture) == "15-20 min &lt;never longer&gt;"
    assert caption(Reply(ReplyKind.IMAGE, "p", "x" * 1025, image="k")) is None
    assert caption(Reply(ReplyKind.IMAGE, "p", "", image="k")) is None


# -- deep links -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("payload", "link"),
    [
        ("ru", DeepLink("ru", None)),
        ("EN", DeepLink("en", None)),
        ("de", DeepLink(None, "DE")),
        ("ru_de", DeepLink("ru", "DE")),
        ("ru-KZ", DeepLink("ru", "KZ")),
        ("check", DeepLink()),
        ("de_ru_en", DeepLink()),
        ("d1", DeepLink()),
        ("", DeepLink()),
        (None, DeepLink()),
    ],
)
def test_deep_link_payloads(payload: str | None, link: DeepLink) -> None:
    assert deep_link(payload, ("en", "ru")) == link


def test_a_deep_link_becomes_the_language_hint() -> None:
    assert DeepLink().hint("pt-br") == "pt-br"
    assert DeepLink("ru", None).hint("en") == "ru"
    assert DeepLink(None, "DE").hint("ru") == "ru-DE"
    assert DeepLink(None, "GB").hint(None) == "und-GB"
    assert DeepLink("en", "GB").hint("ru") == "en-GB"
