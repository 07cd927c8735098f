"""Baseline B: python-telegram-bot's own ``ConversationHandler`` running an equivalent flow.

One conversation state per question, one ``CallbackQueryHandler`` per state; the callback
records the answer, computes the verdict, picks the next state with the same routes and
conditions as our Machine, renders the same replies with our ``Renderer`` (without sending
them) and returns the next state. State lives where PTB keeps it (in memory, per chat and
user), so this is the "just use the framework" design our service step competes with.

No HTTP happens: the Application gets an ``OfflineRequest`` that answers ``getMe`` locally
(so ``initialize()`` works) and fails loudly on any other Bot API call. Updates are built with
``Update.de_json`` ahead of time and that parsing is measured as its own row.
"""

from __future__ import annotations

import asyncio
import json
import time
import warnings
from typing import Any

from telegram import Update
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    ConversationHandler,
)
from telegram.request import BaseRequest, RequestData
from telegram.warnings import PTBUserWarning

from benchmarks.core import WARMUP_STEPS
from benchmarks.stats import Row, Timer, summarize
from benchmarks.workload import Step, Workload
from bot.core.content import normalize_locale
from bot.core.engine import Engine
from bot.core.flow import conditions
from bot.core.flow.model import FlowState
from bot.core.messages import EventKind, Reply
from bot.core.session import Answer, Session

TOKEN = "123456:offline-benchmark-token"
BOT_USER = {"id": 123456, "is_bot": True, "first_name": "backcheck", "username": "bench_bot"}
Context = ContextTypes.DEFAULT_TYPE


class OfflineRequest(BaseRequest):
    """A Bot API transport that never opens a socket."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    @property
    def read_timeout(self) -> float | None:
        return None

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = None,
        write_timeout: Any = None,
        connect_timeout: Any = None,
        pool_timeout: Any = None,
    ) -> tuple[int, bytes]:
        endpoint = url.rsplit("/", 1)[-1]
        self.calls.append(endpoint)
        if endpoint == "getMe":
            return 200, json.dumps({"ok": True, "result": BOT_USER}).encode()
        raise RuntimeError(f"baseline B must not call the Bot API, but called {endpoint}")


class EquivalentFlow:
    """The callbacks: our flow's logic, with PTB holding the state."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.flow = engine.flow
        self.render = engine.render
        self.replies = 0

    async def start(self, update: Update, context: Context) -> str:
        user = update.effective_user
        assert user is not None and context.user_data is not None
        hint = user.language_code
        session = Session(
            user=str(user.id),
            state=self.flow.start,
            locale=normalize_locale(hint, self.engine.catalog.locales)
            or self.engine.default_locale,
            country=self.engine.default_country,
        )
        context.user_data["session"] = session
        self._said([self.render.info("ui.welcome", session), self.render.question(session)])
        return self.flow.start

    async def answer(self, update: Update, context: Context) -> str | None:
        query = update.callback_query
        assert query is not None and query.data is not None and context.user_data is not None
        session: Session = context.user_data["session"]
        question, _, choice_id = query.data.partition(":")
        state = self.flow.states[question]
        if state.outcome is not None:
            self._followup(session, state, choice_id)
            return None
        choice = state.choice(choice_id)
        if choice is None:
            return None
        session.answers.append(Answer(state.name, choice.id, choice.findings))
        verdict = self.flow.rules.verdict(session.findings)
        target = next(
            step.to
            for step in self.flow.transitions_of(state, choice)
            if step.condition is None or _holds(step.condition, verdict, self.flow.rules.levels)
        )
        session.state = target
        if self.flow.states[target].outcome is None:
            self._said([self.render.question(session)])
        else:
            session.level = self.flow.states[target].outcome
            self._said(self.render.outcome(session, verdict))
        return target

    def _followup(self, session: Session, state: FlowState, choice: str) -> None:
        key = f"followups.{choice}.text"
        replies = [self.render.followups(session, state)]
        if self.engine.catalog.has(key, session.locale or "en"):
            replies.insert(0, self.render.info(key, session))
        self._said(replies)

    def _said(self, replies: list[Reply]) -> None:
        self.replies += len(replies)


