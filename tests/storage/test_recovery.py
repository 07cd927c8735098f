"""A readable but wrong record, through the service, on every backend: one log line naming no
one and nothing the person said, then a fresh start, instead of failing every message."""

from __future__ import annotations

import json
import logging

import pytest

from bot.core.engine import Engine
from bot.core.messages import Event, EventKind
from bot.service import Conversations
from bot.storage.base import Storage
from tests.storage.conftest import Clock, make
from tests.storage.records import plant

WRONG = {
    "wrong type": {"lv": 3},
    "another user's record": {"u": "tg:999"},
    "a finding the rules no longer know": {"n": ["finding_removed_by_a_deploy"]},
}


@pytest.mark.parametrize("changes", WRONG.values(), ids=WRONG.keys())
@pytest.mark.parametrize("event", [EventKind.SUMMARY, EventKind.START])
async def test_a_wrong_record_starts_afresh_with_one_log_line(
    storage: Storage,
    engine: Engine,
    clock: Clock,
    caplog: pytest.LogCaptureFixture,
    changes: dict[str, object],
    event: EventKind,
) -> None:
    data = json.loads(make("tg:424242", clock).to_json())
    data.update(changes)
    await plant(storage, "tg:424242", json.dumps(data))
    conv = Conversations(engine, storage)
    with caplog.at_level(logging.DEBUG, logger="backcheck"):
        first = await conv.handle("tg:424242", Event(event))
    assert not first.unavailable and first.replies
    warnings = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(warnings) == 1
    assert "424242" not in caplog.text and "finding_removed" not in caplog.text
    again = await conv.handle("tg:424242", Event(EventKind.SUMMARY))
    assert not again.unavailable and "no finished check" in again.replies[0].text
    session = await storage.sessions.load("tg:424242")
    assert session is not None and session.noted == [] and session.user == "tg:424242"
