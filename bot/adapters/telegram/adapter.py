"""Telegram: updates in, core events to ``Conversations``, replies out as Telegram messages.

Translation only. The conversation lives in the core and the storage, never in
python-telegram-bot (no ConversationHandler), so a restart, a second process or a Discord
user sees the same state. What this module adds is the Telegram feel: questions with inline
keyboards, a pressed answer confirmed in place, HTML formatting, a command menu in the
person's language, and health questions kept out of group chats.

A press costs as few Bot API calls as it can: a refused one is a toast only, and an answer
that leads to the next question turns the pressed message into that question (one
answerCallbackQuery and one editMessageText), with a short "so far" line that keeps the
answers in view. Only results, warnings and pictures arrive as new messages.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Coroutine, Sequence
from typing import TYPE_CHECKING, Any, Final, TypeAlias
from urllib.parse import urlsplit

from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeAllGroupChats,
    BotCommandScopeDefault,
    MenuButtonCommands,
    ReplyKeyboardRemove,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CommandHandler,
    ContextTypes,
    ExtBot,
    MessageHandler,
    filters,
)
from telegram.request import RequestData
from telegram.request._requestparameter import RequestParameter

from bot.adapters.common import COMMANDS, ChatLocks, shorten
from bot.adapters.telegram import delivery
from bot.adapters.telegram import format as fmt
from bot.adapters.telegram.press import ButtonPress, PressedMessage, read_press
from bot.adapters.telegram.request import request_pair
from bot.core.hints import Hints
from bot.core.messages import Event, EventKind, Reply, ReplyKind
from bot.core.pictures import Picture, picture_path
from bot.logs import error_site, user_ref
from bot.service import Conversations, Turn
from bot.settings import Settings

if TYPE_CHECKING:  # the webhook server (aiohttp.web, 1.6 MB) is imported only to serve one
    from bot.adapters.telegram.webhook import WebhookServer

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
#: Edited messages too: a danger sign typed into an edit must be heard like a new message.
ALLOWED_UPDATES: Final = [Update.MESSAGE, Update.EDITED_MESSAGE, Update.CALLBACK_QUERY]
RATE_LIMIT_RETRIES: Final = 5
PRIVATE: Final = filters.ChatType.PRIVATE
SERVICE: Final = filters.StatusUpdate.ALL
EDITED: Final = filters.UpdateType.EDITED
#: Replies asking where the person is (the country, the time zone): they also get a "share
#: location" keyboard button.
LOCATION_PROMPTS: Final = frozenset({"country.ask", "country.choose_zone"})
PRIVATE_CHAT: Final = "private"


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
        #: Picture key -> Telegram file_id: each picture is uploaded once per process.
        self._file_ids: dict[str, str] = {}
        self._intake: delivery.Poller | WebhookServer | None = None
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
            bot,
            self.conversations.inbox,
            self._process,
            self._shed,
            answers=answers,
            steps=CONCURRENT_UPDATES,
        )
        url = self.settings.telegram_webhook_url
        if not url:
            return delivery.Poller(bot, dispatcher, allowed_updates=ALLOWED_UPDATES)
        from bot.adapters.telegram.webhook import WebhookServer

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
        from bot.adapters.telegram.webhook import derive_secret

        return derive_secret(token.get_secret_value())

    async def _shed(self, job: delivery.Job) -> None:
        """Too much in flight: the press is not applied; the person is told to try again
        (read from the raw update: a burst is shed without parsing it)."""
        query_id = job.query_id
        if query_id is not None:
            user_id, language = job.sender
            who = f"{USER_PREFIX}{user_id}" if user_id is not None else None
            busy = self.conversations.say("telegram.busy", Hints(language), user=who)
            await delivery.acknowledge(self.application.bot, query_id, busy)

    async def _publish_commands(self) -> None:
        """The bot's profile in every locale (English as the default): the command menu
        (/start alone in groups), the menu button that opens it, and the descriptions shown
        before /start, where "not a doctor; in an emergency call …" is read first."""
        locales = self.conversations.locales
        bot = self.application.bot
        say = self.conversations.say
        try:
            for locale in locales:
                language = None if locale == locales[0] else locale
                hints = Hints(locale)
                menu = [BotCommand(c, say(f"commands.{c}", hints)) for c in COMMANDS]
                await bot.set_my_commands(menu, BotCommandScopeDefault(), language)
                await bot.set_my_commands(menu[:1], BotCommandScopeAllGroupChats(), language)
                description = shorten(say("telegram.description", hints), fmt.DESCRIPTION_LIMIT)
                short = shorten(say("telegram.short_description", hints), fmt.SHORT_LIMIT)
                await bot.set_my_description(description, language)
                await bot.set_my_short_description(short, language)
            await bot.set_chat_menu_button(menu_button=MenuButtonCommands())
        except TelegramError as exc:
            log.warning("could not publish the bot's profile: %s", type(exc).__name__)

    # -- handlers ------------------------------------------------------------------------

    async def _process(self, job: delivery.Job) -> None:
        """One delivered update: a press straight from the raw update (see ``press``), anything
        else through PTB's handlers. An error in a press is reported like PTB reports one to
        ``_on_error``: one log line, then an apology."""
        if "callback_query" not in job.raw:
            await self.application.process_update(job.update(self.application.bot))
            _forget_persistence_marks(self.application)
            return
        press = read_press(job.raw)
        if press is None:
            log.warning("telegram: skipped an unreadable button press")
            return
        try:
            await self._on_press(press)
        except Exception as error:
            update: Update | None = None
            with contextlib.suppress(Exception):  # readable enough to press, so to apologize
                update = job.update(self.application.bot)
            await self._report(error, update)

    def _add_handlers(self) -> None:
        """Commands (never from an edit: editing an old "/forget" must not forget anyone),
        then everything typed, whether new, edited, forwarded or a photo's caption, as text;
        a shared location; anything else as an empty text (the core says "please tap").
        Presses never reach PTB's handlers (``_process``)."""
        app = self.application
        for name, kind in COMMANDS.items():
            app.add_handler(CommandHandler(name, self._command(kind), filters=PRIVATE & ~EDITED))
        app.add_handler(
            CommandHandler("start", self._on_group_start, filters=filters.ChatType.GROUPS & ~EDITED)
        )
        app.add_handler(MessageHandler(PRIVATE & (filters.TEXT | filters.CAPTION), self._on_text))
        app.add_handler(MessageHandler(PRIVATE & filters.LOCATION & ~EDITED, self._on_location))
        app.add_handler(
            MessageHandler(PRIVATE & ~filters.TEXT & ~SERVICE & ~EDITED, self._on_other)
        )
        app.add_error_handler(self._on_error)

    def _command(self, kind: EventKind) -> Callback:
        async def on_command(update: Update, context: Context) -> None:
            argument = " ".join(context.args or ()) or None
            locale = _language(update)
            if kind is EventKind.START:  # t.me/<bot>?start=ru presets the language, =de the country
                link = fmt.deep_link(argument, self.conversations.locales)
                argument, locale = link.country, link.hint(locale)
            await self._converse(update, Event(kind, argument, locale=locale))

        return on_command

    async def _on_text(self, update: Update, context: Context) -> None:
        """Typed text goes to the core as is, the red-flag detector listening first there:
        a new message, an edited one, a forwarded one, or the caption of a photo or video."""
        message = update.effective_message
        text = (message.text or message.caption) if message else None
        await self._converse(update, Event(EventKind.TEXT, text or "", locale=_language(update)))

    async def _on_location(self, update: Update, context: Context) -> None:
        """A shared location goes to the core only inside the event ("lat,lon"): the core
        keeps the country and time zone it gives, never the point, and nothing logs it."""
        message = update.effective_message
        where = message.location if message else None
        if where is None:
            return
        value = f"{where.latitude},{where.longitude}"
        event = Event(EventKind.LOCATION, value, locale=_language(update))
        await self._converse(update, event, close_keyboard=True)

    async def _on_other(self, update: Update, context: Context) -> None:
        """A sticker, photo or voice note: the core answers "please tap" with the question."""
        await self._converse(update, Event(EventKind.TEXT, "", locale=_language(update)))

    async def _converse(
        self, update: Update, event: Event, *, close_keyboard: bool = False
    ) -> None:
        chat, user = update.effective_chat, update.effective_user
        if chat is None or user is None:
            return
        async with self._chat_lock(chat.id):
            turn = await self._turn(user.id, update.update_id, event)
            delivery.settle()
            await self._send(chat.id, turn.replies, turn.locale, close_keyboard=close_keyboard)

    async def _on_press(self, press: ButtonPress) -> None:
        message = press.message
        chat_id = press.chat_id
        if chat_id is None or press.chat_type != PRIVATE_CHAT:  # a group, an inline message
            who = f"{USER_PREFIX}{press.user_id}"
            toast = self.conversations.say("telegram.group_press", Hints(press.language), user=who)
            await self._answer(press.query_id, toast)
            return
        choice = fmt.decode_callback(press.data)
        event = Event(EventKind.CHOICE, choice.choice, choice.question, press.language)
        label = press.label
        async with self._chat_lock(chat_id):
            turn = await self._turn(press.user_id, press.update_id, event, label)
            if turn.duplicate:  # applied before a crash or a retry: stop the spinner and
                await self._answer(press.query_id)  # send what the crash may have cut off
                delivery.settle()
                await self._send(chat_id, turn.replies, turn.locale)
            else:
                await self._settle(press.query_id, message, turn, label, chat_id)

    async def _settle(
        self,
        query_id: str,
        message: PressedMessage | None,
        turn: Turn,
        label: str | None,
        chat_id: int,
    ) -> None:
        """Answer the press and show the core's verdict on it, in as few calls as it takes.

        A refusal (stale, forged, double) is the press's toast and nothing else: the question
        that counts is already on screen. An answer leading to the next question turns the
        pressed message into it. An answer leading to a result, a warning or a picture closes
        the pressed question (keyboard gone, answer in the "so far" line) and sends those as
        new messages. A press on a result's buttons is confirmed with the core's receipt; a
        fresh start or an outage confirms nothing.
        """
        replies = turn.replies
        if turn.refused:  # stale, forged, double: the reason is the toast, the message stays
            await self._answer(query_id, fmt.toast(replies[0].text))
            delivery.settle()
            return
        await self._answer(query_id)
        delivery.settle()
        if message is not None and turn.recorded and label:
            if not turn.done and fmt.folds_into_edit(replies):
                if await self._edit_into(message, turn, label, replies):
                    if any(r.key in LOCATION_PROMPTS for r in replies):
                        await self._offer_location(chat_id, turn.locale)
                    return
                await self._edit_into(message, turn, label, ())  # too long to fold
            elif turn.done and not any(r.kind is ReplyKind.OUTCOME for r in replies):
                if turn.receipt is not None:
                    await self._confirm(message, turn.receipt)
            else:
                await self._edit_into(message, turn, label, ())
        await self._send(chat_id, replies, turn.locale)

    async def _edit_into(
        self, message: PressedMessage, turn: Turn, label: str, replies: Sequence[Reply]
    ) -> bool:
        """Rewrite the pressed message: the core's "so far" line of the check (as Discord
        shows it; for a press outside the check's questions, the old line with ``label``
        added), then ``replies`` folded into one text with the last one's buttons, or (no
        replies) the old question without buttons. False when Telegram refused, so the caller
        sends instead."""
        template = fmt.answers_template(
            self.conversations.say("ui.so_far", Hints(turn.locale), answers=fmt.SENTINEL)
        )
        previous, _ = fmt.read_so_far(message.text, template)
        so_far = turn.so_far or template[0] + fmt.add_answer(previous, label) + template[1]
        markup: str | None = None
        if replies:
            body = fmt.folded(replies)
            markup = fmt.keyboard_json(replies[-1].question or "", replies[-1].choices)
        else:
            html_text = message.text_html()
            body = html_text.partition("\n\n")[2] if previous is not None else html_text
        text = fmt.with_so_far(so_far, body) if body else None
        if text is None:
            return False
        try:
            await _edit(self.application.bot, message, text, markup)
        except BadRequest:
            return False
        return True

    async def _on_group_start(self, update: Update, context: Context) -> None:
        """In a group: no health questions, only a button into the private chat."""
        chat = update.effective_chat
        if chat is None:
            return
        link = fmt.private_chat_link(self.application.bot.username)
        button = fmt.link_button(self._say_to("ui.open_private", update), link)
        text = fmt.escape(self._say_to("ui.private_only", update))
        await _send_text(self.application.bot, chat.id, text, button)

    async def _on_error(self, update: object, context: Context) -> None:
        await self._report(context.error, update)

    async def _report(self, error: BaseException | None, update: object) -> None:
        """One log line without data, then a short apology to the person, if there is one."""
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
                toast = self._say_to("telegram.error_toast", update)
                await self._answer(update.callback_query.id, toast)
            if update.effective_chat is not None:
                text = fmt.escape(self._say_to("ui.error", update))
                await _send_text(self.application.bot, update.effective_chat.id, text)

    # -- helpers -------------------------------------------------------------------------

    async def _turn(
        self, user_id: int, update_id: int, event: Event, label: str | None = None
    ) -> Turn:
        return await self.conversations.handle(
            f"{USER_PREFIX}{user_id}",
            event,
            event_id=f"{USER_PREFIX}{update_id}",
            label=label,
            resend=delivery.replaying(),
        )

    async def _send(
        self,
        chat_id: int,
        replies: Sequence[Reply],
        locale: str | None = None,
        *,
        close_keyboard: bool = False,
    ) -> None:
        """Each reply as one or more messages; the keyboard rides on the last part.

        A picture is a photo with its caption. A question asking where the person is gets a
        "share location" keyboard after it; ``close_keyboard`` takes that keyboard away again
        (with the first reply that has no buttons of its own).
        """
        bot = self.application.bot
        for reply in replies:
            picture = reply.kind is ReplyKind.IMAGE and reply.image
            if picture and await self._send_picture(chat_id, reply):
                continue
            markup = fmt.keyboard_json(reply.question or "", reply.choices)
            parts = fmt.format_reply(reply)
            for index, part in enumerate(parts, 1):
                attached: str | ReplyKeyboardRemove | None = markup if index == len(parts) else None
                if attached is None and close_keyboard:
                    attached, close_keyboard = ReplyKeyboardRemove(), False
                await _send_text(bot, chat_id, part, attached)
            if reply.key in LOCATION_PROMPTS:
                await self._offer_location(chat_id, locale)

    async def _offer_location(self, chat_id: int, locale: str | None) -> None:
        """A reply keyboard with one "📍 Share location" button (Telegram asks the person
        before sharing), under a line saying that only the country and zone are kept."""
        hints = Hints(locale)
        say = self.conversations.say
        markup = fmt.location_keyboard(say("country.share_location", hints))
        text = fmt.escape(say("country.location_privacy", hints))
        await _send_text(self.application.bot, chat_id, text, markup)

    async def _send_picture(self, chat_id: int, reply: Reply) -> bool:
        """The picture with its caption: uploaded the first time, then re-sent by the
        ``file_id`` Telegram gave it. False (send the text instead) when there is no such
        picture: the steps are complete in words, so the person loses nothing."""
        key = reply.image or ""
        caption = fmt.caption(reply)
        bot = self.application.bot
        cached = self._file_ids.get(key)
        if cached is not None:
            try:
                await _post(
                    bot,
                    "sendPhoto",
                    chat_id=chat_id,
                    photo=cached,
                    caption=caption,
                    parse_mode=ParseMode.HTML,
                    reply_markup=fmt.keyboard_json(reply.question or "", reply.choices),
                )
            except BadRequest:  # the file_id is no longer valid (say, a new bot token)
                del self._file_ids[key]
            else:
                return await self._caption_overflow(chat_id, reply, caption)
        try:
            path = picture_path(self.settings.content, Picture(key))
            data = path.read_bytes()
        except (ValueError, OSError):
            log.error("telegram: picture %r has no PNG under %s/pictures", key, "BACKCHECK_CONTENT")
            return False
        sent = await bot.send_photo(
            chat_id,
            data,
            caption=caption,
            parse_mode=ParseMode.HTML,
            reply_markup=fmt.keyboard(reply.question or "", reply.choices),
            filename=path.name,
        )
        if sent.photo:
            self._file_ids[key] = sent.photo[-1].file_id
        return await self._caption_overflow(chat_id, reply, caption)

    async def _caption_overflow(self, chat_id: int, reply: Reply, caption: str | None) -> bool:
        """A caption too long for a photo follows it as a message, so no word is lost."""
        if caption is None and reply.text:
            await self._send(chat_id, [Reply(ReplyKind.INFO, reply.key, reply.text)])
        return True

    async def _confirm(self, message: PressedMessage, receipt: str) -> None:
        """Mark a pressed result button: keyboard gone, the core's receipt appended."""
        text = fmt.answered(message.text_html(), receipt)
        bot = self.application.bot
        with contextlib.suppress(BadRequest):
            if text is None:
                await _post(
                    bot,
                    "editMessageReplyMarkup",
                    chat_id=message.chat_id,
                    message_id=message.message_id,
                )
            else:
                await _edit(bot, message, text, None)

    async def _answer(self, query_id: str, text: str | None = None) -> None:
        """Stop the button's spinner at once (see ``delivery.acknowledge``)."""
        await delivery.acknowledge(self.application.bot, query_id, text)

    def _say_to(self, key: str, update: Update) -> str:
        """A text outside the conversation, in the language the platform reports, with the
        person's emergency number when they told us their country."""
        user = update.effective_user
        who = f"{USER_PREFIX}{user.id}" if user is not None else None
        return self.conversations.say(key, Hints(_language(update)), user=who)


