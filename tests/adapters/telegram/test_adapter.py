"""The Telegram adapter end to end: real python-telegram-bot against the fake Bot API.

Each test is something a person in Telegram would notice: the questions and buttons they get,
what an old or forged button does, what a group sees, that a flood-control pause or a bot
restart loses nothing, and that a crash ends in an apology rather than silence.
"""

from __future__ import annotations

import asyncio
import logging
import os
import shutil
import signal
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from telegram import Message
from telegram.constants import ParseMode
from telegram.request import RequestData
from telegram.request._requestparameter import RequestParameter

from bot.adapters.telegram.adapter import _request_data
from bot.core.content import placeholders
from bot.core.engine import Engine
from bot.core.messages import Choice, Event, EventKind, Reply, ReplyKind
from bot.core.placeholders import DEFAULT_COMMANDS
from bot.service import Conversations, Turn
from tests.adapters.conftest import (
    Bot,
    Person,
    callback_buttons,
    make_settings,
    plain,
    question_id,
    running,
)
from tests.conftest import ROOT
from tests.core.walk import CALM, COUNTRY
from tests.fakes.telegram_api import Call, FakeTelegram, unused_tcp_port

RED_FLAG_TEXT = "I wet myself and can't feel my groin"


def text(bot: Bot, key: str, locale: str = "en", **values: object) -> str:
    """A text as Telegram shows it: commands named ``/start`` and so on."""
    if not values:  # a bare lookup: unfilled names stay blank (the numbers)
        names = placeholders(bot.app.conversations.engine.catalog.raw(key, locale))
        values = {name: DEFAULT_COMMANDS.get(name, "") for name in names}
    return bot.app.conversations.engine.catalog.text(key, locale, **values)


def button_label(call: Call, choice: str) -> str:
    """The label the person saw on the button for ``choice``."""
    rows = call.params["reply_markup"]["inline_keyboard"]
    wanted = f"|{choice}"
    return next(str(b["text"]) for r in rows for b in r if b["callback_data"].endswith(wanted))


@pytest.fixture
def alice(tg: FakeTelegram) -> Person:
    return Person(tg, tg.make_user(1001, "Alice", "alice", "en"))


# -- the conversation ---------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_full_triage_by_buttons_in_the_users_language(
    bot: Bot, tg: FakeTelegram, language: str
) -> None:
    person = Person(tg, tg.make_user(2002, "Sam", "sam", language))
    person.say("/start")
    welcome, first = await person.replies()
    assert plain(welcome).startswith(text(bot, "ui.welcome", language)[:40])
    assert question_id(first) == "rf_emergency"
    assert first.params["parse_mode"] == "HTML"

    second = await person.first_answer(first)  # and "Where are you now?" -> Skip
    label = " · ".join([text(bot, "choices.none_of_these", language)])
    assert second.params["message_id"] == first.result["message_id"], "the question is edited"
    assert plain(second) == "\n\n".join(
        [
            text(bot, "ui.so_far", language, answers=label),
            text(bot, "questions.rf_urine.text", language),
        ]
    )
    assert second.result["entities"][0] == {
        "type": "italic",
        "offset": 0,
        "length": len(text(bot, "ui.so_far", language, answers=label)),
    }
    assert question_id(second) == "rf_urine"

    outcome, followups = (await person.walk_calm(second))[-2:]
    assert plain(outcome).startswith(text(bot, "outcomes.self_care.action", language)[:30])
    bold = outcome.result["entities"][0]
    assert (bold["type"], bold["offset"]) == ("bold", 0), "an outcome leads with a bold line"
    assert question_id(followups) == "out_self_care"
    session = await bot.app.conversations.storage.sessions.load("tg:2002")
    assert session is not None and session.level == "self_care" and session.locale == language


async def test_typed_red_flag_mid_flow_escalates_at_once(bot: Bot, alice: Person) -> None:
    alice.say("/start")
    _, first = await alice.replies()
    await alice.first_answer(first)

    alice.say(RED_FLAG_TEXT)
    typed = await alice.replies()
    warning = typed[0]
    assert plain(warning).startswith("⚠️")
    assert warning.result["entities"][0]["type"] == "bold"
    walked = await alice.walk_calm(typed[-1])  # the flow may ask how they can get to hospital
    outcome, followups = (typed if walked == typed[-1:] else walked)[-2:]
    assert "112 or your local emergency number" in plain(outcome), "no guessed number"
    assert outcome.params["text"].count("&amp;") == plain(outcome).count("&"), "A&E escaped"
    assert question_id(followups).startswith("out_emergency")


