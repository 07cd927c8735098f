"""Wiring: settings in, a ready engine, storage and conversation service out.

Start-up refuses an invalid flow or content with every problem listed, so a broken YAML edit
never reaches a person in pain.
"""

from __future__ import annotations

import asyncio
import gc
import logging
from dataclasses import dataclass

from bot.core.content import load_catalog
from bot.core.countries import CountryCatalog
from bot.core.engine import Engine
from bot.core.errors import BackcheckError
from bot.core.flow.parser import load_flow
from bot.core.redflags.detector import RedFlagDetector
from bot.core.reminders import QuietHours
from bot.core.validation import validate
from bot.service import Conversations
from bot.settings import Settings
from bot.storage.base import Storage

log = logging.getLogger("backcheck")
PURGE_EVERY = 3600.0


class InvalidFlow(BackcheckError):
    """The flow or content failed validation; ``problems`` lists each one."""

    def __init__(self, problems: list[BackcheckError]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def build_engine(settings: Settings) -> Engine:
    """Load, validate and compile the flow; raise ``InvalidFlow`` listing every problem."""
    flow = load_flow(settings.flow)
    catalog = load_catalog(settings.content)
    problems = validate(flow, catalog)
    if problems:
        raise InvalidFlow(problems)
    if settings.locale not in catalog.locales:
        raise BackcheckError(
            f"BACKCHECK_LOCALE: no content for {settings.locale!r}; "
            f"available languages: {', '.join(catalog.locales)}"
        )
    detector = RedFlagDetector.load(settings.content, catalog.locales)
    flow.machine  # noqa: B018 - compile the shared Machine now, not on the first message
    start, end = settings.quiet_window
    return Engine(
        flow,
        catalog,
        detector,
        default_locale=settings.locale,
        default_country=settings.country,
        quiet_hours=QuietHours(settings.timezone, start, end),
        followups=settings.followups,
        countries=CountryCatalog.load(settings.content),
        ask_country=True,
    )


def settle() -> None:
    """Once the process serves, move what start-up built out of the garbage collector's way.

    The modules, the compiled flow and content and the red-flag lexicon (about 230,000
    objects) live as long as the process, yet every full collection of the cyclic collector
    walked them all again: about 0.1 s per pass on two cores, a fifth of the bot's CPU per
    update under load in ``benchmarks/``. Frozen, they are skipped; objects made later are
    collected as before, and frozen ones are still freed when nothing refers to them.
    """
    gc.collect()  # start-up's own garbage first: only what stays is frozen
    gc.freeze()


async def open_storage(settings: Settings) -> Storage:
    """Redis when ``REDIS_URL`` is set, else the SQLite file."""
    if settings.redis_url is not None:
        from bot.storage.redis import open_redis

        return await open_redis(
            settings.redis_url.get_secret_value(),
            prefix=settings.redis_prefix,
            retention=settings.retention,
        )
    from bot.storage.sqlite import open_sqlite

    return await open_sqlite(settings.db, retention=settings.retention)


async def purge_forever(app: App, every: float = PURGE_EVERY) -> None:
    """Delete sessions past the retention period, at start and then every ``every`` seconds."""
    while True:
        try:
            removed = await app.conversations.storage.purge()
        except Exception as exc:  # an outage must not end retention for good
            log.warning("retention purge failed (%s); retrying later", type(exc).__name__)
        else:
            if removed:
                log.info("retention: removed %d expired session(s)", removed)
        await asyncio.sleep(every)


@dataclass(slots=True)
class App:
    """What every adapter needs; while open, expired sessions are purged in every mode."""

    settings: Settings
    conversations: Conversations
    retention: asyncio.Task[None] | None = None

    @classmethod
    async def open(cls, settings: Settings) -> App:
        engine = build_engine(settings)
        storage = await open_storage(settings)
        app = cls(settings, Conversations(engine, storage, content=settings.content))
        app.retention = asyncio.create_task(purge_forever(app))
        return app

    async def close(self) -> None:
        if self.retention is not None:
            self.retention.cancel()
            await asyncio.gather(self.retention, return_exceptions=True)
        await self.conversations.storage.close()
