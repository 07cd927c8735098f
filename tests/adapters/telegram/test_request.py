"""The aiohttp request class behaves like PTB's HTTPXRequest, seen through PTB's own Bot.

Everything runs the real python-telegram-bot against the fake Bot API: what is checked is what
a bot would notice (the exception class and message PTB raises, the bytes that arrive, how long
a long poll waits), never how aiohttp is called.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import io
import time
from collections.abc import AsyncIterator

import pytest
from telegram import Bot, InputFile
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut
from telegram.ext import AIORateLimiter, ExtBot

from bot.adapters.telegram.adapter import build_application
from bot.adapters.telegram.request import AiohttpRequest, environment_proxy, request_pair
from bot.settings import Settings
from tests.fakes.telegram_api import FakeTelegram


@pytest.fixture
async def tg() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram() as fake:
        yield fake


def make_bot(fake: FakeTelegram, request: AiohttpRequest | None = None, **kw: object) -> Bot:
    return Bot(
        fake.token,
        base_url=fake.base_url,
        request=request or AiohttpRequest(**kw),  # type: ignore[arg-type]
        get_updates_request=AiohttpRequest(1),
    )


async def test_calls_arrive_with_every_parameter_as_ptb_encodes_them(tg: FakeTelegram) -> None:
    alice = tg.make_user(1001, "Alice", "alice")
    tg.register_chat(tg.private_chat(alice), alice)
    async with make_bot(tg) as bot:
        assert bot.username == tg.bot_username  # getMe: an empty body
        sent = await bot.send_message(1001, "Héllo <b>world</b> &amp; 42", parse_mode="HTML")
    call = next(c for c in tg.calls if c.method == "sendMessage")
    assert call.params["chat_id"] == 1001
    assert call.params["text"] == "Héllo <b>world</b> &amp; 42"
    assert sent.text == "Héllo world & 42"
    assert call.at and sent.message_id


async def test_status_codes_become_ptbs_exceptions(tg: FakeTelegram) -> None:
    async with make_bot(tg) as bot:
        with pytest.raises(BadRequest, match=r"(?i)chat not found"):
            await bot.send_message(777, "nobody there")
        tg.fail_next("sendMessage", code=403)
        with pytest.raises(Forbidden):
            await bot.send_message(777, "blocked")
        tg.fail_next("sendMessage", code=429, retry_after=3)
        with pytest.raises(RetryAfter) as retry:
            await bot.send_message(777, "flood")
        assert retry.value.retry_after in (3, dt.timedelta(seconds=3))
        tg.fail_next("getMe", code=502)
        with pytest.raises(NetworkError, match="Bad Gateway"):
            await bot.get_me()


async def test_the_rate_limiter_waits_out_a_429_and_the_message_arrives(tg: FakeTelegram) -> None:
    alice = tg.make_user(1001, "Alice", "alice")
    tg.register_chat(tg.private_chat(alice), alice)
    bot = ExtBot(
        tg.token,
        base_url=tg.base_url,
        request=AiohttpRequest(),
        get_updates_request=AiohttpRequest(1),
        rate_limiter=AIORateLimiter(max_retries=2),
    )
    async with bot:
        tg.fail_next("sendMessage", code=429, retry_after=1)
        await bot.send_message(1001, "after the flood")
    sends = [c for c in tg.calls if c.method == "sendMessage"]
    assert [c.ok for c in sends] == [False, True]
    assert sends[1].at - sends[0].at >= 0.9


async def test_a_slow_answer_is_timed_out_and_a_per_call_timeout_wins(tg: FakeTelegram) -> None:
    async with make_bot(tg, read_timeout=0.2) as bot:
        tg.stall_next("getMe", 1.0)
        started = time.perf_counter()
        with pytest.raises(TimedOut):
            await bot.get_me()
        assert time.perf_counter() - started < 0.9
        tg.stall_next("getMe", 0.4)
        assert (await bot.get_me(read_timeout=2.0)).username == tg.bot_username
        tg.stall_next("getMe", 0.4)
        with pytest.raises(TimedOut):
            await bot.get_me(read_timeout=0.1)


async def test_a_full_pool_times_out_with_ptbs_words(tg: FakeTelegram) -> None:
    async with make_bot(tg, connection_pool_size=1, pool_timeout=0.1) as bot:
        tg.stall_next("getMe", 0.5)
        first = asyncio.create_task(bot.get_me())
        await asyncio.sleep(0.05)
        with pytest.raises(TimedOut, match="Pool timeout"):
            await bot.get_me()
        assert (await first).username == tg.bot_username


async def test_a_hang_up_is_a_network_error_and_the_next_call_works(tg: FakeTelegram) -> None:
    async with make_bot(tg) as bot:
        tg.drop_next("getMe")
        with pytest.raises(NetworkError, match=r"aiohttp\.") as lost:
            await bot.get_me()
        assert not isinstance(lost.value, TimedOut)
        assert (await bot.get_me()).username == tg.bot_username


async def test_a_refused_connection_is_a_network_error() -> None:
    async with FakeTelegram() as fake:
        base = fake.base_url
    bot = Bot(FakeTelegram().token, base_url=base, request=AiohttpRequest(connect_timeout=1))
    with pytest.raises(NetworkError, match=r"aiohttp\.Client"):
        await bot.initialize()
    await bot.shutdown()


async def test_files_are_uploaded_as_multipart(tg: FakeTelegram) -> None:
    pem = b"-----BEGIN CERTIFICATE-----\nnot really\n-----END CERTIFICATE-----\n"
    async with make_bot(tg) as bot:
        await bot.set_webhook("http://127.0.0.1:9/hook", certificate=InputFile(pem, "cert.pem"))
        await bot.set_webhook(
            "http://127.0.0.1:9/hook",
            certificate=InputFile(io.BytesIO(pem), "handle.pem", read_file_handle=False),
            max_connections=7,
        )
        await bot.delete_webhook()
    first, second = (c for c in tg.calls if c.method == "setWebhook")
    assert first.params["certificate"] == {"filename": "cert.pem", "content": pem}
    assert second.params["certificate"] == {"filename": "handle.pem", "content": pem}
    assert second.params["max_connections"] == 7
    assert second.params["url"] == "http://127.0.0.1:9/hook"


async def test_long_polling_waits_for_an_update_past_the_read_timeout(tg: FakeTelegram) -> None:
    async with make_bot(tg, read_timeout=0.2) as bot:
        poll = asyncio.create_task(bot.get_updates(timeout=2))
        await asyncio.sleep(0.5)  # longer than read_timeout: PTB adds the poll's timeout
        tg.inject_message("/start")
        updates = await asyncio.wait_for(poll, 3)
    assert [u.message.text for u in updates if u.message] == ["/start"]


async def test_polling_and_replies_through_a_whole_application(tg: FakeTelegram) -> None:
    """The adapter's own builder: aiohttp by default, getUpdates on its own connection (our
    own poller in delivery.py calls it; PTB's Updater is not used)."""
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        TELEGRAM_TOKEN=tg.token,
        TELEGRAM_BASE_URL=tg.base_url,
    )
    app = build_application(settings)
    assert isinstance(app.bot.request, AiohttpRequest)
    assert isinstance(app.bot._request[0], AiohttpRequest)
    assert app.updater is None
    async with app:
        tg.inject_message("/ping")
        (update,) = await app.bot.get_updates(timeout=5)
        assert update.message is not None and update.message.text == "/ping"
        assert await app.bot.get_updates(offset=update.update_id + 1, timeout=0) == ()
    assert not tg.pending_updates


