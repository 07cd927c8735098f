"""The kill test by webhook (see ``test_kill``): a module of its own, so that the parallel
workers run the two modes side by side instead of one after the other."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core.engine import Engine
from tests.adapters.telegram.test_kill import environment, kill_during_bursts, report
from tests.fakes.telegram_api import ConcurrentWebhookTelegram
from tests.fakes.telegram_api import unused_tcp_port as free_port

pytestmark = pytest.mark.slow


async def test_sigkill_during_bursts_loses_nothing_by_webhook(
    tmp_path: Path, app_engine: Engine
) -> None:
    port = free_port()
    async with ConcurrentWebhookTelegram(webhook_max_attempts=200) as fake:
        env = environment(
            fake,
            tmp_path,
            TELEGRAM_WEBHOOK_URL=f"http://127.0.0.1:{port}/telegram",
            TELEGRAM_WEBHOOK_PORT=str(port),
        )
        figures = await kill_during_bursts(fake, tmp_path, env, app_engine)
    report("webhook", figures)
    assert (figures.lost, figures.duplicated, figures.unanswered) == (0, 0, 0), figures
