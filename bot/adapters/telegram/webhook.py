"""The Telegram webhook: a small aiohttp server that answers 200 only once an update is safe.

Telegram keeps an update and retries it until the webhook answers 200, so the answer waits
until the update is stored in the inbox (see ``delivery``); a press also waits for its own
step, up to ``ACK_AFTER``, unless steps are queued. Telegram runs one Bot API method given in
the response body, so a press's answerCallbackQuery rides there instead of costing a request
of its own. An inbox that cannot be written is a 503: Telegram delivers the update again.

Before anything is read, the request must carry the secret token (Telegram sends it in
``X-Telegram-Bot-Api-Secret-Token``): a stranger who found the URL gets 403 without a byte of
the body read, and a body over ``MAX_BODY`` gets 413 (updates are a few kilobytes). Without
``TELEGRAM_WEBHOOK_SECRET`` the secret is derived from the token, so every worker behind one
URL registers and expects the same one.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import logging
from typing import Final

from aiohttp import web
from telegram import Bot

from bot.adapters.telegram.delivery import ACK_AFTER, Dispatcher, until_through
from bot.core.errors import StorageUnavailable

log = logging.getLogger("backcheck.telegram")

SECRET_HEADER: Final = "X-Telegram-Bot-Api-Secret-Token"
#: Telegram updates are small (a message of 4096 characters is about 20 KB as JSON).
MAX_BODY: Final = 1024 * 1024
#: Connections Telegram may open to the webhook at once (its default, at most 100).
MAX_CONNECTIONS: Final = 40
_DERIVATION: Final = b"backcheck telegram webhook secret v1"


def derive_secret(token: str) -> str:
    """A webhook secret that only the token's holders can compute, the same in every worker.

    HMAC-SHA256 keyed with the token, in the alphabet Telegram allows (A-Z a-z 0-9 _ -).
    """
    digest = hmac.new(token.encode(), _DERIVATION, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


class WebhookServer:
    """Serves ``path`` on ``listen:port`` and registers ``url`` with Telegram."""

    def __init__(
        self,
        bot: Bot,
        dispatcher: Dispatcher,
        *,
        url: str,
        listen: str,
        port: int,
        path: str,
        secret: str,
        allowed_updates: list[str] | None = None,
        max_connections: int = MAX_CONNECTIONS,
    ) -> None:
        self.bot = bot
        self.dispatcher = dispatcher
        self.url = url
        self.listen = listen
        self.port = port
        self.path = "/" + path.lstrip("/")
        self._secret = secret.encode()
        self.allowed_updates = allowed_updates
        self.max_connections = max_connections
        self._runner: web.AppRunner | None = None

    async def start(self) -> None:
        """Listen first, then tell Telegram where: no update is sent to a closed port."""
        app = web.Application(client_max_size=MAX_BODY)
        app.router.add_post(self.path, self._handle)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=5.0)
        await self._runner.setup()
        await web.TCPSite(self._runner, self.listen, self.port).start()
        await self.dispatcher.start()
        await until_through(
            lambda: self.bot.set_webhook(
                self.url,
                secret_token=self._secret.decode(),
                allowed_updates=self.allowed_updates,
                max_connections=self.max_connections,
            ),
            "setWebhook",
        )

    async def stop(self) -> None:
        """Stop listening (Telegram retries what it could not deliver), finish what runs.

        The webhook stays registered: another worker may still be serving it.
        """
        runner, self._runner = self._runner, None
        if runner is not None:
            await runner.shutdown()
        if not await self.dispatcher.drain():
            log.warning("telegram: stopping with updates in flight; the next run replays them")
        await self.dispatcher.close()
        if runner is not None:
            await runner.cleanup()

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, self._secret):
            return _refuse(403)
        if request.content_length is not None and request.content_length > MAX_BODY:
            return _refuse(413)
        try:
            body = await request.read()
        except web.HTTPRequestEntityTooLarge:
            return _refuse(413)
        try:
            raw = json.loads(body)
            int(raw["update_id"])
            text = body.decode()
        except (ValueError, TypeError, KeyError) as exc:
            log.warning("telegram: unreadable webhook update (%s)", type(exc).__name__)
            return web.Response(status=400)
        try:
            (job,) = await self.dispatcher.take([(raw, text)], webhook=True)
        except StorageUnavailable as exc:
            log.warning("telegram: could not store a webhook update, Telegram resends it: %s", exc)
            return web.Response(status=503)
        try:
            if job.query_id is not None and not job.answered:
                # If Telegram hangs up, the update still runs: it is stored.
                await asyncio.wait([job.settled], timeout=ACK_AFTER)
                self.dispatcher.answer_now(job)
        finally:
            job.replying = False
        if job.response is None:
            return web.Response(status=200)
        return web.Response(body=json.dumps(job.response).encode(), content_type="application/json")


def _refuse(status: int) -> web.Response:
    """An error that also closes the connection, so an unread body is never drained."""
    response = web.Response(status=status)
    response.force_close()
    return response