async def test_back_restart_forget_language_and_region(
    bot: Bot, tg: FakeTelegram, alice: Person
) -> None:
    alice.say("/start")
    _, first = await alice.replies()
    await alice.first_answer(first)

    alice.say("/back")
    (again,) = await alice.replies()
    assert question_id(again) == "rf_emergency"

    alice.say("/language ru")
    done, in_russian = await alice.replies()
    assert plain(done) == text(bot, "ui.language_set", "ru")
    assert plain(in_russian) == text(bot, "questions.rf_emergency.text", "ru")

    alice.say("/region uk")
    region, _ = await alice.replies()
    assert "999" in plain(region)

    alice.say("/language")
    (menu,) = await alice.replies()
    assert question_id(menu) == "language"
    alice.tap(menu, "en")
    (english,) = await alice.next_screen()
    assert english.params["message_id"] == menu.result["message_id"]
    assert text(bot, "ui.language_set", "en") in plain(english)
    assert question_id(english) == "rf_emergency"

    alice.say("/restart")
    _, restarted = await alice.replies()
    assert question_id(restarted) == "rf_emergency"

    alice.say("/forget")
    forgotten = await alice.next_message()
    assert plain(forgotten) == text(bot, "ui.forgotten", "en")
    assert callback_buttons(forgotten) == []
    assert await bot.app.conversations.storage.sessions.load("tg:1001") is None

    alice.tap(restarted, "none_of_these")  # a keyboard from before /forget: a fresh start
    ack = await tg.wait_for_call("answerCallbackQuery")
    assert ack.params.get("text") is None
    welcome, _ = await alice.replies()
    assert plain(welcome).startswith(text(bot, "ui.welcome")[:30])
    assert tg.message(1001, restarted.result["message_id"]).plain_text == plain(restarted)


async def test_a_sticker_gets_a_nudge_and_the_question_again(
    bot: Bot, tg: FakeTelegram, alice: Person
) -> None:
    alice.say("/start")
    await alice.replies()
    update = tg.make_message_update("", user=alice.user)
    del update["message"]["text"]
    update["message"]["sticker"] = {
        **{"file_id": "CAAC", "file_unique_id": "AgAD", "type": "regular"},
        **{"width": 512, "height": 512, "is_animated": False, "is_video": False},
    }
    tg.inject_update(update)
    (nudge,) = await alice.replies()  # one line; the buttons stay, the question isn't repeated
    assert plain(nudge).startswith(text(bot, "ui.use_buttons")[:30])
    assert question_id(nudge) == "rf_emergency"


async def test_start_with_deep_link_payload_starts_normally(bot: Bot, alice: Person) -> None:
    alice.say("/start check")
    _, first = await alice.replies()
    assert question_id(first) == "rf_emergency"


async def test_people_seen_leave_no_trace_in_ptbs_persistence_marks(
    bot: Bot, tg: FakeTelegram
) -> None:
    """PTB notes every chat and user id for a persistence we do not use: without emptying
    those sets the process grew with every person it ever met."""
    people = [Person(tg, tg.make_user(2000 + n, f"P{n}", f"p{n}", "en")) for n in range(5)]
    for person in people:
        person.say("/start")
    for person in people:
        await person.replies()
    application = bot.adapter.application
    assert application.persistence is None
    assert not application._chat_ids_to_be_updated_in_persistence
    assert not application._user_ids_to_be_updated_in_persistence


# -- buttons that cannot go wrong -----------------------------------------------------------------


async def test_stale_forged_and_double_presses_are_a_toast_and_nothing_else(
    bot: Bot, tg: FakeTelegram, alice: Person
) -> None:
    alice.say("/start")
    _, first = await alice.replies()
    second = await alice.first_answer(first)
    refusal = text(bot, "ui.already_answered")
    shown = tg.message(1001, second.result["message_id"])

    for payload in ("rf_emergency|accident", "rf_urine|no_such_choice", "garbage", "x" * 64):
        tg.press_button(second, force_data=payload)
        ack = await tg.wait_for_call("answerCallbackQuery")
        assert ack.params["text"] == refusal, payload
    assert tg.message(1001, second.result["message_id"]) == shown, "the question stays as it is"

    alice.tap(second, "none_of_these")
    alice.tap(second, "none_of_these")
    (third,) = await alice.next_screen()
    assert question_id(third) == "rf_hospital"
    double = await tg.wait_for_call("answerCallbackQuery")
    assert double.params["text"] == refusal
    alice.say("/help")
    await alice.replies()
    assert not [c for c in tg.calls if c.method == "sendMessage" and c.at < double.at][3:], (
        "no press sent a message: only the welcome, the first question and the share-location"
        " keyboard of 'Where are you now?' were ever sent"
    )
    assert [c.method for c in tg.calls].count("editMessageText") == 3, "only real answers edit"
    session = await bot.app.conversations.storage.sessions.load("tg:1001")
    assert session is not None
    assert [a.choice for a in session.answers] == ["none_of_these", "none_of_these"]