async def _post(bot: Bot, method: str, **params: object) -> None:
    """A Bot API call whose reply nothing reads: through PTB's rate limiter (its queues and
    flood-control retries) and PTB's HTTP layer (``BaseRequest`` turns 400, 403, 429 and the
    rest into PTB's exceptions), but past the rest of ``Bot._post``. Building the ``Message``
    every sendMessage and editMessageText returns was about a quarter of the CPU per press;
    decoding its JSON, PTB's ``Defaults`` (we set none) and its two debug lines a few per cent
    more (docs/performance.md)."""
    data = {name: value for name, value in params.items() if value is not None}
    limiter = bot.rate_limiter if isinstance(bot, ExtBot) else None
    if limiter is None:
        await _call(bot, method, data)
        return
    await limiter.process_request(
        callback=_call,
        args=(bot, method, data),
        kwargs={},
        endpoint=method,
        data=data,
        rate_limit_args=None,
    )


async def _call(bot: Bot, method: str, data: dict[str, object]) -> bool:
    """One call on PTB's request for everything but getUpdates; the reply is not read."""
    request = bot._request[1]  # PTB keeps (getUpdates, everything else)
    await request._request_wrapper(f"{bot.base_url}/{method}", "POST", _request_data(data))
    return True


def _request_data(data: dict[str, object]) -> RequestData:
    """The parameters as text when every value is text, an int or a boolean (what JSON would
    make of it), else through PTB's ``from_input`` (a reply keyboard object, a file).

    PTB's ``RequestData.json_parameters`` runs ``json.dumps`` twice per parameter that is
    not a string (once to test for None, once for the value): for our chat and message ids
    that was about 6 % of a press's CPU in a profile (docs/performance.md)."""
    parameters: list[RequestParameter] = []
    for name, value in data.items():
        if isinstance(value, bool):
            value = "true" if value else "false"
        elif isinstance(value, int):
            value = str(value)
        elif not isinstance(value, str):
            return RequestData([RequestParameter.from_input(k, v) for k, v in data.items()])
        parameters.append(RequestParameter(name, value, None))
    return RequestData(parameters)


