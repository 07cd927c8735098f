"""Peer: the python-telegram-bot bot one would write first, with a ``ConversationHandler``.

One conversation state per question, one ``CallbackQueryHandler`` per state that accepts only
that question's buttons, PTB's defaults otherwise (httpx, no rate limiter) and the same 16
updates at once as backcheck. Per press it makes backcheck's calls: answer the callback, mark
the pressed question answered (edit), send the next screen; or, where backcheck folds the
press into the pressed message (the screen table and the benchmark tell), answer and edit the
question into the next one. Conversation state
lives in PTB's memory, as such bots keep it, and so does each person's place in the script
(``user_data``).
"""

from __future__ import annotations

import html
import json
import sys
import warnings
from typing import Any

from telegram import InlineKeyboardMarkup, ReplyKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.ext import (
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    ConversationHandler,
)

from benchmarks.peers.child import START, answer_stdin, follow, read_screens, run, valid_presses

Markup = InlineKeyboardMarkup | ReplyKeyboardMarkup
Screen = list[tuple[str, Markup | None, str | None]]


async def serve(spec: dict[str, Any]) -> None:
    table = read_screens(spec["screens"])
    screens: list[Screen] = [
        [
            (
                m["text"],
                _markup(m["markup"]),
                m["state"],
            )
            for m in messages
        ]
        for messages in table["screens"]
    ]
    moves: dict[str, list[int]] = table["moves"]
    answers: dict[str, str] = table["answer"]
    valid = valid_presses(table)

    edit_in_place = bool(spec.get("edit_in_place"))

    async def show(
        update: Update, context: ContextTypes.DEFAULT_TYPE, move: list[int], edit: bool = False
    ) -> object:
        chat = update.effective_chat
        assert chat is not None and context.user_data is not None
        state: object = ConversationHandler.END
        node, screen, _ = move
        context.user_data["node"] = node  # where this person is in the script
        shown = screens[screen]
        for number, (text, markup, next_state) in enumerate(shown, 1):
            query = update.callback_query
            if edit and query is not None and number == len(shown):  # the question goes next
                await query.edit_message_text(
                    text,
                    parse_mode=ParseMode.HTML,
                    reply_markup=markup,  # type: ignore[arg-type]
                )
            else:
                await context.bot.send_message(
                    chat.id, text, parse_mode=ParseMode.HTML, reply_markup=markup
                )
            state = next_state or state
        return state

    def move(update: Update, context: ContextTypes.DEFAULT_TYPE, press: str) -> list[int]:
        assert context.user_data is not None
        return follow(moves, context.user_data.get("node"), _locale(update), press)

    async def on_start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> object:
        return await show(update, context, move(update, context, START))

    async def on_press(update: Update, context: ContextTypes.DEFAULT_TYPE) -> object:
        query = update.callback_query
        assert query is not None and query.data is not None
        await query.answer()
        pressed = move(update, context, query.data)
        if edit_in_place and pressed[2]:
            return await show(update, context, pressed, edit=True)
        message = query.message
        markup = getattr(message, "reply_markup", None)
        if markup is not None and message is not None:
            buttons = (b for row in markup.inline_keyboard for b in row)
            label = next((b.text for b in buttons if b.callback_data == query.data), "?")
            answer = answers.get(_locale(update), "{}").replace("{}", label)
            text = f"{getattr(message, 'text_html', '')}\n\n<i>{html.escape(answer)}</i>"
            await query.edit_message_text(text, parse_mode=ParseMode.HTML)
        return await show(update, context, pressed)

    async def on_stale(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        if update.callback_query is not None:
            await update.callback_query.answer("This question is no longer open.")

    builder = ApplicationBuilder().token(spec["token"]).base_url(spec["base_url"])
    app = builder.concurrent_updates(16).job_queue(None).build()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # PTB's per_message advice for CallbackQueryHandler
        conversation = ConversationHandler(
            entry_points=[CommandHandler("start", on_start)],
            states={
                state: [CallbackQueryHandler(on_press, pattern=ids.__contains__)]
                for state, ids in valid.items()
            },
            fallbacks=[CommandHandler("start", on_start), CallbackQueryHandler(on_stale)],
            allow_reentry=True,
        )
    app.add_handler(conversation)
    await app.initialize()
    await app.start()
    assert app.updater is not None
    webhook = spec.get("webhook")
    if webhook:
        await app.updater.start_webhook(
            listen="127.0.0.1",
            port=webhook["port"],
            url_path="telegram",
            webhook_url=webhook["url"],
            secret_token=webhook["secret"],
        )
    else:
        await app.updater.start_polling(poll_interval=0.0)

    async def stop() -> None:
        assert app.updater is not None
        await app.updater.stop()
        await app.stop()
        await app.shutdown()

    await answer_stdin(stop)


def _markup(raw: dict[str, Any] | None) -> Markup | None:
    """Inline buttons, or the share-location reply keyboard."""
    if raw is None:
        return None
    if "inline_keyboard" in raw:
        return InlineKeyboardMarkup.de_json(raw, None)
    return ReplyKeyboardMarkup.de_json(raw, None)


def _locale(update: Update) -> str:
    user = update.effective_user
    return (user.language_code if user else None) or "en"


def main() -> None:
    spec = json.loads(sys.argv[1])
    run(serve(spec), spec.get("loop", "asyncio"))


if __name__ == "__main__":
    main()