async def test_duplicate_update_is_applied_once(bot: Bot, tg: FakeTelegram, alice: Person) -> None:
    alice.say("/start")
    _, first = await alice.replies()
    update = alice.tap(first, "none_of_these")
    tg.inject_update(update)  # Telegram delivers the same update_id again
    await alice.next_screen()
    alice.say("/help")
    help_text, _ = await alice.replies()

    assert plain(help_text).startswith(text(bot, "ui.help")[:30])
    assert [c.method for c in tg.calls].count("answerCallbackQuery") == 1
    assert [c.method for c in tg.calls].count("editMessageText") == 1
    session = await bot.app.conversations.storage.sessions.load("tg:1001")
    assert session is not None and len(session.answers) == 1


# -- groups -------------------------------------------------------------------------------------


async def test_group_gets_only_a_link_to_the_private_chat(bot: Bot, tg: FakeTelegram) -> None:
    group = tg.group_chat(-1001234567890, "Gym friends")
    member = tg.make_user(3003, "Bob", "bob", "ru")
    tg.inject_message("my back hurts", user=member, chat=group)
    tg.inject_message(f"/start@{tg.bot_username}", user=member, chat=group)
    tg.inject_message("/start", user=member, chat=group)

    for _ in range(2):
        sent = await tg.wait_for_call("sendMessage", lambda c: c.params["chat_id"] == group.id)
        assert plain(sent) == text(bot, "ui.private_only", "ru")
        (button,) = sent.params["reply_markup"]["inline_keyboard"][0]
        assert button == {
            "text": text(bot, "ui.open_private", "ru"),
            "url": f"https://t.me/{tg.bot_username}?start=check",
        }
    tg.press_button(sent, force_data="rf_emergency|none_of_these", user=member)
    ack = await tg.wait_for_call("answerCallbackQuery")
    assert ack.params["text"] == text(bot, "telegram.group_press", "ru")
    assert [c for c in tg.calls if c.method == "sendMessage"] == [
        c for c in tg.calls if c.method == "sendMessage" and c.params["chat_id"] == group.id
    ]
    assert await bot.app.conversations.storage.sessions.load("tg:3003") is None


# -- delivery -------------------------------------------------------------------------------------


async def test_flood_control_delays_but_loses_nothing(
    bot: Bot, tg: FakeTelegram, alice: Person
) -> None:
    tg.fail_next("sendMessage", code=429, retry_after=1)
    alice.say("/start")
    refused = await tg.wait_for_call("sendMessage", lambda c: not c.ok)
    welcome, first = await alice.replies()
    assert welcome.at - refused.at >= 1.0
    assert plain(welcome).startswith(text(bot, "ui.welcome")[:30])
    assert question_id(first) == "rf_emergency"


async def test_different_users_are_served_concurrently(
    tg: FakeTelegram, tmp_path: Path, app_engine: Engine
) -> None:
    gate = asyncio.Event()

    class SlowForAlice(Conversations):
        async def handle(self, user: str, event: Event, **options: Any) -> Turn:
            if user == "tg:1001":
                await gate.wait()
            return await super().handle(user, event, **options)

    async with running(make_settings(tg, tmp_path), tg, app_engine) as bot:
        bot.adapter.conversations = SlowForAlice(
            bot.app.conversations.engine, bot.app.conversations.storage
        )
        alice = Person(tg, tg.make_user(1001, "Alice", "alice"))
        bob = Person(tg, tg.make_user(1002, "Bob", "bob"))
        alice.say("/start")
        bob.say("/start")
        _, bobs_question = await bob.replies()
        gate.set()
        _, alices_question = await alice.replies()
        assert bobs_question.at < alices_question.at


async def test_restart_mid_conversation_continues_from_the_old_message(
    tg: FakeTelegram, tmp_path: Path, alice: Person
) -> None:
    settings = make_settings(tg, tmp_path)
    async with running(settings, tg):
        alice.say("/start")
        _, first = await alice.replies()
        second = await alice.first_answer(first)

    async with running(settings, tg) as bot:
        alice.tap(second, "none_of_these")
        (third,) = await alice.next_screen()
        assert third.params["message_id"] == second.result["message_id"]
        assert question_id(third) == "rf_hospital"
        labels = [
            text(bot, "choices.none_of_these"),
            button_label(second, "none_of_these"),
        ]
        so_far = text(bot, "ui.so_far", answers=" · ".join(labels))
        assert plain(third).startswith(so_far + "\n\n"), "the answers survive a restart"
        session = await bot.app.conversations.storage.sessions.load("tg:1001")
        assert session is not None and len(session.answers) == 2


