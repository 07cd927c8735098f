"""The service path every adapter uses: restart survival, duplicates, races, outages."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import pytest

from bot.core.engine import Engine
from bot.core.errors import StorageUnavailable
from bot.core.hints import Hints
from bot.core.messages import Choice, Event, EventKind, Reply, ReplyKind
from bot.core.session import Session, read_replies, replies_record
from bot.service import HANDLED_KEPT, REFUSALS_ANSWERED_IN_FULL, Conversations
from bot.storage.memory import MemorySessions, open_memory
from bot.storage.sqlite import open_sqlite
from tests.core.walk import CALM

RETENTION = 30 * 86400.0


async def answer(conv: Conversations, user: str, choice: str, question: str | None) -> str | None:
    turn = await conv.handle(user, Event(EventKind.CHOICE, choice, question))
    return turn.question


async def test_conversation_survives_a_restart_with_sqlite(engine: Engine, tmp_path: Path) -> None:
    db = tmp_path / "backcheck.db"
    first = Conversations(engine, await open_sqlite(db, retention=RETENTION))
    turn = await first.handle("cli:u1", Event(EventKind.START))
    question = turn.question
    for _ in range(3):
        question = await answer(first, "cli:u1", CALM[question or ""], question)
    await first.storage.close()

    second = Conversations(engine, await open_sqlite(db, retention=RETENTION))
    turn = await second.handle("cli:u1", Event(EventKind.START))
    assert turn.question == question == "about"
    assert turn.replies[0].key == "ui.resume"
    await second.storage.close()


async def test_duplicate_platform_event_is_applied_once(engine: Engine) -> None:
    conv = Conversations(engine, open_memory(retention=RETENTION))
    await conv.handle("u", Event(EventKind.START))
    first = await conv.handle(
        "u", Event(EventKind.CHOICE, "none_of_these", "rf_emergency"), event_id="tg:7"
    )
    again = await conv.handle(
        "u", Event(EventKind.CHOICE, "none_of_these", "rf_emergency"), event_id="tg:7"
    )
    assert first.question == "rf_urine" and not first.duplicate
    assert again.duplicate and again.replies == []
    session = await conv.storage.sessions.load("u")
    assert session is not None and len(session.answers) == 1


async def test_a_typed_answer_redelivered_after_a_crash_is_applied_once(
    engine: Engine, tmp_path: Path
) -> None:
    """SQLite keeps its event log in memory: the session itself must know the update, or a
    replayed "no" after a SIGKILL would answer the next question too."""
    db = tmp_path / "backcheck.db"
    first = Conversations(engine, await open_sqlite(db, retention=RETENTION))
    await first.handle("tg:1", Event(EventKind.START))
    typed = Event(EventKind.TEXT, "none of these")
    turn = await first.handle("tg:1", typed, event_id="tg:u:41")
    assert turn.question == "rf_urine"
    await first.storage.close()  # the process dies: its in-memory event log goes with it

    second = Conversations(engine, await open_sqlite(db, retention=RETENTION))
    again = await second.handle("tg:1", typed, event_id="tg:u:41")
    assert again.duplicate and again.replies == []
    session = await second.storage.sessions.load("tg:1")
    assert session is not None and [a.question for a in session.answers] == ["rf_emergency"]
    await second.storage.close()


async def test_a_replayed_update_gets_the_replies_its_saved_step_may_not_have_sent(
    engine: Engine, tmp_path: Path
) -> None:
    """The process died after saving a step and before sending all of its replies: the
    replay (``resend``) of that update, in a new process, gets them again, unapplied."""
    db = tmp_path / "backcheck.db"
    first = Conversations(engine, await open_sqlite(db, retention=RETENTION))
    started = await first.handle("tg:1", Event(EventKind.START), event_id="tg:u:1")
    assert len(started.replies) >= 2  # the greeting, then the first question
    await first.storage.close()

    second = Conversations(engine, await open_sqlite(db, retention=RETENTION))
    again = await second.handle("tg:1", Event(EventKind.START), event_id="tg:u:1", resend=True)
    assert again.duplicate
    assert [(r.key, r.text, r.choices, r.question) for r in again.replies] == [
        (r.key, r.text, tuple(Choice(c.id, c.label) for c in r.choices), r.question)
        for r in started.replies
    ]
    plain = await second.handle("tg:1", Event(EventKind.START), event_id="tg:u:1")
    assert plain.duplicate and plain.replies == []  # a redelivery that is not a replay
    session = await second.storage.sessions.load("tg:1")
    assert session is not None and session.handled == ["tg:u:1"] and session.answers == []
    await second.storage.close()


async def test_a_replayed_update_older_than_the_last_step_sends_nothing(engine: Engine) -> None:
    """A later step has been saved (and shown) since: its own replay covers what is left."""
    conv = Conversations(engine, open_memory(retention=RETENTION))
    await conv.handle("u", Event(EventKind.START), event_id="e1")
    calm = Event(EventKind.CHOICE, "none_of_these", "rf_emergency")
    latest = await conv.handle("u", calm, event_id="e2")
    old = await conv.handle("u", Event(EventKind.START), event_id="e1", resend=True)
    assert old.duplicate and old.replies == []
    last = await conv.handle("u", calm, event_id="e2", resend=True)
    assert [r.text for r in last.replies] == [r.text for r in latest.replies]


def test_a_session_keeps_the_last_steps_replies_in_its_record() -> None:
    shown = [
        Reply(ReplyKind.INFO, "ui.welcome", "Hi"),
        Reply(ReplyKind.QUESTION, "q.a", "Any?", (Choice("none", "None"),), "rf_emergency"),
        Reply(ReplyKind.IMAGE, "pic", "Lie down", image="lying", alt="A person lying down"),
    ]
    session = Session(user="u", shown=replies_record(shown))
    assert read_replies(Session.from_json(session.to_json()).shown) == shown
    assert '"sh"' not in Session(user="u").to_json()  # nothing stored when nothing shown


@pytest.mark.parametrize(
    "broken",
    [
        ["Hi"],
        [["shout", "ui.welcome", "Hi"]],
        [["info", "ui.welcome", 7]],
        [["question", "q", "Any?", [["none"]]]],
    ],
)
async def test_unreadable_kept_replies_make_a_replay_send_nothing_not_crash(
    engine: Engine, broken: list[object], caplog: pytest.LogCaptureFixture
) -> None:
    conv = Conversations(engine, open_memory(retention=RETENTION))
    await conv.handle("u", Event(EventKind.START), event_id="e1")
    session = await conv.storage.sessions.load("u")
    assert session is not None
    session.shown = broken
    await conv.storage.sessions.save(session)
    again = await conv.handle("u", Event(EventKind.START), event_id="e1", resend=True)
    assert again.duplicate and again.replies == []
    assert any("unreadable replies" in r.getMessage() for r in caplog.records)


def test_a_session_keeps_only_the_last_few_event_ids() -> None:
    session = Session(user="u", handled=[f"e{i}" for i in range(HANDLED_KEPT)])
    assert Session.from_json(session.to_json()).handled == session.handled


async def test_a_session_forgets_old_event_ids(engine: Engine) -> None:
    conv = Conversations(engine, open_memory(retention=RETENTION))
    await conv.handle("u", Event(EventKind.START), event_id="e0")
    for i in range(1, HANDLED_KEPT + 5):
        calm = Event(EventKind.CHOICE, "none_of_these", "rf_emergency")
        await conv.handle("u", calm, event_id=f"e{i}")
        await conv.handle("u", Event(EventKind.RESTART), event_id=f"r{i}")
    session = await conv.storage.sessions.load("u")
    assert session is not None and len(session.handled) == HANDLED_KEPT


async def test_concurrent_double_tap_is_serialised(engine: Engine) -> None:
    conv = Conversations(engine, open_memory(retention=RETENTION))
    await conv.handle("u", Event(EventKind.START))
    press = Event(EventKind.CHOICE, "none_of_these", "rf_emergency")
    turns = await asyncio.gather(*(conv.handle("u", press) for _ in range(5)))
    assert sum(t.replies[0].key != "ui.already_answered" for t in turns) == 1
    session = await conv.storage.sessions.load("u")
    assert session is not None and [a.question for a in session.answers] == ["rf_emergency"]


class LosesFirstRace(MemorySessions):
    """A storage where another process saves first, once: the save must be retried fresh."""

    def __init__(self) -> None:
        super().__init__(retention=RETENTION)
        self.raced = False

    async def save(self, session: Session) -> None:
        if not self.raced and session.version > 0:
            self.raced = True
            other = await self.load(session.user)
            assert other is not None
            other.country = "GB"
            await super().save(other)
        await super().save(session)


async def test_lost_race_retries_on_the_fresh_session(engine: Engine) -> None:
    storage = open_memory(retention=RETENTION)
    storage.sessions = LosesFirstRace()
    conv = Conversations(engine, storage)
    await conv.handle("u", Event(EventKind.START))
    turn = await conv.handle("u", Event(EventKind.CHOICE, "none_of_these", "rf_emergency"))
    assert turn.question == "rf_urine"
    session = await storage.sessions.load("u")
    assert session is not None
    assert session.country == "GB"  # the other process's change was kept, not overwritten
    assert [a.choice for a in session.answers] == ["none_of_these"]
    assert conv.metrics.retries == 1


class Down(MemorySessions):
    async def load(self, user: str) -> Session | None:
        raise StorageUnavailable("Redis read failed: ConnectionError")


async def test_outage_answers_try_again_and_logs_once(
    engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    storage = open_memory(retention=RETENTION)
    storage.sessions = Down(retention=RETENTION)
    conv = Conversations(engine, storage)
    with caplog.at_level(logging.ERROR):
        for _ in range(3):
            turn = await conv.handle("u", Event(EventKind.START, locale="ru"))
            assert turn.unavailable and turn.replies[0].kind is ReplyKind.WARNING
            assert "112" in turn.replies[0].text
    assert len([r for r in caplog.records if r.levelno >= logging.ERROR]) == 1
    assert not any(r.exc_info for r in caplog.records)


async def test_texts_outside_a_turn_name_the_persons_own_number(engine: Engine) -> None:
    """An outage, an apology or "too busy" names the number of the country the person told
    us, without reading storage; a stranger, or someone who used /forget, gets the generic
    "112 or your local emergency number"."""
    storage = open_memory(retention=RETENTION)
    conv = Conversations(engine, storage)
    await conv.handle("tg:5", Event(EventKind.START, locale="en"))
    await conv.handle("tg:5", Event(EventKind.REGION, "il"))
    generic = engine.catalog.text("country.local_number", "en")
    assert "101" in conv.say("ui.error", user="tg:5")
    assert generic in conv.say("ui.error", user="tg:6")
    storage.sessions = Down(retention=RETENTION)
    turn = await conv.handle("tg:5", Event(EventKind.START, locale="en"))
    assert turn.unavailable and "101" in turn.replies[0].text
    storage.sessions = MemorySessions(retention=RETENTION)
    await conv.handle("tg:5", Event(EventKind.FORGET))
    assert generic in conv.say("ui.error", user="tg:5"), "forgotten: nothing kept"


async def test_forget_deletes_the_stored_session(engine: Engine) -> None:
    storage = open_memory(retention=RETENTION)
    conv = Conversations(engine, storage)
    await conv.handle("u", Event(EventKind.START))
    await conv.handle("u", Event(EventKind.FORGET))
    assert isinstance(storage.sessions, MemorySessions) and storage.sessions.records == {}


async def test_turn_says_when_a_press_was_refused(engine: Engine) -> None:
    conv = Conversations(engine, open_memory(retention=RETENTION))
    await conv.handle("u", Event(EventKind.START))
    applied = await conv.handle("u", Event(EventKind.CHOICE, "none_of_these", "rf_emergency"))
    again = await conv.handle("u", Event(EventKind.CHOICE, "none_of_these", "rf_emergency"))
    assert not applied.refused and again.refused
    assert again.replies[0].key == "ui.already_answered" and again.question == "rf_urine"


async def test_only_a_step_that_changes_the_session_writes_it(engine: Engine) -> None:
    storage = open_memory(retention=RETENTION)
    conv = Conversations(engine, storage)
    await conv.handle("u", Event(EventKind.START))

    async def version() -> int:
        session = await storage.sessions.load("u")
        assert session is not None
        return session.version

    first = await version()
    await conv.handle("u", Event(EventKind.CHOICE, "none_of_these", "rf_emergency"))
    assert await version() == first + 1, "answered: a new state, written"
    await conv.handle("u", Event(EventKind.CHOICE, "none_of_these", "rf_emergency"))
    assert await version() == first + 1, "refused: the same state and record, nothing written"


async def test_an_unreadable_session_starts_fresh_with_one_warning(
    engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    storage = open_memory(retention=RETENTION)
    assert isinstance(storage.sessions, MemorySessions)
    storage.sessions.records["u"] = (4, "not json at all")
    conv = Conversations(engine, storage)
    with caplog.at_level(logging.WARNING, logger="backcheck.service"):
        turn = await conv.handle("u", Event(EventKind.START))
    assert turn.question == "rf_emergency"
    assert len(caplog.records) == 1 and "not json" not in caplog.text
    session = await storage.sessions.load("u")
    assert session is not None and session.version == 1


async def test_a_turn_says_whether_a_press_was_recorded_and_words_the_receipt(
    engine: Engine,
) -> None:
    conv = Conversations(engine, open_memory(retention=RETENTION))
    start = await conv.handle("u", Event(EventKind.START, locale="ru"))
    assert not start.recorded and start.receipt is None, "a command is not an answer"
    press = Event(EventKind.CHOICE, "none_of_these", "rf_emergency")
    answered = await conv.handle("u", press, label="Ничего из этого")
    assert answered.recorded and answered.receipt == "Ваш ответ: Ничего из этого"
    stale = await conv.handle("u", press, label="Ничего из этого")
    assert stale.refused and not stale.recorded and stale.receipt is None
    await conv.handle("u", Event(EventKind.FORGET))
    fresh = await conv.handle("u", press, label="Ничего из этого")
    assert fresh.replies[0].key == "ui.welcome" and not fresh.recorded, "a new check began"


async def test_say_uses_the_platforms_hints(engine: Engine) -> None:
    conv = Conversations(engine, open_memory(retention=RETENTION))
    assert conv.say("ui.your_answer", Hints("ru-RU"), answer="x") == "Ваш ответ: x"
    # an en-GB phone may be anywhere: the language never picks the country's number
    assert "112 or your local emergency number" in conv.say("ui.error", Hints("en-GB"))
    assert conv.say("ui.your_answer", answer="x") == "Your answer: x"


class CountsSaves(MemorySessions):
    """The real memory store, counting writes."""

    saves = 0

    async def save(self, session: Session) -> None:
        self.saves += 1
        await super().save(session)


async def test_stale_presses_write_nothing_and_stop_resending_the_question(
    engine: Engine,
) -> None:
    storage = open_memory(retention=RETENTION)
    sessions = storage.sessions = CountsSaves(retention=RETENTION)
    conv = Conversations(engine, storage)
    await conv.handle("u", Event(EventKind.START))
    await conv.handle("u", Event(EventKind.CHOICE, "none_of_these", "rf_emergency"))
    writes = sessions.saves
    turns = [
        await conv.handle("u", Event(EventKind.CHOICE, "none_of_these", "rf_emergency"))
        for _ in range(200)
    ]
    assert sessions.saves == writes, "a refused press changes nothing, so stores nothing"
    assert all(t.refused and not t.recorded for t in turns)
    assert sum(len(t.replies) for t in turns) <= 200 + REFUSALS_ANSWERED_IN_FULL
    assert all(len(t.replies) == 1 for t in turns[REFUSALS_ANSWERED_IN_FULL:])
    applied = await conv.handle("u", Event(EventKind.CHOICE, "none_of_these", "rf_urine"))
    assert not applied.refused and sessions.saves == writes + 1
    session = await storage.sessions.load("u")
    assert session is not None and [a.question for a in session.answers][-1] == "rf_urine"


async def test_a_recorded_press_carries_the_so_far_line(engine: Engine) -> None:
    conv = Conversations(engine, open_memory(retention=RETENTION))
    await conv.handle("u", Event(EventKind.START))
    turn = await conv.handle("u", Event(EventKind.CHOICE, "none_of_these", "rf_emergency"))
    assert turn.recorded and turn.so_far == "So far: None of these"
    stale = await conv.handle("u", Event(EventKind.CHOICE, "none_of_these", "rf_emergency"))
    assert stale.so_far is None, "a refused press says nothing of the kind"