def _holds(condition: str, verdict: Any, levels: tuple[str, ...]) -> bool:
    check = conditions.lookup(condition, levels)
    return bool(check and check(verdict))


def build_application(engine: Engine) -> tuple[Application[Any, Any, Any, Any, Any, Any], Any]:
    """An Application with the ConversationHandler and an offline transport."""
    app = (
        ApplicationBuilder()
        .token(TOKEN)
        .request(OfflineRequest())
        .get_updates_request(OfflineRequest())
        .updater(None)
        .build()
    )
    logic = EquivalentFlow(engine)
    states = {
        name: [CallbackQueryHandler(logic.answer, pattern=f"^{name}:")]
        for name in engine.flow.states
    }
    with warnings.catch_warnings():  # per_message=False with callback queries is intended
        warnings.simplefilter("ignore", PTBUserWarning)
        conversation = ConversationHandler(
            entry_points=[CommandHandler("start", logic.start)],
            states=states,  # type: ignore[arg-type]
            fallbacks=[],
        )
    app.add_handler(conversation)
    return app, logic


def update_json(step: Step, update_id: int) -> dict[str, Any]:
    """The Telegram update a real client would send for this workload step."""
    user = {"id": step.uid, "is_bot": False, "first_name": "U", "language_code": step.event.locale}
    chat = {"id": step.uid, "type": "private", "first_name": "U"}
    if step.event.kind is EventKind.START:
        message = {
            "message_id": update_id,
            "date": 1_800_000_000,
            "chat": chat,
            "from": user,
            "text": "/start",
            "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
        }
        return {"update_id": update_id, "message": message}
    shown = {"message_id": 1, "date": 1_800_000_000, "chat": chat, "from": BOT_USER, "text": "?"}
    query = {
        "id": f"cq{update_id}",
        "from": user,
        "chat_instance": f"ci{step.uid}",
        "data": f"{step.event.question}:{step.event.value}",
        "message": shown,
    }
    return {"update_id": update_id, "callback_query": query}


def measure(engine: Engine, workload: Workload) -> list[Row]:
    """process_update over the whole workload, and de_json of the same updates."""
    return asyncio.run(_measure(engine, workload))


async def _measure(engine: Engine, workload: Workload) -> list[Row]:
    raw = [update_json(step, i + 1) for i, step in enumerate(workload.steps)]
    warm_app, _ = build_application(engine)
    app, logic = build_application(engine)
    async with warm_app, app:
        updates, parse_samples, parse_wall = _parse(raw, app)
        for update in [Update.de_json(d, warm_app.bot) for d in raw[:WARMUP_STEPS]]:
            await warm_app.process_update(update)
        clock = time.perf_counter_ns
        samples: list[int] = []
        with Timer() as timer:
            for update in updates:
                start = clock()
                await app.process_update(update)
                samples.append(clock() - start)
        calls = app.bot.request.calls
    if calls != ["getMe"] or logic.replies < len(updates):
        raise RuntimeError(f"baseline B did not run as intended: {calls}, {logic.replies}")
    return [
        Row.timed(
            "baseline_b.process_update",
            1,
            "B: PTB ConversationHandler process_update",
            summarize(samples, timer.seconds),
            concurrency=1,
            notes=["same routes, conditions and rendered replies; state in PTB; no HTTP"],
        ),
        Row.timed(
            "baseline_b.de_json",
            1,
            "B: Update.de_json (not in the row above)",
            summarize(parse_samples, parse_wall),
        ),
    ]


def _parse(
    raw: list[dict[str, Any]], app: Application[Any, Any, Any, Any, Any, Any]
) -> tuple[list[Update], list[int], float]:
    """``Update.de_json`` of every update, timed one by one; the updates are kept for reuse."""
    clock = time.perf_counter_ns
    samples: list[int] = []
    updates: list[Update] = []
    with Timer() as timer:
        for data in raw:
            start = clock()
            updates.append(Update.de_json(data, app.bot))
            samples.append(clock() - start)
    return updates, samples, timer.seconds