async def test_reminders_are_delivered_to_the_private_chat(
    bot: Bot, tg: FakeTelegram, alice: Person
) -> None:
    alice.say("/start")
    await alice.replies()
    choices = (Choice("better", "Better"), Choice("worse", "Worse"))
    reminder = Reply(ReplyKind.QUESTION, "test.reminder", "How is your back?", choices, "checkin")
    assert await bot.adapter.deliver("tg:1001", [reminder]) is True
    (sent,) = await alice.replies()
    assert plain(sent) == "How is your back?"
    assert callback_buttons(sent) == ["checkin|better", "checkin|worse"]
    assert await bot.adapter.deliver("dc:1001", [reminder]) is False
    tg.blocked_chats.add(1001)
    assert await bot.adapter.deliver("tg:1001", [reminder]) is False


async def test_webhook_mode_checks_the_secret_token(
    tg: FakeTelegram, tmp_path: Path, alice: Person, app_engine: Engine
) -> None:
    port = unused_tcp_port()
    settings = make_settings(
        tg,
        tmp_path,
        TELEGRAM_WEBHOOK_URL=f"http://127.0.0.1:{port}/telegram/hook",
        TELEGRAM_WEBHOOK_PORT=port,
        TELEGRAM_WEBHOOK_SECRET="s3cret_Token-1",
    )
    async with running(settings, tg, app_engine) as bot:
        hook = await tg.wait_for_call("setWebhook")
        assert hook.params["secret_token"] == "s3cret_Token-1"
        assert hook.params["url"] == f"http://127.0.0.1:{port}/telegram/hook"

        alice.say("/start")
        _, first = await alice.replies()
        assert question_id(first) == "rf_emergency"

        forged = tg.make_message_update("/restart", user=alice.user)
        assert await tg.post_to_webhook(forged, secret="wrong") == 403
        assert await tg.post_to_webhook(forged, secret=None) == 403
        genuine = tg.make_message_update("/help", user=alice.user)
        assert await tg.post_to_webhook(genuine) == 200
        help_text, _ = await alice.replies()
        assert plain(help_text).startswith(text(bot, "ui.help")[:30])
        assert not any(c.method == "getUpdates" for c in tg.calls)


# -- presentation --------------------------------------------------------------------------------


async def test_command_menu_in_english_and_russian(bot: Bot, tg: FakeTelegram) -> None:
    names = [
        *("start", "help", "back", "restart", "language", "region", "country", "about"),
        *("summary", "stop", "forget"),
    ]
    for scope, language, locale in (("default", "", "en"), ("default", "ru", "ru")):
        menu = tg.commands[(scope, language)]
        assert [c["command"] for c in menu] == names
        assert [c["description"] for c in menu] == [
            text(bot, f"commands.{n}", locale) for n in names
        ]
    assert [c["command"] for c in tg.commands[("all_group_chats", "")]] == ["start"]


async def test_markup_in_content_is_escaped_and_long_texts_are_split(
    tg: FakeTelegram, tmp_path: Path, alice: Person
) -> None:
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    lines = [f"Tip {i}: sets < reps > 0 & <b>no tags</b> &amp; A&E" for i in range(120)]
    for locale in ("en", "ru"):  # the same placeholders in every language
        ui_file = content / locale / "ui.yaml"
        ui = yaml.safe_load(ui_file.read_text(encoding="utf-8"))
        ui["help"] = "\n".join([*lines, "Emergency: {number}"])
        ui_file.write_text(yaml.safe_dump(ui, allow_unicode=True), encoding="utf-8")

    async with running(make_settings(tg, tmp_path, BACKCHECK_CONTENT=content), tg):
        alice.say("/start")
        await alice.replies()
        alice.say("/help")
        messages = await alice.replies()
    parts, question = messages[:-1], messages[-1]
    assert len(parts) >= 2, "over 4096 characters must be split"
    assert all(len(p.params["text"]) <= 4096 for p in parts)
    seen = "\n".join(plain(p) for p in parts).split("\n")
    assert seen[:-1] == lines and seen[-1].startswith("Emergency: 112")
    assert all(callback_buttons(p) == [] for p in parts), "the keyboard rides on the last part"
    assert question_id(question) == "rf_emergency"


# -- errors ---------------------------------------------------------------------------------------


