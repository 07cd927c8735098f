"""Peer: the python-telegram-bot bot one would write first, with a ``ConversationHandler``.

One conversation state per question, one ``CallbackQueryHandler`` per state that accepts only
that question's buttons, PTB's defaults otherwise (httpx, no rate limiter) and the same 16
updates at once as backcheck. Per press it makes backcheck's calls: answer the callback, mark
the pressed question answered (edit), send the next screen; or, when backcheck edits in place
(the benchmark tells), answer and edit the question into the next one. Conversation state
lives in PTB's memory, as such bots keep it, and so does each person's place in the script
(``user_data``).
"""

from __future__ import annotations

import html
import json
import sys
import warnings
from typing import Any

from telegram import InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.ext import (
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    ConversationHandler,
)

from benchmarks.peers.child import START, answer_stdin, follow, read_screens, run, valid_presses

Screen = list[tuple[str, InlineKeyboardMarkup | None, str | None]]


async def serve(spec: dict[str, Any]) -> None:
    table = read_screens(spec["screens"])
    screens: list[Screen] = [
        [
            (
                m["text"],
                InlineKeyboardMarkup.de_json(m["markup"], None) if m["markup"] else None,
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
        update: Update, context: ContextTypes.DEFAULT_TYPE, press: str, edit: bool = False
    ) -> object:
        chat = update.effective_chat
        assert chat is not None and context.user_data is not None
        state: object = ConversationHandler.END
        node, screen = follow(moves, context.user_data.get("node"), _locale(update), press)
        context.user_data["node"] = node  # where this person is in the script
        for text, markup, next_state in screens[screen]:
            if edit and update.callback_query is not None:  # the question becomes the next
                await update.callback_query.edit_message_text(
                    text, parse_mode=ParseMode.HTML, reply_markup=markup
                )
                edit = False
            else:
                await context.bot.send_message(
                    chat.id, text, parse_mode=ParseMode.HTML, reply_markup=markup
                )
            state = next_state or state
        return state

    async def on_start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> object:
        return await show(update, context, START)

    async def on_press(update: Update, context: ContextTypes.DEFAULT_TYPE) -> object:
        query = update.callback_query
        assert query is not None and query.data is not None
        await query.answer()
        if edit_in_place:
            return await show(update, context, query.data, edit=True)
        message = query.message
        markup = getattr(message, "reply_markup", None)
        if markup is not None and message is not None:
            buttons = (b for row in markup.inline_keyboard for b in row)
            label = next((b.text for b in buttons if b.callback_data == query.data), "?")
            answer = answers.get(_locale(update), "{}").replace("{}", label)
            text = f"{getattr(message, 'text_html', '')}\n\n<i>{html.escape(answer)}</i>"
            await query.edit_message_text(text, parse_mode=ParseMode.HTML)
        return await show(update, context, query.data)

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


def _locale(update: Update) -> str:
    user = update.effective_user
    return (user.language_code if user else None) or "en"


def main() -> None:
    spec = json.loads(sys.argv[1])
    run(serve(spec), spec.get("loop", "asyncio"))


if __name__ == "__main__":
    main()