async def _send_text(bot: Bot, chat_id: int, text: str, markup: object | None = None) -> None:
    """sendMessage with an HTML text (and buttons, a reply keyboard, or its removal)."""
    await _post(
        bot,
        "sendMessage",
        chat_id=chat_id,
        text=text,
        parse_mode=ParseMode.HTML,
        reply_markup=markup,
    )


async def _edit(bot: Bot, message: PressedMessage, text: str, markup: str | None) -> None:
    """Replace a message's text; no ``markup`` (an inline keyboard's JSON) takes its buttons
    away."""
    await _post(
        bot,
        "editMessageText",
        chat_id=message.chat_id,
        message_id=message.message_id,
        text=text,
        parse_mode=ParseMode.HTML,
        reply_markup=markup,
    )


def _language(update: Update) -> str | None:
    user = update.effective_user
    return user.language_code if user is not None else None


def _who(update: object) -> str:
    user = update.effective_user if isinstance(update, Update) else None
    return user_ref(f"{USER_PREFIX}{user.id}") if user is not None else "-"


def _forget_persistence_marks(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """PTB's ``process_update`` notes every chat and user id it sees for its persistence to
    save later, and only saving empties those sets. We give PTB no persistence (sessions live
    in our storage), so they grew by about 170 bytes per person for the life of the process
    (1.7 MB after 10,000 people, never given back): empty them after each update."""
    if application.persistence is None:
        for name in (
            "_chat_ids_to_be_updated_in_persistence",
            "_user_ids_to_be_updated_in_persistence",
        ):
            marks = getattr(application, name, None)
            if isinstance(marks, set):
                marks.clear()