async def test_the_apology_names_the_number_of_the_persons_country(
    tg: FakeTelegram, tmp_path: Path, alice: Person, app_engine: Engine
) -> None:
    class BrokenOnText(Conversations):
        async def handle(self, user: str, event: Event, **options: Any) -> Turn:
            if event.kind is EventKind.TEXT:
                raise RuntimeError("boom")
            return await super().handle(user, event, **options)

    async with running(make_settings(tg, tmp_path), tg, app_engine) as bot:
        app = bot.app.conversations
        bot.adapter.conversations = BrokenOnText(app.engine, app.storage)
        alice.say("/country israel")
        await alice.next_message()
        alice.say("hello")
        apology = await alice.next_message()
        assert plain(apology).startswith(text(bot, "ui.error")[:30])
        assert "101" in plain(apology), "Israel's ambulance, not the generic 112"


async def test_a_crash_in_the_handler_ends_in_an_apology_and_one_clean_log_line(
    tg: FakeTelegram,
    tmp_path: Path,
    alice: Person,
    app_engine: Engine,
    caplog: pytest.LogCaptureFixture,
) -> None:
    class Broken(Conversations):
        async def handle(self, user: str, event: Event, **options: Any) -> Turn:
            raise RuntimeError(f"boom: {event.value}")

    async with running(make_settings(tg, tmp_path), tg, app_engine) as bot:
        bot.adapter.conversations = Broken(
            bot.app.conversations.engine, bot.app.conversations.storage
        )
        caplog.set_level(logging.INFO, logger="backcheck")
        alice.say(RED_FLAG_TEXT)
        apology = await alice.next_message()
        assert plain(apology).startswith(text(bot, "ui.error")[:30])
        assert "112" in plain(apology)

        tg.press_button(apology, force_data="rf_emergency|none_of_these")
        ack = await tg.wait_for_call("answerCallbackQuery")
        assert ack.params["text"] == text(bot, "telegram.error_toast")
        await alice.next_message()

    errors = [r for r in caplog.records if r.name.startswith("backcheck") and r.levelno >= 40]
    assert len(errors) == 2, "one line per failed update"
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "RuntimeError" in logged
    for secret in ("groin", "boom", tg.token, tg.token.split(":")[1]):
        assert secret not in logged


async def test_backcheck_run_serves_telegram_and_stops_on_sigterm(
    tg: FakeTelegram, tmp_path: Path, alice: Person
) -> None:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("TELEGRAM_", "DISCORD_", "REDIS_", "BACKCHECK_"))
    }
    env |= {
        "TELEGRAM_TOKEN": tg.token,
        "TELEGRAM_BASE_URL": tg.base_url,
        "BACKCHECK_DB": str(tmp_path / "run.db"),
        "PYTHONPATH": str(ROOT),
        "NO_PROXY": "127.0.0.1,localhost",
    }
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        cwd=tmp_path,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        alice.say("/start")
        _, first = await alice.replies(timeout=20)
        assert question_id(first) == "rf_emergency"
        proc.send_signal(signal.SIGTERM)
        out, err = await asyncio.wait_for(proc.communicate(), 20)
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
    assert proc.returncode == 0, err.decode()
    output = (out + err).decode()
    assert "telegram adapter started" in output
    assert tg.token not in output and tg.token.split(":")[1] not in output


async def test_start_a_new_check_is_not_marked_as_an_answer(
    bot: Bot, tg: FakeTelegram, alice: Person
) -> None:
    alice.say("/start")
    _, first = await alice.replies()
    followups = (await alice.walk_calm(first))[-1]
    before = len(tg.calls)
    alice.tap(followups, "restart")
    welcome, again = await alice.replies()
    assert plain(welcome).startswith(text(bot, "ui.welcome")[:40])
    assert question_id(again) == "rf_emergency"
    edits = [c for c in tg.calls[before:] if c.method.startswith("editMessage")]
    assert edits == [], "a fresh start is no answer: the outcome's buttons stay as they were"


# -- fewer messages per press ---------------------------------------------------------------------


def _api_calls(calls: list[Call]) -> list[str]:
    return [c.method for c in calls if c.method != "getUpdates"]


