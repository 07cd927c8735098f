"""Shared fixtures: the real flow, content and red-flag detector, loaded once per session.

The suite runs on every core and two spare workers (pytest-xdist, ``-n auto`` in pyproject,
``pytest_xdist_auto_num_workers`` below): each worker process builds these once. Tests that
need one process for themselves do not exist; what workers share is kept apart by the tests
(``tmp_path``, free ports, a key prefix per Redis test).
"""

from __future__ import annotations

import fcntl
import functools
import logging
import os
import subprocess
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import pytest

import bot.app
from bot.core.content import Catalog, load_catalog, strict_placeholders
from bot.core.countries import CountryCatalog
from bot.core.engine import Engine
from bot.core.flow.model import Flow
from bot.core.flow.parser import load_flow
from bot.core.messages import Event, EventKind, Reply
from bot.core.redflags.detector import RedFlagDetector
from bot.core.redflags.morphology import default_cache_dir
from bot.core.session import Session
from bot.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
FLOW = ROOT / "flows" / "triage.yaml"
CONTENT = ROOT / "content"
_WARMING_LOCK = "warming.lock"

# httpx honours proxy variables even for loopback; the fakes live on 127.0.0.1.
os.environ["NO_PROXY"] = "127.0.0.1,localhost"
os.environ["no_proxy"] = "127.0.0.1,localhost"


def pytest_configure(config: pytest.Config) -> None:
    """Keep the red-flag dictionaries' cache (bot/core/redflags/morphology.py) out of the home
    directory: in pytest's own cache folder, shared by the bots the tests start (and by the
    workers: the cache writes its files atomically)."""
    cache = getattr(config, "cache", None)
    if cache is not None:
        os.environ["XDG_CACHE_HOME"] = str(cache.mkdir("xdg-cache"))
    if not hasattr(config, "workerinput") and not config.option.collectonly:
        _start_warming()


#: A new interpreter that fills the dictionaries' cache: loading the detector writes it.
_WARM = (
    "import sys; from bot.core.redflags.detector import RedFlagDetector as D; D.load(sys.argv[1])"
)
_warming: subprocess.Popen[bytes] | None = None


def _start_warming() -> None:
    """On a cold cache (a fresh clone: pytest's cache folder is new), fill it once, in the
    background, while the workers collect the tests. Without this each worker's first
    detector load computed every word form itself (about 5 s of CPU each, at the same time);
    now they wait on ``_WARMING_LOCK`` (held by the filling process until it ends) and read
    the cache. A failed fill only releases the lock: each load then computes as before."""
    global _warming
    folder = default_cache_dir()
    if any(folder.glob("morphology-forms-*.json")):
        return
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / _WARMING_LOCK).open("wb") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # held on by the child's copy of the descriptor
        _warming = subprocess.Popen(
            [sys.executable, "-c", _WARM, str(CONTENT)],
            cwd=ROOT,
            pass_fds=(lock.fileno(),),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )


def _wait_for_warming() -> None:
    """Return once no process started by ``_start_warming`` is filling the cache."""
    path = default_cache_dir() / _WARMING_LOCK
    if path.exists():
        with path.open("rb") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes


def pytest_unconfigure(config: pytest.Config) -> None:
    if _warming is not None and _warming.poll() is None:  # an early end (-x, ^C)
        _warming.terminate()  # the cache writes its files atomically
        _warming.wait()


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """``-n auto``: two workers more than cores. About a third of the suite's time is spent
    waiting (bot processes, sockets, the fakes' timers), and a core left idle meanwhile is
    filled by a spare worker: on 2 cores, 4 workers took the suite from 53-56 s to 44-48 s,
    6 workers back to 55 s (each worker collects and builds its fixtures once).
    ``PYTEST_XDIST_AUTO_NUM_WORKERS`` still wins, as with pytest-xdist's own hook."""
    del config
    if os.environ.get("PYTEST_XDIST_AUTO_NUM_WORKERS", "").isdigit():
        return int(os.environ["PYTEST_XDIST_AUTO_NUM_WORKERS"])
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return (cores or 1) + 2


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests marked ``slow`` (tens of seconds each) go first. The parallel workers take one
    module at a time in this order (``--dist loadscope``, so a module-scoped fixture is made
    once), and the slow modules start at once on different workers instead of being the last
    thing one worker does while the others idle."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)  # a stable sort


strict_placeholders(True)  # a placeholder nothing fills fails the test that renders it


@pytest.fixture(scope="session")
def flow() -> Flow:
    return load_flow(FLOW)


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    return load_catalog(CONTENT)


@functools.cache
def shared_detector() -> RedFlagDetector:
    """The detector for the checkout's content, once per process (fixtures and helpers)."""
    _wait_for_warming()
    return RedFlagDetector.load(CONTENT)


