"""python-telegram-bot's HTTP layer on aiohttp instead of httpx.

Why: measured on the end-to-end benchmark, httpx and httpcore took about 40% of the bot's CPU
(httpcore scans every pooled connection on every request); aiohttp is already installed for
metrics and the webhook fakes, and the same Bot API calls cost a fraction as much through it.

:class:`AiohttpRequest` mirrors PTB's own ``HTTPXRequest`` so that the library cannot tell them
apart: the same defaults (5 s read/write/connect, 1 s pool), per-call overrides with
``DEFAULT_NONE`` meaning "this instance's default", the media write timeout for uploads,
``TimedOut`` for every timeout (with PTB's wording for a full pool), ``NetworkError`` naming the
aiohttp error otherwise, and ``(status, body)`` returned untouched so that ``BaseRequest`` maps
400/403/409/429 (``RetryAfter``) itself. Proxies are chosen like httpx does: an explicit
``proxy`` for every request, else ``HTTP_PROXY``/``HTTPS_PROXY``/``ALL_PROXY`` from the
environment read once at start, with ``NO_PROXY`` hosts going direct.

Differences that cannot be helped: aiohttp speaks HTTP/1.1 only, and it has no timer for
writing a request body, so the write budget is enforced as part of one deadline over the whole
request (connect + write + read), while ``read_timeout`` still bounds every wait for data.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import ssl
import urllib.request
from typing import Any, Final

import aiohttp
from telegram._utils.defaultvalue import DefaultValue
from telegram._utils.types import ODVInput
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, HTTPXRequest, RequestData

#: Connections for sending: every handler in flight holds at most one (the adapter runs 16
#: updates at once), reminders and the command menu take a few more.
SEND_POOL: Final = 64
#: getUpdates is one long poll at a time (PTB's own default for this instance).
POLL_POOL: Final = 1
POOL_TIMEOUT_MESSAGE: Final = (
    "Pool timeout: All connections in the connection pool are occupied. Request was *not* "
    "sent to Telegram. Consider adjusting the connection pool size or the pool timeout."
)
_FORM: Final = {"Content-Type": "application/x-www-form-urlencoded"}
_UNRESERVED: Final = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-~"


class AiohttpRequest(BaseRequest):
    """A ``telegram.request.BaseRequest`` on one ``aiohttp.ClientSession``.

    Build it anywhere; the session is opened in :meth:`initialize` (or on first use) because
    aiohttp sessions belong to a running event loop.
    """

    __slots__ = (
        "_closed",
        "_connect_timeout",
        "_media_write_timeout",
        "_pool",
        "_pool_size",
        "_pool_timeout",
        "_proxies",
        "_proxy",
        "_read_timeout",
        "_session",
        "_timeouts",
        "_write_timeout",
    )

    def __init__(
        self,
        connection_pool_size: int = 256,
        read_timeout: float | None = 5.0,
        write_timeout: float | None = 5.0,
        connect_timeout: float | None = 5.0,
        pool_timeout: float | None = 1.0,
        proxy: str | None = None,
        media_write_timeout: float | None = 20.0,
    ) -> None:
        if connection_pool_size < 1:
            raise ValueError("connection_pool_size must be at least 1")
        if proxy is not None and not proxy.startswith(("http://", "https://")):
            raise ValueError(f"aiohttp supports http:// and https:// proxies only, not {proxy!r}")
        self._pool_size = connection_pool_size
        self._read_timeout = read_timeout
        self._write_timeout = write_timeout
        self._connect_timeout = connect_timeout
        self._pool_timeout = pool_timeout
        self._media_write_timeout = media_write_timeout
        self._proxy = proxy
        self._proxies: dict[tuple[str, str], str | None] = {}
        self._timeouts: dict[tuple[float | None, ...], aiohttp.ClientTimeout] = {}
        self._pool = asyncio.Semaphore(connection_pool_size)
        self._session: aiohttp.ClientSession | None = None
        self._closed = False

    @property
    def read_timeout(self) -> float | None:
        """The default read timeout (PTB adds the long-poll ``timeout`` to it for getUpdates)."""
        return self._read_timeout

    async def initialize(self) -> None:
        """Open the session (again, after a shutdown)."""
        self._closed = False
        if self._session is None or self._session.closed:
            self._session = self._open()

    async def shutdown(self) -> None:
        """Close the session and its pooled connections."""
        self._closed = True
        session, self._session = self._session, None
        if session is not None and not session.closed:
            await session.close()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        """One HTTP request; the status and the raw body go back to ``BaseRequest``."""
        session = self._session_for_request()
        files = request_data.multipart_data if request_data else None
        read = self._read_timeout if isinstance(read_timeout, DefaultValue) else read_timeout
        connect = (
            self._connect_timeout if isinstance(connect_timeout, DefaultValue) else connect_timeout
        )
        pool = self._pool_timeout if isinstance(pool_timeout, DefaultValue) else pool_timeout
        if isinstance(write_timeout, DefaultValue):
            write = self._media_write_timeout if files else self._write_timeout
        else:
            write = write_timeout
        body, headers = _body(request_data, files)
        timeout = self._timeout(connect, write, read)
        await self._acquire(pool)
        try:
            async with session.request(
                method,
                url,
                data=body,
                headers=headers,
                timeout=timeout,
                proxy=self._proxy_for(url),
            ) as response:
                return response.status, await response.read()
        except TimeoutError as exc:  # aiohttp's ServerTimeoutError is a TimeoutError too
            raise TimedOut from exc
        except aiohttp.ClientError as exc:
            raise NetworkError(f"aiohttp.{type(exc).__name__}: {exc}") from exc
        finally:
            self._pool.release()

    # -- helpers -------------------------------------------------------------------------

    def _session_for_request(self) -> aiohttp.ClientSession:
        if self._closed:
            raise RuntimeError("This AiohttpRequest is not initialized!")
        if self._session is None or self._session.closed:
            self._session = self._open()
        return self._session

    def _timeout(
        self, connect: float | None, write: float | None, read: float | None
    ) -> aiohttp.ClientTimeout:
        """aiohttp's timeout for these budgets (a handful of combinations, built once each)."""
        found = self._timeouts.get((connect, write, read))
        if found is None:
            found = self._timeouts[(connect, write, read)] = aiohttp.ClientTimeout(
                total=_deadline(connect, write, read),
                connect=connect,
                sock_connect=connect,
                sock_read=read,
            )
        return found

    def _open(self) -> aiohttp.ClientSession:
        """A session whose connector pools exactly ``connection_pool_size`` connections."""
        connector = aiohttp.TCPConnector(limit=self._pool_size, limit_per_host=0, ssl=_tls())
        self._proxies.clear()  # the environment is read again, as a new httpx client would
        return aiohttp.ClientSession(
            connector=connector,
            headers={"User-Agent": self.USER_AGENT},
            trust_env=False,  # proxies are chosen here, once per host, not on every request
            cookie_jar=aiohttp.DummyCookieJar(),  # the Bot API sets none; skip the bookkeeping
        )

    async def _acquire(self, timeout: float | None) -> None:
        """Wait for a free connection slot for at most ``timeout`` (PTB's pool timeout)."""
        if not self._pool.locked():
            await self._pool.acquire()
            return
        try:
            await asyncio.wait_for(self._pool.acquire(), timeout)
        except TimeoutError as exc:
            raise TimedOut(POOL_TIMEOUT_MESSAGE) from exc

    def _proxy_for(self, url: str) -> str | None:
        """The explicit proxy, else the environment's for this scheme and host (cached)."""
        if self._proxy is not None:
            return self._proxy
        scheme, _, rest = url.partition("://")
        host = rest.split("/", 1)[0].rsplit("@", 1)[-1]
        key = (scheme, host)
        if key not in self._proxies:
            self._proxies[key] = environment_proxy(scheme, host)
        return self._proxies[key]