@pytest.mark.parametrize("language", ["en", "ru"])
async def test_a_question_to_question_press_costs_two_api_calls(
    bot: Bot, tg: FakeTelegram, language: str
) -> None:
    person = Person(tg, tg.make_user(2002, "Sam", "sam", language))
    person.say("/start")
    _, question = await person.replies()
    pressed = 0
    while not question_id(question).startswith("out_"):
        last_asked = question
        before = len(tg.calls)
        person.tap(question, CALM[question_id(question)])
        screen = await person.next_screen()
        if len(screen) == 1 and screen[0].method == "editMessageText":
            # "Where are you now?" also sends its share-location keyboard, once
            location = ["sendMessage"] if question_id(screen[0]) == COUNTRY else []
            expected = ["answerCallbackQuery", "editMessageText", *location]
            assert _api_calls(tg.calls[before:]) == expected
            assert screen[0].params["message_id"] == question.result["message_id"]
            pressed += 1
        else:  # the last answer: the question is closed, the result arrives as new messages
            calls = _api_calls(tg.calls[before:])
            assert calls[:2] == ["answerCallbackQuery", "editMessageText"]
            assert set(calls[2:]) == {"sendMessage"}
            assert screen[0].result["entities"][0]["type"] == "bold", "the result leads"
        question = screen[-1]
    assert pressed >= 5
    closed = tg.message(2002, last_asked.result["message_id"])
    assert closed.reply_markup is None, "the last question is closed with its answer"
    assert closed.plain_text.startswith(text(bot, "ui.so_far", language, answers="")[:5])


async def test_the_so_far_line_stays_one_short_line(bot: Bot, tg: FakeTelegram) -> None:
    person = Person(tg, tg.make_user(2003, "Kim", "kim", "en"))
    person.say("/start")
    _, question = await person.replies()
    prefix = text(bot, "ui.so_far", answers="")
    while not question_id(question).startswith("out_"):
        person.tap(question, CALM[question_id(question)])
        screen = await person.next_screen()
        if screen[0].method == "editMessageText" and callback_buttons(screen[0]):
            first_line = plain(screen[0]).split("\n")[0]
            assert first_line.startswith(prefix)
            assert len(first_line) <= len(prefix) + 90
        question = screen[-1]


# -- the bot's profile and deep links -------------------------------------------------------------


async def test_profile_texts_and_menu_button_in_english_and_russian(
    bot: Bot, tg: FakeTelegram
) -> None:
    for language, locale in (("", "en"), ("ru", "ru")):
        assert tg.descriptions[language] == text(bot, "telegram.description", locale)
        assert tg.short_descriptions[language] == text(bot, "telegram.short_description", locale)
        assert "112" in tg.descriptions[language] and "112" in tg.short_descriptions[language]
    assert "not a doctor" in tg.descriptions[""]
    assert tg.menu_buttons == {None: {"type": "commands"}}


async def test_a_deep_link_presets_the_language(bot: Bot, tg: FakeTelegram) -> None:
    english_app = Person(tg, tg.make_user(2010, "Lena", "lena", "en"))
    english_app.say("/start ru")
    welcome, first = await english_app.replies()
    assert plain(welcome).startswith(text(bot, "ui.welcome", "ru")[:40])
    assert plain(first) == text(bot, "questions.rf_emergency.text", "ru")


@pytest.mark.parametrize(("payload", "country"), [("de", "DE"), ("ru_gb", "GB"), ("check", None)])
async def test_a_deep_link_presets_the_country(
    bot: Bot, tg: FakeTelegram, payload: str, country: str | None
) -> None:
    person = Person(tg, tg.make_user(2011, "Max", "max", None))
    person.say(f"/start {payload}")
    _, first = await person.replies()
    assert question_id(first) == "rf_emergency"
    session = await bot.app.conversations.storage.sessions.load("tg:2011")
    assert session is not None and session.country == country
    if payload == "ru_gb":
        assert session.locale == "ru"


# -- pictures -------------------------------------------------------------------------------------


def _picture(key: str = "cold_pack_lower_back") -> Reply:
    caption = "Cold, wrapped in a damp towel, 15 to 20 minutes <never longer> & no heat."
    return Reply(ReplyKind.IMAGE, f"pictures.{key}", caption, image=key, alt=caption)


async def test_a_picture_is_uploaded_once_then_sent_by_its_file_id(
    bot: Bot, tg: FakeTelegram, alice: Person
) -> None:
    alice.say("/start")
    await alice.replies()
    assert await bot.adapter.deliver("tg:1001", [_picture()]) is True
    first = await tg.wait_for_call("sendPhoto")
    assert first.params["photo"]["filename"] == "cold_pack_lower_back.png"
    assert first.params["photo"]["content"].startswith(b"\x89PNG")
    assert plain(first) == _picture().text, "the caption is escaped HTML, shown as written"
    assert len(tg.uploads) == 1

    assert await bot.adapter.deliver("tg:1001", [_picture()]) is True
    second = await tg.wait_for_call("sendPhoto")
    assert second.params["photo"] == tg.uploads[0].file_id, "re-sent by file_id, no upload"
    assert len(tg.uploads) == 1
    assert plain(second) == _picture().text


