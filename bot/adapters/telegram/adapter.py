"""Telegram: updates in, core events to ``Conversations``, replies out as Telegram messages.

Translation only. The conversation lives in the core and the storage, never in
python-telegram-bot (no ConversationHandler), so a restart, a second process or a Discord
user sees the same state. What this module adds is the Telegram feel: questions with inline
keyboards, a pressed answer confirmed in place, HTML formatting, a command menu in the
person's language, and health questions kept out of group chats.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
from collections.abc import Callable, Coroutine, Sequence
from typing import Any, Final, TypeAlias
from urllib.parse import urlsplit

from telegram import (
    BotCommand,
    BotCommandScopeAllGroupChats,
    BotCommandScopeDefault,
    CallbackQuery,
    Message,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    ExtBot,
    MessageHandler,
    filters,
)

from bot.adapters.common import COMMANDS, ChatLocks
from bot.adapters.telegram import format as fmt
from bot.adapters.telegram.request import request_pair
from bot.core.hints import Hints
from bot.core.messages import Event, EventKind, Reply
from bot.logs import error_site, user_ref
from bot.service import Conversations, Turn
from bot.settings import Settings

log = logging.getLogger("backcheck.telegram")
# Updates handled at once. Per-user order is kept by locks; more than this only adds
# HTTP-pool contention (PTB's True means 256), measured in benchmarks/.
CONCURRENT_UPDATES: Final = 16

Context: TypeAlias = ContextTypes.DEFAULT_TYPE
TelegramApp: TypeAlias = Application[
    ExtBot[int], Context, dict[Any, Any], dict[Any, Any], dict[Any, Any], None
]
Callback: TypeAlias = Callable[[Update, Context], Coroutine[Any, Any, None]]

USER_PREFIX: Final = "tg:"
ALLOWED_UPDATES: Final = [Update.MESSAGE, Update.CALLBACK_QUERY]
RATE_LIMIT_RETRIES: Final = 5
PRIVATE: Final = filters.ChatType.PRIVATE
SERVICE: Final = filters.StatusUpdate.ALL


def build_application(settings: Settings) -> TelegramApp:
    """PTB's Application for these settings: custom API server, flood-control retries, and
    concurrent updates (the service serialises each user, so users never wait for each other).
    """
    if settings.telegram_token is None:
        raise ValueError("TELEGRAM_TOKEN is not set")
    sending, polling = request_pair(settings.http)
    builder = (
        ApplicationBuilder()
        .token(settings.telegram_token.get_secret_value())
        .base_url(settings.telegram_base_url)
        .rate_limiter(AIORateLimiter(max_retries=RATE_LIMIT_RETRIES))
        .request(sending)
        .get_updates_request(polling)
        .concurrent_updates(CONCURRENT_UPDATES)
        .job_queue(None)
    )
    files = fmt.file_url(settings.telegram_base_url)
    if files is not None:
        builder = builder.base_file_url(files)
    return builder.build()


class TelegramAdapter:
    """Serves one bot token by long polling, or by webhook when ``TELEGRAM_WEBHOOK_URL`` is set."""

    name = "telegram"
    user_prefix = USER_PREFIX

    def __init__(self, settings: Settings, conversations: Conversations) -> None:
        self.settings = settings
        self.conversations = conversations
        self.application = build_application(settings)
        self._chat_lock = ChatLocks()
        self._add_handlers()

    # -- lifecycle -----------------------------------------------------------------------

    async def start(self) -> None:
        """Connect (getMe), publish the command menu, then poll or listen for the webhook."""
        try:
            await self.application.initialize()
        except BaseException:
            # PTB opened both HTTP clients before getMe failed (a rejected token) and closes
            # them only after a successful start: close them here, so nothing warns on exit.
            requests = self.application.bot._request  # PTB keeps (getUpdates, other) here
            await asyncio.gather(*(r.shutdown() for r in requests), return_exceptions=True)
            raise
        await self._publish_commands()
        await self.application.start()
        updater = self.application.updater
        if updater is None:
            return
        url = self.settings.telegram_webhook_url
        if url:
            await updater.start_webhook(
                listen=self.settings.telegram_webhook_listen,
                port=self.settings.telegram_webhook_port,
                url_path=urlsplit(url).path.lstrip("/"),
                webhook_url=url,
                secret_token=self._webhook_secret(),
                allowed_updates=ALLOWED_UPDATES,
            )
        else:
            await updater.start_polling(poll_interval=0.0, allowed_updates=ALLOWED_UPDATES)

    async def stop(self) -> None:
        """Stop taking updates, let the ones in flight finish, close the HTTP clients."""
        updater = self.application.updater
        if updater is not None and updater.running:
            await updater.stop()
        if self.application.running:
            await self.application.stop()
        await self.application.shutdown()

    async def deliver(self, user: str, replies: list[Reply]) -> bool:
        """Send replies nobody asked for just now (a reminder) to ``tg:<id>``'s private chat.

        False when the key is not a Telegram user or the person has blocked the bot.
        """
        if not user.startswith(USER_PREFIX):
            return False
        chat_id = int(user.removeprefix(USER_PREFIX))
        try:
            async with self._chat_lock(chat_id):
                await self._send(chat_id, replies)
        except Forbidden:
            log.info("telegram: user %s has blocked the bot; reminder not sent", user_ref(user))
            return False
        return True

    def _webhook_secret(self) -> str:
        """The configured secret, else a random one for this run: PTB answers 403 to any
        request without it, so nobody who guesses the URL can inject updates."""
        if self.settings.telegram_webhook_secret is not None:
            return self.settings.telegram_webhook_secret.get_secret_value()
        log.warning("TELEGRAM_WEBHOOK_SECRET is not set; using a random secret for this run")
        return secrets.token_urlsafe(32)

    async def _publish_commands(self) -> None:
        """The command menu in every locale (English as the default), /start alone in groups."""
        locales = self.conversations.locales
        bot = self.application.bot
        try:
            for locale in locales:
                language = None if locale == locales[0] else locale
                say = self.conversations.say
                menu = [BotCommand(c, say(f"commands.{c}", Hints(locale))) for c in COMMANDS]
                await bot.set_my_commands(menu, BotCommandScopeDefault(), language)
                await bot.set_my_commands(menu[:1], BotCommandScopeAllGroupChats(), language)
        except TelegramError as exc:
            log.warning("could not publish the command menu: %s", type(exc).__name__)

    # -- handlers ------------------------------------------------------------------------

    def _add_handlers(self) -> None:
        app = self.application
        for name, kind in COMMANDS.items():
            app.add_handler(CommandHandler(name, self._command(kind), filters=PRIVATE))
        app.add_handler(
            CommandHandler("start", self._on_group_start, filters=filters.ChatType.GROUPS)
        )
        app.add_handler(MessageHandler(PRIVATE & filters.TEXT, self._on_text))
        app.add_handler(MessageHandler(PRIVATE & ~filters.TEXT & ~SERVICE, self._on_other))
        app.add_handler(CallbackQueryHandler(self._on_press))
        app.add_error_handler(self._on_error)

    def _command(self, kind: EventKind) -> Callback:
        async def on_command(update: Update, context: Context) -> None:
            argument = " ".join(context.args or ()) or None
            if kind is EventKind.START:
                argument = None  # the deep-link payload ("check") only opens the chat
            await self._converse(update, Event(kind, argument, locale=_language(update)))

        return on_command

    async def _on_text(self, update: Update, context: Context) -> None:
        """Typed text goes to the core as is: the red-flag detector listens there."""
        text = update.effective_message.text if update.effective_message else None
        await self._converse(update, Event(EventKind.TEXT, text or "", locale=_language(update)))

    async def _on_other(self, update: Update, context: Context) -> None:
        """A sticker, photo or voice note: the core answers "please tap" with the question."""
        await self._converse(update, Event(EventKind.TEXT, "", locale=_language(update)))

    async def _converse(self, update: Update, event: Event) -> None:
        chat, user = update.effective_chat, update.effective_user
        if chat is None or user is None:
            return
        async with self._chat_lock(chat.id):
            turn = await self._turn(update, user.id, event)
            await self._send(chat.id, turn.replies)

    async def _on_press(self, update: Update, context: Context) -> None:
        query, chat, user = update.callback_query, update.effective_chat, update.effective_user
        if query is None or user is None:
            return
        if chat is None or chat.type != chat.PRIVATE:
            await _answer(query, self._say("telegram.group_press", update))
            return
        press = fmt.decode_callback(query.data)
        event = Event(EventKind.CHOICE, press.choice, press.question, _language(update))
        message = query.message if isinstance(query.message, Message) else None
        label = fmt.pressed_label(message.reply_markup, query.data) if message else None
        async with self._chat_lock(chat.id):
            turn = await self._turn(update, user.id, event, label)
            if not turn.duplicate:
                await self._settle(query, turn, chat.id)

    async def _settle(self, query: CallbackQuery, turn: Turn, chat_id: int) -> None:
        """Answer the press and show the core's verdict on it.

        A refusal becomes the press's toast and leaves the old message alone; an answer the
        core recorded is confirmed in place; a fresh start or an outage confirms nothing.
        """
        replies = list(turn.replies)
        if turn.refused:  # stale, forged, double: the reason is the toast, the message stays
            await _answer(query, fmt.toast(replies.pop(0).text))
        else:
            await _answer(query)
            if turn.receipt is not None:
                await self._confirm(query, turn.receipt)
        await self._send(chat_id, replies)

    async def _on_group_start(self, update: Update, context: Context) -> None:
        """In a group: no health questions, only a button into the private chat."""
        chat = update.effective_chat
        if chat is None:
            return
        link = fmt.private_chat_link(self.application.bot.username)
        button = fmt.link_button(self._say("ui.open_private", update), link)
        text = fmt.escape(self._say("ui.private_only", update))
        await self.application.bot.send_message(
            chat.id, text, parse_mode=ParseMode.HTML, reply_markup=button
        )

    async def _on_error(self, update: object, context: Context) -> None:
        """One log line without data, then a short apology to the person, if there is one."""
        error = context.error
        who = _who(update)
        if isinstance(error, Forbidden):
            log.warning("telegram: user %s has blocked the bot", who)
            return
        log.error("telegram: %s at %s, user %s", type(error).__name__, error_site(error), who)
        if isinstance(update, Update):
            await self._apologize(update)

    async def _apologize(self, update: Update) -> None:
        with contextlib.suppress(Exception):  # already logged once; never a second line
            if update.callback_query is not None:
                await _answer(update.callback_query, self._say("telegram.error_toast", update))
            if update.effective_chat is not None:
                text = fmt.escape(self._say("ui.error", update))
                await self.application.bot.send_message(
                    update.effective_chat.id, text, parse_mode=ParseMode.HTML
                )

    # -- helpers -------------------------------------------------------------------------

    async def _turn(
        self, update: Update, user_id: int, event: Event, label: str | None = None
    ) -> Turn:
        return await self.conversations.handle(
            f"{USER_PREFIX}{user_id}",
            event,
            event_id=f"{USER_PREFIX}{update.update_id}",
            label=label,
        )

    async def _send(self, chat_id: int, replies: Sequence[Reply]) -> None:
        """Each reply as one or more messages; the keyboard rides on the last part."""
        bot = self.application.bot
        for reply in replies:
            parts = fmt.format_reply(reply)
            markup = fmt.keyboard(reply.question or "", reply.choices)
            for index, part in enumerate(parts, 1):
                await bot.send_message(
                    chat_id,
                    part,
                    parse_mode=ParseMode.HTML,
                    reply_markup=markup if index == len(parts) else None,
                )

    async def _confirm(self, query: CallbackQuery, receipt: str) -> None:
        """Mark the answered question: keyboard gone, the core's receipt appended."""
        message = query.message
        if not isinstance(message, Message):
            return
        text = fmt.answered(message.text_html or "", receipt)
        with contextlib.suppress(BadRequest):
            if text is None:
                await message.edit_reply_markup(reply_markup=None)
            else:
                await message.edit_text(text, parse_mode=ParseMode.HTML)

    def _say(self, key: str, update: Update) -> str:
        """A text outside the conversation, in the language the platform reports."""
        return self.conversations.say(key, Hints(_language(update)))


async def _answer(query: CallbackQuery, text: str | None = None) -> None:
    """Stop the button's spinner; a query that is already answered or too old is fine."""
    with contextlib.suppress(BadRequest):
        await query.answer(text)


def _language(update: Update) -> str | None:
    user = update.effective_user
    return user.language_code if user is not None else None


def _who(update: object) -> str:
    user = update.effective_user if isinstance(update, Update) else None
    return user_ref(f"{USER_PREFIX}{user.id}") if user is not None else "-"