def environment_proxy(scheme: str, host: str) -> str | None:
    """``HTTPS_PROXY`` / ``HTTP_PROXY`` / ``ALL_PROXY`` for ``scheme``, unless ``NO_PROXY``
    lists ``host`` (httpx's rules; aiohttp alone would ignore ``ALL_PROXY``)."""
    proxies = urllib.request.getproxies()
    proxy = proxies.get(scheme.lower()) or proxies.get("all")
    if not proxy:
        return None
    hostname = host.rsplit(":", 1)[0] if not host.endswith("]") else host
    if urllib.request.proxy_bypass(hostname.strip("[]")):
        return None
    if "://" not in proxy:
        proxy = f"http://{proxy}"
    if not proxy.startswith(("http://", "https://")):
        raise RuntimeError(f"aiohttp cannot use the proxy {proxy!r}; set BACKCHECK_HTTP=httpx")
    return proxy


def _body(
    request_data: RequestData | None, files: dict[str, Any] | None
) -> tuple[bytes | aiohttp.FormData | None, dict[str, str] | None]:
    """Form-encoded parameters, or multipart when files are uploaded (as httpx sends them)."""
    if request_data is None:
        return None, None
    parameters = request_data.json_parameters
    if not files:
        return (_urlencode(parameters), _FORM) if parameters else (None, None)
    form = aiohttp.FormData(quote_fields=False)
    for name, value in parameters.items():
        form.add_field(name, value)
    for name, (filename, content, mimetype) in files.items():
        form.add_field(name, content, filename=filename, content_type=mimetype)
    return form, None


def _urlencode(parameters: dict[str, str]) -> bytes:
    """``application/x-www-form-urlencoded``, as ``urlencode`` would give but in C speed:
    a value with anything beyond the unreserved characters has every byte percent-encoded
    (``bytes.hex``), which every form decoder reads the same. ``urlencode`` walks the bytes
    of each value in Python and cost about 190 µs per message of Cyrillic text."""
    return "&".join(f"{name}={_quote(value)}" for name, value in parameters.items()).encode()


def _quote(value: str) -> str:
    data = value.encode()
    if not data.rstrip(_UNRESERVED):
        return value
    return "%" + data.hex("%")


def _deadline(*parts: float | None) -> float | None:
    """One deadline over the whole request, or none when any part is unlimited."""
    if any(part is None for part in parts):
        return None
    return sum(part for part in parts if part is not None)


@functools.cache
def _tls() -> ssl.SSLContext:
    """Certifi's bundle when installed (what httpx trusts), else the system's: read once per
    process (loading the bundle costs about 30 ms; both pools share the context)."""
    with contextlib.suppress(ImportError):
        import certifi

        return ssl.create_default_context(cafile=certifi.where())
    return ssl.create_default_context()


def request_pair(backend: str) -> tuple[BaseRequest, BaseRequest]:
    """(for sending, for getUpdates) on ``backend``: "aiohttp" or "httpx" (PTB's own)."""
    if backend == "httpx":
        return HTTPXRequest(connection_pool_size=SEND_POOL), HTTPXRequest(POLL_POOL)
    return AiohttpRequest(SEND_POOL), AiohttpRequest(POLL_POOL)