async def test_a_missing_picture_falls_back_to_its_words(
    bot: Bot, tg: FakeTelegram, alice: Person, caplog: pytest.LogCaptureFixture
) -> None:
    alice.say("/start")
    await alice.replies()
    assert await bot.adapter.deliver("tg:1001", [_picture("no_such_picture")]) is True
    sent = await alice.next_message()
    assert plain(sent) == _picture().text
    assert not [c for c in tg.calls if c.method == "sendPhoto"]
    assert "no_such_picture" in caplog.text


# -- nothing typed is dropped ---------------------------------------------------------------------


async def _is_warned(bot: Bot, person: Person) -> None:
    warning = (await person.replies())[0]
    assert plain(warning).startswith("⚠️"), plain(warning)
    assert warning.result["entities"][0]["type"] == "bold"


async def test_a_photo_caption_with_a_danger_sign_gets_the_warning(
    bot: Bot, tg: FakeTelegram, alice: Person
) -> None:
    alice.say("/start")
    await alice.replies()
    tg.inject_payload(tg.photo_payload(RED_FLAG_TEXT), user=alice.user)
    await _is_warned(bot, alice)


async def test_an_edited_message_with_a_danger_sign_gets_the_warning(
    bot: Bot, tg: FakeTelegram, alice: Person
) -> None:
    alice.say("/start")
    await alice.replies()
    sent = alice.say("my back is a bit stiff")
    nudge = await alice.replies()
    assert not plain(nudge[0]).startswith("⚠️")
    tg.inject_edit(sent, RED_FLAG_TEXT)
    await _is_warned(bot, alice)


async def test_a_forwarded_text_with_a_danger_sign_gets_the_warning(
    bot: Bot, tg: FakeTelegram, alice: Person
) -> None:
    alice.say("/start")
    await alice.replies()
    origin = {"type": "hidden_user", "sender_user_name": "Coach", "date": 1760000000}
    tg.inject_payload({"text": RED_FLAG_TEXT, "forward_origin": origin}, user=alice.user)
    await _is_warned(bot, alice)


async def test_an_edited_command_is_not_run_again(
    bot: Bot, tg: FakeTelegram, alice: Person
) -> None:
    alice.say("/start")
    await alice.replies()
    sent = alice.say("/help")
    await alice.replies()
    tg.inject_edit(sent, "/forget")
    await alice.replies()  # heard as text (the detector listened), not as the command
    assert await bot.app.conversations.storage.sessions.load("tg:1001") is not None


# -- a shared location ----------------------------------------------------------------------------


def _location_button(call: Call) -> dict[str, object]:
    (row,) = call.params["reply_markup"]["keyboard"]
    (button,) = row
    return dict(button)


async def test_the_country_question_offers_a_location_button_and_a_location_sets_it(
    bot: Bot, tg: FakeTelegram, alice: Person, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="backcheck")
    alice.say("/start")
    await alice.replies()
    choices = (Choice("DE", "🇩🇪 Germany"), Choice("skip", "Skip"))
    ask = Reply(ReplyKind.QUESTION, "country.ask", text(bot, "country.ask"), choices, "country")
    assert await bot.adapter.deliver("tg:1001", [ask]) is True
    question = await alice.next_message()
    assert callback_buttons(question) == ["country|DE", "country|skip"]
    offer = await alice.next_message()
    assert plain(offer) == text(bot, "country.location_privacy")
    assert _location_button(offer) == {
        "text": text(bot, "country.share_location"),
        "request_location": True,
    }
    assert offer.params["reply_markup"]["one_time_keyboard"] is True

    tg.inject_payload({"location": {"latitude": 52.5163, "longitude": 13.3777}}, user=alice.user)
    done = await alice.next_message()
    assert plain(done).startswith(text(bot, "ui.region_set", number="112", urgent="")[:20])
    assert done.params["reply_markup"] == {"remove_keyboard": True}
    await alice.replies()
    session = await bot.app.conversations.storage.sessions.load("tg:1001")
    assert session is not None and session.country == "DE"
    ours = "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("backcheck"))
    stored = repr(session) + ours
    assert "52.5" not in stored and "13.3" not in stored, "the point is never kept or logged"


async def test_a_location_at_sea_gets_a_clear_answer_and_changes_nothing(
    bot: Bot, tg: FakeTelegram, alice: Person
) -> None:
    alice.say("/start")
    await alice.replies()
    tg.inject_payload({"location": {"latitude": 0.0, "longitude": -30.0}}, user=alice.user)
    answer, question = await alice.replies()
    assert plain(answer) == text(bot, "country.no_location")
    assert question_id(question) == "rf_emergency"
    session = await bot.app.conversations.storage.sessions.load("tg:1001")
    assert session is not None and session.country is None


