"""Self-test of the fake Telegram Bot API, driven by the real python-telegram-bot.

If these pass, the fake speaks the wire format PTB uses (form-encoded parameters, long polling,
webhooks, error statuses) and enforces the Telegram rules the bot tests rely on.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeChat,
    InlineKeyboardButton,
    MenuButtonCommands,
    Update,
)
from telegram import InlineKeyboardMarkup as Keyboard
from telegram.error import BadRequest, Forbidden, InvalidToken
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from .telegram_api import (
    FakeTelegram,
    HtmlParseError,
    parse_html,
    unused_tcp_port,
)

KEYBOARD = Keyboard(
    [
        [
            InlineKeyboardButton("Better", callback_data="pain:better"),
            InlineKeyboardButton("Worse", callback_data="pain:worse"),
        ],
        [InlineKeyboardButton("Same", callback_data="pain:same")],
    ]
)
GREETING = "How is your <b>back</b> today? &lt;3"
AnyApp = Application[Any, Any, Any, Any, Any, Any]
LINK = 'Go <a href="https://x.io/?a=1&amp;b=2">here</a>'


@pytest.fixture(autouse=True)
def _no_proxy_for_loopback(monkeypatch: pytest.MonkeyPatch) -> None:
    """httpx honours HTTP(S)_PROXY even for 127.0.0.1; keep loopback traffic direct."""
    current = os.environ.get("NO_PROXY", "")
    monkeypatch.setenv("NO_PROXY", ",".join(filter(None, [current, "127.0.0.1", "localhost"])))


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram() as server:
        yield server


# ------------------------------------------------------------------------ the bot under test


async def on_start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message is not None
    await update.effective_message.reply_text(GREETING, parse_mode="HTML", reply_markup=KEYBOARD)


async def on_long(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message is not None
    too_long = InlineKeyboardButton("Too long", callback_data="x" * 65)
    await update.effective_message.reply_text("Pick", reply_markup=Keyboard([[too_long]]))


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None and query.data is not None
    await query.answer()
    if query.data == "pain:same":
        # Re-render the unchanged message: Telegram refuses with "message is not modified".
        await query.edit_message_text(GREETING, parse_mode="HTML", reply_markup=KEYBOARD)
        return
    await query.edit_message_text(f"Noted: {query.data.removeprefix('pain:')}")


def build_app(fake: FakeTelegram, *, rate_limiter: AIORateLimiter | None = None) -> AnyApp:
    builder = (
        ApplicationBuilder()
        .token(fake.token)
        .base_url(fake.base_url)
        .base_file_url(fake.base_file_url)
    )
    app: AnyApp = (builder.rate_limiter(rate_limiter) if rate_limiter else builder).build()
    app.add_handler(CommandHandler("start", on_start))
    app.add_handler(CommandHandler("long", on_long))
    app.add_handler(CallbackQueryHandler(on_button))
    errors: list[BaseException] = []
    app.bot_data["errors"] = errors

    async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert context.error is not None
        errors.append(context.error)

    app.add_error_handler(on_error)
    return app


@contextlib.asynccontextmanager
async def polling(app: AnyApp) -> AsyncIterator[AnyApp]:
    """The manual lifecycle: run_polling() would block and own the event loop."""
    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0.0)
        try:
            yield app
        finally:
            await app.updater.stop()
            await app.stop()


@contextlib.asynccontextmanager
async def direct_bot(fake: FakeTelegram) -> AsyncIterator[Bot]:
    async with Bot(fake.token, base_url=fake.base_url, base_file_url=fake.base_file_url) as bot:
        yield bot


async def raw_call(fake: FakeTelegram, method: str, **form: str) -> tuple[int, dict[str, object]]:
    async with (
        aiohttp.ClientSession() as session,
        session.post(fake.api_url + method, data=form) as response,
    ):
        return response.status, await response.json()


# ------------------------------------------------------------------------ end to end with PTB


async def test_start_then_press_answers_and_edits(fake: FakeTelegram) -> None:
    alice = fake.make_user(1001, "Alice", "alice", "ru")
    async with polling(build_app(fake)):
        update = fake.inject_message("/start", user=alice)
        assert update["message"]["entities"] == [{"type": "bot_command", "offset": 0, "length": 6}]
        assert update["message"]["date"] > 0

        sent = await fake.wait_for_call("sendMessage")
        assert sent.params["chat_id"] == 1001
        assert sent.params["reply_markup"]["inline_keyboard"][0][1]["callback_data"] == "pain:worse"
        assert sent.result["text"] == "How is your back today? <3"
        assert sent.result["entities"] == [{"type": "bold", "offset": 12, "length": 4}]
        [message] = fake.sent_messages(1001)
        assert message.text == GREETING
        assert message.plain_text == "How is your back today? <3"
        assert message.button_texts == ["Better", "Worse", "Same"]

        fake.press_button(sent, text="Worse")
        answer = await fake.wait_for_call("answerCallbackQuery")
        edit = await fake.wait_for_call("editMessageText")

    assert answer.ok and edit.ok
    assert fake.callback_queries[answer.params["callback_query_id"]].answered
    current = fake.message(1001, message.message_id)
    assert current.plain_text == "Noted: worse"
    assert current.reply_markup is None, "an edit without reply_markup removes the keyboard"
    assert current.edit_count == 1
    assert [c.method for c in fake.calls if c.method != "getUpdates"] == [
        "getMe",
        "deleteWebhook",
        "sendMessage",
        "answerCallbackQuery",
        "editMessageText",
    ]
    assert not fake.unknown_methods
    assert all(call.ok for call in fake.calls), "stopping the updater must not cause a 409"


async def test_group_command_addressed_to_another_bot_is_ignored(fake: FakeTelegram) -> None:
    group = fake.group_chat(-1001234567890, "Back pain club")
    async with polling(build_app(fake)):
        other = fake.inject_message("/start@other_bot", chat=group)
        assert other["message"]["entities"][0]["length"] == len("/start@other_bot")
        fake.inject_message("/start@backcheck_test_bot now", chat=group)
        sent = await fake.wait_for_call("sendMessage")
    # Updates are handled in order, so the first one was seen (and ignored) before the reply.
    assert sent.params["chat_id"] == group.id
    assert len(fake.sent_messages(group.id)) == 1


async def test_429_is_retried_by_the_rate_limiter(fake: FakeTelegram) -> None:
    fake.fail_next("sendMessage", code=429, retry_after=1)
    async with polling(build_app(fake, rate_limiter=AIORateLimiter(max_retries=2))):
        fake.inject_message("/start")
        limited = await fake.wait_for_call("sendMessage")
        delivered = await fake.wait_for_call("sendMessage")
    assert limited.error is not None and limited.error.code == 429
    assert limited.error.description == "Too Many Requests: retry after 1"
    assert limited.error.parameters == {"retry_after": 1}
    assert delivered.ok
    assert delivered.at - limited.at >= 1.0
    assert len(fake.sent_messages()) == 1


async def test_callback_data_over_64_bytes_is_rejected(fake: FakeTelegram) -> None:
    app = build_app(fake)
    async with polling(app):
        fake.inject_message("/long")
        call = await fake.wait_for_call("sendMessage")
    assert call.error is not None
    assert (call.error.code, call.error.description) == (400, "Bad Request: BUTTON_DATA_INVALID")
    [error] = app.bot_data["errors"]
    assert isinstance(error, BadRequest)
    assert fake.sent_messages() == []


async def test_identical_edit_is_not_modified(fake: FakeTelegram) -> None:
    app = build_app(fake)
    async with polling(app):
        fake.inject_message("/start")
        sent = await fake.wait_for_call("sendMessage")
        fake.press_button(sent, callback_data="pain:same")
        await fake.wait_for_call("answerCallbackQuery")
        edit = await fake.wait_for_call("editMessageText")
    assert edit.error is not None
    assert edit.error.description.startswith("Bad Request: message is not modified: ")
    [error] = app.bot_data["errors"]
    assert isinstance(error, BadRequest)
    assert "message is not modified" in str(error).lower()


async def test_webhook_mode_checks_the_secret(fake: FakeTelegram) -> None:
    port = unused_tcp_port()
    app = build_app(fake)
    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_webhook(
            listen="127.0.0.1",
            port=port,
            url_path="tg-hook",
            secret_token="s3cr3t",
            webhook_url=f"http://127.0.0.1:{port}/tg-hook",
        )
        try:
            set_call = await fake.wait_for_call("setWebhook")
            assert set_call.params["secret_token"] == "s3cr3t"
            assert fake.webhook_url == f"http://127.0.0.1:{port}/tg-hook"

            fake.inject_message("/start")
            sent = await fake.wait_for_call("sendMessage")
            assert sent.ok
            assert [d.status for d in fake.webhook_deliveries] == [200]

            forged = fake.make_message_update("/start")
            assert await fake.post_to_webhook(forged, secret="wrong") == 403
            assert await fake.post_to_webhook(forged, secret=None) == 403

            status, body = await raw_call(fake, "getUpdates")
            assert status == 409 and "webhook is active" in str(body["description"])
        finally:
            await app.updater.stop()
            await app.stop()
    assert len(fake.sent_messages()) == 1


# ------------------------------------------------------------------------ rules, via PTB's Bot


async def test_wrong_token_and_unknown_method(fake: FakeTelegram) -> None:
    with pytest.raises(InvalidToken):
        async with Bot("42:wrong", base_url=fake.base_url):
            pass
    assert fake.calls[-1].error is not None and fake.calls[-1].error.code == 401

    status, body = await raw_call(fake, "sendDice", chat_id="1")
    assert (status, body["description"]) == (404, "Not Found")
    assert fake.unknown_methods == ["sendDice"]
    with pytest.raises(AssertionError) as failure:
        await fake.wait_for_call("sendMessage", timeout=0.01)
    assert "sendDice" in str(failure.value)


async def test_chat_rules(fake: FakeTelegram) -> None:
    bob = fake.make_user(2002, "Bob")
    async with direct_bot(fake) as bot:
        with pytest.raises(BadRequest, match=r"(?i)chat not found"):
            await bot.send_message(2002, "Hello")
        fake.inject_message("hi", user=bob)
        await bot.send_message(2002, "Hello")
        with pytest.raises(BadRequest, match=r"(?i)message text is empty"):
            await bot.send_message(2002, "")
        with pytest.raises(BadRequest, match=r"(?i)message is too long"):
            await bot.send_message(2002, "x" * 4097)
        await bot.send_message(2002, "x" * 4096)
        await bot.send_chat_action(2002, "typing")
        fake.blocked_chats.add(2002)
        with pytest.raises(Forbidden, match=r"(?i)blocked by the user"):
            await bot.send_message(2002, "Still there?")
    # Form encoding: text stays a string even when it looks like JSON; chat_id becomes an int.
    fake.blocked_chats.clear()
    status, _ = await raw_call(fake, "sendMessage", chat_id="2002", text="42")
    assert status == 200
    assert fake.calls[-1].params == {"chat_id": 2002, "text": "42"}


async def test_html_is_validated_and_plain_text_recorded(fake: FakeTelegram) -> None:
    fake.inject_message("hi")
    async with direct_bot(fake) as bot:
        sent = await bot.send_message(1001, LINK, parse_mode="HTML")
        assert sent.text == "Go here"
        assert sent.entities[0].url == "https://x.io/?a=1&b=2"
        for bad in ("a < b", "Q&A", "<b>bold", "<b>x</i>", "<br>", "2 > 1", "<span>x</span>"):
            with pytest.raises(BadRequest, match=r"(?i)can't parse entities"):
                await bot.send_message(1001, bad, parse_mode="HTML")
        await bot.send_message(1001, "a < b & 2 > 1")  # no parse_mode: taken literally
    [html, plain] = fake.sent_messages(1001)
    assert (html.text, html.plain_text) == (LINK, "Go here")
    assert plain.plain_text == "a < b & 2 > 1"


async def test_edits_callbacks_and_commands(fake: FakeTelegram) -> None:
    fake.inject_message("hi")
    async with direct_bot(fake) as bot:
        sent = await bot.send_message(1001, "Pick", reply_markup=KEYBOARD)
        with pytest.raises(BadRequest, match=r"(?i)not modified"):
            await bot.edit_message_reply_markup(1001, sent.message_id, reply_markup=KEYBOARD)
        await bot.edit_message_text("Picked", chat_id=1001, message_id=sent.message_id)
        assert fake.message(1001, sent.message_id).reply_markup is None
        with pytest.raises(AssertionError, match="no button"):
            fake.press_button(sent.message_id, text="Better")

        other = await bot.send_message(1001, "Again", reply_markup=KEYBOARD)
        update = fake.press_button(other.message_id, force_data="forged")
        query_id = update["callback_query"]["id"]
        assert update["callback_query"]["message"]["reply_markup"]["inline_keyboard"]
        await bot.answer_callback_query(query_id, text="ok")
        with pytest.raises(BadRequest, match=r"(?i)query is too old"):
            await bot.answer_callback_query(query_id)
        with pytest.raises(BadRequest, match=r"(?i)query is too old"):
            await bot.answer_callback_query("123")

        await bot.delete_message(1001, other.message_id)
        with pytest.raises(BadRequest, match=r"(?i)message to delete not found"):
            await bot.delete_message(1001, other.message_id)
        assert [m.message_id for m in fake.sent_messages(1001)] == [sent.message_id]

        await bot.set_my_commands([BotCommand("start", "Begin")])
        await bot.set_my_commands(
            [BotCommand("start", "Начать")], scope=BotCommandScopeChat(1001), language_code="ru"
        )
        assert fake.commands[("default", "")] == [{"command": "start", "description": "Begin"}]
        ru = await bot.get_my_commands(scope=BotCommandScopeChat(1001), language_code="ru")
        assert [c.description for c in ru] == ["Начать"]
        with pytest.raises(BadRequest):
            await bot.set_my_commands([BotCommand("Start", "Capital letters are invalid")])
        await bot.delete_my_commands()
        assert list(fake.commands) == [("chat:1001", "ru")]


async def test_wait_for_call_hands_out_each_call_once(fake: FakeTelegram) -> None:
    fake.inject_message("hi")
    async with direct_bot(fake) as bot:
        await bot.send_message(1001, "one")
        await bot.send_message(1001, "two")
    first = await fake.wait_for_call("sendmessage")  # method names are case-insensitive
    second = await fake.wait_for_call("sendMessage")
    assert (first.params["text"], second.params["text"]) == ("one", "two")
    with pytest.raises(AssertionError, match="sendMessage"):
        await fake.wait_for_call("sendMessage", timeout=0.01)


@pytest.mark.parametrize(
    ("html", "plain", "entities"),
    [
        ("plain", "plain", []),
        ("<b>x</b><i></i>", "x", [{"type": "bold", "offset": 0, "length": 1}]),
        ("💪<u>up</u>", "💪up", [{"type": "underline", "offset": 2, "length": 2}]),
        ("&#128170;&quot;&amp;&gt;", '💪"&>', []),
        (
            '<pre><code class="language-python">x</code></pre>',
            "x",
            [{"type": "pre", "offset": 0, "length": 1, "language": "python"}],
        ),
        (
            '<span class="tg-spoiler">s</span><blockquote expandable>q</blockquote>',
            "sq",
            [
                {"type": "spoiler", "offset": 0, "length": 1},
                {"type": "expandable_blockquote", "offset": 1, "length": 1},
            ],
        ),
    ],
)
def test_parse_html_valid(html: str, plain: str, entities: list[dict[str, object]]) -> None:
    assert parse_html(html) == (plain, entities)


@pytest.mark.parametrize(
    ("html", "message"),
    [
        ("<b>x", 'Can\'t find end tag corresponding to start tag "b"'),
        ("x</b>", "Unexpected end tag at byte offset 1"),
        ("<b>x</i>", 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"'),
        ("é<p>", 'Unsupported start tag "p" at byte offset 2'),
        ("a < b", 'Unsupported start tag "" at byte offset 2'),
        ("Q&A", 'Unescaped "&" at byte offset 1'),
        ("1 > 0", 'Unescaped ">" at byte offset 2'),
    ],
)
def test_parse_html_errors(html: str, message: str) -> None:
    with pytest.raises(HtmlParseError) as error:
        parse_html(html)
    assert str(error.value).startswith(message)


def test_parse_html_lenient_mode_matches_the_real_server() -> None:
    assert parse_html("Q&A 1 > 0", strict_escaping=False) == ("Q&A 1 > 0", [])


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + (800).to_bytes(4, "big") + b"\x00" * 40


async def test_photos_are_uploaded_once_and_resent_by_file_id(fake: FakeTelegram) -> None:
    fake.inject_message("hi", user=fake.make_user(2002, "Bob"))
    async with direct_bot(fake) as bot:
        first = await bot.send_photo(
            2002, PNG, caption="<b>Cold</b> &amp; towel", parse_mode="HTML"
        )
        assert first.caption == "Cold & towel" and first.photo[-1].width == 800
        (upload,) = fake.uploads
        assert upload.file_id == first.photo[-1].file_id and upload.size == len(PNG)
        again = await bot.send_photo(2002, upload.file_id)
        assert again.photo[-1].file_id == upload.file_id and len(fake.uploads) == 1
        with pytest.raises(BadRequest, match=r"(?i)wrong file identifier"):
            await bot.send_photo(2002, "AgACAgUnknown")
        with pytest.raises(BadRequest, match=r"(?i)image_process_failed"):
            await bot.send_photo(2002, b"not a picture")
        with pytest.raises(BadRequest, match=r"(?i)caption is too long"):
            await bot.send_photo(2002, upload.file_id, caption="x" * 1025)
        with pytest.raises(BadRequest, match=r"(?i)no text in the message"):
            await bot.edit_message_text("text", chat_id=2002, message_id=first.message_id)


async def test_profile_texts_and_menu_button(fake: FakeTelegram) -> None:
    async with direct_bot(fake) as bot:
        assert await bot.set_my_description("Not a doctor.")
        assert await bot.set_my_description("Не врач.", "ru")
        assert await bot.set_my_short_description("Back pain help")
        assert (await bot.get_my_description("ru")).description == "Не врач."
        assert (await bot.get_my_description("de")).description == "Not a doctor."
        assert (await bot.get_my_short_description()).short_description == "Back pain help"
        with pytest.raises(BadRequest, match=r"(?i)too long"):
            await bot.set_my_short_description("x" * 121)
        assert await bot.set_chat_menu_button(menu_button=MenuButtonCommands())
        assert isinstance(await bot.get_chat_menu_button(), MenuButtonCommands)
    assert fake.descriptions == {"": "Not a doctor.", "ru": "Не врач."}
    assert fake.menu_buttons == {None: {"type": "commands"}}


async def test_edits_and_payload_messages_reach_the_bot(fake: FakeTelegram) -> None:
    seen: list[Update] = []

    async def record(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        seen.append(update)

    app = build_app(fake)
    app.add_handler(MessageHandler(filters.ALL, record))
    async with polling(app):
        sent = fake.inject_message("hello")
        fake.inject_edit(sent, "hello again")
        fake.inject_payload(fake.photo_payload("a caption"))
        fake.inject_payload({"location": {"latitude": 1.5, "longitude": 2.5}})
        for _ in range(50):
            if len(seen) == 4:
                break
            await asyncio.sleep(0.02)
    edited = seen[1].edited_message
    assert edited is not None and edited.text == "hello again"
    assert edited.message_id == sent["message"]["message_id"]
    assert seen[2].message is not None and seen[2].message.caption == "a caption"
    location = seen[3].message.location if seen[3].message else None
    assert location is not None and (location.latitude, location.longitude) == (1.5, 2.5)
