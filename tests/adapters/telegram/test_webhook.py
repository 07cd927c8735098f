"""The webhook: secret checked before the body is read, bodies capped, one secret for every
worker, 200 only once the update is stored, and a press answered inside the HTTP response."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from bot.adapters.telegram.webhook import MAX_BODY, SECRET_HEADER, derive_secret
from bot.core.engine import Engine
from bot.core.errors import StorageUnavailable
from tests.adapters.conftest import Person, make_settings, question_id, running
from tests.adapters.telegram.test_delivery import alice_gated
from tests.fakes.telegram_api import FakeTelegram, unused_tcp_port

PATH = "/telegram/hook"


def webhook_settings(tg: FakeTelegram, tmp_path: Path, port: int, **env: Any) -> Any:
    return make_settings(
        tg,
        tmp_path,
        TELEGRAM_WEBHOOK_URL=f"http://127.0.0.1:{port}{PATH}",
        TELEGRAM_WEBHOOK_PORT=port,
        **env,
    )


async def raw_post(port: int, headers: dict[str, str], body: bytes) -> tuple[int, int]:
    """POST by hand, sending only ``body`` of what the headers announce; returns the status
    and how many body bytes had been sent when it arrived."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    head = [f"POST {PATH} HTTP/1.1", "Host: 127.0.0.1", *(f"{k}: {v}" for k, v in headers.items())]
    writer.write(("\r\n".join(head) + "\r\n\r\n").encode() + body)
    await writer.drain()
    status_line = await asyncio.wait_for(reader.readline(), 5)
    writer.close()
    return int(status_line.split()[1]), len(body)


async def test_a_wrong_secret_is_refused_before_the_body_and_big_bodies_are_refused(
    tg: FakeTelegram, tmp_path: Path, app_engine: Engine
) -> None:
    port = unused_tcp_port()
    async with running(webhook_settings(tg, tmp_path, port), tg, app_engine):
        secret = (await tg.wait_for_call("setWebhook")).params["secret_token"]
        huge = {"Content-Length": str(95 * 1024 * 1024), "Content-Type": "application/json"}
        assert await raw_post(port, {**huge, SECRET_HEADER: "wrong"}, b"{") == (403, 1)
        assert await raw_post(port, huge, b"{") == (403, 1)
        assert await raw_post(port, {**huge, SECRET_HEADER: secret}, b"{") == (413, 1)

        chunked = {SECRET_HEADER: secret, "Transfer-Encoding": "chunked"}
        piece = b"x" * 65536
        chunks = b"".join(b"%x\r\n%s\r\n" % (len(piece), piece) for _ in range(20))
        status, _ = await raw_post(port, chunked, chunks + b"0\r\n\r\n")
        assert status == 413 and len(piece) * 20 > MAX_BODY


async def test_workers_without_a_configured_secret_share_one_derived_from_the_token(
    tg: FakeTelegram, tmp_path: Path, app_engine: Engine
) -> None:
    ports = unused_tcp_port(), unused_tcp_port()
    alice = Person(tg, tg.make_user(1001, "Alice", "alice"))
    first = webhook_settings(tg, tmp_path, ports[0])
    second = webhook_settings(tg, tmp_path / "second", ports[1])
    (tmp_path / "second").mkdir()
    async with running(first, tg, app_engine), running(second, tg, app_engine):
        secrets = [c.params["secret_token"] for c in tg.calls if c.method == "setWebhook"]
        assert secrets == [derive_secret(tg.token)] * 2
        assert tg.token not in secrets[0]
        for port in ports:  # the load balancer may pick either worker
            update = tg.make_message_update("/start", user=alice.user)
            tg.register_chat(tg.private_chat(alice.user), alice.user)
            url = f"http://127.0.0.1:{port}{PATH}"
            assert await tg.post_to_webhook(update, url=url) == 200
    assert derive_secret("another:token") != derive_secret(tg.token)


async def test_the_webhook_answers_once_the_update_is_stored(
    tg: FakeTelegram, tmp_path: Path, app_engine: Engine
) -> None:
    port = unused_tcp_port()
    settings = webhook_settings(tg, tmp_path, port)
    async with alice_gated(settings, tg, app_engine) as (bot, gated, alice):
        tg.register_chat(tg.private_chat(alice.user), alice.user)
        update = tg.make_message_update("/start", user=alice.user)
        assert await tg.post_to_webhook(update) == 200  # while the step is held
        await gated.waiting.wait()
        stored = await bot.app.conversations.inbox.claim(float("inf"))
        assert [p.id for p in stored] == [f"tg:{update['update_id']}"]
        gated.gate.set()
        await alice.replies()
        assert await bot.app.conversations.storage.sessions.load("tg:1001") is not None


async def test_an_update_that_cannot_be_stored_is_left_to_telegram(
    tg: FakeTelegram, tmp_path: Path, app_engine: Engine
) -> None:
    port = unused_tcp_port()
    async with running(webhook_settings(tg, tmp_path, port), tg, app_engine) as bot:
        inbox = bot.app.conversations.inbox
        alice = Person(tg, tg.make_user(1001, "Alice", "alice"))
        tg.register_chat(tg.private_chat(alice.user), alice.user)

        async def unavailable(*_: object, **__: object) -> None:
            raise StorageUnavailable("SQLite: the disk is full")

        put, inbox.put = inbox.put, unavailable  # type: ignore[method-assign]
        update = tg.make_message_update("/start", user=alice.user)
        assert await tg.post_to_webhook(update) == 503, "Telegram retries a non-200"
        inbox.put = put  # type: ignore[method-assign]
        assert await tg.post_to_webhook(update) == 200
        await alice.replies()


async def test_a_press_is_answered_in_the_webhook_response(
    tg: FakeTelegram, tmp_path: Path, app_engine: Engine
) -> None:
    port = unused_tcp_port()
    async with running(webhook_settings(tg, tmp_path, port), tg, app_engine):
        alice = Person(tg, tg.make_user(1001, "Alice", "alice"))
        alice.say("/start")
        _, question = await alice.replies()
        alice.tap(question, "none_of_these")
        ack, second = await alice.answered()
        assert ack.ok and ack in tg.webhook_replies, "answered in the response, not a request"
        assert question_id(second) != "rf_emergency", "the question became the next one"

        tg.press_button(question, force_data="rf_emergency|none_of_these")  # stale: a toast
        toast = await tg.wait_for_call("answerCallbackQuery")
        assert toast in tg.webhook_replies and toast.params["text"]
    replies = [json.dumps(c.params) for c in tg.webhook_replies]
    assert all(c.method == "answerCallbackQuery" for c in tg.webhook_replies), replies


def test_a_polling_bot_never_loads_the_webhook_server() -> None:
    """aiohttp.web costs 1.6 MB of every process; only a webhook run needs it."""
    code = (
        "import sys, bot.adapters.telegram.adapter, bot.runner; print('aiohttp.web' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


async def test_a_failed_set_webhook_at_start_up_is_tried_again_not_a_crash(
    tg: FakeTelegram, tmp_path: Path, app_engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    port = unused_tcp_port()
    tg.drop_next("setWebhook", times=2)  # the Bot API out of reach for a moment
    async with running(webhook_settings(tg, tmp_path, port), tg, app_engine):
        assert tg.webhook_url == f"http://127.0.0.1:{port}{PATH}"
        alice = Person(tg, tg.make_user(1001, "Alice", "alice"))
        alice.say("/start")
        await alice.replies()
    tries = [r.getMessage() for r in caplog.records if "setWebhook failed" in r.getMessage()]
    assert len(tries) == 2 and all("retry in" in line for line in tries), tries