@pytest.mark.parametrize(
    ("language_code", "first"),
    [("pt-br", "BR"), ("en-gb", "GB"), ("es-mx", "MX"), ("en", "US"), ("ru", "RU"), ("uk", "UA")],
)
async def test_the_language_code_orders_the_country_buttons_and_picks_nothing(
    bot: Bot, tg: FakeTelegram, language_code: str, first: str
) -> None:
    person = Person(tg, tg.make_user(2020, "Ana", "ana", language_code))
    person.say("/start")
    _, question = await person.replies()
    person.tap(question, "none_of_these")
    (asked,) = await person.next_screen()
    assert question_id(asked) == COUNTRY
    buttons = callback_buttons(asked)
    assert buttons[0] == f"{COUNTRY}|{first}" and buttons[-1] == f"{COUNTRY}|skip"
    assert person.location_offers, "private chat: the share-location keyboard comes too"
    session = await bot.app.conversations.storage.sessions.load("tg:2020")
    assert session is not None and session.country is None, "a language never sets it"
    person.tap(asked, first)
    (after,) = await person.next_screen()
    assert question_id(after) == "rf_urine"
    session = await bot.app.conversations.storage.sessions.load("tg:2020")
    assert session is not None and session.country == first


async def test_the_zone_question_comes_with_the_location_button_and_a_location_answers_it(
    bot: Bot, tg: FakeTelegram, alice: Person
) -> None:
    alice.say("/start us")  # a deep link names the country: several clocks, none chosen yet
    _, first = await alice.replies()
    followups = (await alice.walk_calm(first))[-1]
    assert question_id(followups) == "out_self_care"
    alice.tap(followups, "checkins")
    await tg.wait_for_call("answerCallbackQuery")
    (asked,) = await alice.replies()
    assert plain(asked) == text(bot, "country.choose_zone")
    assert question_id(asked) == "zone:checkins" and "zone:checkins|America/Chicago" in (
        callback_buttons(asked)
    )
    assert alice.location_offers == [], "the zone question is not the country question"
    offer = await alice.next_message()
    assert _location_button(offer)["request_location"] is True

    tg.inject_payload({"location": {"latitude": 42.33, "longitude": -83.05}}, user=alice.user)
    done = await alice.next_message()
    assert plain(done) == text(bot, "country.zone_set", zone="Detroit")
    assert done.params["reply_markup"] == {"remove_keyboard": True}
    await alice.replies()
    session = await bot.app.conversations.storage.sessions.load("tg:1001")
    assert session is not None and (session.country, session.zone) == ("US", "America/Detroit")
    assert "42.3" not in session.to_json()
    due = await bot.app.conversations.storage.reminders.claim_due(now=2e10)
    assert [r.kind for r in due if r.user == "tg:1001"] == ["checkin", "checkin"]


async def test_the_replies_to_sends_and_edits_and_the_presses_are_not_parsed(
    bot: Bot, tg: FakeTelegram, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Nothing reads the ``Message`` Telegram returns for a send or an edit, and a press is
    read from the raw update, so PTB builds a ``Message`` only for a typed message (here the
    /start), never for what goes out nor for the message under a pressed button."""
    parsed = 0
    original = Message.de_json.__func__  # type: ignore[attr-defined]

    def counting(cls: type[Message], data: Any, bot: Any = None) -> Message:
        nonlocal parsed
        parsed += 1
        return original(cls, data, bot)  # type: ignore[no-any-return]

    monkeypatch.setattr(Message, "de_json", classmethod(counting))
    person = Person(tg, tg.make_user(2003, "Kim", "kim", "en"))
    person.say("/start")
    _, question = await person.replies()
    for _ in range(3):
        person.tap(question, CALM[question_id(question)])
        question = (await person.next_screen())[-1]
    out = [c.method for c in tg.calls if c.method in ("sendMessage", "editMessageText")]
    assert len(out) >= 4
    assert parsed == 1, "the /start alone: none per press, none per reply"


@pytest.mark.parametrize(
    "data",
    [
        {"chat_id": 42, "message_id": -7, "text": "Привет & <b>hi</b>", "parse_mode": "HTML"},
        {"chat_id": 1, "disable_notification": True, "protect_content": False},
        {"chat_id": 1, "reply_markup": {"remove_keyboard": True}},  # not plain: PTB's path
    ],
)
def test_request_parameters_encode_as_ptbs_own(data: dict[str, object]) -> None:
    """The shortcut past PTB's ``json.dumps`` of every id sends exactly what PTB would."""
    data = {k: ParseMode.HTML if v == "HTML" else v for k, v in data.items()}
    ptb = RequestData([RequestParameter.from_input(k, v) for k, v in data.items()])
    assert _request_data(data).json_parameters == ptb.json_parameters
