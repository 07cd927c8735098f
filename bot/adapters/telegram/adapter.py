"""Telegram: updates in, core events to ``Conversations``, replies out as Telegram messages.

Translation only. The conversation lives in the core and the storage, never in
python-telegram-bot (no ConversationHandler), so a restart, a second process or a Discord
user sees the same state. What this module adds is the Telegram feel: questions with inline
keyboards, a pressed answer confirmed in place, HTML formatting, a command menu in the
person's language, and health questions kept out of group chats.
"""

from __future__ import annotations

import contextlib
import logging
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
from bot.adapters.telegram import delivery
from bot.adapters.telegram import format as fmt
from bot.adapters.telegram.webhook import WebhookServer, derive_secret
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
    builder = (
        ApplicationBuilder()
        .token(settings.telegram_token.get_secret_value())
        .base_url(settings.telegram_base_url)
        .rate_limiter(AIORateLimiter(max_retries=RATE_LIMIT_RETRIES))
        .concurrent_updates(CONCURRENT_UPDATES)
        .job_queue(None)
        .updater(None)  # updates come in through bot.adapters.telegram.delivery
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
        self._intake: delivery.Poller | WebhookServer | None = None
        self._add_handlers()

    # -- lifecycle -----------------------------------------------------------------------

    async def start(self) -> None:
        """Connect (getMe), publish the command menu, then poll or listen for the webhook."""
        await self.application.initialize()
        await self._publish_commands()
        await self.application.start()
        self._intake = self._open_intake()
        await self._intake.start()

    async def stop(self) -> None:
        """Stop taking updates, let the ones in flight finish, close the HTTP clients."""
        if self._intake is not None:
            await self._intake.stop()
            self._intake = None
        if self.application.running:
            await self.application.stop()
        await self.application.shutdown()

    def _open_intake(self) -> delivery.Poller | WebhookServer:
        """Updates in through our own poller or webhook (not PTB's Updater): both confirm an
        update to Telegram only once its step is saved."""
        bot = self.application.bot
        answers = delivery.Answers(bot)
        dispatcher = delivery.Dispatcher(
            self.application.process_update, self._shed, answers=answers
        )
        url = self.settings.telegram_webhook_url
        if not url:
            return delivery.Poller(bot, dispatcher, allowed_updates=ALLOWED_UPDATES)
        return WebhookServer(
            bot,
            dispatcher,
            url=url,
            listen=self.settings.telegram_webhook_listen,
            port=self.settings.telegram_webhook_port,
            path=urlsplit(url).path,
            secret=self._webhook_secret(),
            allowed_updates=ALLOWED_UPDATES,
        )

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
        """The configured secret, else one derived from the token: the same in every worker
        behind the URL, and PTB-independent proof that a request comes from Telegram."""
        if self.settings.telegram_webhook_secret is not None:
            return self.settings.telegram_webhook_secret.get_secret_value()
        token = self.settings.telegram_token
        assert token is not None  # build_application refused to start without one
        log.info("TELEGRAM_WEBHOOK_SECRET is not set; using a secret derived from the token")
        return derive_secret(token.get_secret_value())

    async def _shed(self, update: Update) -> None:
        """Too much in flight: the press is not applied; the person is told to try again."""
        if update.callback_query is not None:
            await _answer(update.callback_query, self._say("telegram.busy", update))

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
            delivery.settle()
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
            if turn.duplicate:  # applied before a crash or a retry: only stop the spinner
                await _answer(query)
            else:
                await self._settle(query, turn, chat.id)

    async def _settle(self, query: CallbackQuery, turn: Turn, chat_id: int) -> None:
        """Answer the press and show the core's verdict on it.

        A refusal becomes the press's toast and leaves the old message alone; an answer the
        core recorded is confirmed in place; a fresh start or an outage confirms nothing.
        """
        replies = list(turn.replies)
        if turn.refused:  # stale, forged, double: the reason is the toast, the message stays
            await _answer(query, fmt.toast(replies.pop(0).text))
            delivery.settle()
        else:
            await _answer(query)
            delivery.settle()
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
    """Stop the button's spinner at once (see ``delivery.acknowledge``)."""
    await delivery.acknowledge(query.get_bot(), query.id, text)


def _language(update: Update) -> str | None:
    user = update.effective_user
    return user.language_code if user is not None else None


def _who(update: object) -> str:
    user = update.effective_user if isinstance(update, Update) else None
    return user_ref(f"{USER_PREFIX}{user.id}") if user is not None else "-"
