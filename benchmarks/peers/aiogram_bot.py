"""Peer: an aiogram 3 bot with its finite-state machine (the memory FSM storage).

The FSM state is the open question; a press for another question is answered "no longer open".
aiogram's defaults otherwise: its aiohttp session, updates handled as tasks, the webhook served
by its own aiohttp handler. Per press it makes backcheck's calls: answer the callback, mark the
pressed question answered (edit), send the next screen; or, where backcheck folds the press
into the pressed message (the screen table and the benchmark tell), answer and edit the
question into the next one.
"""

from __future__ import annotations

import html
import json
import sys
from typing import Any

from aiogram import Bot, Dispatcher, Router
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.filters import CommandStart
from aiogram.fsm.context import FSMContext
from aiogram.fsm.storage.memory import MemoryStorage
from aiogram.types import (
    CallbackQuery,
    InlineKeyboardMarkup,
    Message,
    ReplyKeyboardMarkup,
    User,
)
from aiohttp import web

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

    server = TelegramAPIServer(
        base=f"{spec['url']}/bot{{token}}/{{method}}",
        file=f"{spec['url']}/file/bot{{token}}/{{path}}",
    )
    bot = Bot(
        spec["token"],
        session=AiohttpSession(api=server),
        default=DefaultBotProperties(parse_mode="HTML"),
    )
    router = Router()

    edit_in_place = bool(spec.get("edit_in_place"))

    async def show(
        chat_id: int, move: list[int], state: FSMContext, edit: Message | None = None
    ) -> None:
        next_state: str | None = None
        node, screen, _ = move
        shown = screens[screen]
        for number, (text, markup, question) in enumerate(shown, 1):
            if edit is not None and number == len(shown):  # the question becomes the next one
                await edit.edit_text(text, reply_markup=markup)  # type: ignore[arg-type]
            else:
                await bot.send_message(chat_id, text, reply_markup=markup)
            next_state = question or next_state
        await state.set_state(next_state)
        await state.set_data({"node": node})  # where this person is in the script

    @router.message(CommandStart())
    async def on_start(message: Message, state: FSMContext) -> None:
        node = (await state.get_data()).get("node")
        await show(message.chat.id, follow(moves, node, _locale(message.from_user), START), state)

    @router.callback_query()
    async def on_press(query: CallbackQuery, state: FSMContext) -> None:
        current, data = await state.get_state(), query.data or ""
        if current is None or data not in valid.get(current, ()):
            await query.answer("This question is no longer open.")
            return
        await query.answer()
        message, locale = query.message, _locale(query.from_user)
        move = follow(moves, (await state.get_data()).get("node"), locale, data)
        if edit_in_place and move[2] and isinstance(message, Message):
            await show(message.chat.id, move, state, edit=message)
            return
        if isinstance(message, Message) and message.reply_markup is not None:
            buttons = (b for row in message.reply_markup.inline_keyboard for b in row)
            label = next((b.text for b in buttons if b.callback_data == data), "?")
            answer = answers.get(locale, "{}").replace("{}", label)
            await message.edit_text(f"{message.html_text}\n\n<i>{html.escape(answer)}</i>")
        chat_id = message.chat.id if message is not None else query.from_user.id
        await show(chat_id, move, state)

    dispatcher = Dispatcher(storage=MemoryStorage())
    dispatcher.include_router(router)
    webhook = spec.get("webhook")
    runner: web.AppRunner | None = None
    if webhook:
        from aiogram.webhook.aiohttp_server import SimpleRequestHandler, setup_application

        app = web.Application()
        handler = SimpleRequestHandler(dispatcher, bot, secret_token=webhook["secret"])
        handler.register(app, path="/telegram")
        setup_application(app, dispatcher, bot=bot)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", webhook["port"]).start()
        await bot.set_webhook(webhook["url"], secret_token=webhook["secret"])
        polling = None
    else:
        import asyncio

        polling = asyncio.create_task(
            dispatcher.start_polling(bot, handle_signals=False, polling_timeout=10)
        )

    async def stop() -> None:
        if polling is not None:
            await dispatcher.stop_polling()
            await polling
        if runner is not None:
            await runner.cleanup()
        await bot.session.close()

    await answer_stdin(stop)


def _markup(raw: dict[str, Any] | None) -> Markup | None:
    """Inline buttons, or the share-location reply keyboard."""
    if raw is None:
        return None
    if "inline_keyboard" in raw:
        return InlineKeyboardMarkup.model_validate(raw)
    return ReplyKeyboardMarkup.model_validate(raw)


def _locale(user: User | None) -> str:
    return (user.language_code if user else None) or "en"


def main() -> None:
    spec = json.loads(sys.argv[1])
    run(serve(spec), spec.get("loop", "asyncio"))


if __name__ == "__main__":
    main()