class SharedDetector(RedFlagDetector):
    """``RedFlagDetector`` as ``build_engine`` (and the benchmark smoke test) see it: loading
    the checkout's content in both languages answers the ``detector`` fixture's own (about
    1 s of CPU saved per load; a detector keeps no conversation state, and its word cache
    only remembers answers), any other content a fresh load."""

    @classmethod
    def load(cls, content_dir: Path, locales: Sequence[str] = ("en", "ru")) -> RedFlagDetector:
        if Path(content_dir).resolve() == CONTENT and tuple(locales) == ("en", "ru"):
            return shared_detector()
        return RedFlagDetector.load(content_dir, locales)


@pytest.fixture(scope="session")
def detector() -> RedFlagDetector:
    return shared_detector()


@pytest.fixture(scope="session")
def countries() -> CountryCatalog:
    return CountryCatalog.load(CONTENT)


#: Settings that ``bot.app.build_engine`` never reads: where the sessions are kept, the
#: messengers, logs and metrics. Every other field (flow, content, locale, country, time
#: zone, quiet hours, follow-ups, and any field added later) decides whether two apps may
#: share one compiled engine.
_NOT_ENGINE = ("db", "retention", "log_", "metrics_", "redis_", "telegram_", "http", "discord_")


@pytest.fixture(scope="session", autouse=True)
def compile_once() -> Iterator[None]:
    """``App.open`` compiles the flow, content and red-flag detector (about 1 s of CPU) for
    each app a test opens; here each set of engine settings is compiled once per process and
    the engine handed to every app opened with the same settings. An engine holds no
    conversation state (sessions live in storage), so apps sharing one are as separate as
    apps that each compiled their own; the tests that share ``app_engine`` rely on that too.
    A build that fails is not kept: it fails again for the next test that asks."""
    real: Callable[[Settings], Engine] = bot.app.build_engine
    built: dict[str, Engine] = {}

    def build_engine(settings: Settings) -> Engine:
        key = repr(
            sorted(
                (name, value)
                for name, value in settings.model_dump().items()
                if not name.startswith(_NOT_ENGINE)
            )
        )
        if key not in built:
            built[key] = real(settings)
        return built[key]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(bot.app, "build_engine", build_engine)
        patch.setattr(bot.app, "RedFlagDetector", SharedDetector)
        yield


@pytest.fixture(scope="session")
def app_engine(compile_once: None) -> Engine:
    """The engine ``backcheck run`` builds from the default settings (the real flow and
    content, "Where are you now?" asked), compiled once: most tests differ only in what they
    send."""
    return bot.app.build_engine(Settings(_env_file=None))  # type: ignore[call-arg]


@pytest.fixture
def engine(
    flow: Flow, catalog: Catalog, detector: RedFlagDetector, countries: CountryCatalog
) -> Engine:
    return Engine(flow, catalog, detector, clock=lambda: 1_800_000_000.0, countries=countries)


class Chat:
    """Drives the engine like a person: press buttons by id, type text, send commands."""

    def __init__(
        self,
        engine: Engine,
        user: str = "u1",
        locale: str | None = None,
        *,
        first_time: bool = False,
    ) -> None:
        """A returning person by default: "Where are you now?" was asked at their first
        check (and skipped). ``first_time`` chats as someone the bot has never asked."""
        self.engine = engine
        self.session = engine.new_session(user)
        self.session.asked_country = not first_time
        self.locale = locale
        self.replies: list[Reply] = []
        self.seen: list[Reply] = []  # every reply of the chat so far (a result shown early)

    def send(
        self, kind: EventKind, value: str | None = None, question: str | None = None
    ) -> list[Reply]:
        self.replies = self.engine.handle(
            self.session, Event(kind, value, question, locale=self.locale)
        )
        self.seen.extend(self.replies)
        return self.replies

    def start(self) -> list[Reply]:
        return self.send(EventKind.START)

    def press(self, choice: str) -> list[Reply]:
        """Press a button of the current question (like a real client, naming the question)."""
        return self.send(EventKind.CHOICE, choice, self.question)

    def type(self, text: str) -> list[Reply]:
        return self.send(EventKind.TEXT, text)

    def answer(self, *choices: str) -> list[Reply]:
        for choice in choices:
            self.press(choice)
        return self.replies

    @property
    def question(self) -> str | None:
        for reply in reversed(self.replies):
            if reply.question:
                return reply.question
        return None

    @property
    def choices(self) -> list[str]:
        for reply in reversed(self.replies):
            if reply.choices:
                return [c.id for c in reply.choices]
        return []

    @property
    def text(self) -> str:
        return "\n".join(r.text for r in self.replies)

    @property
    def level(self) -> str | None:
        return self.session.level


@pytest.fixture
def chat(engine: Engine) -> Iterator[Chat]:
    yield Chat(engine)


def new_session(user: str = "u1") -> Session:
    return Session(user=user)


@pytest.fixture
def _restore_logging() -> Iterator[None]:
    """``bot.runner.run`` configures the root logger for the process it serves in; tests that
    call it in the test process put the test's logging back afterwards."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