def test_backcheck_http_httpx_falls_back_to_ptbs_client() -> None:
    from telegram.request import HTTPXRequest

    sending, polling = request_pair("httpx")
    assert isinstance(sending, HTTPXRequest) and isinstance(polling, HTTPXRequest)
    assert all(isinstance(r, AiohttpRequest) for r in request_pair("aiohttp"))


async def test_a_shut_down_request_refuses_like_httpx(tg: FakeTelegram) -> None:
    request = AiohttpRequest()
    bot = make_bot(tg, request)
    await bot.initialize()
    await request.shutdown()
    with pytest.raises(NetworkError, match="not initialized"):
        await bot.get_me()
    await request.initialize()
    assert (await bot.get_me()).username == tg.bot_username
    await bot.shutdown()


def test_proxies_come_from_the_environment_except_no_proxy(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)
    assert environment_proxy("https", "api.telegram.org") is None
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.example:3128")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    assert environment_proxy("https", "api.telegram.org") == "http://proxy.example:3128"
    assert environment_proxy("http", "127.0.0.1:8081") is None
    assert environment_proxy("http", "api.telegram.org") is None  # HTTPS_PROXY is for https
    monkeypatch.setenv("ALL_PROXY", "proxy.example:8080")
    assert environment_proxy("http", "api.telegram.org") == "http://proxy.example:8080"
    monkeypatch.setenv("ALL_PROXY", "socks5://proxy.example:1080")
    with pytest.raises(RuntimeError, match="BACKCHECK_HTTP=httpx"):
        environment_proxy("http", "api.telegram.org")


async def test_an_explicit_proxy_is_used_for_every_call(tg: FakeTelegram) -> None:
    """The fake doubles as an HTTP proxy target: a request to an unresolvable host goes
    through the proxy, so it reaches the fake (aiohttp sends the absolute URL)."""
    request = AiohttpRequest(proxy=tg.url)
    bot = Bot(tg.token, base_url="http://telegram.invalid/bot", request=request)
    async with bot:
        assert bot.username == tg.bot_username
    with pytest.raises(ValueError, match="http:// and https://"):
        AiohttpRequest(proxy="socks5://127.0.0.1:1080")


async def test_every_character_survives_the_form_encoding(tg: FakeTelegram) -> None:
    alice = tg.make_user(1001, "Alice", "alice")
    tg.register_chat(tg.private_chat(alice), alice)
    text = "Боль? 100% & a=b+c; ё 🚑 ~_.- \n tab\t 'quote\" #hash /slash"
    async with make_bot(tg) as bot:
        await bot.send_message(1001, text)
        await bot.send_message(1001, "plain_ascii-text.~")
    first, second = (c for c in tg.calls if c.method == "sendMessage")
    assert first.params["text"] == text
    assert second.params["text"] == "plain_ascii-text.~"
